//! "What are the differences?" in words: numbered points and an "In summary" sentence, written
//! from facts only (the taxonomy and description, language, licence, age, how many stacks use each
//! tool here, the most voted pros and cons, and how often the tools are used together). A point
//! whose facts are missing is left out rather than guessed.

use serde::Serialize;
use stackdex_catalog::{Catalog, Tool};
use utoipa::ToSchema;

use super::StackupTool;
use crate::format;

/// One numbered point of the explanation.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DifferencePoint {
    pub title: String,
    pub text: String,
}

/// How often two of the compared tools share a stack.
#[derive(Debug, Clone, Copy)]
pub(super) struct Together {
    pub a: usize,
    pub b: usize,
    pub both: i64,
    /// Stacks with both / the stacks chance would give; None when a tool is in no stack.
    pub lift: Option<f64>,
}

/// The points and the summary.
pub(super) fn explain(
    catalog: &Catalog,
    tools: &[&Tool],
    columns: &[StackupTool],
    together: &[Together],
    this_year: i32,
) -> (Vec<DifferencePoint>, String) {
    let names: Vec<&str> = tools.iter().map(|t| t.name.as_str()).collect();
    let mut points = Vec::new();
    let mut summary: Vec<String> = Vec::new();

    // 1. Kind and purpose, from the taxonomy and the description.
    let places: Vec<String> = tools
        .iter()
        .map(|t| {
            let p = catalog.place(t);
            format!("{} › {}", p.category.name, p.subcategory.name)
        })
        .collect();
    let same_role = places.iter().all(|p| p == &places[0]);
    let mut text = if same_role {
        format!(
            "{} are all listed under {}: they fill the same role, and a stack usually picks one.",
            list(&names),
            places[0]
        )
    } else {
        format!(
            "They sit in different places of the taxonomy: {}.",
            list(&names.iter().zip(&places).map(|(n, p)| format!("{n} under {p}")).collect::<Vec<_>>())
        )
    };
    for t in tools {
        let what = first_sentence(&t.description);
        if !what.is_empty() {
            text.push_str(&format!(" {}: {what}", t.name));
        }
    }
    points.push(DifferencePoint { title: "Kind and purpose".into(), text });
    summary.push(if same_role {
        format!("{} do the same job ({})", list(&names), catalog.place(tools[0]).subcategory.name.to_lowercase())
    } else {
        let kinds: Vec<String> = tools
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let kind = catalog.place(t).subcategory.name.to_lowercase();
                if i == 0 {
                    format!("{} is one of the {kind}", t.name)
                } else {
                    format!("{} one of the {kind}", t.name)
                }
            })
            .collect();
        kinds.join(", ")
    });

    // 2. The language each is written in.
    let known: Vec<(&str, &str)> =
        tools.iter().filter(|t| !t.language.is_empty()).map(|t| (t.name.as_str(), t.language.as_str())).collect();
    if known.len() >= 2 || (known.len() == 1 && tools.len() == 2) {
        let text = if known.len() == tools.len() && known.iter().all(|(_, l)| *l == known[0].1) {
            format!("{} are all written in {}.", list(&names), known[0].1)
        } else {
            let mut s = format!(
                "{}.",
                capitalise(&list(&known.iter().map(|(n, l)| format!("{n} is written in {l}")).collect::<Vec<_>>()))
            );
            let unknown: Vec<&str> = tools.iter().filter(|t| t.language.is_empty()).map(|t| t.name.as_str()).collect();
            if !unknown.is_empty() {
                s.push_str(&format!(" The catalog does not say for {}.", list(&unknown)));
            }
            s
        };
        points.push(DifferencePoint { title: "Language".into(), text });
    }

    // 3. Licence and openness.
    let licences: Vec<String> = tools
        .iter()
        .map(|t| match (t.open_source, t.license.is_empty()) {
            (true, false) => format!("{} is open source under {}", t.name, t.license),
            (true, true) => format!("{} is open source", t.name),
            (false, _) if t.hosted_saas => format!("{} is a proprietary hosted service", t.name),
            (false, false) => format!("{} is under {}", t.name, t.license),
            (false, true) => format!("{} is not open source", t.name),
        })
        .collect();
    points.push(DifferencePoint { title: "Licence".into(), text: format!("{}.", capitalise(&list(&licences))) });
    let closed: Vec<&str> = tools.iter().filter(|t| !t.open_source).map(|t| t.name.as_str()).collect();
    if !closed.is_empty() && closed.len() < tools.len() {
        summary.push(format!("{} not open source", be(&closed)));
    }

    // 4. Age.
    let mut dated: Vec<(&str, i32)> =
        tools.iter().filter(|t| t.first_release > 0).map(|t| (t.name.as_str(), i32::from(t.first_release))).collect();
    dated.sort_by_key(|(_, y)| *y);
    if dated.len() >= 2 {
        let (oldest, first) = dated[0];
        let (newest, last) = dated[dated.len() - 1];
        let years = |y: i32| format!("{y} ({} years ago)", (this_year - y).max(0));
        let text = if first == last {
            format!(
                "{} first came out the same year, {}.",
                list(&dated.iter().map(|(n, _)| *n).collect::<Vec<_>>()),
                years(first)
            )
        } else {
            let mut text = format!(
                "{oldest} first came out in {}, {newest} in {}: {oldest} has {} more years of releases and users behind it.",
                years(first),
                years(last),
                last - first,
            );
            if dated.len() > 2 {
                let releases: Vec<String> = dated.iter().map(|(n, y)| format!("{n} in {y}")).collect();
                text.push_str(&format!(" In order: {}.", list(&releases)));
            }
            text
        };
        points.push(DifferencePoint { title: "Age".into(), text });
        if first != last {
            let most = if tools.len() == 2 { "older" } else { "oldest" };
            summary.push(format!("{oldest} is the {most} ({first})"));
        }
    }

    // 5. How widely each is used here.
    let mut by_stacks: Vec<(&str, i64)> = columns.iter().map(|c| (c.name.as_str(), c.stats.stacks)).collect();
    by_stacks.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    if by_stacks[0].1 > 0 {
        let (top, most) = by_stacks[0];
        let others: Vec<String> = by_stacks[1..]
            .iter()
            .map(|(n, s)| match *s {
                0 => format!("{n} in none"),
                s if s == most => format!("{n} in as many"),
                s => format!("{n} in {} ({:.1}× fewer)", format::compact(s), most as f64 / s as f64),
            })
            .collect();
        let followers: Vec<String> =
            columns.iter().map(|c| format!("{} {}", c.name, format::compact(c.stats.followers))).collect();
        points.push(DifferencePoint {
            title: "Use on this site".into(),
            text: format!(
                "{top} is in {} stacks here, {}. Followers: {}.",
                format::compact(most),
                list(&others),
                list(&followers)
            ),
        });
        if by_stacks.get(1).is_some_and(|(_, s)| *s < most) {
            let most = if tools.len() == 2 { "more" } else { "the most" };
            summary.push(format!("{top} is in {most} stacks here"));
        }
    }

    // 6 and 7. What the people who use them say.
    let said = |pick: &dyn Fn(&StackupTool) -> Option<(String, i64)>| -> Vec<String> {
        columns
            .iter()
            .filter_map(|c| pick(c).map(|(text, votes)| format!("{} “{text}” ({})", c.name, votes_fmt(votes))))
            .collect()
    };
    let pros = said(&|c| c.pros.first().map(|r| (r.text.clone(), r.votes)));
    if !pros.is_empty() {
        points.push(DifferencePoint {
            title: "What users value".into(),
            text: format!("The most voted pro of each: {}.", list(&pros)),
        });
        let why: Vec<String> = columns
            .iter()
            .filter_map(|c| c.pros.first().map(|r| format!("{} for “{}”", c.name, r.text.to_lowercase())))
            .collect();
        summary.push(format!("people pick {}", list(&why)));
    }
    let cons = said(&|c| c.cons.first().map(|r| (r.text.clone(), r.votes)));
    if !cons.is_empty() {
        points.push(DifferencePoint {
            title: "What users hold against them".into(),
            text: format!("The most voted con of each: {}.", list(&cons)),
        });
    }

    // 8. How often they are used together.
    let pairs: Vec<String> = together
        .iter()
        .map(|t| {
            let (a, b) = (names[t.a], names[t.b]);
            match t.lift {
                Some(lift) => format!(
                    "{a} and {b} share {} stacks, {lift:.1}× what chance would give{}",
                    format::compact(t.both),
                    if lift >= 1.5 {
                        ": they are often used together"
                    } else if lift <= 0.67 {
                        ": few stacks use both, a sign that one replaces the other"
                    } else {
                        ""
                    }
                ),
                None => format!("{a} and {b} share {} stacks", format::compact(t.both)),
            }
        })
        .collect();
    if !pairs.is_empty() {
        points.push(DifferencePoint { title: "Used together".into(), text: format!("{}.", capitalise(&list(&pairs))) });
    }
    let complements = together.iter().filter(|t| t.lift.is_some_and(|l| l >= 1.5)).count();
    let rivals = together.iter().filter(|t| t.lift.is_some_and(|l| l <= 0.67)).count();
    if complements > 0 && complements == together.len() {
        summary.push("they are often used side by side".into());
    } else if rivals > 0 && rivals == together.len() {
        summary.push("stacks rarely use them together".into());
    }

    (points, format!("In summary: {}.", join_clauses(&summary)))
}

