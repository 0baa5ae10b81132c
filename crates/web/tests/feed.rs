//! Follows and the feed on both backends: following tools, stacks and organisations from the
//! API and from the browser, followers counters that agree with a recount (also under
//! concurrent clients), events recorded with the writes, and the feed page and its JSON twin
//! (one item per happening, newest first, paginated without gaps or repeats).

use crate::common;

use std::collections::HashSet;

use axum::http::StatusCode;
use common::TestApp;
use common::xss::{VECTORS, executable_markup};
use serde_json::{Value, json};

async fn token_for(t: &TestApp, name: &str) -> String {
    let creds = json!({"username": name, "password": "correct horse"}).to_string();
    assert_eq!(t.send("POST", "/api/v1/users", Some(&creds), None).await.status, StatusCode::CREATED);
    let body = json!({"username": name, "password": "correct horse", "name": "t"}).to_string();
    t.send("POST", "/api/v1/tokens", Some(&body), None).await.json()["token"].as_str().unwrap().to_owned()
}

async fn push(t: &TestApp, token: &str, stack: &str, tools: &[&str]) {
    let versioned: Vec<(&str, &str)> = tools.iter().map(|s| (*s, "")).collect();
    push_versions(t, token, stack, &versioned).await;
}

/// Pushes tools with a version each (`""` for none).
async fn push_versions(t: &TestApp, token: &str, stack: &str, tools: &[(&str, &str)]) {
    let tools: Vec<Value> = tools
        .iter()
        .map(|(slug, v)| if v.is_empty() { json!({"slug": slug}) } else { json!({"slug": slug, "versions": [v]}) })
        .collect();
    let report = json!({ "tools": tools }).to_string();
    let r = t.send("PUT", &format!("/api/v1/stacks/{stack}"), Some(&report), Some(token)).await;
    assert_eq!(r.status, StatusCode::OK, "push {stack}: {}", r.body);
}

