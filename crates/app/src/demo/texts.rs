//! The demo's words (all our own): pros and cons that fit what a tool is (free or paid, hosted
//! or self-run, what kind of tool), and decisions between tools of one kind, explained from
//! catalog facts.

use rand::Rng;
use rand::seq::{IndexedRandom, SliceRandom};
use rand_chacha::ChaCha8Rng;
use stackdex_catalog::{Catalog, Tool};

/// What a tool is, as far as its pros and cons go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Language,
    Framework,
    Library,
    DataStore,
    Hosting,
    BuildAndDeploy,
    Editor,
    Monitoring,
    Business,
    Other,
}

fn kind_of(tool: &Tool) -> Kind {
    match (tool.category.as_str(), tool.subcategory.as_str()) {
        (_, "languages") => Kind::Language,
        (_, "ide" | "text-editor" | "cloud-ide") => Kind::Editor,
        ("languages-and-frameworks", _) => Kind::Framework,
        ("libraries", _) => Kind::Library,
        ("data-stores", _) => Kind::DataStore,
        ("application-hosting" | "assets-and-media", _) => Kind::Hosting,
        ("build-test-deploy", _) => Kind::BuildAndDeploy,
        ("monitoring", _) => Kind::Monitoring,
        _ if tool.layer == "business-tools" => Kind::Business,
        _ => Kind::Other,
    }
}

fn kind_pros(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Language => &["Readable code", "Large standard library", "Plenty of developers know it", "Good tooling"],
        Kind::Framework => {
            &["Productive from day one", "Sensible defaults", "Many plugins and packages", "Clear conventions"]
        }
        Kind::Library => &["Small and focused", "Simple API", "Works with any framework", "Easy to drop in"],
        Kind::DataStore => &["Reliable under load", "Rich query features", "Easy to back up", "Mature replication"],
        Kind::Hosting => &["Quick to set up", "Scales with traffic", "Good global coverage", "Simple configuration"],
        Kind::BuildAndDeploy => {
            &["Fast feedback", "Config lives in the repository", "Many integrations", "Easy to automate"]
        }
        Kind::Editor => &["Fast to start", "Great extensions", "Good debugger", "Smart code completion"],
        Kind::Monitoring => &["Clear dashboards", "Useful alerts", "Quick to instrument", "Finds problems early"],
        Kind::Business => {
            &["Easy for the whole team", "Good mobile apps", "Integrates with our other tools", "Clean interface"]
        }
        Kind::Other => &["Does one job well", "Simple to integrate", "Good defaults"],
    }
}

fn kind_cons(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Language => &["Tooling differs between projects", "Some libraries are unmaintained", "Slow in hot loops"],
        Kind::Framework => {
            &["Upgrades between major versions take work", "Magic hides what happens", "Heavy for small projects"]
        }
        Kind::Library => &["Adds to the bundle size", "Breaking changes between versions", "Few maintainers"],
        Kind::DataStore => &["Tuning needs expertise", "Schema changes need care", "Memory hungry"],
        Kind::Hosting => &["Hard to leave once you depend on it", "Configuration sprawl", "Limits hit without warning"],
        Kind::BuildAndDeploy => &["Builds can get slow", "YAML grows hard to read", "Debugging failed runs is tedious"],
        Kind::Editor => &["Uses a lot of memory", "Extensions can conflict", "Many settings to learn"],
        Kind::Monitoring => &["Noisy alerts by default", "Data retention is short", "Setup takes a while"],
        Kind::Business => &["Notifications get overwhelming", "Search could be better", "Limited offline use"],
        Kind::Other => &["Documentation has gaps", "Small community"],
    }
}

/// Three pros and two cons for a tool of the catalog, fitting its facts: a free open-source
/// project that nobody hosts for you never gets a pricing complaint, and only open-source
/// projects are praised as such.
pub(super) fn reasons(tool: &Tool, rng: &mut ChaCha8Rng) -> (Vec<&'static str>, Vec<&'static str>) {
    let kind = kind_of(tool);
    let mut pros: Vec<&'static str> = Vec::new();
    if tool.open_source {
        pros.push(if rng.random_bool(0.5) { "Open source" } else { "Free and open source" });
    }
    if tool.hosted_saas {
        pros.push("Nothing to host or patch");
    }
    let mut more: Vec<&'static str> = kind_pros(kind).to_vec();
    more.extend(["Well documented", "Active community"]);
    more.shuffle(rng);
    pros.extend(more);
    pros.truncate(3);
    pros.shuffle(rng);

    let mut cons: Vec<&'static str> = Vec::new();
    if paid(tool) {
        cons.push(if tool.hosted_saas { "Gets expensive as usage grows" } else { "Pricing" });
    }
    if tool.hosted_saas && !tool.open_source {
        cons.push("Your data lives on someone else's servers");
    }
    let mut more: Vec<&'static str> = kind_cons(kind).to_vec();
    more.push("Steep learning curve");
    more.shuffle(rng);
    cons.extend(more);
    cons.truncate(2);
    (pros, cons)
}

