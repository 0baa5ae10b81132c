//! Decisions on both backends: posting through the API and the browser form, the page and
//! its JSON twin, upvotes and comments with exact counters, views (once per visitor per hour,
//! bots left out), and hostile markdown that must never come back as markup that runs.

use crate::common;

use stackdex_store::NewView;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::TestApp;
use common::xss::{VECTORS, executable_markup};
use http_body_util::BodyExt;
use serde_json::json;
use tower::ServiceExt;

const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
const SAFARI: &str = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Version/17.5 Safari/605.1.15";

/// Signs `name` up through the API; returns a Bearer token.
pub async fn token_for(t: &TestApp, name: &str) -> String {
    let creds = json!({"username": name, "password": "correct horse"}).to_string();
    assert_eq!(t.send("POST", "/api/v1/users", Some(&creds), None).await.status, StatusCode::CREATED);
    let r = t
        .send(
            "POST",
            "/api/v1/tokens",
            Some(&json!({"username": name, "password": "correct horse", "name": "t"}).to_string()),
            None,
        )
        .await;
    r.json()["token"].as_str().unwrap().to_owned()
}

async fn post_decision(t: &TestApp, token: &str, body: serde_json::Value) -> common::Reply {
    t.send("POST", "/api/v1/decisions", Some(&body.to_string()), Some(token)).await
}

/// A page fetched as a browser with this User-Agent (and session cookie, if any) would.
async fn view(t: &TestApp, uri: &str, user_agent: &str, cookie: Option<&str>) -> StatusCode {
    let mut request = Request::builder().uri(uri).header(header::HOST, "stackdex.test");
    if !user_agent.is_empty() {
        request = request.header(header::USER_AGENT, user_agent);
    }
    if let Some(c) = cookie {
        request = request.header(header::COOKIE, format!("sdx_session={c}"));
    }
    let response = t.router.clone().oneshot(request.body(Body::empty()).unwrap()).await.unwrap();
    let status = response.status();
    response.into_body().collect().await.unwrap();
    status
}

