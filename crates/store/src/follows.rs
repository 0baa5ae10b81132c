//! Follows of tools, stacks and organisations, with exact followers counters; the events that
//! writes record for the followers of what they touched, and the feed that reads them back.
//!
//! An event is stored once per target it concerns (a decision about Django and Rust is one
//! row for each tool, and one for its organisation), so that the feed is a join of the user's
//! follows with an index on `(target_kind, target_id, id)`. The rows of one happening share
//! a `subject` (the decision, reason or snapshot id), by which the feed folds them together.

use std::collections::{HashMap, HashSet};

use sea_orm::{ConnectionTrait, FromQueryResult, TransactionTrait, Value, raw_sql};

use crate::changes::{Tag, tags_or_everything, user_tags};
use crate::sql::{Col, IN_CHUNK};
use crate::tools::Counter;
use crate::types::text_enum;
use crate::{Backend, EventId, OrganisationId, Result, StackId, Store, StoreError, ToolId, UserId};

text_enum! {
    /// What one can follow.
    pub enum TargetKind {
        Tool,
        Stack,
        Organisation,
    }
}

text_enum! {
    /// What happened, as the feed tells it.
    pub enum EventKind {
        /// A decision was posted.
        Decision,
        /// A pro or con was added.
        Reason,
        /// A stack's tools, or their versions, changed.
        Stack,
        /// A decision was commented on.
        Comment,
    }
}

/// One tool, stack or organisation, by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, FromQueryResult)]
pub struct Target {
    #[sea_orm(from_alias = "target_kind")]
    pub kind: TargetKind,
    #[sea_orm(from_alias = "target_id")]
    pub id: i64,
}

impl Target {
    pub fn tool(id: ToolId) -> Target {
        Target { kind: TargetKind::Tool, id: id.get() }
    }
    pub fn stack(id: StackId) -> Target {
        Target { kind: TargetKind::Stack, id: id.get() }
    }
    pub fn organisation(id: OrganisationId) -> Target {
        Target { kind: TargetKind::Organisation, id: id.get() }
    }

    /// The change-log tag of pages that show this target's followers.
    pub(crate) fn tag(self) -> Tag {
        match self.kind {
            TargetKind::Tool => Tag::Tool(ToolId(self.id)),
            TargetKind::Stack => Tag::Stack(StackId(self.id)),
            TargetKind::Organisation => Tag::Organisation(OrganisationId(self.id)),
        }
    }
}

/// What a write tells the followers of `target`.
#[derive(Debug, Clone)]
pub(crate) struct NewEvent {
    pub kind: EventKind,
    pub actor: Option<UserId>,
    pub target: Target,
    /// The decision, reason or snapshot the event is about.
    pub subject: i64,
    /// More detail, merged into the stored payload beside `subject`.
    pub detail: serde_json::Value,
    pub created_at: i64,
}

/// A place in the feed: events that happened before `at`, or at `at` with a smaller id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeedPosition {
    pub at: i64,
    pub id: i64,
}

impl FeedPosition {
    /// Before everything: the newest events.
    pub const START: FeedPosition = FeedPosition { at: i64::MAX, id: i64::MAX };

    /// Right after `event` (so it is the first one read).
    pub fn at(event: &Event) -> FeedPosition {
        FeedPosition { at: event.created_at, id: event.id.get() + 1 }
    }
}

/// One stored event row, as the feed reads it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Event {
    pub id: EventId,
    pub kind: EventKind,
    pub actor_id: Option<UserId>,
    pub target: Target,
    /// The decision, reason or snapshot it is about.
    pub subject: i64,
    pub payload: serde_json::Value,
    pub created_at: i64,
}

#[derive(FromQueryResult)]
struct EventRow {
    id: EventId,
    kind: String,
    actor_id: Option<UserId>,
    target_kind: String,
    target_id: i64,
    payload: String,
    created_at: i64,
}

