//! The demo community: a deterministic set of users, organisations, stacks, follows, pros and
//! cons, votes, decisions with comments, views and GitHub readings, built through the same
//! store functions that real users' actions use (batched), so every figure on every page is
//! computed. At scale 1 the "Django vs Rust" stackup shows exactly the figures of the page
//! stackdex started from; `scale` multiplies the community for benchmarks.

use std::collections::{HashMap, HashSet};

use indicatif::{ProgressBar, ProgressStyle};
use rand::seq::{IndexedRandom, index};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use stackdex_store::{
    DecisionKind, NewDecision, NewReason, NewSnapshot, NewUser, Origin, OwnerKind, ReasonId, ReasonKind, Role,
    SnapshotDetails, SnapshotLanguage, SnapshotSource, SnapshotTool, StackKind, StackRef, Tag, ToolId, UserId,
};

mod featured;
mod names;
mod texts;

use crate::github::RepoResponse;
use crate::{App, Result};

/// Marks a database whose demo community is complete.
const DONE_KEY: &str = "demo_scale";

/// Exact targets for the tools of the seed page: stacks, followers, GitHub stars and forks.
struct Target {
    slug: &'static str,
    stacks: i64,
    followers: i64,
    stars: i64,
    forks: i64,
    pros: &'static [(&'static str, i64)],
    cons: &'static [(&'static str, i64)],
    /// Further reasons (our own words) that carry the rest of the tool's votes, ranked below.
    more_pros: &'static [&'static str],
    more_cons: &'static [&'static str],
    votes: i64,
}

const SEED: &[Target] = &[
    Target {
        slug: "django",
        stacks: 38_712,
        followers: 34_791,
        stars: 85_642,
        forks: 33_217,
        pros: &[
            ("Rapid development", 678),
            ("Open source", 488),
            ("Great community", 426),
            ("Easy to learn", 380),
            ("Mvc", 277),
        ],
        cons: &[
            ("Underpowered templating", 26),
            ("Autoreload restarts whole server", 22),
            ("Underpowered ORM", 22),
            ("URL dispatcher ignores HTTP method", 15),
            ("Internal subcomponents coupling", 10),
        ],
        more_pros: &[
            "Admin site generated from the models",
            "Batteries included",
            "Thorough documentation",
            "Migrations built in",
            "Secure defaults against common attacks",
            "Mature and stable",
            "Python ecosystem at hand",
            "Scales to large sites",
            "Good test tooling",
            "Many reusable apps",
        ],
        more_cons: &["Monolithic by design", "Async support arrived late"],
        votes: 4_203,
    },
    Target {
        slug: "rust",
        stacks: 6_104,
        followers: 5_012,
        stars: 107_618,
        forks: 13_941,
        pros: &[
            ("Guaranteed memory safety", 146),
            ("Fast", 133),
            ("Open source", 89),
            ("Minimal runtime", 75),
            ("Pattern matching", 73),
        ],
        cons: &[
            ("Hard to learn", 28),
            ("Ownership learning curve", 24),
            ("Unfriendly, verbose syntax", 12),
            ("Many type operations make it difficult to follow", 4),
            ("High size of builded executable", 4),
        ],
        more_pros: &[
            "Cargo makes builds and dependencies easy",
            "Helpful compiler messages",
            "Safe concurrency",
            "No garbage collector pauses",
            "Expressive type system",
            "Compiles to WebAssembly",
            "Welcoming community",
            "Zero-cost abstractions",
            "Great tooling (rustfmt, clippy)",
        ],
        more_cons: &["Slow compile times"],
        votes: 1_187,
    },
];

/// The advice posts of the seed page, in our own words, with their dates and view counts.
struct SeedPost {
    author: (&'static str, &'static str, &'static str),
    kind: DecisionKind,
    date: i64,
    views: i64,
    tools: &'static [&'static str],
    body: &'static str,
}

