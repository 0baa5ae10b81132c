//! Forms keep what the visitor typed: a refused post answers 422 with the same form, the
//! values as sent (escaped), the message beside its field (`aria-invalid`, `aria-describedby`)
//! and nothing stored.

use crate::common;

use axum::http::StatusCode;
use common::{TestApp, csrf_of};

/// Asserts a refused form: 422, the field marked, and every `kept` value back in the page.
fn assert_refused(r: &common::Reply, field_id: &str, kept: &[&str]) {
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let marked = format!(r#"aria-invalid="true" aria-describedby="{field_id}-error""#);
    assert!(r.body.contains(&marked), "{field_id} marked: {}", r.body);
    assert!(r.body.contains(&format!(r#"id="{field_id}-error""#)), "{field_id}'s message: {}", r.body);
    for value in kept {
        assert!(r.body.contains(value), "{value} kept: {}", r.body);
    }
}

async fn csrf(t: &TestApp, cookie: &str, uri: &str) -> String {
    csrf_of(&t.browse("GET", uri, Some(cookie), &[], None).await.body).expect("a CSRF token")
}

async fn new_org(t: &TestApp, cookie: &str, csrf: &str, slug: &str, name: &str) -> common::Reply {
    t.browse("POST", "/organisations", Some(cookie), &[("csrf", csrf), ("slug", slug), ("name", name)], None).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_forms_come_back_with_what_was_typed() {
    for t in common::apps(false).await {
        let be = t.backend();
        // Sign-up with a taken name keeps the name, never the password.
        let ann = t.browser_sign_up("ann").await;
        let r = t.browse("POST", "/signup", None, &[("username", "ann"), ("password", "another secret 1")], None).await;
        assert_refused(&r, "username", &[r#"value="ann""#]);
        assert!(!r.body.contains("another secret 1"), "{be:?}: the password is never sent back");
        // A username that cannot be one: told why, beside the field.
        let r = t.browse("POST", "/signup", None, &[("username", "<b>x"), ("password", "long enough pw")], None).await;
        assert_refused(&r, "username", &[r#"value="&#60;b&#62;x""#]);

        let csrf = csrf(&t, &ann, "/organisations/new").await;
        assert_eq!(new_org(&t, &ann, &csrf, "acme", "Acme Inc.").await.status, StatusCode::SEE_OTHER);
        // The slug is taken (by the organisation, or by a user: one namespace).
        for taken in ["acme", "ann"] {
            let r = new_org(&t, &ann, &csrf, taken, "Acme & Sons").await;
            assert_refused(&r, "org-slug", &[&format!(r#"value="{taken}""#), "Acme &#38; Sons"]);
        }
        let r = new_org(&t, &ann, &csrf, "a!", "Acme").await;
        assert_refused(&r, "org-slug", &[r#"value="a!""#]);

        // A member who does not exist: the organisation page again, the name kept.
        let r = t
            .browse("POST", "/organisations/acme/members", Some(&ann), &[("csrf", &csrf), ("username", "nobody")], None)
            .await;
        assert_refused(&r, "member-username", &[r#"value="nobody""#]);
        assert!(r.body.contains("Acme Inc."), "{be:?}: the organisation page");

        // A token needs a name.
        let r = t.browse("POST", "/settings/tokens", Some(&ann), &[("csrf", &csrf), ("name", "   ")], None).await;
        assert_refused(&r, "token-name", &[]);
        assert!(!r.body.contains(r#"id="new-token""#), "no token made");
        let long = "n".repeat(65);
        let r = t.browse("POST", "/settings/tokens", Some(&ann), &[("csrf", &csrf), ("name", &long)], None).await;
        assert_refused(&r, "token-name", &[&format!(r#"value="{long}""#)]);

        // A pro that is too short, with the kind kept.
        let r = t
            .browse(
                "POST",
                "/tools/django/reasons",
                Some(&ann),
                &[("csrf", &csrf), ("kind", "con"), ("text", "x")],
                None,
            )
            .await;
        assert_refused(&r, "reason-text", &[r#"value="x""#, r#"value="con" checked"#]);

        // Nothing refused was stored.
        let orgs = t.get("/api/v1/organisations").await.json();
        assert_eq!(orgs["paging"]["total"], 1, "{be:?}: {orgs}");
        let tool = t.get("/api/v1/tools/django").await.json();
        assert_eq!(tool["cons"].as_array().unwrap().len(), 0);
    }
}
