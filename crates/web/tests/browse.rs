//! Everything can be found: index pages with paging, filters and sorting (and their JSON
//! twins), search across tools, stackups, stacks, organisations and people, and 404s that
//! suggest what was meant.

use crate::common;

use axum::http::StatusCode;
use common::TestApp;
use serde_json::Value;

async fn json(t: &TestApp, uri: &str) -> Value {
    let r = t.get(uri).await;
    assert_eq!(r.status, StatusCode::OK, "{uri}: {}", r.body);
    r.json()
}

/// Accounts, an organisation and stacks made through the API.
async fn community(t: &TestApp) -> String {
    for name in ["ann", "bob"] {
        let body = format!(r#"{{"username": "{name}", "password": "correct horse"}}"#);
        assert_eq!(t.send("POST", "/api/v1/users", Some(&body), None).await.status, StatusCode::CREATED);
    }
    let token = t.token("ann", "correct horse").await;
    let r = t
        .send("POST", "/api/v1/organisations", Some(r#"{"slug": "acme", "name": "Acme Rockets"}"#), Some(&token))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    for (stack, tools) in [("ann/web", ["django", "postgresql"]), ("acme/api", ["rust", "postgresql"])] {
        let report = serde_json::json!({"tools": tools.map(|slug| serde_json::json!({"slug": slug}))}).to_string();
        let r = t.send("PUT", &format!("/api/v1/stacks/{stack}"), Some(&report), Some(&token)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    token
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn index_pages_list_filter_sort_and_page() {
    for t in common::apps(false).await {
        let be = t.backend();
        community(&t).await;
        t.app.poll_changes().await.unwrap();

        // Tools: every catalog tool, 30 a page, filtered and ordered.
        let all = json(&t, "/api/v1/tools").await;
        let total = all["paging"]["total"].as_u64().unwrap();
        assert!(total > 1000, "{total}");
        assert_eq!(all["tools"].as_array().unwrap().len(), 30);
        assert_eq!(all["tools"][0]["slug"], "postgresql", "{be:?}: most stacks first");
        let by_name = json(&t, "/api/v1/tools?sort=name&page=2").await;
        let names: Vec<String> =
            by_name["tools"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap().to_lowercase()).collect();
        assert!(names.windows(2).all(|w| w[0] <= w[1]), "ordered by name: {names:?}");
        let frameworks = json(&t, "/api/v1/tools?layer=application-and-data&category=languages-and-frameworks").await;
        assert!(frameworks["paging"]["total"].as_u64().unwrap() < total);
        assert_eq!(frameworks["category"]["slug"], "languages-and-frameworks");
        assert_eq!(t.get("/api/v1/tools?layer=nowhere").await.status, StatusCode::NOT_FOUND);
        assert_eq!(t.get("/api/v1/tools?category=languages-and-frameworks").await.status, StatusCode::BAD_REQUEST);
        assert_eq!(t.get("/api/v1/tools?sort=luck").await.status, StatusCode::BAD_REQUEST);
        assert_eq!(t.get("/api/v1/tools?page=9999").await.status, StatusCode::BAD_REQUEST);
        let html = t.get("/tools?sort=votes&layer=devops").await.body;
        assert!(html.contains("<h1 class=\"title\">Tools: DevOps</h1>"), "{html}");
        assert!(
            html.contains("rel=\"next\" href=\"/tools?sort=votes&#38;layer=devops&#38;page=2\""),
            "the pager keeps the filter: {}",
            html.split("class=\"pager\"").nth(1).unwrap_or("")
        );

        // A layer's page.
        let layer = json(&t, "/api/v1/categories/devops").await;
        assert!(layer["categories"].as_array().unwrap().iter().all(|c| c["tools"].as_u64().unwrap() > 0));
        assert_eq!(t.get("/categories/nowhere").await.status, StatusCode::NOT_FOUND);

        // Stacks, organisations, people.
        let stacks = json(&t, "/api/v1/stacks").await;
        assert_eq!(stacks["paging"]["total"], 2, "{be:?}");
        let rust = json(&t, "/api/v1/stacks?tool=rust").await;
        assert_eq!(rust["stacks"][0]["slug"], "api");
        assert_eq!(rust["tool"]["slug"], "rust");
        assert_eq!(t.get("/api/v1/stacks?tool=no-such-tool-xyz").await.status, StatusCode::NOT_FOUND);
        assert_eq!(json(&t, "/api/v1/stacks?kind=team").await["paging"]["total"], 0);
        assert!(t.get("/stacks?order=name").await.body.contains("acme/api"));
        let orgs = json(&t, "/api/v1/organisations").await;
        assert_eq!(
            (orgs["organisations"][0]["slug"].as_str(), orgs["organisations"][0]["stacks"].as_i64()),
            (Some("acme"), Some(1))
        );
        let people = json(&t, "/api/v1/users").await;
        assert_eq!(people["paging"]["total"], 2);
        assert!(t.get("/users").await.body.contains("/users/bob"));

        // Stackups people read, most read first.
        for _ in 0..3 {
            t.get("/stackups/django-vs-rust").await;
        }
        t.get("/stackups/mysql-vs-postgresql").await;
        t.app.flush_views().await.unwrap();
        let stackups = json(&t, "/api/v1/stackups").await;
        assert_eq!(stackups["stackups"][0]["slug"], "django-vs-rust", "{be:?}");
        assert_eq!(stackups["stackups"][0]["views"], 3);
        assert!(t.get("/stackups?order=recent").await.body.contains("/stackups/mysql-vs-postgresql"));

        // The menu leads to them.
        let home = t.get("/").await.body;
        for link in ["/tools", "/stackups", "/stacks", "/decisions", "/organisations", "/users"] {
            assert!(home.contains(&format!("href=\"{link}\"")), "menu lacks {link}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_finds_every_kind_and_ranks_what_was_meant() {
    for t in common::apps(false).await {
        let be = t.backend();
        community(&t).await;
        let first_tool = |v: &Value| v["tools"][0]["slug"].as_str().unwrap_or("").to_owned();
        assert_eq!(
            first_tool(&json(&t, "/api/v1/search?q=postgress").await),
            "postgresql",
            "a near miss: the used tool"
        );
        assert_eq!(first_tool(&json(&t, "/api/v1/search?q=ruby%20on%20rails").await), "rails");
        assert_eq!(first_tool(&json(&t, "/api/v1/search?q=djnago").await), "django");
        for q in ["django%20vs%20rust", "django%20rust", "Rust%20vs%20Django"] {
            let found = json(&t, &format!("/api/v1/search?q={q}")).await;
            assert_eq!(found["stackups"][0]["slug"], "django-vs-rust", "{q}");
        }
        let found = json(&t, "/api/v1/search?q=acme").await;
        assert_eq!(found["organisations"][0]["slug"], "acme", "{be:?}");
        assert_eq!(found["stacks"][0]["slug"], "api", "a stack by its owner");
        assert_eq!(json(&t, "/api/v1/search?q=bob").await["users"][0]["username"], "bob");
        for key in ["tools", "stackups", "stacks", "organisations", "users", "decisions"] {
            assert!(found[key].is_array(), "{key}");
        }
        let page = t.get("/search?q=acme").await.body;
        assert!(page.contains("href=\"/organisations/acme\"") && page.contains("href=\"/stacks/acme/api\""));
        // Hostile text is only text.
        let r = t.get("/api/v1/search?q=%25%27%3B%20DROP%20TABLE%20stacks%3B--").await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(json(&t, "/api/v1/stacks").await["paging"]["total"], 2);
    }
}

#[tokio::test]
async fn names_and_near_misses_lead_to_the_right_stackup() {
    for t in common::apps(false).await {
        // The compare box takes names and aliases.
        let r = t.get("/compare?a=Ruby%20on%20Rails&b=Django").await;
        assert_eq!(r.location.as_deref(), Some("/stackups/django-vs-rails"), "{:?}", t.backend());
        let r = t.get("/compare?a=postgres&b=MySQL").await;
        assert_eq!(r.location.as_deref(), Some("/stackups/mysql-vs-postgresql"));
        // A misspelt stackup suggests the corrected one.
        let r = t.get("/stackups/djnago-vs-rust").await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert!(r.body.contains("href=\"/stackups/django-vs-rust\""), "{}", r.body);
        let r = t.get("/api/v1/stackups/djnago-vs-rust").await;
        assert_eq!(r.json()["error"]["suggestions"][0]["url"], "/stackups/django-vs-rust");
        let r = t.get("/api/v1/tools/djnago").await;
        assert_eq!(r.json()["error"]["suggestions"][0]["url"], "/tools/django");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tool_picker_suggests_by_name_alias_and_near_miss() {
    for t in common::apps(false).await {
        let names = |v: &Value| -> Vec<String> {
            v["tools"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap().to_owned()).collect()
        };
        // A prefix: the widely used tool first, with where it sits.
        let v = json(&t, "/api/v1/tools/suggest?q=postgre").await;
        assert_eq!(names(&v)[0], "PostgreSQL", "{v}");
        assert!(v["tools"][0]["category"].as_str().unwrap().contains('›'));
        assert!(names(&v).len() <= 8);
        // An alias, and a near miss.
        assert_eq!(names(&json(&t, "/api/v1/tools/suggest?q=ruby%20on%20rails").await)[0], "Rails");
        assert_eq!(names(&json(&t, "/api/v1/tools/suggest?q=postgress").await)[0], "PostgreSQL");
        // Nothing typed, nothing offered; words found only in descriptions are not offered.
        assert!(names(&json(&t, "/api/v1/tools/suggest?q=").await).is_empty());
        assert!(names(&json(&t, "/api/v1/tools/suggest?q=%3Cscript%3E").await).iter().all(|n| !n.contains('<')));
        // Too long: a clear 400 in the API's error shape.
        let r = t.get(&format!("/api/v1/tools/suggest?q={}", "a".repeat(101))).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert_eq!(r.json()["error"]["code"], "bad_request");

        // The script is ours, served from /static under the site's CSP, and the fields that
        // take tools ask for it.
        let js = t.get("/static/picker.js").await;
        assert_eq!(js.status, StatusCode::OK);
        assert!(js.content_type.starts_with("text/javascript"), "{}", js.content_type);
        assert!(js.body.contains("/api/v1/tools/suggest"));
        let tool = t.get("/tools/django").await.body;
        assert!(tool.contains(r#"data-picker="tool""#) && tool.contains(r#"<script src="/static/picker.js" defer>"#));
    }
}
