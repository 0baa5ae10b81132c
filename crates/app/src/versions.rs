//! Which versions of a tool the stacks that use it run: the share of stacks on each major
//! version (the first numeric part, as the fleet counts it), from each stack's latest snapshot.

use std::collections::BTreeMap;

use serde::Serialize;
use utoipa::ToSchema;

use crate::fleet::major;

/// Majors listed by name; the rest are summed as "other".
const SHOWN: usize = 5;

/// One major version and the stacks on it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct VersionShare {
    /// `16`, or `other` for the majors past the first five.
    pub major: String,
    pub stacks: i64,
    /// Of the stacks that name a version, 0 to 1.
    pub share: f64,
}

impl VersionShare {
    /// The share as the page writes it: `41%`, or `<1%`.
    pub fn percent(&self) -> String {
        let p = self.share * 100.0;
        if p > 0.0 && p < 1.0 { "<1%".into() } else { format!("{p:.0}%") }
    }

    /// The bar's width in per cent.
    pub fn width(&self) -> f64 {
        (self.share * 1000.0).round() / 10.0
    }
}

/// The versions of a tool across the stacks using it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
pub struct VersionSpread {
    /// Stacks whose latest snapshot names a version of the tool.
    pub known: i64,
    /// Stacks using it without a version found.
    pub unknown: i64,
    /// Most used major first; a stack on two majors counts for each.
    pub majors: Vec<VersionShare>,
}

impl VersionSpread {
    /// From (the versions a snapshot holds, comma-separated; the stacks holding exactly that).
    pub fn of(rows: &[(String, i64)]) -> VersionSpread {
        let mut by_major: BTreeMap<u64, i64> = BTreeMap::new();
        let (mut known, mut unknown) = (0, 0);
        for (versions, stacks) in rows {
            let mut majors: Vec<u64> = versions.split(',').filter_map(|v| major(v.trim())).collect();
            majors.sort_unstable();
            majors.dedup();
            if majors.is_empty() {
                unknown += stacks;
                continue;
            }
            known += stacks;
            for m in majors {
                *by_major.entry(m).or_default() += stacks;
            }
        }
        let mut ranked: Vec<(u64, i64)> = by_major.into_iter().collect();
        // Most stacks first; at a tie, the newer major.
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then(b.0.cmp(&a.0)));
        let share = |n: i64| if known == 0 { 0.0 } else { n as f64 / known as f64 };
        let mut majors: Vec<VersionShare> = ranked
            .iter()
            .take(SHOWN)
            .map(|(m, n)| VersionShare { major: m.to_string(), stacks: *n, share: share(*n) })
            .collect();
        let rest: i64 = ranked.iter().skip(SHOWN).map(|(_, n)| n).sum();
        if rest > 0 {
            majors.push(VersionShare { major: "other".into(), stacks: rest, share: share(rest) });
        }
        VersionSpread { known, unknown, majors }
    }

    /// In one sentence: "16 in 41% of the stacks that name a version, 15 in 30%, …".
    pub fn sentence(&self, tool: &str) -> String {
        let parts: Vec<String> = self
            .majors
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let name = if m.major == "other" { "other versions".to_owned() } else { m.major.clone() };
                if i == 0 {
                    format!(
                        "{name} in {} of the {} stacks that name a version",
                        m.percent(),
                        crate::format::thousands(self.known)
                    )
                } else {
                    format!("{name} in {}", m.percent())
                }
            })
            .collect();
        format!("{tool}: {}", parts.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(list: &[(&str, i64)]) -> Vec<(String, i64)> {
        list.iter().map(|(v, n)| (v.to_string(), *n)).collect()
    }

    #[test]
    fn stacks_are_counted_per_major_and_shared_among_those_naming_a_version() {
        let spread = VersionSpread::of(&rows(&[
            ("16.2", 30),
            ("16.4", 11),
            ("15.1", 30),
            ("v14.9, 15.3", 9),
            ("", 20),
            ("latest", 5),
        ]));
        assert_eq!((spread.known, spread.unknown), (80, 25));
        let majors: Vec<(&str, i64)> = spread.majors.iter().map(|m| (m.major.as_str(), m.stacks)).collect();
        assert_eq!(majors, [("16", 41), ("15", 39), ("14", 9)], "a stack on two majors counts for each");
        assert_eq!(spread.majors[0].percent(), "51%");
        assert_eq!(
            spread.sentence("PostgreSQL"),
            "PostgreSQL: 16 in 51% of the 80 stacks that name a version, 15 in 49%, 14 in 11%"
        );
    }

    #[test]
    fn past_five_majors_the_rest_is_other_and_nothing_known_gives_nothing() {
        let many: Vec<(String, i64)> = (1..=8).map(|m| (format!("{m}.0"), m as i64)).collect();
        let spread = VersionSpread::of(&many);
        let names: Vec<&str> = spread.majors.iter().map(|m| m.major.as_str()).collect();
        assert_eq!(names, ["8", "7", "6", "5", "4", "other"]);
        assert_eq!(spread.majors[5].stacks, 1 + 2 + 3);
        assert_eq!(spread.known, 36);
        let none = VersionSpread::of(&rows(&[("", 12)]));
        assert!(none.majors.is_empty() && none.known == 0 && none.unknown == 12);
    }
}