const POSTS: &[SeedPost] = &[
    SeedPost {
        author: ("alvaro", "Ing. Alvaro", "Software Systems Engineer at Ripio"),
        kind: DecisionKind::Decided,
        date: 1_590_019_200, // 2020-05-21
        views: 524_318,
        tools: &["django", "visual-studio", "azure", "c-sharp", "asp-net", "dot-net"],
        body: "I moved my whole stack to Microsoft's tools because they fit together so well: setting up and \
               deploying projects from **Visual Studio** to **Azure** takes minutes, and for C# the IDE covers \
               every part of the work.\n\nOf the project templates I have tried, ASP.NET MVC's beat what I used \
               with Django, Rails and Laravel.",
    },
    SeedPost {
        author: ("sachin", "Sachin", ""),
        kind: DecisionKind::NeedsAdvice,
        date: 1_585_094_400, // 2020-03-25
        views: 283_157,
        tools: &["django", "nodejs", "python"],
        body: "As a beginner, which should I learn first? I keep hearing that Django is going out of fashion.\n\n\
               I meant to start with Node.js, changed my mind, and have now learned most of Django's basics. \
               Should I go deeper into Django, or drop it and start Node.js from scratch?",
    },
    SeedPost {
        author: ("abderrahmane", "abderrahmane", ""),
        kind: DecisionKind::NeedsAdvice,
        date: 1_583_971_200, // 2020-03-12
        views: 136_402,
        tools: &["django", "python", "nodejs"],
        body: "I work on the front end and have spent the last month learning back-end work in Python. I like \
               the language, but Django does so much for me that I hardly write anything myself, and I enjoy \
               building things by hand.\n\nShould I switch to Node.js and stay with it? Is Django really that easy?",
    },
];

/// Stackup views that make the seed's "related comparisons".
const STACKUP_VIEWS: &[(&str, i64)] = &[
    ("django-vs-rust", 61_204),
    ("bootstrap-vs-materialize", 58_911),
    ("django-vs-laravel-vs-nodejs", 52_377),
    ("bootstrap-vs-foundation-vs-material-ui", 47_020),
    ("nodejs-vs-spring-boot", 41_388),
    ("flyway-vs-liquibase", 36_540),
    ("mongodb-vs-postgresql", 22_310),
    ("react-vs-vuejs", 21_870),
    ("angularjs-vs-react", 18_402),
    ("mysql-vs-postgresql", 17_985),
    ("docker-vs-kubernetes", 12_004),
    ("golang-vs-rust", 9_876),
];

/// The ecosystems of the featured projects and how many synthetic stacks each makes up at
/// scale 1. Python is the largest because Django's seed figure (38,712 stacks) must fit in
/// Python stacks; the rest keep a plausible spread.
const ECOSYSTEMS: &[(&str, usize)] = &[
    ("python", 48_000),
    ("javascript", 30_000),
    ("php", 10_000),
    ("ruby", 6_000),
    ("java-kotlin", 6_000),
    ("rust", 5_600),
    ("dotnet", 5_000),
    ("go", 4_000),
    ("infra", 2_000),
    ("dart", 1_500),
    ("swift", 1_500),
    ("elixir", 1_000),
];

/// The ecosystem whose libraries a tool written in `language` belongs to.
fn ecosystem_of_language(language: &str) -> Option<&'static str> {
    Some(match language {
        "Python" => "python",
        "JavaScript" | "TypeScript" | "CoffeeScript" => "javascript",
        "PHP" => "php",
        "Ruby" => "ruby",
        "Java" | "Kotlin" | "Scala" | "Groovy" => "java-kotlin",
        "Rust" => "rust",
        "C#" | "F#" => "dotnet",
        "Go" => "go",
        "Dart" => "dart",
        "Swift" | "Objective-C" => "swift",
        "Elixir" | "Erlang" => "elixir",
        _ => return None,
    })
}

/// The share of an ecosystem's synthetic stacks that carry a tool used by `share` of its
/// featured projects: tools every project has are in most stacks, rare ones in few.
fn carried(share: f64) -> f64 {
    0.9 * share.powi(6)
}

