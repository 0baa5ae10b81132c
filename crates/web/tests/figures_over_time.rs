//! Figures over time, on both backends: `GET /api/v1/tools/{slug}/trend` ends at the tool's
//! figures now and aggregates by month, week and day; bad input is a 400 and an unknown tool a
//! 404; "trending" ranks growth over the last 30 days above size; the demo's history runs from
//! 2019 to the seed page's figures; tool and stackup pages draw it as an accessible SVG chart
//! with its figures in a table.

use crate::common;

use axum::http::StatusCode;
use common::TestApp;
use serde_json::Value;

const DAY: i64 = 86_400;

fn today() -> String {
    stackdex_app::figures::day_of(stackdex_store::now()).to_string()
}

fn days_ago(n: i64) -> String {
    stackdex_app::figures::day_of(stackdex_store::now() - n * DAY).to_string()
}

async fn ann(t: &TestApp) -> String {
    let body = r#"{"username": "ann", "password": "correct horse"}"#;
    assert_eq!(t.send("POST", "/api/v1/users", Some(body), None).await.status, StatusCode::CREATED);
    t.token("ann", "correct horse").await
}

/// Records `stack` of ann as one snapshot holding `tools`, dated `date` (YYYY-MM-DD).
async fn dated_stack(t: &TestApp, token: &str, stack: &str, date: &str, tools: &[&str]) {
    let tools: Vec<Value> = tools.iter().map(|s| serde_json::json!({"slug": s})).collect();
    let body = serde_json::json!({"snapshots": [
        {"date": format!("{date}T12:00:00+00:00"), "commit": format!("{:040x}", 1), "report": {"tools": tools}},
    ]})
    .to_string();
    let r = t.send("POST", &format!("/api/v1/stacks/ann/{stack}/history"), Some(&body), Some(token)).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}: {}", t.backend(), r.body);
}

fn figures(point: &Value) -> [i64; 3] {
    ["stacks", "followers", "votes"].map(|k| point[k].as_i64().unwrap())
}

fn series(trend: &Value) -> Vec<(String, i64)> {
    trend["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["date"].as_str().unwrap().to_owned(), p["stacks"].as_i64().unwrap()))
        .collect()
}

fn dated(v: &[(&str, i64)]) -> Vec<(String, i64)> {
    v.iter().map(|(d, n)| ((*d).to_owned(), *n)).collect()
}

async fn trend(t: &TestApp, query: &str) -> Value {
    let r = t.get(&format!("/api/v1/tools/django/trend{query}")).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}: {}", t.backend(), r.body);
    assert_eq!(r.content_type, "application/json");
    r.json()
}

#[tokio::test]
async fn the_trend_ends_at_the_tools_figures_and_aggregates_by_interval() {
    for t in common::apps(false).await {
        let be = t.backend();
        let token = ann(&t).await;
        let first = trend(&t, "").await;
        assert_eq!((first["slug"].as_str(), first["interval"].as_str()), (Some("django"), Some("month")), "{be:?}");
        assert_eq!(series(&first), dated(&[(&today(), 0)]), "{be:?}: no history yet, today's figures");

        // A stack using Django and a follow: the last point moves with them.
        let push = r#"{"tools": [{"slug": "django"}, {"slug": "python"}]}"#;
        assert_eq!(t.send("PUT", "/api/v1/stacks/ann/web", Some(push), Some(&token)).await.status, StatusCode::OK);
        assert_eq!(t.send("PUT", "/api/v1/follows/tool/django", None, Some(&token)).await.status.as_u16() / 100, 2);
        t.app.poll_changes().await.unwrap();
        let stats = t.get("/api/v1/tools/django").await.json()["stats"].clone();
        let now = trend(&t, "").await;
        let last = now["points"].as_array().unwrap().last().unwrap().clone();
        assert_eq!(figures(&last), figures(&stats), "{be:?}: {now}");
        assert_eq!(figures(&last), [1, 1, 0], "{be:?}");
        assert_eq!(last["date"], today(), "{be:?}");

        // A stack whose history began in March 2021: replayed, it is a new first point.
        dated_stack(&t, &token, "old", "2021-03-15", &["django"]).await;
        t.app.rebuild_figures().await.unwrap();
        t.app.poll_changes().await.unwrap();
        let whole = trend(&t, "").await;
        let points = series(&whole);
        assert_eq!(points[0], ("2021-03-31".to_owned(), 1), "{be:?}");
        assert_eq!(points[1], ("2021-04-30".to_owned(), 1), "{be:?}: a month without change keeps its figure");
        let last = whole["points"].as_array().unwrap().last().unwrap().clone();
        let stats = t.get("/api/v1/tools/django").await.json()["stats"].clone();
        assert_eq!(figures(&last), figures(&stats), "{be:?}");
        assert_eq!(figures(&last), [2, 1, 0], "{be:?}");

        // Each point is the figure at the end of its interval, the last one at `to`.
        let months = trend(&t, "?interval=month&from=2021-01-01&to=2021-04-10").await;
        assert_eq!(
            series(&months),
            dated(&[("2021-01-31", 0), ("2021-02-28", 0), ("2021-03-31", 1), ("2021-04-10", 1)]),
            "{be:?}"
        );
        // ISO weeks end on Sundays; 2021-03-01 is a Monday.
        let weeks = trend(&t, "?interval=week&from=2021-03-01&to=2021-03-31").await;
        assert_eq!(weeks["interval"], "week");
        assert_eq!(
            series(&weeks),
            dated(&[("2021-03-07", 0), ("2021-03-14", 0), ("2021-03-21", 1), ("2021-03-28", 1), ("2021-03-31", 1)]),
            "{be:?}"
        );
        let days = trend(&t, "?interval=day&from=2021-03-14&to=2021-03-16").await;
        assert_eq!(series(&days), dated(&[("2021-03-14", 0), ("2021-03-15", 1), ("2021-03-16", 1)]), "{be:?}");
        let recent = trend(&t, &format!("?interval=day&from={}", days_ago(2))).await;
        assert_eq!(series(&recent).len(), 3, "{be:?}: up to today, never past it");
    }
}

