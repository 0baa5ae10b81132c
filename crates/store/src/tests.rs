//! Storage tests; each runs on SQLite and on PostgreSQL.

use std::collections::HashMap;

use crate::testing::fresh_stores;
use crate::*;

async fn seed_tools(store: &Store) -> HashMap<String, ToolId> {
    store
        .sync_tools(&[("django", "Django"), ("python", "Python"), ("rust", "Rust"), ("postgresql", "PostgreSQL")])
        .await
        .unwrap()
}

async fn users(store: &Store, n: usize) -> Vec<i64> {
    let new: Vec<NewUser> = (0..n)
        .map(|i| NewUser {
            username: format!("user{i}"),
            display_name: format!("User {i}"),
            title: String::new(),
            password_hash: None,
            created_at: 0,
        })
        .collect();
    let ids = store.create_users(&new).await.unwrap();
    (0..n).map(|i| ids[&format!("user{i}")]).collect()
}

fn snapshot(owner: &str, slug: &str, tools: &[ToolId]) -> NewSnapshot {
    NewSnapshot {
        stack: StackRef {
            owner: owner.into(),
            owner_kind: "user".into(),
            slug: slug.into(),
            name: slug.into(),
            kind: "repository".into(),
        },
        author_id: None,
        source: "push".into(),
        tools: tools
            .iter()
            .map(|&tool_id| SnapshotTool { tool_id, versions: String::new(), sources: String::new() })
            .collect(),
        created_at: 1,
    }
}

async fn assert_counters_match_recount(store: &Store) {
    let mut kept = store.all_tool_stats().await.unwrap();
    let mut recount = store.recount_tool_stats().await.unwrap();
    kept.sort_by_key(|s| s.tool_id);
    recount.sort_by_key(|s| s.tool_id);
    assert_eq!(kept, recount);
    for (id, kept, counted) in store.recount_reason_votes().await.unwrap() {
        assert_eq!(kept, counted, "reason {id}");
    }
}

#[tokio::test]
async fn migrate_is_idempotent_and_leaves_no_lock_behind() {
    for db in fresh_stores().await {
        db.store.migrate().await.unwrap();
        assert_eq!(db.store.schema_version().await.unwrap(), crate::schema::LATEST);
        // Migrators on other connections (as other servers would be) must not wait on a lock
        // the first one left behind.
        let mut others = Vec::new();
        for _ in 0..3 {
            others.push(Store::connect(&db.url).await.unwrap());
        }
        let runs = others.iter().map(|s| s.migrate());
        for result in each_within_30s(runs).await {
            result.unwrap();
        }
        assert_eq!(others[0].schema_version().await.unwrap(), crate::schema::LATEST);
    }
}

async fn each_within_30s<F: std::future::Future>(futures: impl Iterator<Item = F>) -> Vec<F::Output> {
    let mut out = Vec::new();
    for f in futures {
        out.push(tokio::time::timeout(std::time::Duration::from_secs(30), f).await.expect("migrate must not hang"));
    }
    out
}

#[tokio::test]
async fn snapshots_move_stack_counters_and_co_usage() {
    for db in fresh_stores().await {
        let s = &db.store;
        let t = seed_tools(s).await;
        let (dj, py, rs) = (t["django"], t["python"], t["rust"]);
        s.push_snapshots(&[snapshot("ann", "web", &[dj, py]), snapshot("bob", "api", &[py, rs])]).await.unwrap();
        assert_eq!(s.tool_stats(py).await.unwrap().stacks, 2, "{:?}", db.backend);
        assert_eq!(s.co_usage(dj, py).await.unwrap(), 1);
        assert_eq!(s.co_usage(dj, rs).await.unwrap(), 0);
        // A new snapshot of ann/web drops python and adds rust.
        s.push_snapshots(&[snapshot("ann", "web", &[dj, rs])]).await.unwrap();
        assert_eq!(s.tool_stats(py).await.unwrap().stacks, 1);
        assert_eq!(s.tool_stats(rs).await.unwrap().stacks, 2);
        assert_eq!(s.top_co_used(rs, 5).await.unwrap(), vec![(dj, 1), (py, 1)]);
        let web = s.stack("ann", "web").await.unwrap().unwrap();
        let tools: Vec<ToolId> = s.stack_tools(web.id).await.unwrap().iter().map(|t| t.tool_id).collect();
        assert_eq!(tools.len(), 2);
        assert!(tools.contains(&rs) && tools.contains(&dj));
        assert_counters_match_recount(s).await;
        // The same stack twice in one batch is refused, and nothing is written.
        let before = s.tool_stats(dj).await.unwrap();
        assert!(s.push_snapshots(&[snapshot("x", "y", &[dj]), snapshot("x", "y", &[dj])]).await.is_err());
        assert_eq!(s.tool_stats(dj).await.unwrap(), before);
    }
}