/// "a", "a and b", "a, b and c".
fn list<S: AsRef<str>>(items: &[S]) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_owned(),
        [init @ .., last] => {
            format!("{} and {}", init.iter().map(AsRef::as_ref).collect::<Vec<_>>().join(", "), last.as_ref())
        }
    }
}

fn votes_fmt(votes: i64) -> String {
    if votes == 1 { "1 vote".into() } else { format!("{} votes", format::compact(votes)) }
}

/// "X is" or "X and Y are".
fn be(names: &[&str]) -> String {
    format!("{} {}", list(names), if names.len() == 1 { "is" } else { "are" })
}

fn join_clauses(clauses: &[String]) -> String {
    clauses.join("; ")
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

/// The description's first sentence, ending with its full stop.
fn first_sentence(description: &str) -> String {
    let d = description.trim();
    if d.is_empty() {
        return String::new();
    }
    let end = d.find(". ").map_or(d.len(), |i| i + 1);
    let s = &d[..end];
    if s.ends_with('.') { s.to_owned() } else { format!("{s}.") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_read_as_english() {
        assert_eq!(list(&["a"]), "a");
        assert_eq!(list(&["a", "b"]), "a and b");
        assert_eq!(list(&["a", "b", "c", "d"]), "a, b, c and d");
        assert_eq!(first_sentence("One thing. Another."), "One thing.");
        assert_eq!(first_sentence("No stop"), "No stop.");
        assert_eq!(capitalise("django is"), "Django is");
    }
}