#[tokio::test]
async fn bad_input_is_a_400_and_an_unknown_tool_a_404() {
    for t in common::apps(false).await {
        let be = t.backend();
        for query in
            ["?interval=year", "?interval=", "?from=2021-13-01", "?to=yesterday", "?from=2021-03-02&to=2021-03-01"]
        {
            let r = t.get(&format!("/api/v1/tools/django/trend{query}")).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{be:?} {query}: {}", r.body);
            assert_eq!(r.content_type, "application/json", "{query}");
            assert_eq!(r.json()["error"]["code"], "bad_request", "{query}");
        }
        let r = t.get("/api/v1/tools/no-such-tool/trend").await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{be:?}: {}", r.body);
        assert_eq!(r.json()["error"]["code"], "not_found");
    }
}

#[tokio::test]
async fn trending_ranks_growth_over_the_last_30_days_above_size() {
    for t in common::apps(false).await {
        let be = t.backend();
        let token = ann(&t).await;
        // Rust: three stacks two months ago, none since. Django: one stack, ten days ago.
        for stack in ["a", "b", "c"] {
            dated_stack(&t, &token, stack, &days_ago(60), &["rust"]).await;
        }
        dated_stack(&t, &token, "new", &days_ago(10), &["django"]).await;
        t.app.rebuild_figures().await.unwrap();
        t.app.poll_changes().await.unwrap();
        let order = |page: Value| -> Vec<String> {
            page["tools"].as_array().unwrap().iter().map(|c| c["slug"].as_str().unwrap().to_owned()).collect()
        };
        let by_stacks = order(t.get("/api/v1/tools?sort=stacks").await.json());
        assert_eq!(by_stacks[..2], ["rust", "django"], "{be:?}: the bigger tool by size");
        let trending = order(t.get("/api/v1/tools?sort=trending").await.json());
        assert_eq!(trending[0], "django", "{be:?}: {trending:?}");
        let rust = trending.iter().position(|s| s == "rust").unwrap();
        assert!(rust > 0, "{be:?}: a tool that gained nothing is below one that grew");
        let home = t.get("/api/v1/home").await.json();
        let home: Vec<&str> =
            home["trending_tools"].as_array().unwrap().iter().map(|c| c["slug"].as_str().unwrap()).collect();
        assert_eq!(home[0], "django", "{be:?}: {home:?}");
        let html = t.get("/tools?sort=trending").await.body;
        assert!(html.find("/tools/django").unwrap() < html.find("/tools/rust").unwrap(), "{be:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_history_runs_from_2019_to_the_seed_figures_and_pages_chart_it() {
    for t in common::apps(true).await {
        let be = t.backend();
        let stats = t.get("/api/v1/tools/django").await.json()["stats"].clone();
        let whole = trend(&t, "").await;
        let points = whole["points"].as_array().unwrap();
        assert!(points[0]["date"].as_str().unwrap().starts_with("2019-"), "{be:?}: {}", points[0]);
        let last = points.last().unwrap();
        assert_eq!(figures(last), figures(&stats), "{be:?}");
        assert_eq!(last["stacks"], 38_712, "{be:?}: the seed page's figure");
        assert_eq!(last["date"], today());
        let stacks: Vec<i64> = points.iter().map(|p| p["stacks"].as_i64().unwrap()).collect();
        assert!(stacks.windows(2).all(|w| w[0] <= w[1]), "{be:?}: the demo's stacks only grow");
        assert!(stacks[0] < stacks[stacks.len() / 2] && stacks[stacks.len() / 2] < 38_712, "{be:?}: {stacks:?}");
        let weeks = trend(&t, "?interval=week").await;
        assert_eq!(figures(weeks["points"].as_array().unwrap().last().unwrap()), figures(&stats), "{be:?}");

        // The tool page: a chart of stacks and followers, described, with its figures in a table.
        let html = t.get("/tools/django").await.body;
        let this_month = &today()[..7];
        let label = format!(
            r#"role="img" aria-label="Stacks and followers of Django by month, from {} to {this_month}: Stacks "#,
            &points[0]["date"].as_str().unwrap()[..7]
        );
        assert!(html.contains(&label), "{be:?}: {label}");
        assert!(html.contains("<svg class=\"chart-svg\" viewBox="), "{be:?}");
        assert!(html.contains("to 38,712, Followers "), "{be:?}");
        assert!(html.contains("<summary>The figures as a table</summary>"), "{be:?}");
        assert!(html.contains(&format!(r#"<tr><th scope="row">{this_month}</th><td>38,712</td>"#)), "{be:?}");

        // The stackup page: both tools' stacks on one chart, a colour and a legend entry each.
        let html = t.get("/stackups/django-vs-rust").await.body;
        assert!(html.contains(r#"role="img" aria-label="Stacks using Django and Rust by month, from 2019-"#), "{be:?}");
        assert!(html.contains(r#"<th scope="col">Django</th><th scope="col">Rust</th>"#), "{be:?}");
        assert_eq!(html.matches("<polyline").count(), 2, "{be:?}");
        assert!(html.contains(r#"<ul class="chart-legend">"#), "{be:?}");
    }
}