async fn decide(t: &TestApp, token: &str, body: &str, tools: &[&str], org: Option<&str>) -> i64 {
    let mut input = json!({"kind": "decided", "body": body, "tools": tools});
    if let Some(org) = org {
        input["organisation"] = org.into();
    }
    let r = t.send("POST", "/api/v1/decisions", Some(&input.to_string()), Some(token)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.json()["id"].as_i64().unwrap()
}

async fn post_follow(
    t: &TestApp,
    cookie: &str,
    fields: Vec<(&'static str, String)>,
    origin: Option<&str>,
) -> common::Reply {
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    t.browse("POST", "/follows", Some(cookie), &pairs, origin).await
}

/// The feed through the API, with a query string (`""`, `kind=comment`, `before=...`).
async fn feed(t: &TestApp, token: &str, query: &str) -> Value {
    let r = t.send("GET", &format!("/api/v1/feed?{query}"), None, Some(token)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json()
}

async fn follow(t: &TestApp, token: &str, method: &str, path: &str) -> Value {
    let r = t.send(method, &format!("/api/v1/follows/{path}"), None, Some(token)).await;
    assert_eq!(r.status, StatusCode::OK, "{method} {path}: {}", r.body);
    r.json()
}

async fn assert_followers_match_recount(t: &TestApp) {
    let mut kept = t.db.store.all_tool_stats().await.unwrap();
    let mut counted = t.db.store.recount_tool_stats().await.unwrap();
    kept.sort_by_key(|s| s.tool_id);
    counted.sort_by_key(|s| s.tool_id);
    assert_eq!(kept, counted, "{:?} tool counters", t.backend());
    for c in t.db.store.recount_followers().await.unwrap() {
        assert_eq!(c.kept, c.counted, "{:?} {:?}", t.backend(), c.target);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn follows_of_tools_stacks_and_organisations() {
    for t in common::apps(false).await {
        let be = t.backend();
        let ann = token_for(&t, "ann").await;
        let bob = token_for(&t, "bob").await;
        push(&t, &ann, "ann/api", &["django"]).await;
        let r = t.send("POST", "/api/v1/organisations", Some(r#"{"slug": "acme", "name": "Acme"}"#), Some(&ann)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);

        // Follow, twice, then the state and the counters; unfollow, twice.
        for path in ["tool/django", "stack/ann/api", "organisation/acme"] {
            let first = follow(&t, &bob, "PUT", path).await;
            let again = follow(&t, &bob, "PUT", path).await;
            assert_eq!(first["following"], true);
            assert_eq!((first["followers"].as_i64(), again["followers"].as_i64()), (Some(1), Some(1)), "{be:?} {path}");
            assert_eq!(follow(&t, &ann, "PUT", path).await["followers"], 2);
            assert_eq!(follow(&t, &ann, "GET", path).await["following"], true);
            assert_eq!(follow(&t, &ann, "DELETE", path).await["followers"], 1);
            assert_eq!(follow(&t, &ann, "DELETE", path).await["followers"], 1);
            assert_eq!(follow(&t, &ann, "GET", path).await["following"], false);
        }
        use stackdex_app::TargetKind;
        for (kind, key) in
            [(TargetKind::Tool, "django"), (TargetKind::Stack, "ann/api"), (TargetKind::Organisation, "acme")]
        {
            assert_eq!(t.app.followers_of(kind, key).await.unwrap(), 1, "{be:?} {kind}");
        }
        let state = follow(&t, &bob, "GET", "stack/ann/api").await;
        assert_eq!(
            state["target"],
            json!({"kind": "stack", "key": "ann/api", "name": "api", "url": "/stacks/ann/api"})
        );
        // An alias names the same tool.
        assert_eq!(follow(&t, &bob, "GET", "tool/postgres").await["target"]["key"], "postgresql");
        t.app.poll_changes().await.unwrap();
        assert_eq!(t.get("/api/v1/tools/django").await.json()["stats"]["followers"], 1, "{be:?}");
        let following = t.send("GET", "/api/v1/follows", None, Some(&bob)).await.json();
        let keys: HashSet<&str> =
            following["following"].as_array().unwrap().iter().map(|f| f["key"].as_str().unwrap()).collect();
        assert_eq!(keys, HashSet::from(["django", "ann/api", "acme"]));

        // Mistakes and strangers.
        for (method, path, status) in [
            ("PUT", "tool/no-such-tool-xyz", StatusCode::NOT_FOUND),
            ("PUT", "stack/ann/nothing", StatusCode::NOT_FOUND),
            ("PUT", "organisation/nobody", StatusCode::NOT_FOUND),
        ] {
            let r = t.send(method, &format!("/api/v1/follows/{path}"), None, Some(&bob)).await;
            assert_eq!(r.status, status, "{path}: {}", r.body);
            assert!(r.json()["error"]["message"].is_string());
        }
        assert_eq!(t.send("PUT", "/api/v1/follows/user/ann", None, Some(&bob)).await.status, StatusCode::NOT_FOUND);
        assert_eq!(t.send("PUT", "/api/v1/follows/tool/django", None, None).await.status, StatusCode::UNAUTHORIZED);
        assert_eq!(t.send("GET", "/api/v1/follows", None, Some("sdx_nope")).await.status, StatusCode::UNAUTHORIZED);

        // From the browser: the tool page's button, and a form that posts elsewhere is refused.
        let cookie = t.browser_sign_up("carol").await;
        let page = t.browse("GET", "/tools/rust", Some(&cookie), &[], None).await;
        assert!(page.body.contains("action=\"/follows\"") && page.body.contains("name=\"target\" value=\"rust\""));
        let csrf = common::csrf_of(&page.body).unwrap();
        let form = |action: &'static str, csrf: &str, next: Option<&str>| -> Vec<(&'static str, String)> {
            let mut fields = vec![
                ("csrf", csrf.to_owned()),
                ("kind", "tool".into()),
                ("target", "rust".into()),
                ("action", action.into()),
            ];
            fields.extend(next.map(|n| ("next", n.to_owned())));
            fields
        };
        let r = post_follow(&t, &cookie, form("follow", &csrf, None), None).await;
        assert_eq!((r.status, r.location.as_deref()), (StatusCode::SEE_OTHER, Some("/tools/rust")));
        assert_eq!(post_follow(&t, &cookie, form("follow", "bad", None), None).await.status, StatusCode::FORBIDDEN);
        let r = post_follow(&t, &cookie, form("unfollow", &csrf, None), Some("http://evil.test")).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let anonymous = t.browse("POST", "/follows", None, &[("kind", "tool"), ("target", "rust")], None).await;
        assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
        // Sent to log in, and back to the page the button was on (its Referer; none here).
        assert!(anonymous.location.unwrap().starts_with("/login?next=/"));
        t.app.poll_changes().await.unwrap();
        assert_eq!(t.get("/api/v1/tools/rust").await.json()["stats"]["followers"], 1);
        let r = post_follow(&t, &cookie, form("unfollow", &csrf, Some("/feed")), None).await;
        assert_eq!(r.location.as_deref(), Some("/feed"));
        t.app.poll_changes().await.unwrap();
        assert_eq!(t.get("/api/v1/tools/rust").await.json()["stats"]["followers"], 0);
        let r = post_follow(&t, &cookie, form("follow", &csrf, Some("https://evil.test/")), None).await;
        assert_eq!(r.location.as_deref(), Some("/"), "redirects stay on this site");
        assert_followers_match_recount(&t).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_feed_shows_what_happened_on_what_one_follows() {
    for t in common::apps(false).await {
        let be = t.backend();
        let ann = token_for(&t, "ann").await;
        let bob = token_for(&t, "bob").await;
        t.send("POST", "/api/v1/organisations", Some(r#"{"slug": "acme", "name": "Acme"}"#), Some(&ann)).await;
        push(&t, &ann, "ann/api", &["django"]).await;
        for path in ["tool/django", "tool/rust", "stack/ann/api", "organisation/acme"] {
            follow(&t, &bob, "PUT", path).await;
        }
        // What happened before the follow shows too: the stack's first snapshot.
        let start = feed(&t, &bob, "").await;
        assert_eq!(start["items"].as_array().unwrap().len(), 1, "{be:?}: {start:#}");
        let added = &start["items"][0]["stack"]["added"];
        assert_eq!((added[0]["slug"].as_str(), added[0]["name"].as_str()), (Some("django"), Some("Django")));
        assert!(added[0]["logo"].as_str().unwrap().starts_with("/static/logos/django."), "tools come with their logo");
        assert_eq!(added.as_array().unwrap().len(), 1);

        // Happenings, oldest first.
        let both = decide(&t, &ann, "Rust for the API, Django for the admin.", &["django", "rust"], None).await;
        let r = t
            .send(
                "POST",
                "/api/v1/tools/django/reasons",
                Some(r#"{"kind": "pro", "text": "Admin for free"}"#),
                Some(&ann),
            )
            .await;
        let reason = r.json()["id"].as_i64().unwrap();
        push(&t, &ann, "ann/api", &["django", "rust", "postgresql"]).await;
        push(&t, &ann, "ann/api", &["django", "rust", "postgresql"]).await; // no change: no event
        push(&t, &ann, "acme/web", &["react"]).await; // the organisation's stack
        let for_org = decide(&t, &ann, "Go for the workers.", &["golang"], Some("acme")).await;
        let unrelated = decide(&t, &ann, "Vue for the front.", &["vuejs"], None).await;
        t.send(
            "POST",
            "/api/v1/tools/vuejs/reasons",
            Some(r#"{"kind": "con", "text": "Smaller ecosystem"}"#),
            Some(&ann),
        )
        .await;

        let page = feed(&t, &bob, "").await;
        let items = page["items"].as_array().unwrap();
        let kinds: Vec<&str> = items.iter().map(|i| i["kind"].as_str().unwrap()).collect();
        assert_eq!(kinds, ["decision", "stack", "stack", "reason", "decision"], "{be:?}: {page:#}");
        assert!(page["next_before"].is_null());
        // The organisation's decision, about a tool bob does not follow.
        assert_eq!(items[0]["decision"]["id"], for_org);
        assert_eq!(items[0]["url"], format!("/decisions/{for_org}"));
        assert_eq!(items[0]["about"][0]["key"], "acme");
        assert_eq!(items[0]["actor"]["username"], "ann");
        // The organisation's stack, told through the organisation.
        assert_eq!(items[1]["stack"]["owner"], "acme");
        assert_eq!(items[1]["stack"]["added"][0]["slug"], "react");
        assert_eq!(items[1]["about"][0]["kind"], "organisation");
        // A followed stack's two snapshots of the day are one item: what they added together.
        let mut added: Vec<&str> =
            items[2]["stack"]["added"].as_array().unwrap().iter().map(|t| t["slug"].as_str().unwrap()).collect();
        added.sort_unstable();
        assert_eq!(added, ["django", "postgresql", "rust"]);
        let stack = &items[2]["stack"];
        assert_eq!((stack["added_count"].as_i64(), stack["removed_count"].as_i64()), (Some(3), Some(0)));
        assert_eq!((stack["snapshots"].as_i64(), items[2]["count"].as_i64()), (Some(2), Some(2)));
        assert_eq!(items[2]["url"], "/stacks/ann/api");
        assert_eq!(items[3]["reason"]["id"], reason);
        assert_eq!(items[3]["reason"]["text"], "Admin for free");
        // A decision about two followed tools is one item, about both.
        assert_eq!(items[4]["decision"]["id"], both);
        let mut about: Vec<&str> =
            items[4]["about"].as_array().unwrap().iter().map(|a| a["key"].as_str().unwrap()).collect();
        about.sort_unstable();
        assert_eq!(about, ["django", "rust"]);
        assert!(items.iter().all(|i| i["decision"]["id"] != unrelated));
        assert!(items[4]["summary"].as_str().unwrap().contains("ann decided on"), "{}", items[4]["summary"]);

        // Paging: 25 more decisions; pages of 20, newest first, no gap and no repeat.
        let mut posted = Vec::new();
        for i in 0..25 {
            posted.push(decide(&t, &ann, &format!("Decision {i}"), &["django", "rust"], None).await);
        }
        let first = feed(&t, &bob, "").await;
        assert_eq!(first["items"].as_array().unwrap().len(), 20);
        let before = first["next_before"].as_str().expect("a next page").to_owned();
        let second = feed(&t, &bob, &format!("before={before}")).await;
        let ids = |p: &Value| -> Vec<i64> {
            p["items"].as_array().unwrap().iter().map(|i| i["id"].as_i64().unwrap()).collect()
        };
        let all: Vec<i64> = [ids(&first), ids(&second)].concat();
        assert!(all.windows(2).all(|w| w[0] > w[1]), "newest first: {all:?}");
        assert_eq!(all.len(), 30, "{be:?}: 25 new and 5 old items");
        let decisions: Vec<i64> =
            first["items"].as_array().unwrap().iter().map(|i| i["decision"]["id"].as_i64().unwrap()).collect();
        assert_eq!(decisions, posted.iter().rev().take(20).copied().collect::<Vec<_>>());
        assert!(second["next_before"].is_null());

        // The page; anonymous visitors go to log in; the API wants a token.
        let anonymous = t.browse("GET", "/feed", None, &[], None).await;
        assert_eq!(
            (anonymous.status, anonymous.location.as_deref()),
            (StatusCode::SEE_OTHER, Some("/login?next=/feed"))
        );
        assert_eq!(t.get("/api/v1/feed").await.status, StatusCode::UNAUTHORIZED);
        assert_eq!(t.send("GET", "/api/v1/feed?before=x", None, Some(&bob)).await.status, StatusCode::BAD_REQUEST);
        let r = t.browse("POST", "/login", None, &[("username", "bob"), ("password", "correct horse")], None).await;
        let cookie = common::session_of(&r).unwrap();
        let html = t.browse("GET", "/feed", Some(&cookie), &[], None).await;
        assert_eq!(html.status, StatusCode::OK);
        assert!(html.body.contains("Decision 24") && html.body.contains(&format!("/feed?before={before}")), "{be:?}");
        let older = t.browse("GET", &format!("/feed?before={before}"), Some(&cookie), &[], None).await.body;
        assert!(older.contains("Admin for free") && older.contains("acme/web") && !older.contains("Decision 24"));
        assert!(html.body.contains("name=\"target\" value=\"ann/api\""), "unfollow buttons for what bob follows");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_feed_groups_a_days_happenings_and_filters_by_kind() {
    for t in common::apps(false).await {
        let be = t.backend();
        let ann = token_for(&t, "ann").await;
        let bob = token_for(&t, "bob").await;
        let cid = token_for(&t, "cid").await;
        push_versions(&t, &ann, "ann/db", &[("postgresql", "15"), ("redis", "7.0")]).await;
        for path in ["tool/django", "stack/ann/db"] {
            follow(&t, &bob, "PUT", path).await;
        }
        let question = decide(&t, &ann, "# Django or **Flask**?\nFor an admin.", &["django"], None).await;
        for (who, text) in [(&ann, "Batteries included"), (&cid, "Admin for free"), (&cid, "Mature ORM")] {
            let body = json!({"kind": "pro", "text": text}).to_string();
            let r = t.send("POST", "/api/v1/tools/django/reasons", Some(&body), Some(who)).await;
            assert_eq!(r.status, StatusCode::CREATED);
        }
        for (who, text) in [(&cid, "Django, *surely*."), (&ann, "Agreed: the admin alone.")] {
            let body = json!({ "body": text }).to_string();
            let r = t.send("POST", &format!("/api/v1/decisions/{question}/comments"), Some(&body), Some(who)).await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        }
        // PostgreSQL 15 → 16, then 16 → 17 the same day: one item, 15 → 17.
        push_versions(&t, &ann, "ann/db", &[("postgresql", "16"), ("redis", "7.0")]).await;
        push_versions(&t, &ann, "ann/db", &[("postgresql", "17"), ("redis", "7.0")]).await;

        let page = feed(&t, &bob, "").await;
        let items = page["items"].as_array().unwrap();
        let kinds: Vec<&str> = items.iter().map(|i| i["kind"].as_str().unwrap()).collect();
        assert_eq!(kinds, ["stack", "comment", "reason", "decision"], "{be:?}: {page:#}");
        let stack = &items[0]["stack"];
        assert_eq!(stack["changed"][0]["tool"]["slug"], "postgresql");
        assert_eq!(
            (stack["changed"][0]["from"].as_str(), stack["changed"][0]["to"].as_str()),
            (Some("15"), Some("17"))
        );
        assert_eq!((stack["changed_count"].as_i64(), stack["snapshots"].as_i64()), (Some(1), Some(3)));
        assert!(items[0]["summary"].as_str().unwrap().contains("PostgreSQL 15 → 17"), "{}", items[0]["summary"]);
        // Two comments on the question: one item, newest first, its title in the summary.
        let comments = items[1]["comments"].as_array().unwrap();
        assert_eq!(comments.len(), 2);
        assert_eq!(comments[0]["excerpt"], "Agreed: the admin alone.");
        assert_eq!(comments[1]["excerpt"], "Django, surely.");
        assert_eq!(items[1]["summary"], "ann and cid left 2 comments on “Django or Flask?”");
        assert!(items[1]["url"].as_str().unwrap().starts_with(&format!("/decisions/{question}#comment-")));
        // Three pros of Django: one item listing them.
        assert_eq!(items[2]["count"], 3);
        assert_eq!(items[2]["reasons"].as_array().unwrap().len(), 3);
        assert_eq!(items[2]["summary"], "cid and ann added 3 pros of Django");

        // Only some kinds.
        let only = feed(&t, &bob, "kind=comment,decision").await;
        let kinds: Vec<&str> = only["items"].as_array().unwrap().iter().map(|i| i["kind"].as_str().unwrap()).collect();
        assert_eq!(kinds, ["comment", "decision"]);
        assert_eq!(only["kinds"], json!(["comment", "decision"]));
        for bad in ["kind=votes", "before=12", "before=a.b"] {
            let r = t.send("GET", &format!("/api/v1/feed?{bad}"), None, Some(&bob)).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}");
        }
        // The page: the filter as tabs, the current one marked; comments and versions shown.
        let r = t.browse("POST", "/login", None, &[("username", "bob"), ("password", "correct horse")], None).await;
        let cookie = common::session_of(&r).unwrap();
        let html = t.browse("GET", "/feed?kind=stack", Some(&cookie), &[], None).await.body;
        assert!(html.contains(r#"<a href="/feed?kind=stack" aria-current="page">"#), "{html}");
        assert!(html.contains("15 → 17") && !html.contains("Agreed: the admin alone."));
        let html = t.browse("GET", "/feed", Some(&cookie), &[], None).await.body;
        assert!(html.contains(r#"<a href="/feed" aria-current="page">"#));
        assert!(html.contains("Agreed: the admin alone.") && html.contains("Mature ORM"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_follows_keep_the_counters_exact() {
    for t in common::apps(false).await {
        let be = t.backend();
        let owner = token_for(&t, "owner").await;
        push(&t, &owner, "owner/app", &["django"]).await;
        t.send("POST", "/api/v1/organisations", Some(r#"{"slug": "racers", "name": "Racers"}"#), Some(&owner)).await;
        let mut tokens = Vec::new();
        for i in 0..12 {
            tokens.push(token_for(&t, &format!("fan{i}")).await);
        }
        let t = std::sync::Arc::new(t);
        let mut tasks = Vec::new();
        for (i, token) in tokens.into_iter().enumerate() {
            let t = t.clone();
            tasks.push(tokio::spawn(async move {
                for round in 0..6 {
                    for path in ["tool/django", "stack/owner/app", "organisation/racers"] {
                        let method = if (i + round) % 2 == 0 { "PUT" } else { "DELETE" };
                        let r = t.send(method, &format!("/api/v1/follows/{path}"), None, Some(&token)).await;
                        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
                    }
                }
                // The even ones end following everything, the odd ones nothing.
                let method = if i % 2 == 0 { "PUT" } else { "DELETE" };
                for path in ["tool/django", "stack/owner/app", "organisation/racers"] {
                    t.send(method, &format!("/api/v1/follows/{path}"), None, Some(&token)).await;
                }
            }));
        }
        for task in tasks {
            task.await.unwrap();
        }
        assert_followers_match_recount(&t).await;
        for path in ["tool/django", "stack/owner/app", "organisation/racers"] {
            assert_eq!(follow(&t, &owner, "GET", path).await["followers"], 6, "{be:?} {path}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_text_in_the_feed_never_runs() {
    for t in common::apps(false).await {
        let ann = token_for(&t, "ann").await;
        let r = t
            .browse("POST", "/signup", None, &[("username", "bob"), ("password", "correct horse battery")], None)
            .await;
        let cookie = common::session_of(&r).unwrap();
        let page = t.browse("GET", "/tools/django", Some(&cookie), &[], None).await;
        let csrf = common::csrf_of(&page.body).unwrap();
        t.browse("POST", "/follows", Some(&cookie), &[("csrf", &csrf), ("kind", "tool"), ("target", "django")], None)
            .await;
        for v in VECTORS.iter().take(40) {
            decide(&t, &ann, v, &["django"], None).await;
        }
        let mut before: Option<i64> = None;
        loop {
            let uri = before.map_or("/feed".to_owned(), |b| format!("/feed?before={b}"));
            let html = t.browse("GET", &uri, Some(&cookie), &[], None).await.body;
            let problems = executable_markup(&html, &["/search", "/follows", "/logout"]);
            assert!(problems.is_empty(), "{:?}: {problems:?}", t.backend());
            let Some(at) = html.find("/feed?before=") else { break };
            let digits: String = html[at + 13..].chars().take_while(char::is_ascii_digit).collect();
            before = Some(digits.parse().unwrap());
        }
    }
}
