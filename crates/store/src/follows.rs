//! Follows of tools, stacks and organisations, with exact followers counters; the events that
//! writes record for the followers of what they touched, and the feed that reads them back.
//!
//! An event is stored once per target it concerns (a decision about Django and Rust is one
//! row for each tool, and one for its organisation), so that the feed is a join of the user's
//! follows with an index on `(target_kind, target_id, id)`. The rows of one happening share
//! a `subject` (the decision, reason or snapshot id), by which the feed folds them together.

use std::collections::HashMap;

use sea_orm::{ConnectionTrait, TransactionTrait, Value};

use crate::community::{list, organisation_from_row};
use crate::{BATCH_PARAMS, Backend, Organisation, Result, Store, StoreError, placeholders};

/// What one can follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TargetKind {
    Tool,
    Stack,
    Organisation,
}

impl TargetKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TargetKind::Tool => "tool",
            TargetKind::Stack => "stack",
            TargetKind::Organisation => "organisation",
        }
    }

    pub fn parse(s: &str) -> Option<TargetKind> {
        match s {
            "tool" => Some(TargetKind::Tool),
            "stack" => Some(TargetKind::Stack),
            "organisation" => Some(TargetKind::Organisation),
            _ => None,
        }
    }
}

/// One tool, stack or organisation, by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct Target {
    pub kind: TargetKind,
    pub id: i64,
}

impl Target {
    pub fn tool(id: i64) -> Target {
        Target { kind: TargetKind::Tool, id }
    }
    pub fn stack(id: i64) -> Target {
        Target { kind: TargetKind::Stack, id }
    }
    pub fn organisation(id: i64) -> Target {
        Target { kind: TargetKind::Organisation, id }
    }

    /// The change-log tag of pages that show this target's followers.
    fn tag(self) -> String {
        format!("{}:{}", self.kind.as_str(), self.id)
    }
}

/// What a write tells the followers of `target`.
#[derive(Debug, Clone)]
pub(crate) struct NewEvent {
    /// "decision", "reason" or "stack".
    pub kind: &'static str,
    pub actor: Option<i64>,
    pub target: Target,
    /// The decision, reason or snapshot the event is about.
    pub subject: i64,
    /// More detail, merged into the stored payload beside `subject`.
    pub detail: serde_json::Value,
    pub created_at: i64,
}

/// One stored event row, as the feed reads it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Event {
    pub id: i64,
    pub kind: String,
    pub actor_id: Option<i64>,
    pub target: Target,
    pub subject: i64,
    pub payload: serde_json::Value,
    pub created_at: i64,
}

impl Store {
    /// Starts following `target`; returns whether the follow is new. The target's followers
    /// counter moves in the same transaction, and only when a row was really inserted.
    pub async fn follow(&self, user: i64, target: Target) -> Result<bool> {
        if target.kind == TargetKind::Tool {
            return Ok(self.follow_tools(&[(user, target.id)]).await? == 1);
        }
        let txn = self.write.begin().await?;
        let fresh = txn
            .execute_raw(self.stmt(
                "INSERT INTO follows (user_id, target_kind, target_id, created_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (user_id, target_kind, target_id) DO NOTHING",
                vec![user.into(), target.kind.as_str().into(), target.id.into(), crate::now().into()],
            ))
            .await?
            .rows_affected()
            > 0;
        if fresh {
            self.bump_followers(&txn, target, 1).await?;
            self.record_change(&txn, &[&target.tag()]).await?;
        }
        txn.commit().await?;
        Ok(fresh)
    }

    /// Stops following `target`; returns whether the user was following it.
    pub async fn unfollow(&self, user: i64, target: Target) -> Result<bool> {
        if target.kind == TargetKind::Tool {
            return self.unfollow_tool(user, target.id).await;
        }
        let txn = self.write.begin().await?;
        let gone = txn
            .execute_raw(self.stmt(
                "DELETE FROM follows WHERE user_id = $1 AND target_kind = $2 AND target_id = $3",
                vec![user.into(), target.kind.as_str().into(), target.id.into()],
            ))
            .await?
            .rows_affected()
            > 0;
        if gone {
            self.bump_followers(&txn, target, -1).await?;
            self.record_change(&txn, &[&target.tag()]).await?;
        }
        txn.commit().await?;
        Ok(gone)
    }

