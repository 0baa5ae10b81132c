//! The first write endpoints, on both backends: accounts, tokens, pros and cons, votes; and
//! the client's mistakes (bad JSON, wrong or missing tokens, oversized bodies, hostile text).

use crate::common;

use axum::http::StatusCode;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accounts_tokens_reasons_and_votes() {
    for t in common::apps(false).await {
        // Sign up.
        let r =
            t.send("POST", "/api/v1/users", Some(r#"{"username": "ann", "password": "correct horse"}"#), None).await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}: {}", t.backend(), r.body);
        assert_eq!(r.json()["username"], "ann");
        let again =
            t.send("POST", "/api/v1/users", Some(r#"{"username": "ann", "password": "another one"}"#), None).await;
        assert_eq!((again.status, again.json()["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("conflict")));
        for bad in [
            r#"{"username": "A!", "password": "correct horse"}"#,
            r#"{"username": "bob", "password": "short"}"#,
            r#"{"username": "bob"}"#,
            r#"{"username": "bob", "password": "correct horse", "admin": true}"#,
            r#"{"username": "bob", "#,
            "[]",
        ] {
            let r = t.send("POST", "/api/v1/users", Some(bad), None).await;
            assert!(r.status.is_client_error(), "{bad}: {}", r.status);
            assert!(r.json()["error"]["message"].is_string(), "{bad}");
        }
        // Tokens: wrong password, unknown user, then a good one (shown once, recognisable).
        let wrong = t
            .send(
                "POST",
                "/api/v1/tokens",
                Some(r#"{"username": "ann", "password": "nope nope", "name": "cli"}"#),
                None,
            )
            .await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
        let ghost = t
            .send(
                "POST",
                "/api/v1/tokens",
                Some(r#"{"username": "ghost", "password": "nope nope", "name": "cli"}"#),
                None,
            )
            .await;
        assert_eq!(
            ghost.json()["error"]["message"],
            wrong.json()["error"]["message"],
            "no hint whether the user exists"
        );
        let r = t
            .send(
                "POST",
                "/api/v1/tokens",
                Some(r#"{"username": "ann", "password": "correct horse", "name": "cli"}"#),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let token = r.json()["token"].as_str().unwrap().to_owned();
        assert!(token.starts_with("sdx_") && token.len() > 40);

        // Pros and cons need a valid token.
        let reason = r#"{"kind": "pro", "text": "Batteries included"}"#;
        assert_eq!(
            t.send("POST", "/api/v1/tools/django/reasons", Some(reason), None).await.status,
            StatusCode::UNAUTHORIZED
        );
        let forged = t.send("POST", "/api/v1/tools/django/reasons", Some(reason), Some("sdx_0000")).await;
        assert_eq!(forged.status, StatusCode::UNAUTHORIZED);
        let r = t.send("POST", "/api/v1/tools/django/reasons", Some(reason), Some(&token)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let id = r.json()["id"].as_i64().unwrap();
        let near = t
            .send(
                "POST",
                "/api/v1/tools/django/reasons",
                Some(r#"{"kind": "pro", "text": "batteries  included!"}"#),
                Some(&token),
            )
            .await;
        assert_eq!(near.status, StatusCode::CONFLICT);
        assert!(near.body.contains(&format!("#{id}")), "points to the existing reason: {}", near.body);
        let bad_kind = t
            .send(
                "POST",
                "/api/v1/tools/django/reasons",
                Some(r#"{"kind": "meh", "text": "Whatever it is"}"#),
                Some(&token),
            )
            .await;
        assert_eq!(bad_kind.status, StatusCode::BAD_REQUEST);
        let unknown = t.send("POST", "/api/v1/tools/no-such-tool/reasons", Some(reason), Some(&token)).await;
        assert_eq!(unknown.status, StatusCode::NOT_FOUND);
        let too_long = format!(r#"{{"kind": "con", "text": "{}"}}"#, "x".repeat(500));
        assert_eq!(
            t.send("POST", "/api/v1/tools/django/reasons", Some(&too_long), Some(&token)).await.status,
            StatusCode::BAD_REQUEST
        );
        let huge = format!(r#"{{"kind": "con", "text": "{}"}}"#, "x".repeat(2_000_000));
        assert_eq!(
            t.send("POST", "/api/v1/tools/django/reasons", Some(&huge), Some(&token)).await.status,
            StatusCode::PAYLOAD_TOO_LARGE
        );

        // Hostile text is stored as given and shown escaped.
        let xss = r#"{"kind": "con", "text": "<script>alert(1)</script> & \"quotes\""}"#;
        assert_eq!(
            t.send("POST", "/api/v1/tools/django/reasons", Some(xss), Some(&token)).await.status,
            StatusCode::CREATED
        );
        t.app.poll_changes().await.unwrap();
        let page = t.get("/tools/django").await.body;
        assert!(!page.contains("<script>alert(1)</script>"), "user text must be escaped");
        assert!(
            page.contains("&lt;script&gt;alert(1)&lt;/script&gt;") || page.contains("&#60;script&#62;"),
            "escaped text shown"
        );

        // Votes: once per user, retractable, counted on the tool.
        let vote = format!("/api/v1/reasons/{id}/vote");
        assert_eq!(t.send("POST", &vote, None, None).await.status, StatusCode::UNAUTHORIZED);
        assert_eq!(t.send("POST", &vote, None, Some(&token)).await.status, StatusCode::NO_CONTENT);
        assert_eq!(t.send("POST", &vote, None, Some(&token)).await.status, StatusCode::NO_CONTENT);
        t.app.poll_changes().await.unwrap();
        let tool = t.get("/api/v1/tools/django").await.json();
        let pro = tool["pros"].as_array().unwrap().iter().find(|p| p["id"] == id).unwrap().clone();
        assert_eq!(pro["votes"], 1);
        assert_eq!(tool["stats"]["votes"], 1);
        assert_eq!(t.send("DELETE", &vote, None, Some(&token)).await.status, StatusCode::NO_CONTENT);
        t.app.poll_changes().await.unwrap();
        assert_eq!(t.get("/api/v1/tools/django").await.json()["stats"]["votes"], 0);
        assert_eq!(
            t.send("POST", "/api/v1/reasons/999999/vote", None, Some(&token)).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            t.send("POST", "/api/v1/reasons/abc/vote", None, Some(&token)).await.status,
            StatusCode::BAD_REQUEST
        );
    }
}
