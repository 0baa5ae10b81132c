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