impl EventRow {
    /// The event, or none for a kind this version does not know.
    fn event(self) -> Option<Event> {
        let payload: serde_json::Value = serde_json::from_str(&self.payload).unwrap_or_default();
        Some(Event {
            id: self.id,
            kind: self.kind.parse().ok()?,
            actor_id: self.actor_id,
            target: Target { kind: self.target_kind.parse().ok()?, id: self.target_id },
            subject: payload.get("subject").and_then(serde_json::Value::as_i64).unwrap_or(0),
            payload,
            created_at: self.created_at,
        })
    }
}

/// A target's kept followers counter beside a recount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FollowerCount {
    pub target: Target,
    pub kept: i64,
    pub counted: i64,
}

#[derive(FromQueryResult)]
struct CountRow {
    id: i64,
    kept: i64,
    counted: i64,
}

#[derive(FromQueryResult)]
struct Followed {
    target_id: ToolId,
}

impl Store {
    /// Starts following `target`; returns whether the follow is new. The target's followers
    /// counter moves in the same transaction, and only when a row was really inserted.
    pub async fn follow(&self, user: UserId, target: Target) -> Result<bool> {
        if target.kind == TargetKind::Tool {
            return Ok(self.follow_tools(&[(user, ToolId(target.id))]).await? == 1);
        }
        let txn = self.write.begin().await?;
        let (kind, id, now) = (target.kind, target.id, crate::now());
        let fresh = self
            .execute(
                &txn,
                raw_sql!(
                    Postgres,
                    "INSERT INTO follows (user_id, target_kind, target_id, created_at) VALUES ({user}, {kind}, {id}, {now})
                     ON CONFLICT (user_id, target_kind, target_id) DO NOTHING"
                ),
            )
            .await?
            > 0;
        if fresh {
            self.bump_followers(&txn, target, 1).await?;
            self.record_change(&txn, &[target.tag(), Tag::User(user)]).await?;
        }
        txn.commit().await?;
        Ok(fresh)
    }

    /// Stops following `target`; returns whether the user was following it.
    pub async fn unfollow(&self, user: UserId, target: Target) -> Result<bool> {
        let txn = self.write.begin().await?;
        let (kind, id) = (target.kind, target.id);
        let gone = self
            .execute(
                &txn,
                raw_sql!(
                    Postgres,
                    "DELETE FROM follows WHERE user_id = {user} AND target_kind = {kind} AND target_id = {id}"
                ),
            )
            .await?
            > 0;
        if gone {
            match target.kind {
                TargetKind::Tool => {
                    self.bump_tool_counter(&txn, Counter::Followers, &HashMap::from([(ToolId(target.id), -1)])).await?;
                }
                _ => self.bump_followers(&txn, target, -1).await?,
            }
            self.record_change(&txn, &[target.tag(), Tag::User(user)]).await?;
        }
        txn.commit().await?;
        Ok(gone)
    }

    /// Users follow tools; returns how many follows were new. The followers counter of each tool
    /// moves in the same transaction.
    pub async fn follow_tools(&self, follows: &[(UserId, ToolId)]) -> Result<u64> {
        let now = crate::now();
        let dated: Vec<(UserId, ToolId, i64)> = follows.iter().map(|(u, t)| (*u, *t, now)).collect();
        self.follow_tools_at(&dated).await
    }

