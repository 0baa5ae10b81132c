//! Hostile text through every free-text field, on both backends, checked in the HTML the
//! router renders: a vector that holds markup never comes back as markup. (e2e/xss.test.mjs
//! opens the same pages in Chromium with the Content-Security-Policy off and checks nothing
//! runs.)

use crate::common;

use axum::http::StatusCode;

fn vectors() -> Vec<&'static str> {
    include_str!("xss-vectors.txt").lines().filter(|l| !l.trim().is_empty()).collect()
}

/// A vector with markup in it, which must never appear verbatim in a page.
fn is_markup(v: &str) -> bool {
    v.contains('<') || v.contains('"') || v.contains('\'')
}

fn assert_escaped(page: &common::Reply, vector: &str, where_: &str) {
    if is_markup(vector) {
        assert!(!page.body.contains(vector), "{where_}: {vector:?} came back unescaped");
    }
    // Pages carry one script of their own, the tool picker; any other <script is a vector's.
    let body = page.body.to_lowercase().replace(r#"<script src="/static/picker.js" defer></script>"#, "");
    assert!(!body.contains("<script"), "{where_}: a <script tag in the page for {vector:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_text_field_escapes_every_vector() {
    let vectors = vectors();
    assert!(vectors.len() >= 50, "{} vectors", vectors.len());
    let slugs: Vec<String> =
        stackdex_catalog::Catalog::builtin().tools().iter().take(vectors.len()).map(|t| t.slug.clone()).collect();
    for t in common::apps(false).await {
        let be = t.backend();
        t.send("POST", "/api/v1/users", Some(r#"{"username": "mallory", "password": "correct horse"}"#), None).await;
        let token = t.token("mallory", "correct horse").await;
        let session = common::session_of(
            &t.browse("POST", "/login", None, &[("username", "mallory"), ("password", "correct horse")], None).await,
        )
        .unwrap();
        let mut reasons = 0;
        for (i, v) in vectors.iter().enumerate() {
            let json = |fields: serde_json::Value| fields.to_string();
            // A pro, on its own tool (so none is a near-duplicate of another).
            let r = t
                .send(
                    "POST",
                    &format!("/api/v1/tools/{}/reasons", slugs[i]),
                    Some(&json(serde_json::json!({"kind": "pro", "text": v}))),
                    Some(&token),
                )
                .await;
            if r.status == StatusCode::CREATED {
                reasons += 1;
                t.app.poll_changes().await.unwrap();
                let page = t.get(&format!("/tools/{}", slugs[i])).await;
                assert_escaped(&page, v, &format!("{be:?} tool page"));
                let api = t.get(&format!("/api/v1/tools/{}", slugs[i])).await.json();
                let text = v.split_whitespace().collect::<Vec<_>>().join(" ");
                assert_eq!(api["pros"][0]["text"], text.as_str(), "the API gives the text back as it was written");
            } else {
                assert_eq!(r.status, StatusCode::BAD_REQUEST, "{v:?}");
            }
            // An organisation name.
            let body = json(serde_json::json!({"slug": format!("org-{i}"), "name": v}));
            if t.send("POST", "/api/v1/organisations", Some(&body), Some(&token)).await.status == StatusCode::CREATED {
                assert_escaped(&t.get(&format!("/organisations/org-{i}")).await, v, "organisation page");
            }
            // The search box and the log-in form echo what was typed.
            assert_escaped(&t.get(&format!("/search?q={}", urlencode(v))).await, v, "search page");
            let login =
                t.browse("POST", "/login", None, &[("username", v), ("password", "wrong password")], None).await;
            assert_eq!(login.status, StatusCode::UNAUTHORIZED);
            assert_escaped(&login, v, "log-in form");
            // A token name, on the settings page.
            let csrf = common::csrf_of(&t.browse("GET", "/settings", Some(&session), &[], None).await.body).unwrap();
            t.browse("POST", "/settings/tokens", Some(&session), &[("csrf", &csrf), ("name", v)], None).await;
            // The stack editor names tools it does not know.
            let r = t
                .browse("POST", "/stacks/new", Some(&session), &[("csrf", &csrf), ("name", "s"), ("add", v)], None)
                .await;
            assert!(r.status.is_client_error(), "{v:?}: {}", r.status);
            assert_escaped(&r, v, "stack editor error");
        }
        assert!(reasons >= 45, "{be:?}: only {reasons} vectors were accepted as reasons");
        let settings = t.browse("GET", "/settings", Some(&session), &[], None).await;
        for v in &vectors {
            assert_escaped(&settings, v, "settings page");
        }
        let user = t.get("/users/mallory").await;
        for v in &vectors {
            assert_escaped(&user, v, "user page");
        }
    }
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
