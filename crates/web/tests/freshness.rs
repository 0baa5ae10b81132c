//! Cached pages follow writes: a vote, a follow or a pushed stack shows on the next request
//! after the change log is polled (the server polls every 200 ms), on both backends.

use crate::common;

use stackdex_app::{CacheKey, Format};
use stackdex_store::{NewReason, NewSnapshot, NewUser, ReasonKind, SnapshotSource, SnapshotTool, StackRef};

#[tokio::test]
async fn writes_show_on_cached_pages() {
    for t in common::apps(false).await {
        let store = &t.db.store;
        let django = store.sync_tools(&[]).await.unwrap()["django"];
        let users = store
            .create_users(&[NewUser {
                username: "voter".into(),
                display_name: "Voter".into(),
                title: String::new(),
                password_hash: None,
                created_at: 0,
            }])
            .await
            .unwrap();
        let voter = users["voter"];
        let reason = store
            .add_reasons(&[NewReason {
                tool: django,
                kind: ReasonKind::Pro,
                text: "Batteries included".into(),
                author: None,
            }])
            .await
            .unwrap()[0];
        t.app.poll_changes().await.unwrap();
        let before = t.get("/api/v1/stackups/django-vs-rust").await.json();
        assert_eq!(before["tools"][0]["pros"][0]["votes"], 0);
        assert!(t.app.is_cached(&CacheKey::new(Format::Json, "/stackups/django-vs-rust")), "the page is cached");

        store.cast_votes(&[(reason, voter)]).await.unwrap();
        store.follow_tools(&[(voter, django)]).await.unwrap();
        store
            .push_snapshots(&[NewSnapshot {
                stack: StackRef::repository("voter", "site"),
                author_id: Some(voter),
                source: SnapshotSource::Push,
                tools: vec![SnapshotTool { tool_id: django, versions: "5.1".into(), sources: "pyproject.toml".into() }],
                details: Default::default(),
                created_at: 10,
            }])
            .await
            .unwrap();
        t.app.poll_changes().await.unwrap();
        let after = t.get("/api/v1/stackups/django-vs-rust").await.json();
        let stats = &after["tools"][0]["stats"];
        assert_eq!(
            (stats["votes"].as_i64(), stats["followers"].as_i64(), stats["stacks"].as_i64()),
            (Some(1), Some(1), Some(1))
        );
        assert_eq!(after["tools"][0]["pros"][0]["votes"], 1);
        let html = t.get("/tools/django").await.body;
        assert!(html.contains("voter/site"), "the new stack is listed on the tool page");
        // The stack page: tools grouped by layer, versions and sources, history.
        let page = t.get("/stacks/voter/site").await;
        assert_eq!(page.status, axum::http::StatusCode::OK);
        for needle in ["Application &#38; Data", "Django", "5.1", "pyproject.toml", "History"] {
            assert!(page.body.contains(needle), "stack page lacks {needle}");
        }
        let api = t.get("/api/v1/stacks/voter/site").await.json();
        assert_eq!(api["layers"][0]["tools"][0]["slug"], "django");
        assert_eq!(api["layers"][0]["tools"][0]["versions"][0], "5.1");
        assert_eq!(api["snapshots"].as_array().unwrap().len(), 1);
        let missing = t.get("/api/v1/stacks/nobody/nothing").await;
        assert_eq!(missing.status, axum::http::StatusCode::NOT_FOUND);
        assert_eq!(missing.json()["error"]["code"], "not_found");
        assert_eq!(t.get("/share").await.status, axum::http::StatusCode::OK);
    }
}