    /// One counter row: a single-row update, so no lock order to keep.
    async fn bump_followers<C: ConnectionTrait>(&self, conn: &C, target: Target, delta: i64) -> Result<()> {
        let table = match target.kind {
            TargetKind::Stack => "stacks",
            TargetKind::Organisation => "organisations",
            TargetKind::Tool => unreachable!("tools keep their counter in tool_stats"),
        };
        let done = conn
            .execute_raw(self.stmt(
                &format!("UPDATE {table} SET followers = followers + $1 WHERE id = $2"),
                vec![delta.into(), target.id.into()],
            ))
            .await?;
        if done.rows_affected() == 1 { Ok(()) } else { Err(StoreError::NotFound) }
    }

    /// How many users follow `target` (a kept counter, not a count of rows).
    pub async fn followers(&self, target: Target) -> Result<i64> {
        let sql = match target.kind {
            TargetKind::Tool => "SELECT followers FROM tool_stats WHERE tool_id = $1",
            TargetKind::Stack => "SELECT followers FROM stacks WHERE id = $1",
            TargetKind::Organisation => "SELECT followers FROM organisations WHERE id = $1",
        };
        self.query_i64(sql, vec![target.id.into()]).await
    }

    pub async fn is_following(&self, user: i64, target: Target) -> Result<bool> {
        let n = self
            .query_i64(
                "SELECT COUNT(*) FROM follows WHERE user_id = $1 AND target_kind = $2 AND target_id = $3",
                vec![user.into(), target.kind.as_str().into(), target.id.into()],
            )
            .await?;
        Ok(n > 0)
    }

    /// What a user follows, most recent first.
    pub async fn follows_of(&self, user: i64) -> Result<Vec<Target>> {
        let rows = self
            .query_all(
                "SELECT target_kind, target_id FROM follows WHERE user_id = $1 ORDER BY created_at DESC, target_kind, target_id",
                vec![user.into()],
            )
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let kind: String = r.try_get_by_index(0)?;
            if let Some(kind) = TargetKind::parse(&kind) {
                out.push(Target { kind, id: r.try_get_by_index(1)? });
            }
        }
        Ok(out)
    }

    /// Stacks and organisations whose kept followers counter differs from a full recount:
    /// `(target, kept, counted)`. Slow; for checks, never for pages. (Tools: see
    /// [`Store::recount_tool_stats`].)
    pub async fn recount_followers(&self) -> Result<Vec<(Target, i64, i64)>> {
        let mut out = Vec::new();
        for (kind, table) in [(TargetKind::Stack, "stacks"), (TargetKind::Organisation, "organisations")] {
            let sql = format!(
                "SELECT x.id, x.followers, (SELECT COUNT(*) FROM follows f WHERE f.target_kind = $1 AND f.target_id = x.id)
                 FROM {table} x ORDER BY x.id"
            );
            for r in self.query_all(&sql, vec![kind.as_str().into()]).await? {
                out.push((Target { kind, id: r.try_get_by_index(0)? }, r.try_get_by_index(1)?, r.try_get_by_index(2)?));
            }
        }
        Ok(out)
    }

    /// Organisations by id.
    pub async fn organisations_by_ids(&self, ids: &[i64]) -> Result<HashMap<i64, Organisation>> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let sql = format!("SELECT id, slug, name FROM organisations WHERE id IN ({})", list(ids.len(), 1));
        let rows = self.query_all(&sql, ids.iter().map(|&i| i.into()).collect()).await?;
        rows.iter().map(|r| organisation_from_row(r).map(|org| (org.id, org))).collect()
    }

    /// Stacks by id: `id -> (owner, slug, name)`.
    pub async fn stack_names(&self, ids: &[i64]) -> Result<HashMap<i64, (String, String, String)>> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let sql = format!("SELECT id, owner, slug, name FROM stacks WHERE id IN ({})", list(ids.len(), 1));
        let rows = self.query_all(&sql, ids.iter().map(|&i| i.into()).collect()).await?;
        rows.iter()
            .map(|r| {
                Ok((r.try_get_by_index(0)?, (r.try_get_by_index(1)?, r.try_get_by_index(2)?, r.try_get_by_index(3)?)))
            })
            .collect()
    }
}