    /// As [`Store::follow_tools`], each follow made at its own time (Unix seconds): the demo's
    /// follows are spread over the years its figures over time show.
    pub async fn follow_tools_at(&self, follows: &[(UserId, ToolId, i64)]) -> Result<u64> {
        let txn = self.write.begin().await?;
        let rows: Vec<Vec<Value>> = follows
            .iter()
            .map(|(u, t, at)| vec![(*u).into(), TargetKind::Tool.into(), (*t).into(), (*at).into()])
            .collect();
        let inserted: Vec<Followed> = self
            .bulk_insert(
                &txn,
                "INSERT INTO follows (user_id, target_kind, target_id, created_at)",
                &[Col::Int, Col::Text, Col::Int, Col::Int],
                &rows,
                "ON CONFLICT (user_id, target_kind, target_id) DO NOTHING RETURNING target_id",
            )
            .await?;
        let mut deltas: HashMap<ToolId, i64> = HashMap::new();
        for row in inserted {
            *deltas.entry(row.target_id).or_default() += 1;
        }
        self.bump_tool_counter(&txn, Counter::Followers, &deltas).await?;
        let mut tags: Vec<Tag> = deltas.keys().map(|t| Tag::Tool(*t)).collect();
        tags.extend(user_tags(follows.iter().map(|(u, _, _)| *u)));
        let tags = tags_or_everything(tags);
        self.record_change(&txn, &tags).await?;
        txn.commit().await?;
        Ok(deltas.values().sum::<i64>() as u64)
    }

    /// One counter row of a stack or organisation: a single-row update, so no lock order to keep.
    pub(crate) async fn bump_followers<C: ConnectionTrait>(&self, conn: &C, target: Target, delta: i64) -> Result<()> {
        let id = target.id;
        let statement = match target.kind {
            TargetKind::Stack => {
                raw_sql!(Postgres, "UPDATE stacks SET followers = followers + {delta} WHERE id = {id}")
            }
            TargetKind::Organisation => {
                raw_sql!(Postgres, "UPDATE organisations SET followers = followers + {delta} WHERE id = {id}")
            }
            TargetKind::Tool => unreachable!("tools keep their counter in tool_stats"),
        };
        if self.execute(conn, statement).await? == 1 { Ok(()) } else { Err(StoreError::NotFound) }
    }

    /// How many users follow `target` (a kept counter, not a count of rows).
    pub async fn followers(&self, target: Target) -> Result<i64> {
        let id = target.id;
        self.number(match target.kind {
            TargetKind::Tool => raw_sql!(Postgres, "SELECT followers AS n FROM tool_stats WHERE tool_id = {id}"),
            TargetKind::Stack => raw_sql!(Postgres, "SELECT followers AS n FROM stacks WHERE id = {id}"),
            TargetKind::Organisation => raw_sql!(Postgres, "SELECT followers AS n FROM organisations WHERE id = {id}"),
        })
        .await
    }

    pub async fn is_following(&self, user: UserId, target: Target) -> Result<bool> {
        let (kind, id) = (target.kind, target.id);
        let n = self
            .number(raw_sql!(
                Postgres,
                "SELECT COUNT(*) AS n FROM follows WHERE user_id = {user} AND target_kind = {kind} AND target_id = {id}"
            ))
            .await?;
        Ok(n > 0)
    }

    /// Which of `targets` the user follows.
    pub async fn follows_among(&self, user: UserId, targets: &[Target]) -> Result<HashSet<Target>> {
        let mut out = HashSet::new();
        for kind in [TargetKind::Tool, TargetKind::Stack, TargetKind::Organisation] {
            let ids: Vec<i64> = targets.iter().filter(|t| t.kind == kind).map(|t| t.id).collect();
            for chunk in ids.chunks(IN_CHUNK) {
                let rows: Vec<Target> = self
                    .all(raw_sql!(
                        Postgres,
                        "SELECT target_kind, target_id FROM follows
                         WHERE user_id = {user} AND target_kind = {kind} AND target_id IN ({..chunk})"
                    ))
                    .await?;
                out.extend(rows);
            }
        }
        Ok(out)
    }

    /// What a user follows, most recent first.
    pub async fn follows_of(&self, user: UserId) -> Result<Vec<Target>> {
        self.follows_of_on(&self.read, user).await
    }

