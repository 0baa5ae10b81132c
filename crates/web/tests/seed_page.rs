//! The page stackdex started from ("Django vs Rust"), rendered from the demo community through
//! the real router, on SQLite and on PostgreSQL: every figure as on the seed.

use crate::common;

use axum::http::StatusCode;
use serde_json::Value;

const SEED_ALTERNATIVES: [&str; 10] =
    ["nodejs", "javascript", "python", "rails", "php", "ruby", "laravel", "java", "golang", "html5"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seed_page_on_both_backends() {
    for t in common::apps(true).await {
        stackup_json_has_the_seed_figures(&t).await;
        stackup_html_shows_every_element(&t).await;
        other_pages_and_bad_input(&t).await;
        demo_reads_as_real(&t).await;
    }
}

fn pairs(list: &Value) -> Vec<(String, i64)> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|r| (r["text"].as_str().unwrap().to_owned(), r["votes"].as_i64().unwrap()))
        .collect()
}

fn owned(v: &[(&str, i64)]) -> Vec<(String, i64)> {
    v.iter().map(|(s, n)| ((*s).to_owned(), *n)).collect()
}

async fn stackup_json_has_the_seed_figures(t: &common::TestApp) {
    let reply = t.get("/api/v1/stackups/django-vs-rust").await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}: {}", t.backend(), reply.body);
    assert_eq!(reply.content_type, "application/json");
    let page = reply.json();
    let tools = page["tools"].as_array().unwrap();
    assert_eq!(tools.len(), 2);
    let (django, rust) = (&tools[0], &tools[1]);
    assert_eq!((django["slug"].as_str(), django["name"].as_str()), (Some("django"), Some("Django")));
    let stats = |t: &Value| {
        let s = &t["stats"];
        ["stacks", "followers", "votes", "github_stars", "github_forks"].map(|k| s[k].as_i64().unwrap())
    };
    let [stacks, followers, votes, stars, forks] = stats(django);
    assert!((38_650..38_750).contains(&stacks), "{stacks}");
    assert!((34_750..34_850).contains(&followers), "{followers}");
    assert!((4_150..4_250).contains(&votes), "{votes}");
    assert!((85_550..85_650).contains(&stars) && (33_150..33_250).contains(&forks));
    let [stacks, followers, votes, stars, forks] = stats(rust);
    assert!((6_050..6_150).contains(&stacks) && (4_950..5_050).contains(&followers) && (1_150..1_250).contains(&votes));
    assert!((107_550..107_650).contains(&stars) && (13_850..13_950).contains(&forks));

    assert_eq!(
        pairs(&django["pros"]),
        owned(&[
            ("Rapid development", 678),
            ("Open source", 488),
            ("Great community", 426),
            ("Easy to learn", 380),
            ("Mvc", 277)
        ])
    );
    assert_eq!(
        pairs(&django["cons"]),
        owned(&[
            ("Underpowered templating", 26),
            ("Autoreload restarts whole server", 22),
            ("Underpowered ORM", 22),
            ("URL dispatcher ignores HTTP method", 15),
            ("Internal subcomponents coupling", 10)
        ])
    );
    assert_eq!(
        pairs(&rust["pros"]),
        owned(&[
            ("Guaranteed memory safety", 146),
            ("Fast", 133),
            ("Open source", 89),
            ("Minimal runtime", 75),
            ("Pattern matching", 73)
        ])
    );
    assert_eq!(
        pairs(&rust["cons"]),
        owned(&[
            ("Hard to learn", 28),
            ("Ownership learning curve", 24),
            ("Unfriendly, verbose syntax", 12),
            ("Many type operations make it difficult to follow", 4),
            ("High size of builded executable", 4)
        ])
    );
    let slugs =
        |v: &Value| v.as_array().unwrap().iter().map(|x| x["slug"].as_str().unwrap().to_owned()).collect::<Vec<_>>();
    // Integrations: the curated ones only, as on the seed (Django's Python; none for Rust).
    assert_eq!(slugs(&django["integrations"]), ["python"]);
    assert!(slugs(&rust["integrations"]).is_empty());
    assert_eq!(slugs(&page["alternatives"]), SEED_ALTERNATIVES);
    let related = slugs(&page["related"]);
    assert!(related.contains(&"django-vs-laravel-vs-nodejs".to_owned()), "{related:?}");
    assert_eq!(related.len(), 5);
    let decisions = page["decisions"].as_array().unwrap();
    let kinds: Vec<&str> = decisions.iter().map(|d| d["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["decided", "needs_advice", "needs_advice"]);
    let views: Vec<i64> = decisions.iter().map(|d| d["views"].as_i64().unwrap() / 1000).collect();
    assert_eq!(views, [524, 283, 136]);
    // Key differences are facts only.
    let labels: Vec<&str> =
        page["key_differences"].as_array().unwrap().iter().map(|r| r["label"].as_str().unwrap()).collect();
    for label in ["Category", "Licence", "Written in", "GitHub stars", "Stacks using it", "Top pro", "Top con"] {
        assert!(labels.contains(&label), "{labels:?}");
    }
}

async fn stackup_html_shows_every_element(t: &common::TestApp) {
    let reply = t.get("/stackups/django-vs-rust").await;
    assert_eq!(reply.status, StatusCode::OK);
    let html = &reply.body;
    // Askama writes `&` as `&#38;`; compare text, not the escaping style.
    let text = html.replace("&#38;", "&amp;").replace("&#39;", "'");
    for needle in [
        "<h1 class=\"title\">Django vs Rust</h1>",
        "Application &amp; Data",
        "Languages &amp; Frameworks",
        "href=\"#overview\"",
        "href=\"#decisions\"",
        "href=\"#comparison\"",
        "href=\"#alternatives\"",
        "Django vs Rust: What are the differences?",
        "Share your Stack",
        "Advice on Django, Rust",
        "524k views",
        "283k views",
        "136k views",
        "Needs advice",
        "Detailed Comparison",
        "No integrations available",
        "What are some alternatives to Django, Rust?",
        "Related Comparisons",
        "Django vs Laravel vs Node.js",
    ] {
        assert!(text.contains(needle), "{:?}: missing {needle:?}", t.backend());
    }
    for figure in ["38.7K", "34.8K", "4.2K", "85.6K", "33.2K", "6.1K", "5.0K", "1.2K", "107.6K", "13.9K"] {
        assert!(html.contains(&format!(">{figure}<")), "{:?}: missing figure {figure}", t.backend());
    }
    // The same bytes on both backends: one snapshot.
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(r"\(\d+ years ago\)", "(N years ago)");
    // The chart's last point is today's month, so it moves with the calendar: it is checked
    // in figures_over_time.rs.
    settings.add_filter(r#"(?s)<figure class="chart">.*?</figure>"#, r#"<figure class="chart">[chart]</figure>"#);
    settings.bind(|| insta::assert_snapshot!("stackup_django_vs_rust_html", html));
    // The second request is served from the cache and is byte-identical.
    assert_eq!(&t.get("/stackups/django-vs-rust").await.body, html);
}

async fn other_pages_and_bad_input(t: &common::TestApp) {
    // Non-canonical order redirects, for pages and for the API.
    let r = t.get("/stackups/rust-vs-django").await;
    assert_eq!((r.status, r.location.as_deref()), (StatusCode::MOVED_PERMANENTLY, Some("/stackups/django-vs-rust")));
    let r = t.get("/api/v1/stackups/rust-vs-django").await;
    assert_eq!(r.location.as_deref(), Some("/api/v1/stackups/django-vs-rust"));
    // Three tools, and aliases resolve to the canonical slug.
    let r = t.get("/stackups/django-vs-laravel-vs-nodejs").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Django vs Laravel vs Node.js"));
    assert_eq!(
        t.get("/stackups/nodejs-vs-django-vs-laravel").await.location.as_deref(),
        Some("/stackups/django-vs-laravel-vs-nodejs")
    );
    // Unknown tools: 404 with suggestions.
    let r = t.get("/tools/djnago").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.body.contains("Did you mean") && r.body.contains("href=\"/tools/django\""), "{}", r.body);
    let r = t.get("/api/v1/tools/djnago").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.json()["error"]["code"], "not_found");
    assert_eq!(t.get("/stackups/django-vs-nosuchtool").await.status, StatusCode::NOT_FOUND);
    // The client's mistakes are 4xx, never 5xx.
    for uri in [
        "/stackups/django-vs-django",
        "/stackups/a-vs-b-vs-c-vs-d-vs-e",
        "/stackups/django",
        "/categories/application-and-data/languages-and-frameworks?page=abc",
        "/categories/application-and-data/languages-and-frameworks?page=99999",
        "/categories/application-and-data/languages-and-frameworks?page=0",
    ] {
        let status = t.get(uri).await.status;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}");
    }
    let long = format!("/stackups/{}", "x-vs-".repeat(200));
    assert!(t.get(&long).await.status.is_client_error());
    for uri in ["/categories/nope/nothing", "/no/such/page", "/tools/%3Cscript%3Ealert(1)%3C%2Fscript%3E"] {
        let r = t.get(uri).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{uri}");
        assert!(!r.body.contains("<script>alert(1)"), "unescaped input in {uri}");
    }
    let r = t.get(&format!("/search?q={}", "%3Cscript%3E".repeat(10))).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.body.contains("<script>"));
    assert_eq!(t.get(&format!("/search?q={}", "a".repeat(500))).await.status, StatusCode::BAD_REQUEST);
    // Other pages.
    let r = t.get("/tools/django").await;
    assert_eq!(r.status, StatusCode::OK);
    for needle in
        ["Rapid development", "Python", "Compare Django with", "Stacks using Django", "Alternatives to Django"]
    {
        assert!(r.body.contains(needle), "tool page lacks {needle}");
    }
    let api = t.get("/api/v1/tools/django").await.json();
    assert_eq!(api["pros"][0]["text"], "Rapid development");
    assert!(api["pros"][0]["id"].as_i64().is_some());
    assert_eq!(t.get("/tools/django/alternatives").await.status, StatusCode::OK);
    let r = t.get("/categories/application-and-data/languages-and-frameworks/frameworks").await;
    assert!(r.status == StatusCode::OK && r.body.contains("href=\"/tools/django\""));
    let r = t.get("/api/v1/search?q=djnago").await.json();
    assert_eq!(r["tools"][0]["slug"], "django", "typo-tolerant search");
    let r = t.get("/api/v1/search?q=postgres").await.json();
    assert_eq!(r["tools"][0]["slug"], "postgresql");
    let home = t.get("/").await;
    assert!(home.status == StatusCode::OK && home.body.contains("/stackups/django-vs-rust"));
    assert_eq!(t.get("/compare?a=rust&b=django").await.location.as_deref(), Some("/stackups/django-vs-rust"));
}