async fn decision_json(t: &TestApp, id: i64) -> serde_json::Value {
    t.app.poll_changes().await.unwrap();
    let r = t.get(&format!("/api/v1/decisions/{id}")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json()
}

async fn assert_counters_match_recount(t: &TestApp) {
    for c in t.db.store.recount_decision_counters().await.unwrap() {
        let (kept, counted) = ((c.upvotes, c.comments), (c.upvotes_counted, c.comments_counted));
        assert_eq!(kept, counted, "{:?} decision {}", t.backend(), c.id);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn decisions_upvotes_and_comments_through_the_api() {
    for t in common::apps(false).await {
        let be = t.backend();
        let ann = token_for(&t, "ann").await;
        let bob = token_for(&t, "bob").await;

        // Post: 201 {"id", "url"}; aliases and repeats resolve to one tag per tool.
        let body = "We chose **Rust** over Django for the ingest service.\n\n- latency\n- memory";
        let r = post_decision(&t, &ann, json!({"kind": "decided", "body": body, "tools": ["rust", "django", "rust"]}))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{be:?}: {}", r.body);
        let id = r.json()["id"].as_i64().unwrap();
        assert_eq!(r.json(), json!({"id": id, "url": format!("/decisions/{id}")}));

        // The client's mistakes, each a clear 400 (401 without a token).
        for (bad, expect) in [
            (json!({"kind": "chosen", "body": "x", "tools": ["rust"]}), "kind"),
            (json!({"kind": "decided", "body": "   ", "tools": ["rust"]}), "1 to 20000"),
            (json!({"kind": "decided", "body": "x".repeat(20_001), "tools": ["rust"]}), "1 to 20000"),
            (json!({"kind": "decided", "body": "x", "tools": []}), "1 to 10 tools"),
            (json!({"kind": "decided", "body": "x", "tools": ["no-such-tool-xyz"]}), "no-such-tool-xyz"),
            (
                json!({"kind": "decided", "body": "x", "tools": ["django", "rust", "python", "go", "java", "ruby", "php", "nodejs", "react", "vuejs", "postgresql"]}),
                "1 to 10 tools",
            ),
            (json!({"kind": "decided", "body": "x", "tools": ["rust"], "views": 1000}), "unknown field"),
            (json!({"kind": "decided", "body": "x\u{0}y", "tools": ["rust"]}), "control character"),
            (json!({"kind": "decided", "tools": ["rust"]}), "body"),
        ] {
            let r = post_decision(&t, &ann, bad.clone()).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{be:?} {bad}: {}", r.body);
            let message = r.json()["error"]["message"].as_str().unwrap().to_owned();
            assert!(message.contains(expect), "{bad}: {message}");
        }
        let r = post_decision(&t, "", json!({"kind": "decided", "body": "x", "tools": ["rust"]})).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        let r = t
            .send("POST", "/api/v1/decisions", Some(r#"{"kind": "decided", "body": "x", "tools": ["rust"]}"#), None)
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        let r = post_decision(
            &t,
            &ann,
            json!({"kind": "decided", "body": "x", "tools": ["rust"], "organisation": "nobody-org"}),
        )
        .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);

        // The JSON twin and the page.
        let d = decision_json(&t, id).await;
        assert_eq!(d["url"], format!("/decisions/{id}"));
        assert_eq!(d["decision"]["body"], body);
        assert_eq!(d["decision"]["kind"], "decided");
        assert_eq!(d["decision"]["author"]["username"], "ann");
        let mut tools: Vec<&str> =
            d["decision"]["tools"].as_array().unwrap().iter().map(|t| t["slug"].as_str().unwrap()).collect();
        tools.sort_unstable();
        assert_eq!(tools, ["django", "rust"]);
        let page = t.get(&format!("/decisions/{id}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body.contains("<strong>Rust</strong>") && page.body.contains("<li>latency</li>"),
            "markdown rendered"
        );
        assert!(page.body.contains(&format!("action=\"/decisions/{id}/upvote\"")));
        assert!(page.body.contains(&format!("action=\"/decisions/{id}/comments\"")));
        assert_eq!(t.get("/decisions/999999").await.status, StatusCode::NOT_FOUND);
        assert_eq!(t.get("/api/v1/decisions/999999").await.status, StatusCode::NOT_FOUND);
        assert_eq!(t.get("/decisions/abc").await.status, StatusCode::BAD_REQUEST);
        assert_eq!(t.get("/api/v1/decisions/-1").await.status, StatusCode::BAD_REQUEST);

        // Shown, with a link to its page, on the pages of the tools it is about.
        for page in ["/tools/rust", "/tools/django", "/stackups/django-vs-rust", "/decisions", "/"] {
            let html = t.get(page).await.body;
            assert!(html.contains(&format!("href=\"/decisions/{id}\"")), "{be:?}: {page} links to the decision");
        }
        let list = t.get("/api/v1/decisions").await.json();
        assert_eq!(list["decisions"][0]["id"], id);
        assert_eq!((list["page"].as_i64(), list["pages"].as_i64()), (Some(1), Some(1)));
        assert_eq!(t.get("/api/v1/decisions?page=2").await.status, StatusCode::BAD_REQUEST);

        // Upvotes: one per user, retractable; the counter follows.
        let upvote = format!("/api/v1/decisions/{id}/upvote");
        assert_eq!(t.send("POST", &upvote, None, None).await.status, StatusCode::UNAUTHORIZED);
        for token in [&ann, &ann, &bob] {
            assert_eq!(t.send("POST", &upvote, None, Some(token)).await.status, StatusCode::NO_CONTENT);
        }
        assert_eq!(decision_json(&t, id).await["decision"]["upvotes"], 2);
        assert_eq!(t.send("DELETE", &upvote, None, Some(&ann)).await.status, StatusCode::NO_CONTENT);
        assert_eq!(t.send("DELETE", &upvote, None, Some(&ann)).await.status, StatusCode::NO_CONTENT);
        assert_eq!(decision_json(&t, id).await["decision"]["upvotes"], 1);
        assert_eq!(
            t.send("POST", "/api/v1/decisions/999999/upvote", None, Some(&bob)).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            t.send("POST", "/api/v1/decisions/x/upvote", None, Some(&bob)).await.status,
            StatusCode::BAD_REQUEST
        );

        // Comments: markdown, shown on the page, counted.
        let comments = format!("/api/v1/decisions/{id}/comments");
        let r = t.send("POST", &comments, Some(r#"{"body": "Did you try *async* Django?"}"#), Some(&bob)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let comment = r.json()["id"].as_i64().unwrap();
        for bad in [r#"{"body": ""}"#.to_owned(), json!({"body": "y".repeat(5_001)}).to_string(), "{}".into()] {
            assert_eq!(
                t.send("POST", &comments, Some(&bad), Some(&bob)).await.status,
                StatusCode::BAD_REQUEST,
                "{bad}"
            );
        }
        assert_eq!(t.send("POST", &comments, Some(r#"{"body": "hi"}"#), None).await.status, StatusCode::UNAUTHORIZED);
        assert_eq!(
            t.send("POST", "/api/v1/decisions/999999/comments", Some(r#"{"body": "hi"}"#), Some(&bob)).await.status,
            StatusCode::NOT_FOUND
        );
        let d = decision_json(&t, id).await;
        assert_eq!(d["decision"]["comments"], 1);
        assert_eq!(d["comments"][0]["id"], comment);
        assert_eq!(d["comments"][0]["author"]["username"], "bob");
        assert_eq!(d["comments"][0]["body"], "Did you try *async* Django?");
        let page = t.get(&format!("/decisions/{id}")).await.body;
        assert!(page.contains(&format!("id=\"comment-{comment}\"")) && page.contains("<em>async</em>"), "{page}");

        assert_counters_match_recount(&t).await;
    }
}

fn decision_fields(csrf: &str) -> [(&'static str, &str); 4] {
    [("csrf", csrf), ("kind", "needs_advice"), ("tools", "django, rust"), ("body", "Which one for an API?")]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_forms_post_upvote_and_comment() {
    for t in common::apps(false).await {
        let be = t.backend();
        let cookie = t.browser_sign_up("carol").await;

        // Reachable from the tool page; the form needs a session.
        let tool = t.get("/tools/django").await.body;
        assert!(tool.contains("href=\"/decisions/new?tools=django\""), "post-a-decision link on the tool page");
        let anonymous = t.browse("GET", "/decisions/new?tools=django", None, &[], None).await;
        assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
        assert!(
            anonymous.location.as_deref().unwrap().starts_with("/login?next=/decisions/new"),
            "{:?}",
            anonymous.location
        );
        let form = t.browse("GET", "/decisions/new?tools=django&kind=needs_advice", Some(&cookie), &[], None).await;
        assert_eq!(form.status, StatusCode::OK);
        assert!(form.body.contains("value=\"django\""), "tools filled in");
        assert!(form.body.contains("value=\"needs_advice\" checked"), "kind filled in");
        let csrf = common::csrf_of(&form.body).expect("a CSRF token");

        // Refusals: no token, another site, nobody signed in; a bad tool keeps what was typed.
        let r = t.browse("POST", "/decisions", Some(&cookie), &decision_fields(""), None).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = t.browse("POST", "/decisions", Some(&cookie), &decision_fields(&csrf), Some("http://evil.test")).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = t.browse("POST", "/decisions", None, &decision_fields(""), None).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let r = t
            .browse(
                "POST",
                "/decisions",
                Some(&cookie),
                &[("csrf", &csrf), ("kind", "decided"), ("tools", "djangoo"), ("body", "Kept text & more")],
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("unknown tools: djangoo") && r.body.contains("did you mean django"), "{}", r.body);
        assert!(
            r.body.contains("Kept text &amp; more") || r.body.contains("Kept text &#38; more"),
            "the body is kept, escaped"
        );

        let r = t.browse("POST", "/decisions", Some(&cookie), &decision_fields(&csrf), None).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{be:?}: {}", r.body);
        let url = r.location.unwrap();
        let id: i64 = url.strip_prefix("/decisions/").unwrap().parse().unwrap();
        let d = decision_json(&t, id).await;
        assert_eq!(
            (d["decision"]["kind"].as_str(), d["decision"]["author"]["username"].as_str()),
            (Some("needs_advice"), Some("carol"))
        );

        // Upvote and take it back from the page's form.
        let page = t.browse("GET", &url, Some(&cookie), &[], None).await;
        let csrf = common::csrf_of(&page.body).expect("the session's token spliced into the cached page");
        let up = format!("{url}/upvote");
        let r = t.browse("POST", &up, Some(&cookie), &[("csrf", &csrf)], None).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        t.browse("POST", &up, Some(&cookie), &[("csrf", &csrf), ("action", "cast")], None).await;
        assert_eq!(decision_json(&t, id).await["decision"]["upvotes"], 1);
        assert_eq!(t.browse("POST", &up, Some(&cookie), &[("csrf", "nope")], None).await.status, StatusCode::FORBIDDEN);
        t.browse("POST", &up, Some(&cookie), &[("csrf", &csrf), ("action", "retract")], None).await;
        assert_eq!(decision_json(&t, id).await["decision"]["upvotes"], 0);
        let r = t.browse("POST", &up, Some(&cookie), &[("csrf", &csrf), ("action", "explode")], None).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);

        // Comment from the page.
        let r = t
            .browse(
                "POST",
                &format!("{url}/comments"),
                Some(&cookie),
                &[("csrf", &csrf), ("body", "Went with **Django**.")],
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let anchor = r.location.unwrap();
        assert!(anchor.starts_with(&format!("{url}#comment-")), "{anchor}");
        t.app.poll_changes().await.unwrap();
        let page = t.get(&url).await.body;
        assert!(page.contains("Went with <strong>Django</strong>."), "comment shown");
        let r =
            t.browse("POST", &format!("{url}/comments"), Some(&cookie), &[("csrf", &csrf), ("body", " ")], None).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "the page again, with what to fix");
        assert!(r.body.contains(r#"aria-describedby="comment-body-error""#), "{}", r.body);
        let long = "x".repeat(5001);
        let r = t
            .browse("POST", &format!("{url}/comments"), Some(&cookie), &[("csrf", &csrf), ("body", &long)], None)
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains(&format!(">{long}</textarea>")), "a long comment is kept to shorten");
        assert_counters_match_recount(&t).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn views_count_once_per_visitor_per_hour_and_never_for_bots() {
    for t in common::apps(false).await {
        let be = t.backend();
        let ann = token_for(&t, "ann").await;
        let id =
            post_decision(&t, &ann, json!({"kind": "decided", "body": "Views", "tools": ["rust"]})).await.json()["id"]
                .as_i64()
                .unwrap();
        let uri = format!("/decisions/{id}");
        let views = |d: serde_json::Value| d["decision"]["views"].as_i64().unwrap();

        for _ in 0..3 {
            assert_eq!(view(&t, &uri, FIREFOX, None).await, StatusCode::OK);
        }
        // Serving wrote nothing: views wait in memory for the flush.
        assert_eq!(views(decision_json(&t, id).await), 0, "{be:?}");
        t.app.flush_views().await.unwrap();
        t.db.store.announce_change(&[stackdex_store::Tag::Everything]).await.unwrap();
        assert_eq!(views(decision_json(&t, id).await), 1, "{be:?}: one visitor, one view");

        // Another browser on the same address is another visitor; bots never count.
        view(&t, &uri, SAFARI, None).await;
        for bot in [
            "",
            "curl/8.5.0",
            "Wget/1.21.4",
            "python-requests/2.32.3",
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/126.0.0.0 Safari/537.36",
            "facebookexternalhit/1.1",
            "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        ] {
            view(&t, &uri, bot, None).await;
        }
        // A signed-in user is one visitor whatever browser they use.
        let cookie = t.browser_sign_up("dave").await;
        view(&t, &uri, FIREFOX, Some(&cookie)).await;
        view(&t, &uri, SAFARI, Some(&cookie)).await;
        // The JSON API and missing pages count nothing.
        t.get(&format!("/api/v1/decisions/{id}")).await;
        view(&t, "/decisions/999999", FIREFOX, None).await;
        t.app.flush_views().await.unwrap();
        t.db.store.announce_change(&[stackdex_store::Tag::Everything]).await.unwrap();
        assert_eq!(views(decision_json(&t, id).await), 3, "{be:?}: Safari and dave");

        // Across app servers: another server counting the same visitor in the same hour adds
        // nothing; the database key decides.
        let other = stackdex_app::App::open(t.db.store.clone()).await.unwrap();
        let id = stackdex_app::DecisionId(id);
        other.count_decision_view(id, None, "local", FIREFOX);
        assert_eq!(other.flush_decision_views().await.unwrap(), 0, "{be:?}");
        other.count_decision_view(id, None, "10.1.2.3", FIREFOX);
        assert_eq!(other.flush_decision_views().await.unwrap(), 1);

        // Hours: the same visitor counts again in the next hour, once.
        let hour = stackdex_store::now() / 3600;
        let store = &t.db.store;
        let view_of = |decision, visitor: &str, hour| NewView { decision, visitor: visitor.to_owned(), hour };
        let visit = |h: i64| vec![view_of(id, "a:test", h)];
        assert_eq!(store.record_decision_views(&visit(hour), hour - 1).await.unwrap(), 1);
        assert_eq!(store.record_decision_views(&visit(hour), hour - 1).await.unwrap(), 0);
        assert_eq!(
            store.record_decision_views(&[visit(hour + 1), visit(hour + 1)].concat(), hour - 1).await.unwrap(),
            1
        );
        // A view of a decision gone meanwhile is dropped without failing the batch.
        let gone = vec![view_of(stackdex_app::DecisionId(999_999), "a:gone", hour), view_of(id, "a:other", hour)];
        assert_eq!(store.record_decision_views(&gone, hour - 1).await.unwrap(), 1);
        t.db.store.announce_change(&[stackdex_store::Tag::Everything]).await.unwrap();
        assert_eq!(views(decision_json(&t, id.get()).await), 7, "{be:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_upvotes_keep_the_counter_exact() {
    for t in common::apps(false).await {
        let be = t.backend();
        let author = token_for(&t, "author").await;
        let id =
            post_decision(&t, &author, json!({"kind": "decided", "body": "Race", "tools": ["go"]})).await.json()["id"]
                .as_i64()
                .unwrap();
        let mut tokens = Vec::new();
        for i in 0..12 {
            tokens.push(token_for(&t, &format!("voter{i}")).await);
        }
        let t = std::sync::Arc::new(t);
        let mut tasks = Vec::new();
        for (i, token) in tokens.into_iter().enumerate() {
            let t = t.clone();
            tasks.push(tokio::spawn(async move {
                let uri = format!("/api/v1/decisions/{id}/upvote");
                for round in 0..6 {
                    let method = if (i + round) % 3 == 2 { "DELETE" } else { "POST" };
                    let r = t.send(method, &uri, None, Some(&token)).await;
                    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
                }
                // Everybody ends with an upvote cast twice.
                t.send("POST", &uri, None, Some(&token)).await;
                t.send("POST", &uri, None, Some(&token)).await;
            }));
        }
        for task in tasks {
            task.await.unwrap();
        }
        assert_eq!(decision_json(&t, id).await["decision"]["upvotes"], 12, "{be:?}");
        assert_counters_match_recount(&t).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_markdown_never_comes_back_as_markup_that_runs() {
    assert!(VECTORS.len() >= 50, "{} vectors", VECTORS.len());
    for t in common::apps(false).await {
        let be = t.backend();
        let token = token_for(&t, "mallory").await;
        let own_forms = ["/search", "/decisions/", "/follows", "/logout"];
        let mut ids = Vec::new();
        for v in VECTORS.iter() {
            // Alone, and inside markdown around it (a list, a link, emphasis).
            for body in [v.to_string(), format!("* item {v}\n\n[link]({v}) and **{v}**")] {
                let r =
                    post_decision(&t, &token, json!({"kind": "needs_advice", "body": body, "tools": ["django"]})).await;
                assert_eq!(r.status, StatusCode::CREATED, "{be:?} {v:?}: {}", r.body);
                let id = r.json()["id"].as_i64().unwrap();
                let c = t
                    .send(
                        "POST",
                        &format!("/api/v1/decisions/{id}/comments"),
                        Some(&json!({"body": body}).to_string()),
                        Some(&token),
                    )
                    .await;
                assert_eq!(c.status, StatusCode::CREATED, "{v:?}");
                let page = t.get(&format!("/decisions/{id}")).await;
                assert_eq!(page.status, StatusCode::OK);
                let problems = executable_markup(&page.body, &own_forms);
                assert!(problems.is_empty(), "{be:?} {v:?} on the decision page: {problems:?}");
                // The API gives the text back as written (it is JSON, not HTML).
                assert_eq!(decision_json(&t, id).await["decision"]["body"], body.trim());
                ids.push(id);
            }
        }
        t.app.poll_changes().await.unwrap();
        for page in ["/tools/django", "/decisions", "/"] {
            let html = t.get(page).await.body;
            let problems =
                executable_markup(&html, &["/search", "/decisions/", "/follows", "/compare", "/tools/", "/reasons/"]);
            assert!(problems.is_empty(), "{be:?} {page}: {problems:?}");
        }
        assert_eq!(ids.len(), VECTORS.len() * 2);
    }
}

#[test]
fn the_markup_checker_finds_what_runs() {
    for html in [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<a href=\"jav&#x09;ascript:alert(1)\">x</a>",
        "<a href='JaVaScRiPt:alert(1)'>x</a>",
        "<svg onload=alert(1)>",
        "<iframe srcdoc=\"x\"></iframe>",
        "<div style=\"background:url(javascript:alert(1))\">",
        "<a title=\"a>b\" onclick=x>",
        "<meta http-equiv=refresh content=\"0;url=javascript:alert(1)\">",
        "<form action=\"https://evil.test/\"><button>x</button></form>",
    ] {
        assert!(!executable_markup(html, &["/decisions/"]).is_empty(), "{html}");
    }
    for html in [
        "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>",
        "<a href=\"https://example.com\" rel=\"noopener noreferrer\">x</a>",
        "<p>onerror=alert(1) javascript:alert(1)</p>",
        "<title>&lt;b&gt;</title><textarea><img src=x onerror=1></textarea>",
        "<form method=\"post\" action=\"/decisions/1/upvote\"><button>x</button></form>",
    ] {
        assert!(
            executable_markup(html, &["/decisions/"]).is_empty(),
            "{html}: {:?}",
            executable_markup(html, &["/decisions/"])
        );
    }
}