/// Builds the demo community unless this database already has it. Returns whether it built.
pub async fn build_if_missing(app: &App, scale: u32, progress: bool) -> Result<bool> {
    if app.store.meta(DONE_KEY).await?.is_some() {
        return Ok(false);
    }
    build(app, scale.max(1), progress).await?;
    Ok(true)
}

async fn build(app: &App, scale: u32, progress: bool) -> Result<()> {
    let s = scale as i64;
    let bar = if progress { ProgressBar::new(8) } else { ProgressBar::hidden() };
    bar.set_style(
        ProgressStyle::with_template("{spinner} demo community [{bar:30}] {pos}/{len} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let started = std::time::Instant::now();
    let mut rng = ChaCha8Rng::seed_from_u64(0x5eed_d1ce);
    let tools: Vec<(&'static stackdex_catalog::Tool, ToolId)> =
        app.catalog.tools().iter().filter_map(|t| Some((t, app.tool_id(&t.slug)?))).collect();
    let id_of = |slug: &str| app.tool_id(slug);
    let featured = featured::projects();
    // Every date falls between the start of 2019 and the scan of the featured projects (or
    // now, were the clock behind it).
    let (first_day, last_day) = (1_546_300_800, featured.scanned_at().min(stackdex_store::now()));
    let date = |rng: &mut ChaCha8Rng| rng.random_range(first_day..last_day.max(first_day + 1));

    // 1. Users: the named authors, then members with plausible names.
    bar.set_message("users");
    let n_users = (40_000 * s) as usize;
    let mut taken: HashSet<String> = POSTS.iter().map(|p| p.author.0.to_owned()).collect();
    taken.extend(featured.projects.iter().map(|p| p.owner.to_ascii_lowercase()));
    let people = names::people(&mut rng_for("people", ""), n_users, &taken);
    let mut new_users: Vec<NewUser> = POSTS
        .iter()
        .map(|p| NewUser {
            username: p.author.0.into(),
            display_name: p.author.1.into(),
            title: p.author.2.into(),
            password_hash: None,
            created_at: 1_546_300_800,
        })
        .collect();
    let mut joined = rng_for("joined", "");
    new_users.extend(people.iter().map(|p| NewUser {
        username: p.username.clone(),
        display_name: p.display_name.clone(),
        title: p.title.clone(),
        password_hash: None,
        created_at: date(&mut joined),
    }));
    let user_ids = app.store.create_users(&new_users).await?;
    let members: Vec<UserId> = people.iter().map(|p| user_ids[&p.username]).collect();
    bar.inc(1);
    tracing::debug!(step = bar.position(), seconds = started.elapsed().as_secs_f64(), "demo step done");

    // 2. Organisations with members: the featured projects' owners, then invented companies.
    bar.set_message("organisations");
    taken.extend(people.iter().map(|p| p.username.clone()));
    let mut owners: Vec<(String, String)> = Vec::new();
    for p in &featured.projects {
        let slug = p.owner.to_ascii_lowercase();
        if !owners.iter().any(|(s, _)| *s == slug) {
            owners.push((slug, p.owner.clone()));
        }
    }
    let n_companies = 400 * s as usize;
    let companies = names::companies(&mut rng_for("companies", ""), n_companies, &taken);
    for (i, (slug, name)) in owners.iter().chain(&companies).enumerate() {
        let owner = members[(i * 31) % members.len()];
        let org = app.store.create_organisation(slug, name, owner).await?;
        let team: Vec<(UserId, Role)> =
            (1..6).map(|k| (members[(i * 7 + k * 13) % members.len()], Role::Member)).collect();
        app.store.add_members(org.id, &team).await?;
    }
    bar.inc(1);
    tracing::debug!(step = bar.position(), seconds = started.elapsed().as_secs_f64(), "demo step done");

    // 3. Stacks. First the featured projects, as scanned, under their owners; then synthetic
    //    stacks, each of one ecosystem, that carry each tool about as often as the featured
    //    projects of that ecosystem do (so Rust stacks have Cargo and often Tokio, and
    //    PostgreSQL and Docker turn up everywhere), topped up to the tool's public popularity.
    bar.set_message("stacks");
    let mut snapshots: Vec<NewSnapshot> = Vec::new();
    let mut real_count: HashMap<&str, i64> = HashMap::new();
    for p in &featured.projects {
        let tools: Vec<SnapshotTool> = p
            .tools
            .iter()
            .filter_map(|t| {
                *real_count.entry(t.slug.as_str()).or_default() += 1;
                Some(SnapshotTool { tool_id: id_of(&t.slug)?, versions: t.versions.join(", "), sources: String::new() })
            })
            .collect();
        snapshots.push(NewSnapshot {
            stack: StackRef {
                owner: p.owner.to_ascii_lowercase(),
                owner_kind: OwnerKind::Organisation,
                slug: p.name.clone(),
                name: p.name.clone(),
                kind: StackKind::Repository,
            },
            author_id: None,
            source: SnapshotSource::Demo,
            tools,
            // What the scan saw: the commit and address (the page links them), and the
            // languages' shares (the file keeps no byte counts).
            details: SnapshotDetails {
                origin: Origin {
                    commit_sha: Some(p.commit.clone()),
                    branch: None,
                    repository_url: Some(p.repository.clone()),
                },
                languages: p
                    .languages
                    .iter()
                    .map(|l| SnapshotLanguage { slug: l.slug.clone(), name: l.name.clone(), bytes: 0, share: l.share })
                    .collect(),
                components: vec![],
            },
            created_at: last_day,
        });
    }
    let usage = featured.usage_by_ecosystem();
    let versions_seen = featured.versions_seen();
    let sizes: Vec<usize> = ECOSYSTEMS.iter().map(|(_, n)| n * scale as usize).collect();
    let offsets: Vec<usize> = sizes.iter().scan(0, |at, n| Some(std::mem::replace(at, *at + n))).collect();
    let n_stacks: usize = sizes.iter().sum();
    let mut members_of: Vec<Vec<(ToolId, String)>> = vec![Vec::new(); n_stacks];
    for (tool, id) in &tools {
        let shares: Vec<f64> = ECOSYSTEMS
            .iter()
            .map(|(e, _)| {
                usage.get(e).map_or(0.0, |(n, used)| used.get(tool.slug.as_str()).map_or(0, |k| *k) as f64 / *n as f64)
            })
            .collect();
        // Stacks per ecosystem as the featured projects imply, then the rest of the tool's
        // count where it is at home: in proportion to how many stacks of each ecosystem would
        // pick it (its share of that ecosystem's projects), or, for a tool no project uses, to
        // the ecosystem of the language it is written in, or evenly.
        let implied: Vec<usize> = shares.iter().zip(&sizes).map(|(x, n)| (carried(*x) * *n as f64) as usize).collect();
        let home = ecosystem_of_language(&tool.language)
            .filter(|_| matches!(tool.category.as_str(), "languages-and-frameworks" | "libraries"));
        let affinity: Vec<f64> = if shares.iter().any(|x| *x > 0.0) {
            shares.iter().map(|x| x + 0.003).collect()
        } else if let Some(home) = home {
            ECOSYSTEMS.iter().map(|(e, _)| if *e == home { 1.0 } else { 0.003 }).collect()
        } else {
            vec![1.0; ECOSYSTEMS.len()]
        };
        let target = match SEED.iter().find(|t| t.slug == tool.slug) {
            Some(t) => (t.stacks * s - real_count.get(tool.slug.as_str()).copied().unwrap_or(0)).max(0) as usize,
            None => ((stacks_target(tool, &mut rng_for("stacks", &tool.slug)) * s).max(0) as usize)
                .max(implied.iter().sum()),
        };
        let first: Vec<f64> = implied.iter().map(|k| *k as f64).collect();
        let mut per_ecosystem = allocate(target.min(implied.iter().sum()), &implied, &first);
        let room: Vec<usize> = sizes.iter().zip(&per_ecosystem).map(|(n, k)| n - k).collect();
        let weights: Vec<f64> = affinity.iter().zip(&room).map(|(a, n)| a * *n as f64).collect();
        let rest = target.saturating_sub(per_ecosystem.iter().sum());
        for (k, more) in per_ecosystem.iter_mut().zip(allocate(rest, &room, &weights)) {
            *k += more;
        }
        let seen = versions_seen.get(tool.slug.as_str());
        let mut trng = rng_for("stack-members", &tool.slug);
        for (e, k) in per_ecosystem.into_iter().enumerate() {
            for stack in index::sample(&mut trng, sizes[e], k) {
                let version = match seen {
                    Some(seen) if !seen.is_empty() && trng.random_bool(0.7) => {
                        (*seen.choose(&mut trng).expect("a version")).to_owned()
                    }
                    _ if trng.random_bool(0.4) => {
                        format!("{}.{}", trng.random_range(1..6), trng.random_range(0..20))
                    }
                    _ => String::new(),
                };
                members_of[offsets[e] + stack].push((*id, version));
            }
        }
    }
    let companions = featured.companions(|slug| SEED.iter().all(|t| t.slug != slug));
    let companions: HashMap<ToolId, Vec<ToolId>> = companions
        .into_iter()
        .filter_map(|(a, bs)| Some((id_of(a)?, bs.into_iter().filter_map(id_of).collect())))
        .collect();
    let company_slugs: Vec<&str> = companies.iter().map(|(slug, _)| slug.as_str()).collect();
    let mut names_rng = rng_for("stack-names", "");
    let mut slugs_of: HashMap<String, HashSet<String>> = HashMap::new();
    let mut whole_org_stacks = 0;
    for (i, mut tools) in members_of.into_iter().enumerate() {
        if tools.is_empty() {
            continue;
        }
        // A tool the featured projects never use without another brings it along.
        let brought: Vec<ToolId> = tools.iter().filter_map(|(t, _)| companions.get(t)).flatten().copied().collect();
        for b in brought {
            if !tools.iter().any(|(t, _)| *t == b) {
                tools.push((b, String::new()));
            }
        }
        let e = offsets.iter().rposition(|at| *at <= i).unwrap_or(0);
        let flavour = match ECOSYSTEMS[e].0 {
            "dart" | "swift" => names::StackFlavour::Mobile,
            "infra" => names::StackFlavour::Infra,
            _ => names::StackFlavour::Service,
        };
        let (owner, owner_kind, kind, name) = match names_rng.random_range(0..20) {
            // One stack of the whole organisation, for each company.
            _ if whole_org_stacks < company_slugs.len() => {
                whole_org_stacks += 1;
                let (slug, name) = &companies[whole_org_stacks - 1];
                (slug.clone(), OwnerKind::Organisation, StackKind::Organisation, name.clone())
            }
            0..=11 => {
                let owner = company_slugs[names_rng.random_range(0..company_slugs.len())];
                (
                    owner.to_owned(),
                    OwnerKind::Organisation,
                    StackKind::Repository,
                    names::repository(&mut names_rng, flavour),
                )
            }
            12..=13 => {
                let owner = company_slugs[names_rng.random_range(0..company_slugs.len())];
                (owner.to_owned(), OwnerKind::Organisation, StackKind::Team, names::team(&mut names_rng))
            }
            _ => {
                let owner = &people[names_rng.random_range(0..people.len())].username;
                let name = if names_rng.random_bool(0.5) {
                    names::personal(&mut names_rng)
                } else {
                    names::repository(&mut names_rng, flavour)
                };
                (owner.clone(), OwnerKind::User, StackKind::Person, name)
            }
        };
        let used = slugs_of.entry(owner.clone()).or_default();
        let slug = names::unique(used, &names::slugify(&name), '-');
        let name = match slug.strip_prefix(&names::slugify(&name)) {
            Some("") => name,
            Some(number) if name == names::slugify(&name) => format!("{name}{number}"),
            Some(number) => format!("{name} {}", number.trim_start_matches('-')),
            None => slug.clone(),
        };
        snapshots.push(NewSnapshot {
            stack: StackRef { owner, owner_kind, slug, name, kind },
            author_id: None,
            source: SnapshotSource::Demo,
            tools: tools
                .into_iter()
                .map(|(tool_id, versions)| SnapshotTool { tool_id, versions, sources: String::new() })
                .collect(),
            details: SnapshotDetails::default(),
            created_at: date(&mut names_rng),
        });
    }
    app.store.push_snapshots(&snapshots).await?;
    drop(snapshots);
    bar.inc(1);
    tracing::debug!(step = bar.position(), seconds = started.elapsed().as_secs_f64(), "demo step done");

    // 4. Follows.
    bar.set_message("follows");
    let mut follows: Vec<(UserId, ToolId, i64)> = Vec::new();
    for (tool, id) in &tools {
        let target = match SEED.iter().find(|t| t.slug == tool.slug) {
            Some(t) => t.followers * s,
            None => (tool.popularity.votes as i64 * 2 / 3 + rng_for("followers", &tool.slug).random_range(0..40)) * s,
        };
        let k = (target as usize).min(members.len());
        let mut frng = rng_for("follows", &tool.slug);
        let picked = index::sample(&mut frng, members.len(), k);
        follows.extend(picked.into_iter().map(|u| (members[u], *id, date(&mut frng))));
    }
    for chunk in follows.chunks(200_000) {
        app.store.follow_tools_at(chunk).await?;
    }
    drop(follows);
    bar.inc(1);
    tracing::debug!(step = bar.position(), seconds = started.elapsed().as_secs_f64(), "demo step done");

    // 5. Pros, cons and votes.
    bar.set_message("pros, cons and votes");
    let mut reasons: Vec<NewReason> = Vec::new();
    let reason = |tool: ToolId, kind: ReasonKind, text: &str| NewReason { tool, kind, text: text.into(), author: None };
    let mut wanted_votes: Vec<i64> = Vec::new();
    for target in SEED {
        let Some(id) = id_of(target.slug) else { continue };
        for (text, votes) in target.pros {
            reasons.push(reason(id, ReasonKind::Pro, text));
            wanted_votes.push(votes * s);
        }
        for (text, votes) in target.cons {
            reasons.push(reason(id, ReasonKind::Con, text));
            wanted_votes.push(votes * s);
        }
        // The rest of the tool's votes go to further reasons, each ranked below the seed's.
        let shown: i64 = target.pros.iter().chain(target.cons).map(|(_, v)| v).sum();
        let min_pro = target.pros.iter().map(|(_, v)| *v).min().unwrap_or(1);
        let min_con = target.cons.iter().map(|(_, v)| *v).min().unwrap_or(1);
        let con_votes: Vec<i64> =
            target.more_cons.iter().enumerate().map(|(k, _)| (min_con - 1 - k as i64).max(1)).collect();
        let mut rest = target.votes - shown - con_votes.iter().sum::<i64>();
        let n = target.more_pros.len() as i64;
        for (k, text) in target.more_pros.iter().enumerate() {
            let left = n - k as i64;
            let v = (rest / left).min(min_pro - 1 - k as i64).max(1);
            let v = if left == 1 { rest.min(min_pro - 1) } else { v };
            rest -= v;
            reasons.push(reason(id, ReasonKind::Pro, text));
            wanted_votes.push(v * s);
        }
        for (text, v) in target.more_cons.iter().zip(con_votes) {
            reasons.push(reason(id, ReasonKind::Con, text));
            wanted_votes.push(v * s);
        }
    }
    for (tool, id) in tools.iter().filter(|(t, _)| t.popularity.votes > 200 && !SEED.iter().any(|s| s.slug == t.slug)) {
        let budget = tool.popularity.votes as i64 / 4;
        let (pros, cons) = texts::reasons(tool, &mut rng_for("reasons", &tool.slug));
        for (k, text) in pros.iter().enumerate() {
            reasons.push(reason(*id, ReasonKind::Pro, text));
            wanted_votes.push((budget / (k as i64 + 2)).max(1) * s);
        }
        for (k, text) in cons.iter().enumerate() {
            reasons.push(reason(*id, ReasonKind::Con, text));
            wanted_votes.push((budget / (8 * (k as i64 + 2))).max(1) * s);
        }
    }
    let reason_ids = app.store.add_reasons(&reasons).await?;
    let mut votes: Vec<(ReasonId, UserId, i64)> = Vec::new();
    for ((id, wanted), r) in reason_ids.iter().zip(&wanted_votes).zip(&reasons) {
        let k = (*wanted as usize).min(members.len());
        let slug = app.tool_by_id(r.tool).map_or("", |t| t.slug.as_str());
        let mut vrng = rng_for(&r.text, slug);
        let picked = index::sample(&mut vrng, members.len(), k);
        votes.extend(picked.into_iter().map(|u| (*id, members[u], date(&mut vrng))));
    }
    for chunk in votes.chunks(200_000) {
        app.store.cast_votes_at(chunk).await?;
    }
    bar.inc(1);
    tracing::debug!(step = bar.position(), seconds = started.elapsed().as_secs_f64(), "demo step done");

    // 6. Decisions, comments and views.
    bar.set_message("decisions");
    for post in POSTS {
        let id = app
            .store
            .create_decision(&NewDecision {
                kind: post.kind,
                body: post.body.into(),
                author_id: user_ids[post.author.0],
                org_id: None,
                tools: post.tools.iter().filter_map(|t| id_of(t)).collect(),
                created_at: post.date,
            })
            .await?;
        app.store.add_decision_views(id, post.views * s).await?;
        app.store
            .add_comment(id, members[rng.random_range(0..members.len())], "Thanks, this helped me decide.")
            .await?;
    }
    // Decisions between tools of one kind, by members, spread over the years.
    let pairs = texts::decision_pairs(app.catalog);
    let mut drng = rng_for("decisions", "");
    for i in 0..(40 * s as usize) {
        let Some(&(a, b)) = pairs.choose(&mut drng) else { break };
        let (chosen, other) = if drng.random_bool(0.5) { (a, b) } else { (b, a) };
        let (Some(chosen_id), Some(other_id)) = (id_of(&chosen.slug), id_of(&other.slug)) else { continue };
        let decided = i % 3 != 0;
        let kind = if decided { DecisionKind::Decided } else { DecisionKind::NeedsAdvice };
        let id = app
            .store
            .create_decision(&NewDecision {
                kind,
                body: texts::decision(app.catalog, chosen, other, decided, &mut drng),
                author_id: members[drng.random_range(0..members.len())],
                org_id: None,
                tools: vec![chosen_id, other_id],
                created_at: date(&mut drng),
            })
            .await?;
        app.store.add_decision_views(id, drng.random_range(200..40_000)).await?;
    }
    for (slug, views) in STACKUP_VIEWS {
        if crate::stackups::parse_canonical(app.catalog, slug).is_some() {
            app.store.add_stackup_views(slug, views * s).await?;
        }
    }
    bar.inc(1);
    tracing::debug!(step = bar.position(), seconds = started.elapsed().as_secs_f64(), "demo step done");

    // 7. GitHub readings, through the importer as an offline JSON file would feed it.
    bar.set_message("GitHub statistics");
    let responses: Vec<RepoResponse> = tools
        .iter()
        .filter_map(|(t, _)| {
            let repo = t.github_repo()?;
            let (stars, forks) = match SEED.iter().find(|s| s.slug == t.slug) {
                Some(s) => (s.stars, s.forks),
                None => {
                    let mut trng = rng_for("github", &t.slug);
                    let stars =
                        (t.popularity.stacks as i64 * 3 + t.popularity.votes as i64 * 5 + trng.random_range(50..5_000))
                            .min(240_000);
                    (stars, stars / trng.random_range(4..12))
                }
            };
            Some(RepoResponse { full_name: repo.to_owned(), stargazers_count: stars, forks_count: forks })
        })
        .collect();
    app.import_github(&responses, 1_764_000_000).await?;
    bar.inc(1);
    tracing::debug!(step = bar.position(), seconds = started.elapsed().as_secs_f64(), "demo step done");

    // 8. Figures over time, replayed from the dates above: they end at today's figures.
    bar.set_message("figures over time");
    app.store.rebuild_figures().await?;
    bar.inc(1);
    tracing::debug!(step = bar.position(), seconds = started.elapsed().as_secs_f64(), "demo step done");

    app.store.announce_change(&[Tag::Everything]).await?;
    app.store.set_meta(DONE_KEY, &scale.to_string()).await?;
    bar.finish_with_message("ready");
    Ok(())
}

/// A plausible stack count for a tool from its public popularity, with some spread.
/// A generator of its own for each tool (and purpose), so that adding or removing a tool in
/// the catalog leaves every other tool's demo figures as they were.
fn rng_for(purpose: &str, slug: &str) -> ChaCha8Rng {
    let mut seed = [0u8; 32];
    for (i, b) in purpose.bytes().chain([0]).chain(slug.bytes()).enumerate() {
        seed[i % 32] = seed[i % 32].wrapping_mul(31).wrapping_add(b);
    }
    ChaCha8Rng::from_seed(seed)
}

/// Splits `total` over bins in proportion to `weights`, never past a bin's room (`caps`):
/// exactly `total` when the bins have room for it (largest remainders get the odd units).
fn allocate(total: usize, caps: &[usize], weights: &[f64]) -> Vec<usize> {
    let mut out = vec![0; caps.len()];
    let mut left = total.min(caps.iter().sum());
    while left > 0 {
        let open: Vec<usize> = (0..caps.len()).filter(|&i| out[i] < caps[i]).collect();
        let sum: f64 = open.iter().map(|&i| weights[i].max(0.0)).sum();
        if sum <= 0.0 {
            // Only bins nobody wants are left: fill them in order.
            for i in open {
                let k = left.min(caps[i] - out[i]);
                out[i] += k;
                left -= k;
            }
            break;
        }
        let mut fractions: Vec<(f64, usize)> = Vec::with_capacity(open.len());
        let mut given = 0;
        for &i in &open {
            let share = left as f64 * weights[i].max(0.0) / sum;
            let k = (share.floor() as usize).min(caps[i] - out[i]);
            out[i] += k;
            given += k;
            fractions.push((share - share.floor(), i));
        }
        left -= given;
        fractions.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        for (_, i) in fractions {
            if left > 0 && out[i] < caps[i] && weights[i] > 0.0 {
                out[i] += 1;
                left -= 1;
            }
        }
    }
    out
}

fn stacks_target(tool: &stackdex_catalog::Tool, rng: &mut ChaCha8Rng) -> i64 {
    let base = tool.popularity.stacks as i64 / 5;
    let spread = (base / 5).max(3);
    (base + rng.random_range(-spread..=spread)).max(if tool.popularity.stacks > 0 { 1 } else { 0 })
}

/// Figures the demo guarantees for a tool of the seed page, at scale 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeedFigures {
    pub stacks: i64,
    pub followers: i64,
    pub votes: i64,
    pub github_stars: i64,
    pub github_forks: i64,
}

/// The guaranteed figures of each seed tool, by slug (used by tests).
pub fn seed_targets() -> HashMap<&'static str, SeedFigures> {
    SEED.iter()
        .map(|t| {
            let figures = SeedFigures {
                stacks: t.stacks,
                followers: t.followers,
                votes: t.votes,
                github_stars: t.stars,
                github_forks: t.forks,
            };
            (t.slug, figures)
        })
        .collect()
}
