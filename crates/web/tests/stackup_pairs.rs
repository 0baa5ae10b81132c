//! A stackup's `pairs`: for each pair of compared tools, how many stacks use both and the lift
//! over chance, counted from the stacks in the store, on SQLite and on PostgreSQL.

use crate::common;

use axum::http::StatusCode;
use serde_json::Value;

/// Four stacks: django in 2, postgresql in 3, python in 2, rust in 1; 4 stacks have tools.
const STACKS: [(&str, &str); 4] = [
    ("web", r#"{"tools": [{"slug": "django"}, {"slug": "python"}, {"slug": "postgresql"}]}"#),
    ("api", r#"{"tools": [{"slug": "python"}, {"slug": "postgresql"}]}"#),
    ("site", r#"{"tools": [{"slug": "django"}, {"slug": "postgresql"}]}"#),
    ("cli", r#"{"tools": [{"slug": "rust"}]}"#),
];

fn pair(p: &Value) -> (String, String, i64, Option<f64>) {
    (
        p["a"].as_str().unwrap().to_owned(),
        p["b"].as_str().unwrap().to_owned(),
        p["together"].as_i64().unwrap(),
        p["lift"].as_f64(),
    )
}

#[tokio::test]
async fn pairs_count_shared_stacks_and_lift_on_both_backends() {
    for t in common::apps(false).await {
        let body = r#"{"username": "ann", "password": "correct horse"}"#;
        assert_eq!(t.send("POST", "/api/v1/users", Some(body), None).await.status, StatusCode::CREATED);
        let token = t.token("ann", "correct horse").await;
        for (name, report) in STACKS {
            let r = t.send("PUT", &format!("/api/v1/stacks/ann/{name}"), Some(report), Some(&token)).await;
            assert_eq!(r.status, StatusCode::OK, "{:?}: {}", t.backend(), r.body);
        }

        let page = t.get("/api/v1/stackups/django-vs-postgresql-vs-rust").await.json();
        let pairs: Vec<_> = page["pairs"].as_array().expect("pairs").iter().map(pair).collect();
        assert_eq!(pairs.len(), 3, "{:?}: every pair of three tools once", t.backend());
        // Both in 2 of 4 stacks; django in 2, postgresql in 3: lift = (2/4) / ((2/4)(3/4)) = 4/3.
        let (a, b, together, lift) = &pairs[0];
        assert_eq!((a.as_str(), b.as_str(), *together), ("django", "postgresql", 2));
        assert!((lift.unwrap() - 4.0 / 3.0).abs() < 0.001, "{:?}: lift {lift:?}", t.backend());
        for (a, b, together, lift) in &pairs[1..] {
            assert_eq!(b, "rust", "{a} with {b}");
            assert_eq!((*together, *lift), (0, Some(0.0)), "{:?}: {a} and {b} share no stack", t.backend());
        }

        // A tool in no stack has no lift to give.
        let page = t.get("/api/v1/stackups/django-vs-golang").await.json();
        let pairs: Vec<_> = page["pairs"].as_array().unwrap().iter().map(pair).collect();
        assert_eq!(pairs, [("django".to_owned(), "golang".to_owned(), 0, None)], "{:?}", t.backend());

        // A new stack with both moves the figures (the page is not served stale).
        let report = r#"{"tools": [{"slug": "django"}, {"slug": "rust"}]}"#;
        assert_eq!(t.send("PUT", "/api/v1/stacks/ann/mixed", Some(report), Some(&token)).await.status, StatusCode::OK);
        t.app.poll_changes().await.unwrap();
        let page = t.get("/api/v1/stackups/django-vs-rust").await.json();
        let pairs: Vec<_> = page["pairs"].as_array().unwrap().iter().map(pair).collect();
        // 5 stacks, django in 3, rust in 2, both in 1: lift = 1 * 5 / (3 * 2).
        assert_eq!(pairs[0].2, 1, "{:?}", t.backend());
        assert!((pairs[0].3.unwrap() - 5.0 / 6.0).abs() < 0.001, "{:?}: {:?}", t.backend(), pairs[0]);
    }
}
