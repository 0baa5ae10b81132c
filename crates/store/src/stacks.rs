//! Stacks and their history. Every push or edit is a snapshot; `stack_tools` holds the current
//! membership that statistics count, and moves in the snapshot's transaction.

use std::collections::{HashMap, HashSet};

use sea_orm::{ConnectionTrait, TransactionTrait, Value};

use crate::community::{list, tags_or_all};
use crate::{BATCH_PARAMS, Col, Result, Store, ToolId, placeholders};

/// Which stack a snapshot belongs to; created on first push.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StackRef {
    /// Username or organisation slug.
    pub owner: String,
    /// "user" or "organisation".
    pub owner_kind: String,
    pub slug: String,
    pub name: String,
    /// "organisation", "team", "person" or "repository".
    pub kind: String,
}

impl StackRef {
    /// A user's stack of one repository.
    pub fn repository(owner: &str, name: &str) -> StackRef {
        StackRef {
            owner: owner.to_owned(),
            owner_kind: "user".into(),
            slug: name.to_owned(),
            name: name.to_owned(),
            kind: "repository".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SnapshotTool {
    pub tool_id: ToolId,
    /// Versions seen, comma-separated.
    pub versions: String,
    /// Files that showed the tool, comma-separated; empty when added by hand.
    pub sources: String,
}

#[derive(Debug, Clone)]
pub struct NewSnapshot {
    pub stack: StackRef,
    pub author_id: Option<i64>,
    /// "push", "edit", "import" or "demo".
    pub source: String,
    pub tools: Vec<SnapshotTool>,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StackSummary {
    pub id: i64,
    pub stack: StackRef,
    pub updated_at: i64,
}

impl Store {
    /// Records one snapshot per entry (each stack at most once per call) and moves the current
    /// membership and the per-tool stack counters with it, in one transaction. Returns the
    /// snapshot ids in input order. A single push is a batch of one.
    pub async fn push_snapshots(&self, snapshots: &[NewSnapshot]) -> Result<Vec<i64>> {
        let mut distinct = HashSet::new();
        if !snapshots.iter().all(|s| distinct.insert((&s.stack.owner, &s.stack.slug))) {
            return Err(crate::StoreError::Conflict("a stack appears twice in one batch of snapshots".into()));
        }
        let mut out = Vec::with_capacity(snapshots.len());
        // Stacks are upserted (and so locked) in one global order to rule out deadlocks.
        let mut order: Vec<usize> = (0..snapshots.len()).collect();
        order.sort_by(|&a, &b| {
            let (a, b) = (&snapshots[a].stack, &snapshots[b].stack);
            (&a.owner, &a.slug).cmp(&(&b.owner, &b.slug))
        });
        let sorted: Vec<NewSnapshot> = order.iter().map(|&i| snapshots[i].clone()).collect();
        let mut ids = vec![0; snapshots.len()];
        let mut done = 0;
        for chunk in sorted.chunks(1000) {
            for (k, id) in self.push_chunk(chunk).await?.into_iter().enumerate() {
                ids[order[done + k]] = id;
            }
            done += chunk.len();
        }
        out.extend(ids);
        Ok(out)
    }

    async fn push_chunk(&self, snapshots: &[NewSnapshot]) -> Result<Vec<i64>> {
        let txn = self.write.begin().await?;
        // 1. The stacks (created on first push); the upsert also locks each stack row until
        //    commit, so concurrent pushes to one stack apply one after the other.
        let sql = format!(
            "INSERT INTO stacks (owner, owner_kind, slug, name, kind, created_at, updated_at) VALUES {}
             ON CONFLICT (owner, slug) DO UPDATE SET updated_at = excluded.updated_at RETURNING id, owner, slug",
            placeholders(snapshots.len(), 7)
        );
        let values: Vec<Value> = snapshots
            .iter()
            .flat_map(|s| {
                let r = &s.stack;
                [
                    r.owner.clone().into(),
                    r.owner_kind.clone().into(),
                    r.slug.clone().into(),
                    r.name.clone().into(),
                    r.kind.clone().into(),
                    s.created_at.into(),
                    s.created_at.into(),
                ]
            })
            .collect();
        let mut stack_ids: HashMap<(String, String), i64> = HashMap::new();
        for row in txn.query_all_raw(self.stmt(&sql, values)).await? {
            stack_ids.insert((row.try_get_by_index(1)?, row.try_get_by_index(2)?), row.try_get_by_index(0)?);
        }
        let ids: Vec<i64> =
            snapshots.iter().map(|s| stack_ids[&(s.stack.owner.clone(), s.stack.slug.clone())]).collect();

        // 2. The snapshots and what they hold.
        let sql = format!(
            "INSERT INTO stack_snapshots (stack_id, author_id, source, created_at) VALUES {} RETURNING id, stack_id",
            placeholders(snapshots.len(), 4)
        );
        let values: Vec<Value> = snapshots
            .iter()
            .zip(&ids)
            .flat_map(|(s, id)| [(*id).into(), s.author_id.into(), s.source.clone().into(), s.created_at.into()])
            .collect();
        let mut snapshot_of: HashMap<i64, i64> = HashMap::new();
        for row in txn.query_all_raw(self.stmt(&sql, values)).await? {
            snapshot_of.insert(row.try_get_by_index(1)?, row.try_get_by_index(0)?);
        }
        let rows: Vec<(i64, &SnapshotTool)> = snapshots
            .iter()
            .zip(&ids)
            .flat_map(|(s, id)| {
                let snap = snapshot_of[id];
                s.tools.iter().map(move |t| (snap, t))
            })
            .collect();
        let mut seen = HashSet::new();
        let rows: Vec<_> = rows.into_iter().filter(|(snap, t)| seen.insert((*snap, t.tool_id))).collect();
        let values: Vec<Vec<Value>> = rows
            .iter()
            .map(|(snap, t)| {
                vec![(*snap).into(), t.tool_id.into(), t.versions.clone().into(), t.sources.clone().into()]
            })
            .collect();
        self.bulk_insert(
            &txn,
            "INSERT INTO snapshot_tools (snapshot_id, tool_id, versions, sources)",
            &[Col::Int, Col::Int, Col::Text, Col::Text],
            &values,
            "",
        )
        .await?;

        // 3. Current membership: diff against what each stack holds now.
        let mut current: HashMap<i64, HashSet<ToolId>> = ids.iter().map(|id| (*id, HashSet::new())).collect();
        for chunk in ids.chunks(BATCH_PARAMS) {
            let sql = format!("SELECT stack_id, tool_id FROM stack_tools WHERE stack_id IN ({})", list(chunk.len(), 1));
            for row in txn.query_all_raw(self.stmt(&sql, chunk.iter().map(|i| (*i).into()).collect())).await? {
                current.entry(row.try_get_by_index(0)?).or_default().insert(row.try_get_by_index(1)?);
            }
        }
        let mut added: Vec<(i64, ToolId)> = Vec::new();
        let mut removed: Vec<(i64, ToolId)> = Vec::new();
        for (s, id) in snapshots.iter().zip(&ids) {
            let want: HashSet<ToolId> = s.tools.iter().map(|t| t.tool_id).collect();
            let have = &current[id];
            added.extend(want.difference(have).map(|t| (*id, *t)));
            removed.extend(have.difference(&want).map(|t| (*id, *t)));
        }
        let mut changes: HashMap<i64, (Vec<ToolId>, Vec<ToolId>)> = HashMap::new();
        for (stack, tool) in &added {
            changes.entry(*stack).or_default().0.push(*tool);
        }
        for (stack, tool) in &removed {
            changes.entry(*stack).or_default().1.push(*tool);
        }
        let events = self.snapshot_events(&txn, snapshots, &ids, &snapshot_of, changes).await?;
        self.record_events(&txn, &events).await?;
        // Counters follow the rows actually inserted and deleted, so a race cannot double-count.
        let mut deltas: HashMap<ToolId, i64> = HashMap::new();
        let values: Vec<Vec<Value>> = added.iter().map(|(s, t)| vec![(*s).into(), (*t).into()]).collect();
        let inserted = self
            .bulk_insert(
                &txn,
                "INSERT INTO stack_tools (stack_id, tool_id)",
                &[Col::Int, Col::Int],
                &values,
                "ON CONFLICT (stack_id, tool_id) DO NOTHING RETURNING tool_id",
            )
            .await?;
        for row in inserted {
            *deltas.entry(row.try_get_by_index(0)?).or_default() += 1;
        }
        for (stack, tool) in removed {
            let gone = txn
                .execute_raw(self.stmt(
                    "DELETE FROM stack_tools WHERE stack_id = $1 AND tool_id = $2",
                    vec![stack.into(), tool.into()],
                ))
                .await?
                .rows_affected();
            *deltas.entry(tool).or_default() -= gone as i64;
        }
        self.bump_tool_counter(&txn, "stacks", &deltas).await?;
        let mut tags: Vec<String> = deltas.keys().map(|t| format!("tool:{t}")).collect();
        tags.extend(ids.iter().map(|id| format!("stack:{id}")));
        self.record_change(&txn, &tags_or_all(&tags)).await?;
        txn.commit().await?;
        Ok(ids.iter().map(|id| snapshot_of[id]).collect())
    }

    /// Stacks that use a tool now, most recently updated first.
    pub async fn stacks_using(&self, tool: ToolId, limit: i64) -> Result<Vec<StackSummary>> {
        let rows = self
            .query_all(
                "SELECT s.id, s.owner, s.owner_kind, s.slug, s.name, s.kind, s.updated_at FROM stack_tools st
                 JOIN stacks s ON s.id = st.stack_id WHERE st.tool_id = $1 ORDER BY s.updated_at DESC, s.id DESC LIMIT $2",
                vec![tool.into(), limit.into()],
            )
            .await?;
        rows.iter().map(summary_from_row).collect()
    }

    /// The stacks of an owner (user or organisation), by name.
    pub async fn stacks_of(&self, owner: &str) -> Result<Vec<StackSummary>> {
        let rows = self
            .query_all(
                "SELECT id, owner, owner_kind, slug, name, kind, updated_at FROM stacks WHERE owner = $1 ORDER BY slug",
                vec![owner.into()],
            )
            .await?;
        rows.iter().map(summary_from_row).collect()
    }

    pub async fn stack(&self, owner: &str, slug: &str) -> Result<Option<StackSummary>> {
        let row = self
            .query_one(
                "SELECT id, owner, owner_kind, slug, name, kind, updated_at FROM stacks WHERE owner = $1 AND slug = $2",
                vec![owner.into(), slug.into()],
            )
            .await?;
        row.as_ref().map(summary_from_row).transpose()
    }

    /// The tools of a stack's latest snapshot.
    pub async fn stack_tools(&self, stack: i64) -> Result<Vec<SnapshotTool>> {
        let rows = self
            .query_all(
                "SELECT tool_id, versions, sources FROM snapshot_tools WHERE snapshot_id =
                   (SELECT MAX(id) FROM stack_snapshots WHERE stack_id = $1) ORDER BY tool_id",
                vec![stack.into()],
            )
            .await?;
        tools_from_rows(&rows)
    }

    /// The tools of one snapshot of a stack (none when the snapshot is not the stack's).
    pub async fn snapshot_tools(&self, stack: i64, snapshot: i64) -> Result<Vec<SnapshotTool>> {
        let rows = self
            .query_all(
                "SELECT t.tool_id, t.versions, t.sources FROM snapshot_tools t
                 JOIN stack_snapshots s ON s.id = t.snapshot_id WHERE s.stack_id = $1 AND s.id = $2 ORDER BY t.tool_id",
                vec![stack.into(), snapshot.into()],
            )
            .await?;
        tools_from_rows(&rows)
    }
}

fn tools_from_rows(rows: &[sea_orm::QueryResult]) -> Result<Vec<SnapshotTool>> {
    rows.iter()
        .map(|r| {
            Ok(SnapshotTool {
                tool_id: r.try_get_by_index(0)?,
                versions: r.try_get_by_index(1)?,
                sources: r.try_get_by_index(2)?,
            })
        })
        .collect()
}

fn summary_from_row(r: &sea_orm::QueryResult) -> Result<StackSummary> {
    Ok(StackSummary {
        id: r.try_get_by_index(0)?,
        stack: StackRef {
            owner: r.try_get_by_index(1)?,
            owner_kind: r.try_get_by_index(2)?,
            slug: r.try_get_by_index(3)?,
            name: r.try_get_by_index(4)?,
            kind: r.try_get_by_index(5)?,
        },
        updated_at: r.try_get_by_index(6)?,
    })
}

/// One entry of a stack's history.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SnapshotSummary {
    pub id: i64,
    pub source: String,
    pub created_at: i64,
    pub tools: i64,
}

impl Store {
    /// A stack's snapshots, newest first.
    pub async fn snapshots(&self, stack: i64, limit: i64) -> Result<Vec<SnapshotSummary>> {
        let rows = self
            .query_all(
                "SELECT s.id, s.source, s.created_at, (SELECT COUNT(*) FROM snapshot_tools t WHERE t.snapshot_id = s.id)
                 FROM stack_snapshots s WHERE s.stack_id = $1 ORDER BY s.id DESC LIMIT $2",
                vec![stack.into(), limit.into()],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(SnapshotSummary {
                    id: r.try_get_by_index(0)?,
                    source: r.try_get_by_index(1)?,
                    created_at: r.try_get_by_index(2)?,
                    tools: r.try_get_by_index(3)?,
                })
            })
            .collect()
    }
}
