//! Owning what you wrote, on both backends: authors (and admins) edit and delete their
//! decisions and comments, edits are shown as such; a profile on the user's page; a password
//! change that ends the other sessions; reports of user content and the admins' queue.

use crate::common;

use axum::http::StatusCode;
use common::{TestApp, csrf_of, session_of};
use serde_json::json;

const PASSWORD: &str = "correct horse battery";

/// A browser session and an API token for a new user.
async fn person(t: &TestApp, name: &str) -> (String, String) {
    let cookie = t.browser_sign_up(name).await;
    (cookie, t.token(name, PASSWORD).await)
}

/// The CSRF token of the session, read from a page it is shown.
async fn csrf(t: &TestApp, cookie: &str) -> String {
    let r = t.browse("GET", "/settings", Some(cookie), &[], None).await;
    csrf_of(&r.body).expect("a csrf field")
}

/// A page as one visitor sees it, after this server has read the change log.
async fn page(t: &TestApp, uri: &str, cookie: Option<&str>) -> common::Reply {
    t.app.poll_changes().await.unwrap();
    t.browse("GET", uri, cookie, &[], None).await
}

async fn post_decision(t: &TestApp, token: &str, body: &str) -> i64 {
    let input = json!({"kind": "decided", "body": body, "tools": ["django"]}).to_string();
    let r = t.send("POST", "/api/v1/decisions", Some(&input), Some(token)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.json()["id"].as_i64().unwrap()
}

async fn comment(t: &TestApp, token: &str, decision: i64, body: &str) -> i64 {
    let input = json!({ "body": body }).to_string();
    let r = t.send("POST", &format!("/api/v1/decisions/{decision}/comments"), Some(&input), Some(token)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.json()["id"].as_i64().unwrap()
}

#[tokio::test]
async fn authors_edit_and_delete_their_decisions_and_comments() {
    for t in common::apps(false).await {
        let (ann, ann_token) = person(&t, "ann").await;
        let (bob, bob_token) = person(&t, "bob").await;
        let id = post_decision(&t, &ann_token, "We chose Django for its admin.").await;
        let edit_link = format!("<span class=\"own-actions\"><a href=\"/decisions/{id}/edit\">");

        // The controls: closed for anonymous visitors and other users, open for the author.
        let anonymous = page(&t, &format!("/decisions/{id}"), None).await;
        assert!(anonymous.body.contains(&format!("<!--own:ann {edit_link}")), "cached closed");
        let theirs = page(&t, &format!("/decisions/{id}"), Some(&bob)).await;
        assert!(!theirs.body.contains(&format!("/decisions/{id}/edit")), "bob sees no edit control");
        let own = page(&t, &format!("/decisions/{id}"), Some(&ann)).await;
        assert!(own.body.contains(&edit_link) && !own.body.contains("<!--own:"), "{:?}", t.backend());

        // Somebody else may neither open the form nor post it; nothing changes.
        let bob_csrf = csrf(&t, &bob).await;
        let r = t.browse("GET", &format!("/decisions/{id}/edit"), Some(&bob), &[], None).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let path = format!("/decisions/{id}/edit");
        let r = t.browse("POST", &path, Some(&bob), &[("csrf", &bob_csrf), ("body", "Hijacked")], None).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r =
            t.send("PATCH", &format!("/api/v1/decisions/{id}"), Some(r#"{"body":"Hijacked"}"#), Some(&bob_token)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = t.send("DELETE", &format!("/api/v1/decisions/{id}"), None, Some(&bob_token)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert!(page(&t, &format!("/decisions/{id}"), None).await.body.contains("for its admin"));

        // The author edits: a refusal keeps the form; a save shows at once, marked edited.
        let ann_csrf = csrf(&t, &ann).await;
        let r = t.browse("GET", &path, Some(&ann), &[], None).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.contains("We chose Django for its admin.</textarea>"), "the text to edit");
        let r = t.browse("POST", &path, Some(&ann), &[("csrf", &ann_csrf), ("body", "   ")], None).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("a decision is 1 to"), "{}", r.body);
        let r = t
            .browse("POST", &path, Some(&ann), &[("csrf", &ann_csrf), ("body", "Django, for the admin site.")], None)
            .await;
        assert_eq!(
            (r.status, r.location.as_deref()),
            (StatusCode::SEE_OTHER, Some(format!("/decisions/{id}").as_str()))
        );
        let shown = t.browse("GET", &format!("/decisions/{id}"), Some(&ann), &[], None).await;
        assert!(shown.body.contains("Django, for the admin site.") && shown.body.contains("class=\"edited\""));
        let json = t.get(&format!("/api/v1/decisions/{id}")).await.json();
        assert!(json["decision"]["edited_at"].as_i64().is_some(), "{json}");

        // Comments: their author edits and deletes them; the decision's author may not edit them.
        let c = comment(&t, &bob_token, id, "Why not Rails?").await;
        let r = t
            .send(
                "PATCH",
                &format!("/api/v1/comments/{c}"),
                Some(r#"{"body":"Why not Rails, or Phoenix?"}"#),
                Some(&bob_token),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
        let r = t.send("PATCH", &format!("/api/v1/comments/{c}"), Some(r#"{"body":"x"}"#), Some(&ann_token)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let json = t.get(&format!("/api/v1/decisions/{id}")).await.json();
        assert_eq!(json["comments"][0]["body"], "Why not Rails, or Phoenix?");
        assert!(json["comments"][0]["edited_at"].as_i64().is_some());
        let comment_page = page(&t, &format!("/decisions/{id}"), Some(&bob)).await;
        assert!(comment_page.body.contains(&format!("<a href=\"/comments/{c}/edit\">")), "bob edits his comment");
        let r = t.browse("POST", &format!("/comments/{c}/delete"), Some(&bob), &[("csrf", &bob_csrf)], None).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let json = t.get(&format!("/api/v1/decisions/{id}")).await.json();
        assert_eq!(
            (json["decision"]["comments"].as_i64(), json["comments"].as_array().map(Vec::len)),
            (Some(0), Some(0))
        );

        // The author deletes the decision; it is gone everywhere, and a second delete is 404.
        let r = t.browse("POST", &format!("/decisions/{id}/delete"), Some(&ann), &[("csrf", &ann_csrf)], None).await;
        assert_eq!((r.status, r.location.as_deref()), (StatusCode::SEE_OTHER, Some("/users/ann#decisions")));
        assert_eq!(page(&t, &format!("/decisions/{id}"), None).await.status, StatusCode::NOT_FOUND);
        let r = t.send("DELETE", &format!("/api/v1/decisions/{id}"), None, Some(&ann_token)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);

        // An admin may delete anybody's.
        let other = post_decision(&t, &ann_token, "Postgres over MySQL.").await;
        let (_root, root_token) = person(&t, "root").await;
        assert!(t.db.store.set_admin("root", true).await.unwrap());
        t.app.poll_changes().await.unwrap();
        let r = t.send("DELETE", &format!("/api/v1/decisions/{other}"), None, Some(&root_token)).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    }
}

#[tokio::test]
async fn profiles_show_on_user_pages_and_password_changes_end_other_sessions() {
    for t in common::apps(false).await {
        let (ann, ann_token) = person(&t, "ann").await;
        let r = t.browse("POST", "/login", None, &[("username", "ann"), ("password", PASSWORD)], None).await;
        let laptop = session_of(&r).expect("a second session");
        let csrf = csrf(&t, &ann).await;

        // A refused profile comes back with what was typed and what to fix; nothing is stored.
        let bad = [("csrf", csrf.as_str()), ("display_name", "Ann Lee"), ("website", "javascript:alert(1)")];
        let r = t.browse("POST", "/settings/profile", Some(&ann), &bad, None).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.body.contains("value=\"Ann Lee\"") && r.body.contains("an http:// or https:// address"),
            "{}",
            r.body
        );
        assert!(page(&t, "/users/ann", None).await.body.contains("<h1 class=\"title\">ann "), "not stored");

        let good = [
            ("csrf", csrf.as_str()),
            ("display_name", "Ann Lee"),
            ("title", "Staff engineer"),
            ("company", "Acme"),
            ("bio", "Builds <script>alert(1)</script> databases."),
            ("website", "https://ann.example/"),
        ];
        let r = t.browse("POST", "/settings/profile", Some(&ann), &good, None).await;
        assert_eq!((r.status, r.location.as_deref()), (StatusCode::SEE_OTHER, Some("/settings?saved=profile#profile")));
        post_decision(&t, &ann_token, "SQLite for the edge.").await;
        let follow = t.send("PUT", "/api/v1/follows/tool/sqlite", None, Some(&ann_token)).await;
        assert!(follow.status.is_success(), "{:?} {}", follow.status, follow.body);
        let user = page(&t, "/users/ann", None).await;
        assert!(user.body.contains("Ann Lee") && user.body.contains("Staff engineer at Acme"), "{}", user.body);
        let bio = user.body.find("Builds").map(|i| &user.body[i..i + 80]);
        assert!(user.body.contains("Builds &#60;script&#62;alert(1)&#60;/script&#62; databases."), "escaped: {bio:?}");
        assert!(user.body.contains("href=\"https://ann.example/\""));
        assert!(user.body.contains("SQLite for the edge.") && user.body.contains("href=\"/tools/sqlite\""));
        assert!(!user.body.contains("Edit your profile"), "not offered to others");
        assert!(page(&t, "/users/ann", Some(&ann)).await.body.contains("href=\"/settings#profile\">Edit your profile"));
        let json = t.get("/api/v1/users/ann").await.json();
        assert_eq!((json["display_name"].as_str(), json["company"].as_str()), (Some("Ann Lee"), Some("Acme")));
        assert_eq!(json["decisions"].as_array().map(Vec::len), Some(1), "{json}");
        assert_eq!(json["following"][0]["key"], "sqlite");
        // The settings form shows what is stored.
        assert!(page(&t, "/settings", Some(&ann)).await.body.contains("value=\"Staff engineer\""));

        // Only the user changes their profile.
        let (_, bob_token) = person(&t, "bob").await;
        let r = t.send("PUT", "/api/v1/users/ann", Some(r#"{"display_name":"Pwned"}"#), Some(&bob_token)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = t.send("PUT", "/api/v1/users/ann", Some(r#"{"display_name":"Ann L."}"#), Some(&ann_token)).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);

        // Password: the wrong current one is refused; the change keeps this session only.
        let wrong =
            [("csrf", csrf.as_str()), ("current_password", "not it at all"), ("new_password", "a new passphrase")];
        let r = t.browse("POST", "/settings/password", Some(&ann), &wrong, None).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("not your current password"));
        let right = [("csrf", csrf.as_str()), ("current_password", PASSWORD), ("new_password", "a new passphrase")];
        let r = t.browse("POST", "/settings/password", Some(&ann), &right, None).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(page(&t, "/settings", Some(&ann)).await.status, StatusCode::OK, "this session stays");
        let r = page(&t, "/settings", Some(&laptop)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "the other session is logged out: {:?}", t.backend());
        let old = t.browse("POST", "/login", None, &[("username", "ann"), ("password", PASSWORD)], None).await;
        assert_eq!(old.status, StatusCode::UNAUTHORIZED);
        let new =
            t.browse("POST", "/login", None, &[("username", "ann"), ("password", "a new passphrase")], None).await;
        assert_eq!(new.status, StatusCode::SEE_OTHER);
        let r = t.get("/api/v1/decisions").await;
        assert_eq!(r.status, StatusCode::OK);
        let token_still = t.send("PUT", "/api/v1/follows/tool/rust", None, Some(&ann_token)).await;
        assert!(token_still.status.is_success(), "API tokens outlive a password change");
    }
}

#[tokio::test]
async fn reports_reach_the_admin_queue_which_removes_or_dismisses() {
    for t in common::apps(false).await {
        let (_ann, ann_token) = person(&t, "ann").await;
        let (bob, bob_token) = person(&t, "bob").await;
        let (carol, carol_token) = person(&t, "carol").await;
        let (root, root_token) = person(&t, "root").await;
        assert!(t.db.store.set_admin("root", true).await.unwrap());
        t.app.poll_changes().await.unwrap();
        let decision = post_decision(&t, &ann_token, "Kafka for events.").await;
        let spam = comment(&t, &bob_token, decision, "Buy cheap watches at spam.example").await;

        // Anonymous visitors are sent to log in; the form names what is reported.
        let form = format!("/reports/new?kind=comment&id={spam}");
        assert_eq!(t.browse("GET", &form, None, &[], None).await.status, StatusCode::SEE_OTHER);
        let r = t.browse("GET", &form, Some(&carol), &[], None).await;
        assert!(r.status == StatusCode::OK && r.body.contains("Buy cheap watches"), "{}", r.body);
        let csrf = csrf_of(&r.body).unwrap();
        let spam_id = spam.to_string();
        let empty = [("csrf", csrf.as_str()), ("kind", "comment"), ("id", spam_id.as_str()), ("reason", "  ")];
        let r = t.browse("POST", "/reports", Some(&carol), &empty, None).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        let sent =
            [("csrf", csrf.as_str()), ("kind", "comment"), ("id", spam_id.as_str()), ("reason", "Spam <b>link</b>")];
        let r = t.browse("POST", "/reports", Some(&carol), &sent, None).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let thanks = t.browse("GET", r.location.as_deref().unwrap(), Some(&carol), &[], None).await;
        assert!(thanks.body.contains("your report is with the admins"));
        let again = json!({"kind": "comment", "id": spam, "reason": "spam"}).to_string();
        assert_eq!(
            t.send("POST", "/api/v1/reports", Some(&again), Some(&ann_token)).await.status,
            StatusCode::NO_CONTENT
        );
        assert_eq!(
            t.send("POST", "/api/v1/reports", Some(&again), Some(&ann_token)).await.status,
            StatusCode::NO_CONTENT
        );
        let missing = json!({"kind": "decision", "id": 999_999, "reason": "x"}).to_string();
        assert_eq!(
            t.send("POST", "/api/v1/reports", Some(&missing), Some(&ann_token)).await.status,
            StatusCode::NOT_FOUND
        );

        // Only admins see the queue.
        assert_eq!(t.browse("GET", "/admin/reports", Some(&bob), &[], None).await.status, StatusCode::FORBIDDEN);
        assert_eq!(
            t.send("GET", "/api/v1/admin/reports", None, Some(&carol_token)).await.status,
            StatusCode::FORBIDDEN
        );
        let queue = t.send("GET", "/api/v1/admin/reports", None, Some(&root_token)).await.json();
        assert_eq!(queue["reports"].as_array().map(Vec::len), Some(2), "one per reporter: {queue}");
        let first = queue["reports"][0]["id"].as_i64().unwrap();
        let admin_page = t.browse("GET", "/admin/reports", Some(&root), &[], None).await;
        assert!(admin_page.body.contains("<a href=\"/admin/reports\">Reports</a>"), "admins' menu links the queue");
        let bobs_menu = t.browse("GET", "/", Some(&bob), &[], None).await;
        assert!(!bobs_menu.body.contains("<a href=\"/admin/reports\">"));
        assert!(admin_page.body.contains("Spam &#60;b&#62;link&#60;/b&#62;"), "the reason, escaped");

        // Removing deletes the comment and resolves both reports of it.
        let root_csrf = csrf_of(&admin_page.body).unwrap();
        let r = t
            .browse("POST", &format!("/admin/reports/{first}/remove"), Some(&root), &[("csrf", &root_csrf)], None)
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let d = t.get(&format!("/api/v1/decisions/{decision}")).await.json();
        assert_eq!(d["comments"].as_array().map(Vec::len), Some(0), "{:?}", t.backend());
        let queue = t.send("GET", "/api/v1/admin/reports", None, Some(&root_token)).await.json();
        assert_eq!(queue["reports"].as_array().map(Vec::len), Some(0));

        // Dismissing keeps the content.
        let report = json!({"kind": "decision", "id": decision, "reason": "I disagree"}).to_string();
        assert_eq!(
            t.send("POST", "/api/v1/reports", Some(&report), Some(&bob_token)).await.status,
            StatusCode::NO_CONTENT
        );
        let queue = t.send("GET", "/api/v1/admin/reports", None, Some(&root_token)).await.json();
        let id = queue["reports"][0]["id"].as_i64().unwrap();
        let dismiss = r#"{"action":"dismiss"}"#;
        let r = t.send("POST", &format!("/api/v1/admin/reports/{id}"), Some(dismiss), Some(&root_token)).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
        let r = t.send("POST", &format!("/api/v1/admin/reports/{id}"), Some(dismiss), Some(&root_token)).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "resolved already");
        assert_eq!(t.get(&format!("/api/v1/decisions/{decision}")).await.status, StatusCode::OK);
        assert!(page(&t, "/admin/reports", Some(&root)).await.body.contains("No open reports."));
    }
}

/// A tool's figures as its JSON says them (after this server read the change log).
async fn tool_stats(t: &TestApp, slug: &str) -> (i64, i64) {
    t.app.poll_changes().await.unwrap();
    let json = t.get(&format!("/api/v1/tools/{slug}")).await.json();
    (json["stats"]["stacks"].as_i64().unwrap(), json["stats"]["followers"].as_i64().unwrap())
}

#[tokio::test]
async fn stacks_organisations_and_accounts_are_deleted_by_their_owners_only() {
    for t in common::apps(false).await {
        let (ann, ann_token) = person(&t, "ann").await;
        let (bob, bob_token) = person(&t, "bob").await;
        let ann_csrf = csrf(&t, &ann).await;
        let bob_csrf = csrf(&t, &bob).await;
        let (stacks_before, _) = tool_stats(&t, "django").await;
        let new = [("csrf", ann_csrf.as_str()), ("owner", "ann"), ("name", "web"), ("add", "Django, PostgreSQL")];
        assert_eq!(t.browse("POST", "/stacks/new", Some(&ann), &new, None).await.status, StatusCode::SEE_OTHER);
        assert_eq!(tool_stats(&t, "django").await.0, stacks_before + 1);

        // The description: shown escaped; too long comes back with what was typed.
        let described = [("csrf", ann_csrf.as_str()), ("description", "Our <b>site</b>, on Django.")];
        let r = t.browse("POST", "/stacks/ann/web/description", Some(&ann), &described, None).await;
        assert_eq!((r.status, r.location.as_deref()), (StatusCode::SEE_OTHER, Some("/stacks/ann/web")));
        let shown = t.browse("GET", "/stacks/ann/web", None, &[], None).await;
        assert!(shown.body.contains("Our &#60;b&#62;site&#60;/b&#62;, on Django."), "{:?}", t.backend());
        assert_eq!(t.get("/api/v1/stacks/ann/web").await.json()["description"], "Our <b>site</b>, on Django.");
        let long = "x".repeat(501);
        let r = t
            .browse(
                "POST",
                "/stacks/ann/web/description",
                Some(&ann),
                &[("csrf", &ann_csrf), ("description", &long)],
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains(&format!(">{long}</textarea>")) && r.body.contains("at most 500 characters"));
        let r =
            t.send("PATCH", "/api/v1/stacks/ann/web", Some(r#"{"description":"Mine now"}"#), Some(&bob_token)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);

        // Deleting: not by another user; by the owner, with its tools' counts.
        let r = t.browse("POST", "/stacks/ann/web/delete", Some(&bob), &[("csrf", &bob_csrf)], None).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = t.browse("POST", "/stacks/ann/web/delete", Some(&ann), &[("csrf", &ann_csrf)], None).await;
        assert_eq!((r.status, r.location.as_deref()), (StatusCode::SEE_OTHER, Some("/users/ann")));
        assert_eq!(t.get("/api/v1/stacks/ann/web").await.status, StatusCode::NOT_FOUND);
        assert_eq!(tool_stats(&t, "django").await.0, stacks_before);

        // An organisation: its members may not delete it, its owner may (with its stacks).
        let org = json!({"slug": "acme", "name": "Acme"}).to_string();
        assert_eq!(
            t.send("POST", "/api/v1/organisations", Some(&org), Some(&ann_token)).await.status,
            StatusCode::CREATED
        );
        let member = r#"{"role":"member"}"#;
        let r = t.send("PUT", "/api/v1/organisations/acme/members/bob", Some(member), Some(&ann_token)).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
        let report = json!({"tools": [{"slug": "rust"}]}).to_string();
        let r = t.send("PUT", "/api/v1/stacks/acme/engine", Some(&report), Some(&bob_token)).await;
        assert!(r.status.is_success(), "a member pushes: {}", r.body);
        assert_eq!(
            t.send("DELETE", "/api/v1/stacks/acme/engine", None, Some(&bob_token)).await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            t.send("DELETE", "/api/v1/organisations/acme", None, Some(&bob_token)).await.status,
            StatusCode::FORBIDDEN
        );
        let org_page = t.browse("GET", "/organisations/acme", Some(&ann), &[], None).await;
        assert!(org_page.body.contains("action=\"/organisations/acme/delete\""), "the owner sees the delete form");
        assert!(
            !t.browse("GET", "/organisations/acme", Some(&bob), &[], None)
                .await
                .body
                .contains("/organisations/acme/delete")
        );
        let r = t.browse("POST", "/organisations/acme/delete", Some(&ann), &[("csrf", &ann_csrf)], None).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(t.get("/api/v1/organisations/acme").await.status, StatusCode::NOT_FOUND);
        assert_eq!(t.get("/api/v1/stacks/acme/engine").await.status, StatusCode::NOT_FOUND);

        // An account: the page says what goes; the password confirms; the follows go back.
        let (carol, carol_token) = person(&t, "carol").await;
        let carol_csrf = csrf(&t, &carol).await;
        let r = t
            .send(
                "PUT",
                "/api/v1/stacks/carol/notes",
                Some(&json!({"tools": [{"slug": "django"}]}).to_string()),
                Some(&carol_token),
            )
            .await;
        assert!(r.status.is_success(), "{}", r.body);
        assert!(t.send("PUT", "/api/v1/follows/tool/django", None, Some(&carol_token)).await.status.is_success());
        let kept = post_decision(&t, &carol_token, "Django for notes.").await;
        let (stacks, followers) = tool_stats(&t, "django").await;
        let settings = t.browse("GET", "/settings", Some(&carol), &[], None).await;
        assert!(
            settings.body.contains("href=\"/stacks/carol/notes\"") && settings.body.contains("shown without your name")
        );
        let wrong = [("csrf", carol_csrf.as_str()), ("password", "not my password")];
        let r = t.browse("POST", "/settings/delete", Some(&carol), &wrong, None).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(t.get("/api/v1/users/carol").await.status == StatusCode::OK, "nothing deleted");
        let right = [("csrf", carol_csrf.as_str()), ("password", PASSWORD)];
        let r = t.browse("POST", "/settings/delete", Some(&carol), &right, None).await;
        assert_eq!((r.status, r.location.as_deref()), (StatusCode::SEE_OTHER, Some("/")));
        assert_eq!(t.get("/api/v1/users/carol").await.status, StatusCode::NOT_FOUND);
        assert_eq!(tool_stats(&t, "django").await, (stacks - 1, followers - 1), "{:?}", t.backend());
        let decision = t.get(&format!("/api/v1/decisions/{kept}")).await.json();
        assert!(decision["decision"]["author"].is_null(), "what she wrote stays, without her name");
        assert_eq!(page(&t, "/settings", Some(&carol)).await.status, StatusCode::SEE_OTHER, "logged out");
        let again = t.browse("POST", "/login", None, &[("username", "carol"), ("password", PASSWORD)], None).await;
        assert_eq!(again.status, StatusCode::UNAUTHORIZED);
        assert_eq!(t.send("GET", "/api/v1/feed", None, Some(&carol_token)).await.status, StatusCode::UNAUTHORIZED);

        // The only owner of an organisation others belong to must hand it on first.
        let org = json!({"slug": "bobco", "name": "Bob Co"}).to_string();
        assert_eq!(
            t.send("POST", "/api/v1/organisations", Some(&org), Some(&bob_token)).await.status,
            StatusCode::CREATED
        );
        let r = t.send("PUT", "/api/v1/organisations/bobco/members/ann", Some(member), Some(&bob_token)).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        let r = t
            .browse("POST", "/settings/delete", Some(&bob), &[("csrf", &bob_csrf), ("password", PASSWORD)], None)
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("only owner of Bob Co"), "{}", r.body);
        assert_eq!(t.get("/api/v1/users/bob").await.status, StatusCode::OK);
    }
}

#[tokio::test]
async fn authors_delete_their_pros_and_cons_from_the_tool_page() {
    for t in common::apps(false).await {
        let (ann, ann_token) = person(&t, "ann").await;
        let (bob, _) = person(&t, "bob").await;
        let input = json!({"kind": "pro", "text": "Batteries included for admin work"}).to_string();
        let r = t.send("POST", "/api/v1/tools/django/reasons", Some(&input), Some(&ann_token)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let id = r.json()["id"].as_i64().unwrap();
        let delete = format!("action=\"/reasons/{id}/delete\"");
        let report = format!("href=\"/reports/new?kind=reason&amp;id={id}\"");
        let anonymous = page(&t, "/tools/django", None).await;
        assert!(anonymous.body.contains(&report), "anybody may report it");
        assert!(anonymous.body.contains(&format!("<!--own:ann <form class=\"inline\" method=\"post\" {delete}")));
        assert!(!page(&t, "/tools/django", Some(&bob)).await.body.contains(&delete), "not bob's");
        let own = page(&t, "/tools/django", Some(&ann)).await;
        assert!(own.body.contains(&delete) && !own.body.contains("<!--own:"), "{:?}", t.backend());
        let csrf = csrf_of(&own.body).unwrap();

        let path = format!("/reasons/{id}/delete");
        assert_eq!(t.browse("POST", &path, Some(&bob), &[("csrf", &csrf)], None).await.status, StatusCode::FORBIDDEN);
        let r = t.browse("POST", &path, Some(&ann), &[("csrf", &csrf)], None).await;
        assert_eq!((r.status, r.location.as_deref()), (StatusCode::SEE_OTHER, Some("/tools/django#pros-and-cons")));
        let after = t.browse("GET", "/tools/django", Some(&ann), &[], None).await;
        assert!(!after.body.contains("Batteries included for admin work"), "gone at once");
    }
}