/// Whether a tool costs money: anything hosted for you, or software that is not open source.
pub(super) fn paid(tool: &Tool) -> bool {
    tool.hosted_saas || !tool.open_source
}

/// Tools that are not chosen between like the others of their subcategory (markup, query
/// languages), so no decision picks them.
const NOT_CHOSEN: &[&str] = &["html5", "css-3", "markdown", "sql", "es6", "django", "rust"];

/// Pairs of tools a team would choose between: same subcategory, curated as alternatives,
/// both used widely; each pair once, in the catalog's order.
pub(super) fn decision_pairs(catalog: &'static Catalog) -> Vec<(&'static Tool, &'static Tool)> {
    let mut pairs = Vec::new();
    for a in catalog.tools() {
        if a.popularity.stacks < 800 || NOT_CHOSEN.contains(&a.slug.as_str()) {
            continue;
        }
        for b in a.alternatives.iter().filter_map(|s| catalog.tool(s)) {
            let fits = b.subcategory == a.subcategory
                && b.category == a.category
                && b.popularity.stacks >= 800
                && !NOT_CHOSEN.contains(&b.slug.as_str());
            let seen = pairs.iter().any(|(x, y): &(&Tool, &Tool)| {
                (x.slug == a.slug && y.slug == b.slug) || (x.slug == b.slug && y.slug == a.slug)
            });
            if fits && !seen {
                pairs.push((a, b));
            }
        }
    }
    pairs
}

/// A decision's body: `chosen` over `other` (decided), or a question between them.
pub(super) fn decision(catalog: &Catalog, chosen: &Tool, other: &Tool, decided: bool, rng: &mut ChaCha8Rng) -> String {
    let what = catalog.place(chosen).subcategory.name.to_lowercase();
    let (a, b) = (&chosen.name, &other.name);
    if !decided {
        let asks = [
            format!(
                "We are choosing between **{a}** and **{b}** for a new project. Has anyone run both in production? What made you pick one?"
            ),
            format!(
                "Our team is split between **{a}** and **{b}**. For those who moved from one to the other: was it worth it?"
            ),
            format!(
                "Looking at {what} for a small team: **{a}** or **{b}**? We care most about upkeep over the next few years."
            ),
        ];
        return asks.choose(rng).expect("questions").clone();
    }
    let opening = [
        format!("We went with **{a}** over **{b}**."),
        format!("After trying both, we settled on **{a}** rather than **{b}**."),
        format!("We moved from **{b}** to **{a}** last year."),
    ];
    let mut body = opening.choose(rng).expect("openings").clone();
    body.push(' ');
    body.push_str(&why(chosen, other, rng));
    let closing = [
        "So far it has held up well.",
        "We would make the same choice again.",
        "The switch took less time than we feared.",
        "It has been one less thing to think about.",
    ];
    body.push_str("\n\n");
    body.push_str(closing.choose(rng).expect("closings"));
    body
}

/// One reason, from the facts that set the two tools apart.
fn why(chosen: &Tool, other: &Tool, rng: &mut ChaCha8Rng) -> String {
    let (a, b) = (&chosen.name, &other.name);
    let mut reasons: Vec<String> = Vec::new();
    if chosen.open_source && !other.open_source {
        reasons.push(format!("{a} is open source, so we can read the code and are not tied to one vendor."));
    }
    if chosen.hosted_saas && !other.hosted_saas {
        reasons.push(format!("{a} is run for us, and nobody on the team wanted to keep {b} patched."));
    }
    if !chosen.hosted_saas && other.hosted_saas {
        reasons.push(format!("We wanted to keep this on our own servers rather than depend on {b}'s service."));
    }
    if chosen.first_release > 0 && other.first_release > 0 {
        if chosen.first_release + 3 <= other.first_release {
            reasons.push(format!(
                "{a} has been around since {}, and most of the team already knew it.",
                chosen.first_release
            ));
        } else if other.first_release + 3 <= chosen.first_release {
            reasons.push(format!(
                "{a} is the younger project (first released in {}), and its design fits how we work today.",
                chosen.first_release
            ));
        }
    }
    if reasons.is_empty() {
        reasons
            .push(format!("Most of us had used {a} before, which made it the cheaper choice to run and to hire for."));
        reasons.push(format!("{a} fitted our deployment better, and its documentation answered our questions faster."));
    }
    reasons.choose(rng).expect("a reason").clone()
}