    pub(crate) async fn follows_of_on<C: ConnectionTrait>(&self, conn: &C, user: UserId) -> Result<Vec<Target>> {
        self.all_on(
            conn,
            raw_sql!(
                Postgres,
                "SELECT target_kind, target_id FROM follows WHERE user_id = {user}
                 ORDER BY created_at DESC, target_kind, target_id"
            ),
        )
        .await
    }

    /// Stacks and organisations with their kept followers counter and a full recount. Slow;
    /// for checks, never for pages. (Tools: see [`Store::recount_tool_stats`].)
    pub async fn recount_followers(&self) -> Result<Vec<FollowerCount>> {
        let mut out = Vec::new();
        for kind in [TargetKind::Stack, TargetKind::Organisation] {
            let statement = match kind {
                TargetKind::Stack => raw_sql!(
                    Postgres,
                    "SELECT x.id, x.followers AS kept,
                            (SELECT COUNT(*) FROM follows f WHERE f.target_kind = {kind} AND f.target_id = x.id) AS counted
                     FROM stacks x ORDER BY x.id"
                ),
                _ => raw_sql!(
                    Postgres,
                    "SELECT x.id, x.followers AS kept,
                            (SELECT COUNT(*) FROM follows f WHERE f.target_kind = {kind} AND f.target_id = x.id) AS counted
                     FROM organisations x ORDER BY x.id"
                ),
            };
            let rows: Vec<CountRow> = self.all(statement).await?;
            out.extend(rows.into_iter().map(|r| FollowerCount {
                target: Target { kind, id: r.id },
                kept: r.kept,
                counted: r.counted,
            }));
        }
        Ok(out)
    }

    /// Deletes the events whose subject is `subject` (a deleted decision or comment), in the
    /// caller's transaction: the feed must not tell of it, nor of a later row given its id.
    pub(crate) async fn delete_events_about<C: ConnectionTrait>(
        &self,
        conn: &C,
        kind: EventKind,
        subject: i64,
    ) -> Result<()> {
        // The payload is a JSON object written by `record_events`, with `subject` among its
        // keys: followed by a comma or by the object's end.
        let (mid, end) = (format!("%\"subject\":{subject},%"), format!("%\"subject\":{subject}}}"));
        self.execute(
            conn,
            raw_sql!(Postgres, "DELETE FROM events WHERE kind = {kind} AND (payload LIKE {mid} OR payload LIKE {end})"),
        )
        .await?;
        Ok(())
    }

    /// Appends events in the caller's transaction (the write they describe commits with them,
    /// or neither does).
    pub(crate) async fn record_events<C: ConnectionTrait>(&self, conn: &C, events: &[NewEvent]) -> Result<()> {
        let rows: Vec<Vec<Value>> = events
            .iter()
            .map(|e| {
                let mut payload = match &e.detail {
                    serde_json::Value::Object(map) => map.clone(),
                    _ => serde_json::Map::new(),
                };
                payload.insert("subject".into(), e.subject.into());
                let actor: Value = match self.backend {
                    Backend::Sqlite => e.actor.into(),
                    // PostgreSQL is sent one array per column, and arrays here hold no NULL:
                    // 0 stands for "no actor" and NULLIF turns it back.
                    Backend::Postgres => e.actor.map_or(0, UserId::get).into(),
                };
                vec![
                    e.kind.into(),
                    actor,
                    e.target.kind.into(),
                    e.target.id.into(),
                    serde_json::Value::Object(payload).to_string().into(),
                    e.created_at.into(),
                ]
            })
            .collect();
        let head = "INSERT INTO events (kind, actor_id, target_kind, target_id, payload, created_at)";
        match self.backend {
            Backend::Sqlite => self.insert_values::<EventRow, _>(conn, head, &rows, "").await?,
            Backend::Postgres => {
                self.bulk_insert::<EventRow, _>(
                    conn,
                    &format!("{head} SELECT k, NULLIF(a, 0), tk, ti, p, c FROM ("),
                    &[Col::Text, Col::Int, Col::Text, Col::Int, Col::Text, Col::Int],
                    &rows,
                    ") AS u(k, a, tk, ti, p, c)",
                )
                .await?
            }
        };
        Ok(())
    }

