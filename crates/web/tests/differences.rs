//! "What are the differences?" in words: numbered points and a summary written from the facts on
//! 2-, 3- and 4-way stackups, and nothing the data does not support.

use crate::common;

use axum::http::StatusCode;
use common::TestApp;
use serde_json::Value;

async fn stackup(t: &TestApp, slug: &str) -> Value {
    let r = t.get(&format!("/api/v1/stackups/{slug}")).await;
    assert_eq!(r.status, StatusCode::OK, "{slug}: {}", r.body);
    r.json()
}

fn point<'a>(page: &'a Value, title: &str) -> Option<&'a str> {
    page["differences"].as_array().unwrap().iter().find(|p| p["title"] == title).and_then(|p| p["text"].as_str())
}

/// Three stacks: django with postgresql twice, rust once; and a pro for Django only.
async fn community(t: &TestApp) -> String {
    let body = r#"{"username": "ann", "password": "correct horse"}"#;
    assert_eq!(t.send("POST", "/api/v1/users", Some(body), None).await.status, StatusCode::CREATED);
    let token = t.token("ann", "correct horse").await;
    for (stack, tools) in [
        ("ann/one", &["django", "postgresql"][..]),
        ("ann/two", &["django", "postgresql"][..]),
        ("ann/three", &["rust", "mysql"][..]),
    ] {
        let report = serde_json::json!({"tools": tools.iter().map(|slug| serde_json::json!({"slug": slug})).collect::<Vec<_>>()});
        let r = t.send("PUT", &format!("/api/v1/stacks/{stack}"), Some(&report.to_string()), Some(&token)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    let r = t
        .send(
            "POST",
            "/api/v1/tools/django/reasons",
            Some(r#"{"kind": "pro", "text": "Batteries included"}"#),
            Some(&token),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    token
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_two_way_stackup_explains_its_differences_from_the_facts() {
    for t in common::apps(false).await {
        community(&t).await;
        t.app.poll_changes().await.unwrap();
        let page = stackup(&t, "django-vs-rust").await;
        let titles: Vec<&str> =
            page["differences"].as_array().unwrap().iter().map(|p| p["title"].as_str().unwrap()).collect();
        assert_eq!(
            titles,
            ["Kind and purpose", "Language", "Licence", "Age", "Use on this site", "What users value", "Used together"],
            "{:?}",
            t.backend()
        );
        // From the taxonomy and the catalog's descriptions.
        let kind = point(&page, "Kind and purpose").unwrap();
        assert!(kind.contains("different places of the taxonomy"), "{kind}");
        assert!(kind.contains("Django under") && kind.contains("Rust under"), "{kind}");
        assert_eq!(point(&page, "Language").unwrap(), "Django is written in Python and Rust is written in Rust.");
        let age = point(&page, "Age").unwrap();
        assert!(age.starts_with("Django first came out in 2005"), "{age}");
        // Counted from the stacks: two with Django, one with Rust, none with both.
        let usage = point(&page, "Use on this site").unwrap();
        assert!(usage.starts_with("Django is in 2 stacks here, Rust in 1 (2.0× fewer)"), "{usage}");
        // Only Django has a pro: nothing is said about Rust's.
        let value = point(&page, "What users value").unwrap();
        assert_eq!(value, "The most voted pro of each: Django “Batteries included” (0 votes).");
        assert!(point(&page, "What users hold against them").is_none(), "no con exists");
        let together = point(&page, "Used together").unwrap();
        assert!(together.starts_with("Django and Rust share 0 stacks, 0.0×"), "{together}");
        let summary = page["summary"].as_str().unwrap();
        assert!(summary.starts_with("In summary: ") && summary.ends_with('.'), "{summary}");
        assert!(summary.contains("Django is the older (2005)"), "{summary}");
        assert!(summary.contains("Django is in more stacks here"), "{summary}");
        assert!(summary.contains("people pick Django for “batteries included”"), "{summary}");
        assert!(summary.contains("stacks rarely use them together"), "{summary}");

        // The page shows them as a numbered list with the summary, escaped.
        let html = t.get("/stackups/django-vs-rust").await.body;
        assert!(html.contains("<ol class=\"difference-points\">"), "{html}");
        assert!(html.contains("<strong>Use on this site:</strong> Django is in 2 stacks here"));
        assert!(html.contains("<p class=\"summary\">In summary: "));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_and_four_way_stackups_name_every_tool_and_every_pair() {
    for t in common::apps(false).await {
        community(&t).await;
        t.app.poll_changes().await.unwrap();
        for (slug, names) in [
            ("mysql-vs-postgresql-vs-sqlite", &["MySQL", "PostgreSQL", "SQLite"][..]),
            ("django-vs-flask-vs-rails-vs-rust", &["Django", "Flask", "Rails", "Rust"][..]),
        ] {
            let page = stackup(&t, slug).await;
            let kind = point(&page, "Kind and purpose").unwrap();
            for name in names {
                assert!(kind.contains(&format!("{name}: ")), "{slug}: {kind}");
            }
            // Every pair of tools, once.
            let together = point(&page, "Used together").unwrap();
            let pairs = names.len() * (names.len() - 1) / 2;
            assert_eq!(together.matches(" share ").count(), pairs, "{slug}: {together}");
            assert!(page["summary"].as_str().unwrap().starts_with("In summary: "));
        }
        // Three databases: one role, said so.
        let page = stackup(&t, "mysql-vs-postgresql-vs-sqlite").await;
        let kind = point(&page, "Kind and purpose").unwrap();
        assert!(kind.starts_with("MySQL, PostgreSQL and SQLite are all listed under"), "{kind}");
        assert!(page["summary"].as_str().unwrap().contains("MySQL, PostgreSQL and SQLite do the same job"));
        // PostgreSQL in two stacks, MySQL in one, SQLite in none.
        let usage = point(&page, "Use on this site").unwrap();
        assert!(
            usage.starts_with("PostgreSQL is in 2 stacks here, MySQL in 1 (2.0× fewer) and SQLite in none."),
            "{usage}"
        );
        // Nobody wrote pros or cons about them: no such point.
        assert!(point(&page, "What users value").is_none());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stackup_with_no_stacks_says_nothing_about_use() {
    for t in common::apps(false).await {
        let page = stackup(&t, "django-vs-rust").await;
        assert!(point(&page, "Use on this site").is_none(), "no stack exists yet");
        assert!(point(&page, "What users value").is_none());
        // No stacks at all: a lift cannot be computed, only the count is stated.
        assert_eq!(point(&page, "Used together").unwrap(), "Django and Rust share 0 stacks.");
        assert!(!page["summary"].as_str().unwrap().contains("stacks here"));
    }
}