#[tokio::test]
async fn votes_are_one_per_user_and_counted_in_place() {
    for db in fresh_stores().await {
        let s = &db.store;
        let t = seed_tools(s).await;
        let u = users(s, 3).await;
        let ids = s
            .add_reasons(&[
                (t["django"], ReasonKind::Pro, "Rapid development".into(), None),
                (t["django"], ReasonKind::Con, "Underpowered ORM".into(), None),
            ])
            .await
            .unwrap();
        let new = s.cast_votes(&[(ids[0], u[0]), (ids[0], u[1]), (ids[0], u[0]), (ids[1], u[2])]).await.unwrap();
        assert_eq!(new, 3);
        assert_eq!(s.cast_votes(&[(ids[0], u[1])]).await.unwrap(), 0, "second vote by one user is ignored");
        let reasons = s.reasons_for_tool(t["django"]).await.unwrap();
        assert_eq!((reasons[0].text.as_str(), reasons[0].votes), ("Rapid development", 2));
        assert_eq!(s.tool_stats(t["django"]).await.unwrap().votes, 3);
        assert!(s.retract_vote(ids[0], u[0]).await.unwrap());
        assert!(!s.retract_vote(ids[0], u[0]).await.unwrap());
        assert_eq!(s.tool_stats(t["django"]).await.unwrap().votes, 2);
        assert_counters_match_recount(s).await;
    }
}

#[tokio::test]
async fn concurrent_writes_keep_counters_exact() {
    for db in fresh_stores().await {
        let s = db.store.clone();
        let t = seed_tools(&s).await;
        let u = users(&s, 40).await;
        let reason = s.add_reasons(&[(t["rust"], ReasonKind::Pro, "Fast".into(), None)]).await.unwrap()[0];
        let mut tasks = Vec::new();
        for (i, &user) in u.iter().enumerate() {
            let s = s.clone();
            let (rs, pg) = (t["rust"], t["postgresql"]);
            tasks.push(tokio::spawn(async move {
                s.cast_votes(&[(reason, user)]).await.unwrap();
                s.cast_votes(&[(reason, user)]).await.unwrap();
                if i % 3 == 0 {
                    s.retract_vote(reason, user).await.unwrap();
                }
                s.follow_tools(&[(user, rs)]).await.unwrap();
                s.push_snapshots(&[snapshot(&format!("u{i}"), "app", &[rs, pg])]).await.unwrap();
                s.push_snapshots(&[snapshot(&format!("u{i}"), "app", &[rs])]).await.unwrap();
            }));
        }
        for task in tasks {
            task.await.unwrap();
        }
        let stats = s.tool_stats(t["rust"]).await.unwrap();
        assert_eq!(stats.votes, 40 - 14, "{:?}", db.backend);
        assert_eq!(stats.followers, 40);
        assert_eq!(stats.stacks, 40);
        assert_eq!(s.tool_stats(t["postgresql"]).await.unwrap().stacks, 0);
        assert_counters_match_recount(&s).await;
    }
}

#[tokio::test]
async fn decisions_comments_views_and_changes() {
    for db in fresh_stores().await {
        let s = &db.store;
        let t = seed_tools(s).await;
        let u = users(s, 2).await;
        let before = s.latest_change().await.unwrap();
        let id = s
            .create_decision(&NewDecision {
                kind: DecisionKind::NeedsAdvice,
                body: "Which first?".into(),
                author_id: u[0],
                org_id: None,
                tools: vec![t["django"], t["python"], t["django"]],
                created_at: 100,
            })
            .await
            .unwrap();
        let changes = s.changes_since(before).await.unwrap();
        assert!(changes.iter().any(|c| c.tags.contains(&format!("tool:{}", t["django"]))), "{changes:?}");
        assert!(s.record_view(id, "visitor-a", 1).await.unwrap());
        assert!(!s.record_view(id, "visitor-a", 1).await.unwrap());
        assert!(s.record_view(id, "visitor-a", 2).await.unwrap());
        s.add_comment(id, u[1], "Python first.").await.unwrap();
        let d = s.decision(id).await.unwrap().unwrap();
        assert_eq!((d.views, d.comments, d.kind), (2, 1, DecisionKind::NeedsAdvice));
        assert_eq!(d.tools.len(), 2);
        assert_eq!(s.decisions_about(&[t["python"]], 10).await.unwrap().len(), 1);
        assert!(s.decisions_about(&[t["rust"]], 10).await.unwrap().is_empty());
        assert_eq!(s.comments(id).await.unwrap()[0].body, "Python first.");
    }
}

#[tokio::test]
async fn taken_username_is_a_conflict_and_creates_nothing() {
    for db in fresh_stores().await {
        let s = &db.store;
        users(s, 1).await;
        let dup = NewUser {
            username: "user0".into(),
            display_name: "x".into(),
            title: String::new(),
            password_hash: None,
            created_at: 0,
        };
        let fresh = NewUser { username: "newbie".into(), ..dup.clone() };
        let err = s.create_users(&[fresh, dup]).await.unwrap_err();
        assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
        assert!(s.user_by_name("newbie").await.unwrap().is_none());
    }
}

#[tokio::test]
async fn hostile_strings_are_stored_verbatim() {
    for db in fresh_stores().await {
        let s = &db.store;
        let t = seed_tools(s).await;
        let evil = "'); DROP TABLE reasons; -- <script>alert(1)</script>";
        s.add_reasons(&[(t["django"], ReasonKind::Con, evil.into(), None)]).await.unwrap();
        assert_eq!(s.reasons_for_tool(t["django"]).await.unwrap()[0].text, evil);
        assert_eq!(s.stack("'; --", "x").await.unwrap(), None);
    }
}