    /// Event rows of `kinds` on what `user` follows that come before `before` in feed order:
    /// newest first by when they happened, then by id. A happening that concerns several
    /// followed targets gives one row per target (same `subject`).
    pub async fn feed_rows(
        &self,
        user: UserId,
        kinds: &[EventKind],
        before: FeedPosition,
        limit: i64,
    ) -> Result<Vec<Event>> {
        let (at, id) = (before.at, before.id);
        let rows: Vec<EventRow> = self
            .all(raw_sql!(
                Postgres,
                "SELECT e.id, e.kind, e.actor_id, e.target_kind, e.target_id, e.payload, e.created_at
                 FROM events e JOIN follows f ON f.target_kind = e.target_kind AND f.target_id = e.target_id
                 WHERE f.user_id = {user} AND e.kind IN ({..kinds})
                   AND (e.created_at < {at} OR (e.created_at = {at} AND e.id < {id}))
                 ORDER BY e.created_at DESC, e.id DESC LIMIT {limit}"
            ))
            .await?;
        Ok(rows.into_iter().filter_map(EventRow::event).collect())
    }

    /// Every event about one target, newest first (for checks and target pages).
    pub async fn events_about(&self, target: Target, limit: i64) -> Result<Vec<Event>> {
        let (kind, id) = (target.kind, target.id);
        let rows: Vec<EventRow> = self
            .all(raw_sql!(
                Postgres,
                "SELECT id, kind, actor_id, target_kind, target_id, payload, created_at FROM events
                 WHERE target_kind = {kind} AND target_id = {id} ORDER BY id DESC LIMIT {limit}"
            ))
            .await?;
        Ok(rows.into_iter().filter_map(EventRow::event).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::test_users;
    use crate::reasons::{NewReason, ReasonKind};
    use crate::stacks::test_snapshot;
    use crate::testing::fresh_stores;
    use crate::tools::{assert_counters_match_recount, test_tools};

    #[tokio::test]
    async fn follows_keep_exact_counters() {
        for db in fresh_stores().await {
            let s = &db.store;
            let t = test_tools(s).await;
            let u = test_users(s, 2).await;
            s.push_snapshots(&[test_snapshot("user0", "web", &[t["django"]])]).await.unwrap();
            let web = Target::stack(s.stack("user0", "web").await.unwrap().unwrap().id);
            let acme = Target::organisation(s.create_organisation("acme", "Acme", u[0]).await.unwrap().id);
            let rust = Target::tool(t["rust"]);
            for target in [web, acme, rust] {
                assert!(s.follow(u[1], target).await.unwrap(), "{target:?}");
                assert!(!s.follow(u[1], target).await.unwrap(), "twice changes nothing");
                assert!(s.is_following(u[1], target).await.unwrap());
                assert_eq!(s.followers(target).await.unwrap(), 1, "{target:?} {:?}", db.backend);
            }
            assert_eq!(s.follows_of(u[1]).await.unwrap().len(), 3);
            let among = s.follows_among(u[1], &[web, acme, Target::tool(t["django"])]).await.unwrap();
            assert_eq!(among, HashSet::from([web, acme]));
            assert!(s.unfollow(u[1], acme).await.unwrap());
            assert!(!s.unfollow(u[1], acme).await.unwrap());
            assert!(s.unfollow(u[1], rust).await.unwrap());
            assert_eq!(s.followers(acme).await.unwrap(), 0);
            assert_eq!(s.follows_of(u[1]).await.unwrap(), [web]);
            assert!(matches!(s.follow(u[1], Target::stack(StackId(999_999))).await, Err(StoreError::NotFound)));
            for c in s.recount_followers().await.unwrap() {
                assert_eq!(c.kept, c.counted, "{:?}", c.target);
            }
            assert_counters_match_recount(s).await;
        }
    }

    #[tokio::test]
    async fn the_feed_reads_events_on_what_one_follows() {
        for db in fresh_stores().await {
            let s = &db.store;
            let t = test_tools(s).await;
            let u = test_users(s, 2).await;
            s.follow(u[1], Target::tool(t["rust"])).await.unwrap();
            let new =
                |tool, text: &str| NewReason { tool, kind: ReasonKind::Pro, text: text.into(), author: Some(u[0]) };
            let ids = s.add_reasons(&[new(t["rust"], "Fast"), new(t["django"], "Batteries")]).await.unwrap();
            // Snapshots with their own dates: the last one pushed happened before the second.
            let snapshot = |tools: &[(ToolId, &str)], at: i64| {
                let mut snapshot = test_snapshot("user0", "cli", &tools.iter().map(|t| t.0).collect::<Vec<_>>());
                for (held, (_, versions)) in snapshot.tools.iter_mut().zip(tools) {
                    held.versions = (*versions).to_owned();
                }
                snapshot.created_at = at;
                snapshot
            };
            s.push_snapshots(&[snapshot(&[(t["rust"], "1.70")], 1000)]).await.unwrap();
            let cli = s.stack("user0", "cli").await.unwrap().unwrap().id;
            s.follow(u[1], Target::stack(cli)).await.unwrap();
            s.push_snapshots(&[snapshot(&[(t["rust"], "1.80"), (t["python"], "3.12")], 3000)]).await.unwrap();
            s.push_snapshots(&[snapshot(&[(t["rust"], "1.81"), (t["python"], "3.12")], 2000)]).await.unwrap();
            // The same again tells nobody anything.
            s.push_snapshots(&[snapshot(&[(t["rust"], "1.81"), (t["python"], "3.12")], 4000)]).await.unwrap();

            let every = [EventKind::Decision, EventKind::Reason, EventKind::Stack, EventKind::Comment];
            let feed = s.feed_rows(u[1], &every, FeedPosition::START, 10).await.unwrap();
            let order: Vec<(EventKind, i64)> = feed.iter().map(|e| (e.kind, e.created_at)).collect();
            let stack = EventKind::Stack;
            assert_eq!(order[1..], [(stack, 3000), (stack, 2000), (stack, 1000)], "{:?}: by time", db.backend);
            assert_eq!((feed[0].kind, feed[0].subject), (EventKind::Reason, ids[0].get()));
            assert_eq!(feed[0].actor_id, Some(u[0]));
            assert_eq!(feed[1].actor_id, None, "no author: NULL, not 0");
            let rust = t["rust"].get();
            assert_eq!(feed[1].payload["added_count"], 1);
            assert_eq!(feed[1].payload["changed"], serde_json::json!([{"tool": rust, "from": "1.70", "to": "1.80"}]));
            assert_eq!(
                (feed[2].payload["added_count"].as_i64(), feed[2].payload["changed_count"].as_i64()),
                (Some(0), Some(1))
            );
            assert_eq!(feed[2].payload["changed"][0]["to"], "1.81");

            let reasons = s.feed_rows(u[1], &[EventKind::Reason], FeedPosition::START, 10).await.unwrap();
            assert_eq!(reasons.len(), 1, "only the kinds asked for");
            let from_second = s.feed_rows(u[1], &every, FeedPosition::at(&feed[1]), 10).await.unwrap();
            assert_eq!(from_second, feed[1..], "a position starts at its event");
            let after_second = FeedPosition { at: feed[1].created_at, id: feed[1].id.get() };
            assert_eq!(s.feed_rows(u[1], &every, after_second, 10).await.unwrap(), feed[2..]);
            assert_eq!(s.events_about(Target::tool(t["django"]), 10).await.unwrap().len(), 1);
        }
    }
}