impl Store {
    /// Appends events in the caller's transaction (the write they describe commits with them,
    /// or neither does).
    pub(crate) async fn record_events<C: ConnectionTrait>(&self, conn: &C, events: &[NewEvent]) -> Result<()> {
        let payload = |e: &NewEvent| {
            let mut p = match &e.detail {
                serde_json::Value::Object(map) => map.clone(),
                _ => serde_json::Map::new(),
            };
            p.insert("subject".into(), e.subject.into());
            serde_json::Value::Object(p).to_string()
        };
        match self.backend {
            Backend::Sqlite => {
                for chunk in events.chunks(BATCH_PARAMS / 6) {
                    let sql = format!(
                        "INSERT INTO events (kind, actor_id, target_kind, target_id, payload, created_at) VALUES {}",
                        placeholders(chunk.len(), 6)
                    );
                    let values: Vec<Value> = chunk
                        .iter()
                        .flat_map(|e| {
                            [
                                e.kind.into(),
                                e.actor.into(),
                                e.target.kind.as_str().into(),
                                e.target.id.into(),
                                payload(e).into(),
                                e.created_at.into(),
                            ]
                        })
                        .collect();
                    conn.execute_raw(self.stmt(&sql, values)).await?;
                }
            }
            Backend::Postgres => {
                use sea_orm::sea_query::ArrayType;
                // One array per column; arrays hold no NULL here, so 0 stands for "no actor".
                let sql = "INSERT INTO events (kind, actor_id, target_kind, target_id, payload, created_at)
                           SELECT k, NULLIF(a, 0), tk, ti, p, c
                           FROM UNNEST($1::text[], $2::bigint[], $3::text[], $4::bigint[], $5::text[], $6::bigint[])
                             AS u(k, a, tk, ti, p, c)";
                for chunk in events.chunks(50_000) {
                    let texts = |f: &dyn Fn(&NewEvent) -> String| {
                        let v: Vec<Value> = chunk.iter().map(|e| f(e).into()).collect();
                        Value::Array(ArrayType::String, Some(Box::new(v)))
                    };
                    let ints = |f: &dyn Fn(&NewEvent) -> i64| {
                        let v: Vec<Value> = chunk.iter().map(|e| f(e).into()).collect();
                        Value::Array(ArrayType::BigInt, Some(Box::new(v)))
                    };
                    let values = vec![
                        texts(&|e| e.kind.to_owned()),
                        ints(&|e| e.actor.unwrap_or(0)),
                        texts(&|e| e.target.kind.as_str().to_owned()),
                        ints(&|e| e.target.id),
                        texts(&payload),
                        ints(&|e| e.created_at),
                    ];
                    conn.execute_raw(self.stmt(sql, values)).await?;
                }
            }
        }
        Ok(())
    }

    /// Event rows on what `user` follows with an id below `before`, newest first. A happening
    /// that concerns several followed targets gives one row per target (same `subject`).
    pub async fn feed_rows(&self, user: i64, before: i64, limit: i64) -> Result<Vec<Event>> {
        let rows = self
            .query_all(
                "SELECT e.id, e.kind, e.actor_id, e.target_kind, e.target_id, e.payload, e.created_at
                 FROM events e JOIN follows f ON f.target_kind = e.target_kind AND f.target_id = e.target_id
                 WHERE f.user_id = $1 AND e.id < $2
                 ORDER BY e.id DESC LIMIT $3",
                vec![user.into(), before.into(), limit.into()],
            )
            .await?;
        rows.iter().filter_map(|r| event_from_row(r).transpose()).collect()
    }

    /// Every event about one target, newest first (for checks and target pages).
    pub async fn events_about(&self, target: Target, limit: i64) -> Result<Vec<Event>> {
        let rows = self
            .query_all(
                "SELECT id, kind, actor_id, target_kind, target_id, payload, created_at FROM events
                 WHERE target_kind = $1 AND target_id = $2 ORDER BY id DESC LIMIT $3",
                vec![target.kind.as_str().into(), target.id.into(), limit.into()],
            )
            .await?;
        rows.iter().filter_map(|r| event_from_row(r).transpose()).collect()
    }
}

