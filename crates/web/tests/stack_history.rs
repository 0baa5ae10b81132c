//! `POST /api/v1/stacks/{owner}/{name}/history` (`stackdex push --history`), on both
//! backends: dated snapshots numbered v1..vN with their commits, refused on a stack that has
//! snapshots, without a token, and with a body that does not parse.

use crate::common;

use axum::http::StatusCode;
use common::TestApp;

/// `n` hashes, one per commit.
fn sha(n: usize) -> String {
    format!("{n:040x}")
}

/// A history of three commits: react 17, react 18, react 18 with express.
fn history_body() -> String {
    let entry = |i: usize, date: &str, tools: serde_json::Value| serde_json::json!({"date": date, "commit": sha(i + 1), "report": {"tools": tools}});
    serde_json::json!({"snapshots": [
        entry(0, "2021-01-01T00:00:00+00:00", serde_json::json!([{"slug": "react", "versions": ["17.0.2"]}])),
        entry(1, "2021-02-01T00:00:00+00:00", serde_json::json!([{"slug": "react", "versions": ["18.2.0"]}])),
        entry(2, "2021-03-01T12:30:00+00:00", serde_json::json!([
            {"slug": "react", "versions": ["18.2.0"], "sources": [{"file": "package.json"}]},
            {"slug": "expressjs", "versions": ["4.18.2"]},
            {"slug": "not-a-tool"},
        ])),
    ]})
    .to_string()
}

async fn ann(t: &TestApp) -> String {
    let body = r#"{"username": "ann", "password": "correct horse"}"#;
    assert_eq!(t.send("POST", "/api/v1/users", Some(body), None).await.status, StatusCode::CREATED);
    t.token("ann", "correct horse").await
}

#[tokio::test]
async fn a_history_becomes_dated_snapshots_of_a_new_stack() {
    for t in common::apps(false).await {
        let be = t.backend();
        let token = ann(&t).await;
        let r = t.send("POST", "/api/v1/stacks/ann/web/history", Some(&history_body()), Some(&token)).await;
        assert_eq!(r.status, StatusCode::OK, "{be:?}: {}", r.body);
        let answer = r.json();
        assert_eq!(answer["history"]["recorded"], 3, "{be:?}");
        assert_eq!(answer["history"]["unknown_tools"], serde_json::json!(["not-a-tool"]), "{be:?}");

        let stack = t.get("/api/v1/stacks/ann/web").await.json();
        let snapshots = stack["snapshots"].as_array().unwrap();
        // Newest first, numbered in commit order, dated by their commits.
        let seen: Vec<(i64, i64, &str)> = snapshots
            .iter()
            .map(|s| (s["number"].as_i64().unwrap(), s["created_at"].as_i64().unwrap(), s["commit"].as_str().unwrap()))
            .collect();
        let expected = [(3, 1_614_601_800, sha(3)), (2, 1_612_137_600, sha(2)), (1, 1_609_459_200, sha(1))];
        let expected: Vec<(i64, i64, &str)> = expected.iter().map(|(n, at, c)| (*n, *at, c.as_str())).collect();
        assert_eq!(seen, expected, "{be:?}");
        let slugs: Vec<&str> = stack["layers"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|l| l["tools"].as_array().unwrap().iter().map(|t| t["slug"].as_str().unwrap()))
            .collect();
        assert!(slugs.contains(&"expressjs") && slugs.contains(&"react"), "{be:?}: {slugs:?}");

        // v1 held react 17 only: the diff from v1 to v3 adds express and moves react.
        let diff = t.get("/api/v1/stacks/ann/web/diff?from=1&to=3").await;
        assert_eq!(diff.status, StatusCode::OK, "{be:?}: {}", diff.body);
        let diff = diff.json();
        assert_eq!(diff["added"][0]["slug"], "expressjs", "{be:?}: {diff}");
        assert_eq!(diff["changed"][0]["from"], serde_json::json!(["17.0.2"]), "{be:?}: {diff}");

        // A push of the current state after it: unchanged, numbered after the history.
        let push = serde_json::json!({"tools": [
            {"slug": "react", "versions": ["18.2.0"], "sources": [{"file": "package.json"}]},
            {"slug": "expressjs", "versions": ["4.18.2"]},
        ]})
        .to_string();
        let r = t.send("PUT", "/api/v1/stacks/ann/web", Some(&push), Some(&token)).await;
        assert_eq!(r.status, StatusCode::OK, "{be:?}: {}", r.body);
        assert_eq!(r.json()["snapshot"]["number"], 3, "{be:?}: {}", r.body);
    }
}

