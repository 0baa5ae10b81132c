//! A tool's versions across the stacks using it, on both backends: counted per major version
//! from each stack's latest snapshot, in the tool's JSON and on its page, and current right
//! after a push that only moves a version.

use crate::common;

use axum::http::StatusCode;

#[tokio::test]
async fn a_tool_page_says_which_major_versions_its_stacks_run() {
    for t in common::apps(false).await {
        let be = t.backend();
        let body = r#"{"username": "ann", "password": "correct horse"}"#;
        assert_eq!(t.send("POST", "/api/v1/users", Some(body), None).await.status, StatusCode::CREATED);
        let token = t.token("ann", "correct horse").await;
        let push = |name: &'static str, versions: &'static str| {
            let token = token.clone();
            let t = &t;
            async move {
                let tool = if versions.is_empty() {
                    serde_json::json!({"slug": "postgresql"})
                } else {
                    serde_json::json!({"slug": "postgresql", "versions": versions.split(',').collect::<Vec<_>>()})
                };
                let body = serde_json::json!({"tools": [tool]}).to_string();
                let r = t.send("PUT", &format!("/api/v1/stacks/ann/{name}"), Some(&body), Some(&token)).await;
                assert_eq!(r.status, StatusCode::OK, "{}", r.body);
            }
        };
        push("api", "16.2").await;
        push("web", "16.1").await;
        push("jobs", "15.4").await;
        push("etl", "").await;

        let tool = t.get("/api/v1/tools/postgresql").await.json();
        let spread = &tool["versions"];
        assert_eq!((spread["known"].as_i64(), spread["unknown"].as_i64()), (Some(3), Some(1)), "{be:?}: {spread}");
        let majors: Vec<(&str, i64)> = spread["majors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| (m["major"].as_str().unwrap(), m["stacks"].as_i64().unwrap()))
            .collect();
        assert_eq!(majors, [("16", 2), ("15", 1)], "{be:?}");

        let page = t.get("/tools/postgresql").await;
        assert!(
            page.body.contains("PostgreSQL: 16 in 67% of the 3 stacks that name a version, 15 in 33%; 1 more stacks"),
            "{be:?}: {}",
            page.body
        );

        // A push that only moves jobs from 15 to 16: the page (cached above) says so at once.
        push("jobs", "16.3").await;
        t.app.poll_changes().await.unwrap();
        let page = t.get("/tools/postgresql").await;
        assert!(page.body.contains("PostgreSQL: 16 in 100% of the 3 stacks that name a version"), "{be:?}");
        assert!(!page.body.contains("15 in 33%"), "{be:?}");

        // A tool no stack names a version of shows no such section.
        let page = t.get("/tools/django").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.body.contains("Versions in use"), "{be:?}");
    }
}

#[tokio::test]
async fn a_tool_page_lists_the_tools_often_used_with_it_and_the_evidence() {
    for t in common::apps(false).await {
        let be = t.backend();
        let body = r#"{"username": "bob", "password": "correct horse"}"#;
        assert_eq!(t.send("POST", "/api/v1/users", Some(body), None).await.status, StatusCode::CREATED);
        let token = t.token("bob", "correct horse").await;
        let stacks: [(&str, &[&str]); 8] = [
            ("a", &["django", "postgresql"]),
            ("b", &["django", "postgresql"]),
            ("c", &["django", "postgresql"]),
            ("d", &["django", "postgresql", "redis"]),
            ("e", &["rust"]),
            ("f", &["react"]),
            ("g", &["react", "redis"]),
            ("h", &["vuejs"]),
        ];
        for (name, tools) in stacks {
            let tools: Vec<_> = tools.iter().map(|s| serde_json::json!({"slug": s})).collect();
            let body = serde_json::json!({"tools": tools}).to_string();
            let r = t.send("PUT", &format!("/api/v1/stacks/bob/{name}"), Some(&body), Some(&token)).await;
            assert_eq!(r.status, StatusCode::OK, "{be:?}: {}", r.body);
        }
        let django = t.get("/api/v1/tools/django").await.json();
        let used: Vec<(&str, i64, f64)> = django["often_used_with"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| {
                (u["tool"]["slug"].as_str().unwrap(), u["together"].as_i64().unwrap(), u["lift"].as_f64().unwrap())
            })
            .collect();
        // 8 stacks: Django in 4, PostgreSQL in 4, both in 4 (2x chance); Redis in 2, with
        // Django in 1 (1x chance: not more than chance, not listed).
        assert_eq!(used, [("postgresql", 4, 2.0)], "{be:?}");
        let page = t.get("/tools/django").await.body;
        assert!(page.contains("Often used with Django"), "{be:?}");
        assert!(page.contains("used together in 4 stacks, 2.0× chance"), "{be:?}");
        assert!(!page.contains(r#"<a href="/tools/react">React</a> <span"#), "{be:?}: never together");
    }
}
