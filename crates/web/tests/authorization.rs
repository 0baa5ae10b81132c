//! Who may do what, on both backends: every write endpoint against every kind of caller
//! (anonymous, another user, an organisation member, the owner, an admin): 16 actions, 80 cells;
//! and organisations and hand-edited stacks with their history and differences.

use crate::common;

use axum::http::StatusCode;
use common::TestApp;

/// The callers of the matrix, in column order.
const ACTORS: [&str; 5] = ["anonymous", "other", "member", "owner", "admin"];

struct World {
    tokens: Vec<Option<String>>,
    sessions: Vec<Option<String>>,
}

/// olga owns organisation acme, mia is a member, eve is nobody, root is an admin.
async fn world(t: &TestApp) -> World {
    for user in ["olga", "mia", "eve", "root", "zed"] {
        let body = format!(r#"{{"username": "{user}", "password": "correct horse"}}"#);
        assert_eq!(t.send("POST", "/api/v1/users", Some(&body), None).await.status, StatusCode::CREATED);
    }
    assert!(t.db.store.set_admin("root", true).await.unwrap());
    let olga = t.token("olga", "correct horse").await;
    let r = t.send("POST", "/api/v1/organisations", Some(r#"{"slug": "acme", "name": "Acme"}"#), Some(&olga)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let r = t.send("PUT", "/api/v1/organisations/acme/members/mia", Some(r#"{"role": "member"}"#), Some(&olga)).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let r = t.send("PUT", "/api/v1/stacks/acme/web", Some(REPORT), Some(&olga)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let mut tokens = vec![None];
    let mut sessions = vec![None];
    for user in ["eve", "mia", "olga", "root"] {
        tokens.push(Some(t.token(user, "correct horse").await));
        let r = t.browse("POST", "/login", None, &[("username", user), ("password", "correct horse")], None).await;
        sessions.push(Some(common::session_of(&r).unwrap()));
    }
    World { tokens, sessions }
}

const REPORT: &str = r#"{"tools": [{"slug": "django", "versions": ["5.0"]}, {"slug": "postgresql"}]}"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_write_endpoint_against_every_caller() {
    use StatusCode as S;
    for t in common::apps(false).await {
        let be = t.backend();
        let w = world(&t).await;
        let owner_token = w.tokens[3].clone().unwrap();
        // (what, expected per actor)
        let mut checked = 0;
        for (i, actor) in ACTORS.iter().enumerate() {
            let tok = w.tokens[i].as_deref();
            let cell = |what: &str, got: S, want: S, body: &str| {
                assert_eq!(got, want, "{be:?} {what} as {actor}: {body}");
            };
            let ok_unless_anon = |ok: S| if i == 0 { S::UNAUTHORIZED } else { ok };
            let owners_only = |ok: S, member_too: bool| match i {
                0 => S::UNAUTHORIZED,
                1 => S::FORBIDDEN,
                2 if !member_too => S::FORBIDDEN,
                _ => ok,
            };

            let r = t.send("PUT", "/api/v1/stacks/acme/web", Some(REPORT), tok).await;
            cell("push to an organisation's stack", r.status, owners_only(S::OK, true), &r.body);
            let r = t.send("PUT", "/api/v1/stacks/olga/site", Some(REPORT), tok).await;
            cell("push to a user's stack", r.status, owners_only(S::OK, false), &r.body);

            let r = t.send("PUT", "/api/v1/organisations/acme/members/zed", Some(r#"{"role": "member"}"#), tok).await;
            cell("add a member", r.status, owners_only(S::NO_CONTENT, false), &r.body);
            let acme = t.db.store.organisation("acme").await.unwrap().unwrap();
            t.db.store.add_members(acme.id, &[(zed(&t).await, stackdex_store::Role::Member)]).await.unwrap();
            let r = t.send("DELETE", "/api/v1/organisations/acme/members/zed", None, tok).await;
            cell("remove a member", r.status, owners_only(S::NO_CONTENT, false), &r.body);

            // olga's own pro: only she (the owner column) or an admin may delete it.
            let words = ["alpha", "bravo", "charlie", "delta", "echo"];
            let text = format!(r#"{{"kind": "con", "text": "{} is what olga wrote to delete"}}"#, words[i].repeat(3));
            let made = t.send("POST", "/api/v1/tools/rails/reasons", Some(&text), Some(&owner_token)).await;
            let id = made.json()["id"].as_i64().unwrap();
            let r = t.send("DELETE", &format!("/api/v1/reasons/{id}"), None, tok).await;
            cell("delete a reason", r.status, owners_only(S::NO_CONTENT, false), &r.body);

            let text = format!(r#"{{"kind": "pro", "text": "{} from the matrix"}}"#, words[i].repeat(3));
            let r = t.send("POST", "/api/v1/tools/django/reasons", Some(&text), tok).await;
            cell("add a reason", r.status, ok_unless_anon(S::CREATED), &r.body);
            let target = if i == 0 { id } else { r.json()["id"].as_i64().unwrap() };
            let r = t.send("POST", &format!("/api/v1/reasons/{target}/vote"), None, tok).await;
            cell("vote", r.status, ok_unless_anon(S::NO_CONTENT), &r.body);
            let r = t.send("DELETE", &format!("/api/v1/reasons/{target}/vote"), None, tok).await;
            cell("retract a vote", r.status, ok_unless_anon(S::NO_CONTENT), &r.body);

            let body = format!(r#"{{"slug": "org-{i}", "name": "Org {i}"}}"#);
            let r = t.send("POST", "/api/v1/organisations", Some(&body), tok).await;
            cell("create an organisation", r.status, ok_unless_anon(S::CREATED), &r.body);

            // The browser's stack editor follows the same rules (anonymous: to the log-in page).
            let cookie = w.sessions[i].as_deref();
            let csrf = match cookie {
                Some(c) => common::csrf_of(&t.browse("GET", "/settings", Some(c), &[], None).await.body).unwrap(),
                None => String::new(),
            };
            let form = [("csrf", csrf.as_str()), ("add", "Redis")];
            let r = t.browse("POST", "/stacks/acme/web/edit", cookie, &form, None).await;
            let want = match i {
                0 => S::SEE_OTHER,
                1 => S::FORBIDDEN,
                _ => S::SEE_OTHER,
            };
            cell("edit an organisation's stack in the browser", r.status, want, &r.body);
            if i == 0 {
                assert!(r.location.unwrap().starts_with("/login?next="));
            }
            // Decisions: anyone signed in posts, upvotes and comments; posting for an
            // organisation takes a member (or an admin).
            let body = format!(
                r#"{{"kind": "decided", "body": "We chose {} for the matrix", "tools": ["django"]}}"#,
                words[i]
            );
            let r = t.send("POST", "/api/v1/decisions", Some(&body), tok).await;
            cell("post a decision", r.status, ok_unless_anon(S::CREATED), &r.body);
            let decision = r.json()["id"].as_i64();
            let for_org = format!(
                r#"{{"kind": "needs_advice", "body": "Which queue, {}?", "tools": ["rabbitmq"], "organisation": "acme"}}"#,
                words[i]
            );
            let r = t.send("POST", "/api/v1/decisions", Some(&for_org), tok).await;
            cell("post a decision for an organisation", r.status, owners_only(S::CREATED, true), &r.body);
            let target = decision.unwrap_or(1);
            let r = t.send("POST", &format!("/api/v1/decisions/{target}/upvote"), None, tok).await;
            cell("upvote a decision", r.status, ok_unless_anon(S::NO_CONTENT), &r.body);
            let r = t
                .send("POST", &format!("/api/v1/decisions/{target}/comments"), Some(r#"{"body": "Good call"}"#), tok)
                .await;
            cell("comment on a decision", r.status, ok_unless_anon(S::CREATED), &r.body);
            // Follows: anyone signed in.
            let r = t.send("PUT", "/api/v1/follows/organisation/acme", None, tok).await;
            cell("follow an organisation", r.status, ok_unless_anon(S::OK), &r.body);
            let r = t.send("PUT", "/api/v1/follows/stack/acme/web", None, tok).await;
            cell("follow a stack", r.status, ok_unless_anon(S::OK), &r.body);
            checked += 16;
        }
        assert_eq!(checked, 80, "16 actions by 5 callers");
        // What the refused calls did not do: eve is not in acme, and acme/web was changed only
        // by the member, the owner and the admin (three edits; three pushes, of which the
        // member's held what the setup's push held and recorded nothing).
        let page = t.get("/api/v1/organisations/acme").await.json();
        let members: Vec<&str> =
            page["members"].as_array().unwrap().iter().map(|m| m["username"].as_str().unwrap()).collect();
        assert!(!members.contains(&"eve"), "{members:?}");
        let stack = t.get("/api/v1/stacks/acme/web").await.json();
        assert_eq!(stack["snapshots"].as_array().unwrap().len(), 6, "{be:?}");
        // Four signed-in callers follow acme and acme/web, and the pages say so.
        let org = t.browse("GET", "/organisations/acme", None, &[], None).await;
        assert!(org.body.contains("4 followers"), "{}", org.body);
        let web = t.browse("GET", "/stacks/acme/web", None, &[], None).await;
        assert!(web.body.contains("4 followers"), "{}", web.body);
    }
}

async fn zed(t: &TestApp) -> stackdex_store::UserId {
    t.db.store.user_by_name("zed").await.unwrap().unwrap().id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn organisations_keep_an_owner_and_share_the_username_namespace() {
    for t in common::apps(false).await {
        let w = world(&t).await;
        let olga = w.tokens[3].as_deref();
        // The last owner cannot leave or be stepped down.
        let r = t.send("DELETE", "/api/v1/organisations/acme/members/olga", None, olga).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
        let r = t.send("PUT", "/api/v1/organisations/acme/members/olga", Some(r#"{"role": "member"}"#), olga).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
        // A member may leave.
        let r = t.send("DELETE", "/api/v1/organisations/acme/members/mia", None, w.tokens[2].as_deref()).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        // Organisation slugs and usernames do not collide (both own stacks).
        let r = t.send("POST", "/api/v1/organisations", Some(r#"{"slug": "mia", "name": "Mia"}"#), olga).await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        let r =
            t.send("POST", "/api/v1/users", Some(r#"{"username": "acme", "password": "correct horse"}"#), None).await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        for bad in [r#"{"slug": "A B", "name": "x"}"#, r#"{"slug": "okay", "name": ""}"#, r#"{"slug": "okay"}"#] {
            let r = t.send("POST", "/api/v1/organisations", Some(bad), olga).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}");
        }
        // The organisation page lists members and stacks.
        t.send("PUT", "/api/v1/stacks/acme/api", Some(REPORT), olga).await;
        let html = t.get("/organisations/acme").await;
        assert_eq!(html.status, StatusCode::OK);
        assert!(html.body.contains(r#"href="/stacks/acme/api""#) && html.body.contains(r#"href="/users/olga""#));
        let user = t.get("/users/olga").await;
        assert!(user.body.contains(r#"href="/organisations/acme""#));
        assert_eq!(t.get("/organisations/nope").await.status, StatusCode::NOT_FOUND);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stacks_by_hand_keep_a_history_with_differences() {
    for t in common::apps(false).await {
        let be = t.backend();
        let w = world(&t).await;
        let olga = w.sessions[3].as_deref().unwrap();
        let csrf = common::csrf_of(&t.browse("GET", "/stacks/new", Some(olga), &[], None).await.body).unwrap();
        // Create in the browser, naming tools by name, alias or slug.
        let r = t
            .browse(
                "POST",
                "/stacks/new",
                Some(olga),
                &[("csrf", &csrf), ("owner", "acme"), ("name", "shop"), ("add", "Django, postgres,  Redis")],
                None,
            )
            .await;
        assert_eq!(
            (r.status, r.location.as_deref()),
            (StatusCode::SEE_OTHER, Some("/stacks/acme/shop")),
            "{be:?} {}",
            r.body
        );
        // Unknown names are refused with suggestions, and nothing is recorded.
        let r =
            t.browse("POST", "/stacks/acme/shop/edit", Some(olga), &[("csrf", &csrf), ("add", "Djangoo")], None).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "the editor again, with what to fix");
        assert!(r.body.contains(r#"href="/tools/django""#), "{}", r.body);
        assert!(r.body.contains(r#"value="Djangoo""#), "what was typed is kept: {}", r.body);
        // Edit: keep Django and Redis, drop PostgreSQL, add nginx.
        let page = t.get("/stacks/acme/shop/edit").await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "the editor needs a session");
        let editor = t.browse("GET", "/stacks/acme/shop/edit", Some(olga), &[], None).await;
        assert!(editor.body.contains(r#"name="keep:postgresql" checked"#), "{}", editor.body);
        let r = t
            .browse(
                "POST",
                "/stacks/acme/shop/edit",
                Some(olga),
                &[("csrf", &csrf), ("keep:django", "on"), ("keep:redis", "on"), ("add", "nginx")],
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        // Then a push changes Django's version.
        let token = w.tokens[3].as_deref();
        let report = r#"{"tools": [{"slug": "django", "versions": ["5.1"]}, {"slug": "redis"}, {"slug": "nginx"}]}"#;
        assert_eq!(t.send("PUT", "/api/v1/stacks/acme/shop", Some(report), token).await.status, StatusCode::OK);

        let stack = t.get("/api/v1/stacks/acme/shop").await.json();
        let history: Vec<i64> =
            stack["snapshots"].as_array().unwrap().iter().map(|s| s["id"].as_i64().unwrap()).collect();
        let numbers: Vec<i64> =
            stack["snapshots"].as_array().unwrap().iter().map(|s| s["number"].as_i64().unwrap()).collect();
        assert_eq!(numbers, [3, 2, 1], "numbered per stack");
        let diff = t.get("/api/v1/stacks/acme/shop/diff?from=1&to=2").await.json();
        let slugs = |k: &str| -> Vec<String> {
            diff[k].as_array().unwrap().iter().map(|v| v["slug"].as_str().unwrap().to_owned()).collect()
        };
        assert_eq!(slugs("added"), ["nginx"]);
        assert_eq!(slugs("removed"), ["postgresql"]);
        assert!(diff["changed"].as_array().unwrap().is_empty());
        // Default: the latest against the one before: only Django's version moved.
        let latest = t.get("/api/v1/stacks/acme/shop/diff").await.json();
        assert_eq!(latest["changed"][0]["slug"], "django");
        assert_eq!(latest["changed"][0]["to"][0], "5.1");
        assert_eq!(latest["from"], history[1]);
        let html = t.get("/stacks/acme/shop/diff").await;
        assert!(html.body.contains("5.1"), "{}", html.body);
        assert_eq!(t.get("/api/v1/stacks/acme/shop/diff?to=999999").await.status, StatusCode::NOT_FOUND);
        // Statistics follow at once: Stacks per tool counts acme/shop for nginx, and no longer
        // for postgresql (which only acme/web, from the setup, still uses).
        t.app.poll_changes().await.unwrap();
        let stacks = |v: serde_json::Value| v["stats"]["stacks"].as_i64().unwrap();
        assert_eq!(stacks(t.get("/api/v1/tools/nginx").await.json()), 1);
        assert_eq!(stacks(t.get("/api/v1/tools/postgresql").await.json()), 1);
    }
}