#[tokio::test]
async fn a_history_is_refused_on_a_stack_with_snapshots_without_a_token_and_when_malformed() {
    for t in common::apps(false).await {
        let be = t.backend();
        let token = ann(&t).await;
        let push = r#"{"tools": [{"slug": "react"}]}"#;
        assert_eq!(t.send("PUT", "/api/v1/stacks/ann/app", Some(push), Some(&token)).await.status, StatusCode::OK);
        let r = t.send("POST", "/api/v1/stacks/ann/app/history", Some(&history_body()), Some(&token)).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{be:?}: {}", r.body);
        let message = r.json()["error"]["message"].as_str().unwrap().to_owned();
        assert!(message.contains("new stack") && message.contains("delete"), "{be:?}: {message}");
        let stack = t.get("/api/v1/stacks/ann/app").await.json();
        assert_eq!(stack["snapshots"].as_array().unwrap().len(), 1, "{be:?}: nothing recorded");

        let r = t.send("POST", "/api/v1/stacks/ann/new/history", Some(&history_body()), None).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{be:?}: {}", r.body);
        assert!(r.json()["error"]["message"].is_string(), "{be:?}");

        for bad in [
            r#"{"snapshots": "#.to_owned(),
            r#"{"snapshots": []}"#.to_owned(),
            r#"{"snapshots": [{"date": "yesterday", "commit": "0000000000000000000000000000000000000001", "report": {"tools": []}}]}"#.to_owned(),
            r#"{"snapshots": [{"date": "2021-01-01T00:00:00Z", "commit": "abc", "report": {"tools": []}}]}"#.to_owned(),
            history_body().replace("2021-01-01", "2021-06-01"),
        ] {
            let r = t.send("POST", "/api/v1/stacks/ann/new/history", Some(&bad), Some(&token)).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{be:?}: {bad}: {}", r.body);
            assert!(r.json()["error"]["message"].is_string(), "{be:?}");
        }
        assert_eq!(t.get("/api/v1/stacks/ann/new").await.status, StatusCode::NOT_FOUND, "{be:?}: nothing recorded");
    }
}

/// A history of four commits where a tool leaves: react all along, express from v2 to v3.
fn leaving_body() -> String {
    let entry = |i: usize, date: &str, tools: serde_json::Value| serde_json::json!({"date": date, "commit": sha(i + 1), "report": {"tools": tools}});
    let react = serde_json::json!({"slug": "react", "versions": ["18.2.0"]});
    let express = serde_json::json!({"slug": "expressjs"});
    serde_json::json!({"snapshots": [
        entry(0, "2021-01-01T00:00:00+00:00", serde_json::json!([react])),
        entry(1, "2022-01-01T00:00:00+00:00", serde_json::json!([react, express])),
        entry(2, "2023-01-01T00:00:00+00:00", serde_json::json!([react])),
        entry(3, "2024-01-01T00:00:00+00:00", serde_json::json!([react, {"slug": "postgresql"}])),
    ]})
    .to_string()
}

#[tokio::test]
async fn the_stack_page_draws_when_each_tool_came_and_went() {
    for t in common::apps(false).await {
        let be = t.backend();
        let token = ann(&t).await;
        let r = t.send("POST", "/api/v1/stacks/ann/api/history", Some(&leaving_body()), Some(&token)).await;
        assert_eq!(r.status, StatusCode::OK, "{be:?}: {}", r.body);

        // The JSON twin: each tool's spans, a removed tool's closed at the snapshot without it.
        let stack = t.get("/api/v1/stacks/ann/api").await.json();
        let tools = stack["timeline"]["tools"].as_array().expect("a timeline");
        let names: Vec<&str> = tools.iter().map(|t| t["slug"].as_str().unwrap()).collect();
        assert_eq!(names, ["react", "expressjs", "postgresql"], "{be:?}: by the day each came");
        let express = &tools[1]["spans"][0];
        assert_eq!(
            (express["from"]["number"].as_i64(), express["to"]["number"].as_i64()),
            (Some(2), Some(3)),
            "{be:?}"
        );
        assert!(tools[0]["spans"][0]["to"].is_null(), "{be:?}: react is still there");
        let changes: Vec<i64> =
            stack["timeline"]["changes"].as_array().unwrap().iter().map(|c| c["number"].as_i64().unwrap()).collect();
        assert_eq!(changes, [4, 3, 2, 1], "{be:?}");

        // The page: a drawing with an accessible name, its figures as a table, and the
        // history saying what each snapshot added and removed.
        let page = t.get("/stacks/ann/api").await;
        assert_eq!(page.status, StatusCode::OK, "{be:?}");
        let html = &page.body;
        assert!(html.contains("<h2>Timeline</h2>"), "{be:?}");
        assert!(
            html.contains(r#"role="img" aria-label="Timeline of 3 tools from Jan 1, 2021 to Jan 1, 2024: 2 present now, 1 removed""#),
            "{be:?}: {html}"
        );
        assert_eq!(html.matches(r#"<svg class="timeline-track""#).count(), 3, "{be:?}: a row per tool");
        // Express ran from a third to two thirds of the range (2022 to 2023 of 2021 to 2024).
        assert!(html.contains(r#"<rect x="33.33" y="2" width="33.33" height="6" class="timeline-removed">"#), "{be:?}");
        assert!(html.contains("Jan 1, 2022 to Jan 1, 2023"), "{be:?}: express's span in words");
        assert!(html.contains("since Jan 1, 2021"), "{be:?}: react's span in words");
        for year in ["2022", "2023"] {
            assert!(html.contains(&format!(">{year}</span>")), "{be:?}: the {year} mark");
        }
        assert!(html.contains(r#"<span class="removed">removed ExpressJS</span>"#), "{be:?}");
        assert!(html.contains(r#"<span class="added">added PostgreSQL</span>"#), "{be:?}");
    }
}

#[tokio::test]
async fn a_stack_with_one_snapshot_has_no_timeline_drawing() {
    for t in common::apps(false).await {
        let token = ann(&t).await;
        let push = r#"{"tools": [{"slug": "react"}]}"#;
        assert_eq!(t.send("PUT", "/api/v1/stacks/ann/one", Some(push), Some(&token)).await.status, StatusCode::OK);
        let page = t.get("/stacks/ann/one").await;
        assert!(!page.body.contains("<h2>Timeline</h2>"), "{:?}: nothing to draw over one moment", t.backend());
        assert!(page.body.contains(r#"<span class="added">added React</span>"#), "{:?}", t.backend());
    }
}