/// How many stacks use a tool (`None`: every stack with tools), from the stacks index.
async fn stacks_using(t: &common::TestApp, tool: Option<&str>) -> i64 {
    let uri = tool.map_or_else(|| "/api/v1/stacks".to_owned(), |slug| format!("/api/v1/stacks?tool={slug}"));
    t.get(&uri).await.json()["paging"]["total"].as_i64().unwrap()
}

/// The `together` figure of a two-tool stackup, beside the second tool's stack count.
async fn together(t: &common::TestApp, stackup: &str) -> (i64, i64) {
    let page = t.get(&format!("/api/v1/stackups/{stackup}")).await.json();
    let pairs = page["pairs"].as_array().expect("pairs");
    assert_eq!(pairs.len(), 1, "{stackup}");
    (pairs[0]["together"].as_i64().unwrap(), page["tools"][1]["stats"]["stacks"].as_i64().unwrap())
}

/// Away from the seed's figures the demo looks like a real community: featured stacks are
/// real projects, co-usage follows theirs, texts fit the tools, names and dates are plausible.
async fn demo_reads_as_real(t: &common::TestApp) {
    let b = t.backend();
    // Rust stacks rarely contain Django, as the stackup's own `pairs` says.
    let page = t.get("/api/v1/stackups/django-vs-rust").await.json();
    let pair = &page["pairs"][0];
    assert_eq!((pair["a"].as_str(), pair["b"].as_str()), (Some("django"), Some("rust")));
    let rust_stacks = page["tools"][1]["stats"]["stacks"].as_i64().unwrap();
    let both = pair["together"].as_i64().unwrap();
    assert!(both * 5 < rust_stacks, "{b:?}: {both} of {rust_stacks} Rust stacks contain Django");
    assert!(pair["lift"].as_f64().unwrap() < 1.0, "{b:?}: Django and Rust are rivals, not companions: {pair}");
    // A Rust stack has Cargo, often Tokio; PostgreSQL and Docker sit in many stacks.
    let (cargo, rust) = together(t, "cargo-vs-rust").await;
    assert!(cargo * 10 >= rust * 8, "{b:?}: Cargo in {cargo} of {rust} Rust stacks");
    let (tokio, rust) = together(t, "rust-vs-tokio").await;
    let tokio_in_rust = tokio as f64 / rust as f64;
    assert!(tokio_in_rust >= 0.3, "{b:?}: Tokio in {tokio} of {rust} Rust stacks");
    let all = stacks_using(t, None).await;
    for tool in ["postgresql", "docker"] {
        let n = stacks_using(t, Some(tool)).await;
        assert!(n * 10 >= all, "{b:?}: {tool} in {n} of {all} stacks");
    }
    let django = stacks_using(t, Some("django")).await;
    assert!(django * 2 < all, "{b:?}: Django in {django} of {all} stacks");

    // Featured stacks are real projects, under their owners, and tool pages show them.
    let crates_io = t.get("/api/v1/stacks/rust-lang/crates.io").await;
    assert_eq!(crates_io.status, StatusCode::OK, "{b:?}: {}", crates_io.body);
    assert!(crates_io.body.contains("\"cargo\""), "{b:?}: crates.io is a Cargo project");
    // With what its scan saw: the repository and commit, and its languages.
    let crates_io = crates_io.json();
    assert_eq!(crates_io["origin"]["repository"], "https://github.com/rust-lang/crates.io", "{b:?}");
    assert_eq!(crates_io["origin"]["commit"].as_str().map(str::len), Some(40), "{b:?}: {}", crates_io["origin"]);
    let languages: Vec<&str> =
        crates_io["languages"].as_array().unwrap().iter().map(|l| l["slug"].as_str().unwrap()).collect();
    assert!(languages.contains(&"rust"), "{b:?}: {languages:?}");
    let org = t.get("/api/v1/organisations/rust-lang").await;
    assert_eq!(org.status, StatusCode::OK, "{b:?}");
    let rust = t.get("/api/v1/tools/rust").await.json();
    let used_by: Vec<String> = rust["stacks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| format!("{}/{}", s["owner"].as_str().unwrap(), s["slug"].as_str().unwrap()))
        .collect();
    // The featured projects are the most recently scanned, so they come first.
    let featured: Value = serde_json::from_str(include_str!("../../app/src/demo/projects.json")).unwrap();
    let featured: Vec<String> = featured["projects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| format!("{}/{}", p["owner"].as_str().unwrap().to_lowercase(), p["name"].as_str().unwrap()))
        .collect();
    assert!(featured.len() >= 60, "{} featured projects", featured.len());
    assert!(used_by.len() >= 10 && used_by.contains(&"rust-lang/crates.io".to_owned()), "{b:?}: {used_by:?}");
    for stack in &used_by {
        assert!(featured.contains(stack), "{b:?}: Rust's Used by shows {stack}, not a featured project");
    }

    // Pros and cons fit the tool: no pricing complaint about free software nobody hosts.
    let catalog = stackdex_catalog::Catalog::builtin();
    let free: Vec<_> = catalog.tools().iter().filter(|t| t.open_source && !t.hosted_saas).collect();
    let mut checked = 0;
    for tool in free.iter().filter(|t| t.popularity.votes > 200) {
        let page = t.get(&format!("/api/v1/tools/{}", tool.slug)).await.json();
        for con in page["cons"].as_array().unwrap() {
            let text = con["text"].as_str().unwrap().to_lowercase();
            assert!(!text.contains("pricing") && !text.contains("expensive"), "{b:?}: {} con {text:?}", tool.slug);
        }
        checked += usize::from(!page["cons"].as_array().unwrap().is_empty());
    }
    assert!(checked > 50, "{b:?}: only {checked} free tools have cons");

    // Decisions choose between tools of one kind; no date is in the future, and dates span years.
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let mut years = std::collections::BTreeSet::new();
    let mut page = 1;
    loop {
        let list = t.get(&format!("/api/v1/decisions?page={page}")).await.json();
        for d in list["decisions"].as_array().unwrap() {
            let created = d["created_at"].as_i64().unwrap();
            assert!(created <= now, "{b:?}: decision {} dated {created}, after now", d["id"]);
            years.insert(1970 + created / 31_556_952); // the year, near enough
            let author = d["author"]["username"].as_str().unwrap_or("");
            if ["alvaro", "sachin", "abderrahmane"].contains(&author) {
                continue; // the seed page's own posts, as written there
            }
            let tools: Vec<_> = d["tools"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| catalog.tool(x["slug"].as_str().unwrap()).unwrap())
                .collect();
            assert_eq!(tools.len(), 2, "{b:?}: {d}");
            assert_eq!(
                (&tools[0].category, &tools[0].subcategory),
                (&tools[1].category, &tools[1].subcategory),
                "{b:?}: a decision between {} and {}",
                tools[0].slug,
                tools[1].slug
            );
            assert!(d["author"]["display_name"].as_str().unwrap().contains(' '), "{b:?}: {}", d["author"]);
        }
        if page >= list["pages"].as_u64().unwrap() as usize {
            break;
        }
        page += 1;
    }
    assert!(years.len() >= 4, "{b:?}: decisions dated in {years:?}");
    let newest = t.get("/api/v1/stacks?order=recent").await.json();
    for s in newest["stacks"].as_array().unwrap() {
        assert!(s["updated_at"].as_i64().unwrap() <= now, "{b:?}: {s}");
    }

    // People, organisations and stacks have plausible names.
    let orgs = t.get("/api/v1/organisations").await.json();
    let stacks = t.get("/api/v1/stacks?order=name").await.json();
    let names: Vec<&str> = orgs["organisations"]
        .as_array()
        .unwrap()
        .iter()
        .chain(stacks["stacks"].as_array().unwrap())
        .flat_map(|x| [x["slug"].as_str().unwrap(), x["name"].as_str().unwrap()])
        .collect();
    assert!(names.len() > 20, "{b:?}");
    for name in names {
        let generated = name.starts_with("org-") || name.starts_with("Stack ") || name.starts_with("stack-");
        assert!(!generated && !name.starts_with("member"), "{b:?}: {name:?} looks generated");
    }
}
