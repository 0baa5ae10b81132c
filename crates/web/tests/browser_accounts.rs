//! Accounts in the browser, on both backends: sign up, log in, log out, sessions in the
//! database, the settings page's API tokens, the forms on tool pages, CSRF defences, and rate
//! limits.

use crate::common;

use axum::http::{StatusCode, header};
use common::{csrf_of, session_of};

fn cookie_attributes(r: &common::Reply) -> String {
    r.headers.get(header::SET_COOKIE).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_up_log_in_log_out() {
    for t in common::apps(false).await {
        let be = t.backend();
        // The forms.
        let page = t.browse("GET", "/login", None, &[], None).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains(r#"name="username""#) && page.body.contains(r#"name="password""#));
        assert!(t.browse("GET", "/signup", None, &[], None).await.body.contains(r#"action="/signup""#));

        // Sign up: a session cookie, HttpOnly and SameSite=Lax, not Secure over plain HTTP.
        let r = t
            .browse(
                "POST",
                "/signup",
                None,
                &[("username", "ann"), ("password", "correct horse battery"), ("next", "/tools/django")],
                None,
            )
            .await;
        assert_eq!((r.status, r.location.as_deref()), (StatusCode::SEE_OTHER, Some("/tools/django")), "{be:?}");
        let attrs = cookie_attributes(&r);
        assert!(attrs.contains("HttpOnly") && attrs.contains("SameSite=Lax") && !attrs.contains("Secure"), "{attrs}");
        let ann = session_of(&r).unwrap();

        // Signed in, the cached tool page shows the account and carries the session's token;
        // the same page for an anonymous visitor does not.
        let anon = t.browse("GET", "/tools/django", None, &[], None).await;
        assert!(anon.body.contains(r#"href="/login""#) && csrf_of(&anon.body).is_none());
        let mine = t.browse("GET", "/tools/django", Some(&ann), &[], None).await;
        assert!(mine.body.contains(r#"<a href="/settings">ann</a>"#), "{be:?}");
        assert_eq!(mine.headers.get(header::CACHE_CONTROL).unwrap(), "private, no-store");
        let csrf = csrf_of(&mine.body).expect("forms carry the token");
        let again = t.browse("GET", "/tools/django", None, &[], None).await;
        assert_eq!(again.body, anon.body, "the shared cached page never holds a user's part");

        // Log in: wrong password shows the form again with 401; the right one opens a session.
        let wrong =
            t.browse("POST", "/login", None, &[("username", "ann"), ("password", "not the password")], None).await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
        assert!(wrong.body.contains("wrong username or password") && session_of(&wrong).is_none());
        // `next` only ever leads back into this site.
        for next in ["//evil.test/x", "https://evil.test/", "/\\evil.test"] {
            let r = t
                .browse(
                    "POST",
                    "/login",
                    None,
                    &[("username", "ann"), ("password", "correct horse battery"), ("next", next)],
                    None,
                )
                .await;
            assert_eq!((r.status, r.location.as_deref()), (StatusCode::SEE_OTHER, Some("/")), "{next}");
        }
        // Behind a TLS proxy the cookie is Secure.
        let r = t
            .finish_with_header(
                "/login",
                &[("username", "ann"), ("password", "correct horse battery")],
                ("x-forwarded-proto", "https"),
            )
            .await;
        assert!(cookie_attributes(&r).contains("Secure"), "{}", cookie_attributes(&r));

        // Log out ends this session everywhere: the cookie no longer opens anything.
        let out = t.browse("POST", "/logout", Some(&ann), &[("csrf", &csrf)], None).await;
        assert_eq!(out.status, StatusCode::SEE_OTHER);
        assert!(cookie_attributes(&out).contains("Max-Age=0"));
        let after = t.browse("GET", "/settings", Some(&ann), &[], None).await;
        assert_eq!(after.status, StatusCode::SEE_OTHER);
        assert_eq!(after.location.as_deref(), Some("/login?next=/settings"));
        // A forged or garbage cookie is an anonymous visitor.
        for junk in ["0000000000000000000000000000000000000000000000000000000000000000", "x'; DROP TABLE users; --"] {
            let r = t.browse("GET", "/tools/django", Some(junk), &[], None).await;
            assert_eq!(r.status, StatusCode::OK);
            assert!(r.body.contains(r#"href="/login""#));
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forms_on_tool_pages_need_a_session_a_token_and_this_origin() {
    for t in common::apps(false).await {
        let be = t.backend();
        let ann = t.browser_sign_up("ann").await;
        let page = t.browse("GET", "/tools/django", Some(&ann), &[], None).await;
        let csrf = csrf_of(&page.body).unwrap();
        let form = |text: &'static str| vec![("kind", "pro"), ("text", text)];

        // Anonymous: sent to log in, nothing stored.
        let r = t.browse("POST", "/tools/django/reasons", None, &form("Batteries included"), None).await;
        assert_eq!((r.status, r.location.as_deref()), (StatusCode::SEE_OTHER, Some("/login?next=/")));
        // Signed in without the token, with a wrong one, from another site, or with no origin.
        let mut no_token = form("Batteries included");
        no_token.push(("csrf", "00"));
        let r = t.browse("POST", "/tools/django/reasons", Some(&ann), &no_token, None).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{be:?}");
        let mut good = form("Batteries included");
        good.push(("csrf", &csrf));
        for origin in ["http://evil.test", ""] {
            let r = t.browse("POST", "/tools/django/reasons", Some(&ann), &good, Some(origin)).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "origin {origin:?}");
        }
        let tool = t.get("/api/v1/tools/django").await.json();
        assert_eq!(tool["pros"].as_array().unwrap().len(), 0, "refused posts stored nothing");

        // The real thing: 303 back to the reason on the tool page, and it shows.
        let r = t.browse("POST", "/tools/django/reasons", Some(&ann), &good, None).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let id: i64 = r.location.unwrap().rsplit("#reason-").next().unwrap().parse().unwrap();
        t.app.poll_changes().await.unwrap();
        let tool = t.get("/api/v1/tools/django").await.json();
        assert_eq!(tool["pros"][0]["id"], id);
        assert_eq!(tool["pros"][0]["text"], "Batteries included");
        // A near-duplicate is refused: the form again with the text kept and a way to vote for
        // the first instead.
        let mut dup = form("batteries included!");
        dup.push(("csrf", &csrf));
        let r = t.browse("POST", "/tools/django/reasons", Some(&ann), &dup, None).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains(&format!(r#"href="/tools/django#reason-{id}""#)), "{}", r.body);
        assert!(r.body.contains(r#"value="batteries included!""#), "{}", r.body);
        assert!(r.body.contains(r#"aria-invalid="true""#), "{}", r.body);

        // Votes: cast twice counts once; retract takes it back.
        let vote = |action: &'static str| vec![("csrf", csrf.as_str()), ("action", action)];
        for _ in 0..2 {
            let r = t.browse("POST", &format!("/reasons/{id}/vote"), Some(&ann), &vote("cast"), None).await;
            assert_eq!(r.status, StatusCode::SEE_OTHER);
        }
        t.app.poll_changes().await.unwrap();
        assert_eq!(t.get("/api/v1/tools/django").await.json()["pros"][0]["votes"], 1);
        let r = t.browse("POST", &format!("/reasons/{id}/vote"), Some(&ann), &vote("retract"), None).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        t.app.poll_changes().await.unwrap();
        assert_eq!(t.get("/api/v1/tools/django").await.json()["pros"][0]["votes"], 0);
        // Another user's token is no good for ann's session.
        let bob = t.browser_sign_up("bob").await;
        let bob_csrf = csrf_of(&t.browse("GET", "/tools/rust", Some(&bob), &[], None).await.body).unwrap();
        assert_ne!(bob_csrf, csrf);
        let r =
            t.browse("POST", &format!("/reasons/{id}/vote"), Some(&ann), &[("csrf", bob_csrf.as_str())], None).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_page_creates_and_revokes_tokens() {
    for t in common::apps(false).await {
        let ann = t.browser_sign_up("ann").await;
        let page = t.browse("GET", "/settings", Some(&ann), &[], None).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("No tokens yet"));
        let csrf = csrf_of(&page.body).unwrap();
        let made = t.browse("POST", "/settings/tokens", Some(&ann), &[("csrf", &csrf), ("name", "ci")], None).await;
        assert_eq!(made.status, StatusCode::CREATED);
        let at = made.body.find(r#"id="new-token">"#).expect("the token is shown once") + r#"id="new-token">"#.len();
        let token: String = made.body[at..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
        assert_eq!(token.len(), 4 + 48);
        // It works on the API...
        let r = t
            .send(
                "POST",
                "/api/v1/tools/rust/reasons",
                Some(r#"{"kind": "pro", "text": "Fearless concurrency"}"#),
                Some(&token),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        // ...the list shows its prefix, never the whole token...
        let list = t.browse("GET", "/settings", Some(&ann), &[], None).await;
        assert!(list.body.contains(&format!("{}…", &token[..10])) && !list.body.contains(&token));
        // ...and once revoked it opens nothing.
        let id = t.app.tokens(&t.db.store.user_by_name("ann").await.unwrap().unwrap()).await.unwrap()[0].id;
        let r = t.browse("POST", &format!("/settings/tokens/{id}/revoke"), Some(&ann), &[("csrf", &csrf)], None).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert!(t.browse("GET", "/settings", Some(&ann), &[], None).await.body.contains("revoked"));
        let r = t.send("POST", "/api/v1/reasons/1/vote", None, Some(&token)).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        // Someone else cannot revoke ann's tokens.
        let bob = t.browser_sign_up("bob").await;
        let bob_csrf = csrf_of(&t.browse("GET", "/settings", Some(&bob), &[], None).await.body).unwrap();
        let r =
            t.browse("POST", &format!("/settings/tokens/{id}/revoke"), Some(&bob), &[("csrf", &bob_csrf)], None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limits_refuse_with_429_and_keep_what_was_stored() {
    for t in common::apps(false).await {
        t.app.set_rate_limits(stackdex_app::rate_limits::RateLimits::parse(Some("signup=2/3600,vote=3/3600")).unwrap());
        for name in ["ann", "bob"] {
            let body = format!(r#"{{"username": "{name}", "password": "correct horse"}}"#);
            assert_eq!(t.send("POST", "/api/v1/users", Some(&body), None).await.status, StatusCode::CREATED);
        }
        let r =
            t.send("POST", "/api/v1/users", Some(r#"{"username": "cat", "password": "correct horse"}"#), None).await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(r.json()["error"]["code"], "rate_limited");
        assert!(r.headers.get(header::RETRY_AFTER).is_some());
        // The browser form shares the limit (same address).
        let r = t.browse("POST", "/signup", None, &[("username", "dan"), ("password", "correct horse")], None).await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
        assert!(t.db.store.user_by_name("cat").await.unwrap().is_none());
        assert!(t.db.store.user_by_name("ann").await.unwrap().is_some());

        // Votes are limited per user: three go through, the fourth is refused, the three stay.
        let token = t.token("ann", "correct horse").await;
        let mut ids = Vec::new();
        for text in ["One", "Two", "Three", "Four"] {
            let body = format!(r#"{{"kind": "pro", "text": "{text} reason here"}}"#);
            ids.push(t.send("POST", "/api/v1/tools/go/reasons", Some(&body), Some(&token)).await.json()["id"].clone());
        }
        let statuses: Vec<StatusCode> = futures_statuses(&t, &ids, &token).await;
        assert_eq!(&statuses[..3], &[StatusCode::NO_CONTENT; 3]);
        assert_eq!(statuses[3], StatusCode::TOO_MANY_REQUESTS);
        let votes: i64 = t.db.store.recount_reason_votes().await.unwrap().iter().map(|r| r.kept).sum();
        assert_eq!(votes, 3);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn limits_per_address_trust_x_forwarded_for_only_behind_a_proxy() {
    for t in common::apps(false).await {
        t.app.set_rate_limits(stackdex_app::rate_limits::RateLimits::parse(Some("signup=1/3600")).unwrap());
        // No proxy: the header is the client's own invention and changes nothing.
        assert_eq!(sign_up(&t, "ann", "1.1.1.1").await, StatusCode::SEE_OTHER);
        assert_eq!(sign_up(&t, "bob", "2.2.2.2").await, StatusCode::TOO_MANY_REQUESTS);
        // Behind a proxy: the address the proxy appended (the last one) is the client.
        t.app.trust_proxy(true);
        assert_eq!(sign_up(&t, "cat", "9.9.9.9, 3.3.3.3").await, StatusCode::SEE_OTHER);
        assert_eq!(sign_up(&t, "dan", "4.4.4.4").await, StatusCode::SEE_OTHER);
        assert_eq!(sign_up(&t, "eve", "3.3.3.3").await, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(sign_up(&t, "fay", "not an address").await, StatusCode::TOO_MANY_REQUESTS, "falls back to the peer");
    }
}

async fn sign_up(t: &common::TestApp, name: &str, forwarded: &str) -> StatusCode {
    let form = [("username", name), ("password", "correct horse battery")];
    t.finish_with_header("/signup", &form, ("x-forwarded-for", forwarded)).await.status
}

async fn futures_statuses(t: &common::TestApp, ids: &[serde_json::Value], token: &str) -> Vec<StatusCode> {
    let mut out = Vec::new();
    for id in ids {
        out.push(t.send("POST", &format!("/api/v1/reasons/{id}/vote"), None, Some(token)).await.status);
    }
    out
}