/// An event from `SELECT id, kind, actor_id, target_kind, target_id, payload, created_at`;
/// none for a target kind this version does not know.
fn event_from_row(r: &sea_orm::QueryResult) -> Result<Option<Event>> {
    let target_kind: String = r.try_get_by_index(3)?;
    let Some(kind) = TargetKind::parse(&target_kind) else { return Ok(None) };
    let payload: String = r.try_get_by_index(5)?;
    let payload: serde_json::Value = serde_json::from_str(&payload).unwrap_or_default();
    Ok(Some(Event {
        id: r.try_get_by_index(0)?,
        kind: r.try_get_by_index(1)?,
        actor_id: r.try_get_by_index(2)?,
        target: Target { kind, id: r.try_get_by_index(4)? },
        subject: payload.get("subject").and_then(serde_json::Value::as_i64).unwrap_or(0),
        payload,
        created_at: r.try_get_by_index(6)?,
    }))
}

impl Store {
    /// The events of a batch of snapshots: one for the followers of each stack whose tools
    /// changed (a snapshot with the same tools as before tells nobody anything), and one for
    /// the followers of its organisation when an organisation owns it. `changes` maps a stack
    /// id to the tools it gained and lost. The demo's generated stacks (source "demo", 45,000
    /// of them in one batch) announce nothing: their events would cost the demo build a tenth
    /// of its time for a feed nobody reads.
    pub(crate) async fn snapshot_events<C: ConnectionTrait>(
        &self,
        conn: &C,
        snapshots: &[crate::NewSnapshot],
        stack_ids: &[i64],
        snapshot_of: &HashMap<i64, i64>,
        mut changes: HashMap<i64, (Vec<crate::ToolId>, Vec<crate::ToolId>)>,
    ) -> Result<Vec<NewEvent>> {
        for (snapshot, stack) in snapshots.iter().zip(stack_ids) {
            if snapshot.source == "demo" {
                changes.remove(stack);
            }
        }
        let mut org_slugs: Vec<&str> = snapshots
            .iter()
            .zip(stack_ids)
            .filter(|(s, id)| s.stack.owner_kind == "organisation" && changes.contains_key(id))
            .map(|(s, _)| s.stack.owner.as_str())
            .collect();
        org_slugs.sort_unstable();
        org_slugs.dedup();
        let mut org_ids: HashMap<String, i64> = HashMap::new();
        for chunk in org_slugs.chunks(BATCH_PARAMS) {
            let sql = format!("SELECT slug, id FROM organisations WHERE slug IN ({})", list(chunk.len(), 1));
            for r in conn.query_all_raw(self.stmt(&sql, chunk.iter().map(|s| (*s).into()).collect())).await? {
                org_ids.insert(r.try_get_by_index(0)?, r.try_get_by_index(1)?);
            }
        }
        let mut events = Vec::new();
        for (snapshot, stack) in snapshots.iter().zip(stack_ids) {
            let Some((mut added, mut removed)) = changes.remove(stack) else { continue };
            added.sort_unstable();
            removed.sort_unstable();
            let detail = serde_json::json!({
                "stack": stack,
                "added_count": added.len(),
                "removed_count": removed.len(),
                "added": added.iter().take(20).collect::<Vec<_>>(),
                "removed": removed.iter().take(20).collect::<Vec<_>>(),
            });
            let mut targets = vec![Target::stack(*stack)];
            if snapshot.stack.owner_kind == "organisation" {
                targets.extend(org_ids.get(&snapshot.stack.owner).map(|id| Target::organisation(*id)));
            }
            for target in targets {
                events.push(NewEvent {
                    kind: "stack",
                    actor: snapshot.author_id,
                    target,
                    subject: snapshot_of[stack],
                    detail: detail.clone(),
                    created_at: snapshot.created_at,
                });
            }
        }
        Ok(events)
    }
}
