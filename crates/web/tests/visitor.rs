//! Pages know who is looking: toggles show the visitor's own state (`aria-pressed`), the page
//! a form sends the browser to already shows the form's effect (no wait for the change log's
//! poll), and controls the visitor may not use are not shown.

use crate::common;

use axum::http::StatusCode;
use common::{TestApp, csrf_of};

/// The `aria-pressed` of the toggle button named `key` in a page.
fn pressed(html: &str, key: &str) -> Option<bool> {
    [true, false].into_iter().find(|on| html.contains(&format!("aria-pressed=\"{on}\" data-toggle=\"{key}\"")))
}

/// The number a `<span class="count">` shows right after the toggle button named `key`.
fn count_after(html: &str, key: &str) -> i64 {
    let at = html.find(&format!("\" data-toggle=\"{key}\">▲</button>")).expect("the toggle button");
    let rest = &html[at..];
    let span = &rest[rest.find("<span class=\"count\"").expect("a count")..];
    let text = &span[span.find('>').unwrap() + 1..];
    text[..text.find('<').unwrap()].trim().parse().unwrap()
}

async fn page(t: &TestApp, uri: &str, cookie: Option<&str>) -> String {
    let r = t.browse("GET", uri, cookie, &[], None).await;
    assert_eq!(r.status, StatusCode::OK, "{uri}: {}", r.body);
    r.body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn toggles_show_the_visitors_own_state_right_after_each_action() {
    for t in common::apps(false).await {
        let be = t.backend();
        let ann = t.browser_sign_up("ann").await;
        let html = page(&t, "/tools/django", Some(&ann)).await;
        let csrf = csrf_of(&html).unwrap();
        let tool_key = html.split("data-toggle=\"follow:tool:").nth(1).unwrap().split('"').next().unwrap().to_owned();
        let follow_key = format!("follow:tool:{tool_key}");
        assert_eq!(pressed(&html, &follow_key), Some(false), "{be:?}");

        // Follow: the page the form returns to shows it at once, and the count moved.
        let r = t
            .browse(
                "POST",
                "/follows",
                Some(&ann),
                &[("csrf", &csrf), ("kind", "tool"), ("target", "django"), ("action", "follow")],
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let html = page(&t, r.location.as_deref().unwrap(), Some(&ann)).await;
        assert_eq!(pressed(&html, &follow_key), Some(true), "{be:?}: following, without waiting for a poll");
        assert!(html.contains("value=\"unfollow\" data-toggle=\"follow:tool:"), "a click now unfollows");
        assert!(html.contains("<dt>Followers</dt><dd>1</dd>"), "{be:?}: the count moved at once");
        // Another visitor, and an anonymous one, see it off.
        let bob = t.browser_sign_up("bob").await;
        assert_eq!(pressed(&page(&t, "/tools/django", Some(&bob)).await, &follow_key), Some(false));
        assert_eq!(pressed(&page(&t, "/tools/django", None).await, &follow_key), Some(false));

        // A pro, a vote on it, and the vote taken back, each shown at once.
        let r = t
            .browse(
                "POST",
                "/tools/django/reasons",
                Some(&ann),
                &[("csrf", &csrf), ("kind", "pro"), ("text", "Batteries included")],
                None,
            )
            .await;
        let id = r.location.unwrap().rsplit("#reason-").next().unwrap().to_owned();
        let vote_key = format!("vote:{id}");
        let html = page(&t, "/tools/django", Some(&ann)).await;
        assert_eq!((pressed(&html, &vote_key), count_after(&html, &vote_key)), (Some(false), 0));
        let vote_uri = format!("/reasons/{id}/vote");
        t.browse("POST", &vote_uri, Some(&ann), &[("csrf", &csrf), ("action", "cast")], None).await;
        let html = page(&t, "/tools/django", Some(&ann)).await;
        assert_eq!((pressed(&html, &vote_key), count_after(&html, &vote_key)), (Some(true), 1), "{be:?}");
        assert!(html.contains(&format!("value=\"retract\" data-toggle=\"{vote_key}\"")), "a click takes it back");
        assert_eq!(pressed(&page(&t, "/tools/django", Some(&bob)).await, &vote_key), Some(false));
        t.browse("POST", &vote_uri, Some(&ann), &[("csrf", &csrf), ("action", "retract")], None).await;
        let html = page(&t, "/tools/django", Some(&ann)).await;
        assert_eq!((pressed(&html, &vote_key), count_after(&html, &vote_key)), (Some(false), 0), "{be:?}");

        // Anonymous visitors get the action, and are sent to log in.
        let r = t.browse("POST", &vote_uri, None, &[("action", "cast")], None).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert!(r.location.unwrap().starts_with("/login?next="));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upvote_shows_on_the_decision_at_once() {
    for t in common::apps(false).await {
        let ann = t.browser_sign_up("ann").await;
        let form = page(&t, "/decisions/new?tools=django", Some(&ann)).await;
        let csrf = csrf_of(&form).unwrap();
        let fields = [("csrf", csrf.as_str()), ("kind", "decided"), ("tools", "django"), ("body", "We chose Django.")];
        let r = t.browse("POST", "/decisions", Some(&ann), &fields, None).await;
        let uri = r.location.unwrap();
        let id = uri.rsplit('/').next().unwrap().to_owned();
        let key = format!("upvote:{id}");
        let html = page(&t, &uri, Some(&ann)).await;
        assert_eq!((pressed(&html, &key), count_after(&html, &key)), (Some(false), 0));
        t.browse("POST", &format!("{uri}/upvote"), Some(&ann), &[("csrf", &csrf)], None).await;
        let html = page(&t, &uri, Some(&ann)).await;
        assert_eq!((pressed(&html, &key), count_after(&html, &key)), (Some(true), 1), "{:?}", t.backend());
        t.browse("POST", &format!("{uri}/upvote"), Some(&ann), &[("csrf", &csrf), ("action", "retract")], None).await;
        let html = page(&t, &uri, Some(&ann)).await;
        assert_eq!((pressed(&html, &key), count_after(&html, &key)), (Some(false), 0));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn controls_the_visitor_may_not_use_are_not_shown() {
    for t in common::apps(false).await {
        let ann = t.browser_sign_up("ann").await;
        let html = page(&t, "/stacks/new", Some(&ann)).await;
        let csrf = csrf_of(&html).unwrap();
        let r = t
            .browse(
                "POST",
                "/stacks/new",
                Some(&ann),
                &[("csrf", &csrf), ("owner", "ann"), ("name", "web"), ("add", "Django")],
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let r = t
            .browse("POST", "/organisations", Some(&ann), &[("csrf", &csrf), ("slug", "acme"), ("name", "Acme")], None)
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let bob = t.browser_sign_up("bob").await;

        let edit = "/stacks/ann/web/edit\"";
        assert!(page(&t, "/stacks/ann/web", Some(&ann)).await.contains(edit), "the owner may edit");
        assert!(!page(&t, "/stacks/ann/web", Some(&bob)).await.contains(edit), "{:?}: not someone else", t.backend());
        assert!(!page(&t, "/stacks/ann/web", None).await.contains(edit), "not an anonymous visitor");

        let new_stack = "/stacks/new?owner=acme";
        let owner_view = page(&t, "/organisations/acme", Some(&ann)).await;
        assert!(owner_view.contains(new_stack) && owner_view.contains("Add member"));
        let other_view = page(&t, "/organisations/acme", Some(&bob)).await;
        assert!(!other_view.contains(new_stack) && !other_view.contains("Add member"), "{:?}", t.backend());
        assert!(!page(&t, "/organisations/acme", None).await.contains(new_stack));
    }
}
