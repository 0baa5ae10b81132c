//! What visitors do to decisions once posted: upvotes (one per user) and views (one per visitor
//! per hour), each with its counter moved in the same transaction as its row.

use std::collections::HashMap;

use sea_orm::{ConnectionTrait, TransactionTrait, Value};

use crate::community::list;
use crate::{BATCH_PARAMS, Col, Decision, Organisation, Reason, ReasonKind, Result, Store, placeholders};

impl Store {
    /// Upvotes a decision; returns whether the upvote is new (a second one by the same user
    /// changes nothing).
    pub async fn upvote_decision(&self, decision: i64, user: i64) -> Result<bool> {
        let txn = self.write.begin().await?;
        let fresh = txn
            .execute_raw(self.stmt(
                "INSERT INTO decision_upvotes (decision_id, user_id) VALUES ($1, $2)
                 ON CONFLICT (decision_id, user_id) DO NOTHING",
                vec![decision.into(), user.into()],
            ))
            .await?
            .rows_affected()
            > 0;
        if fresh {
            self.bump_upvotes(&txn, decision, 1).await?;
        }
        txn.commit().await?;
        Ok(fresh)
    }

    /// Takes an upvote back; returns whether there was one.
    pub async fn retract_decision_upvote(&self, decision: i64, user: i64) -> Result<bool> {
        let txn = self.write.begin().await?;
        let gone = txn
            .execute_raw(self.stmt(
                "DELETE FROM decision_upvotes WHERE decision_id = $1 AND user_id = $2",
                vec![decision.into(), user.into()],
            ))
            .await?
            .rows_affected()
            > 0;
        if gone {
            self.bump_upvotes(&txn, decision, -1).await?;
        }
        txn.commit().await?;
        Ok(gone)
    }

    async fn bump_upvotes<C: ConnectionTrait>(&self, conn: &C, decision: i64, delta: i64) -> Result<()> {
        conn.execute_raw(
            self.stmt("UPDATE decisions SET upvotes = upvotes + $1 WHERE id = $2", vec![delta.into(), decision.into()]),
        )
        .await?;
        // Pages that show the decision: its own, and those of the tools it is about.
        let mut tags = vec![format!("decision:{decision}")];
        for r in conn
            .query_all_raw(
                self.stmt("SELECT tool_id FROM decision_tools WHERE decision_id = $1", vec![decision.into()]),
            )
            .await?
        {
            tags.push(format!("tool:{}", r.try_get_by_index::<i64>(0)?));
        }
        let tags: Vec<&str> = tags.iter().map(String::as_str).collect();
        self.record_change(conn, &tags).await
    }

    pub async fn has_upvoted(&self, decision: i64, user: i64) -> Result<bool> {
        let n = self
            .query_i64(
                "SELECT COUNT(*) FROM decision_upvotes WHERE decision_id = $1 AND user_id = $2",
                vec![decision.into(), user.into()],
            )
            .await?;
        Ok(n > 0)
    }

    /// Records views `(decision, visitor, hour)`; each counts once per visitor per hour, however
    /// many times it is recorded and by however many servers. Returns how many counted. Rows
    /// of hours before `keep_from_hour` are dropped: they can no longer match a new view.
    pub async fn record_decision_views(&self, views: &[(i64, String, i64)], keep_from_hour: i64) -> Result<u64> {
        let txn = self.write.begin().await?;
        // Views of decisions deleted since they were counted are dropped, not a failed batch.
        let mut ids: Vec<i64> = views.iter().map(|(d, _, _)| *d).collect();
        ids.sort_unstable();
        ids.dedup();
        let mut existing = std::collections::HashSet::new();
        for chunk in ids.chunks(BATCH_PARAMS) {
            let sql = format!("SELECT id FROM decisions WHERE id IN ({})", list(chunk.len(), 1));
            for r in txn.query_all_raw(self.stmt(&sql, chunk.iter().map(|&i| i.into()).collect())).await? {
                existing.insert(r.try_get_by_index::<i64>(0)?);
            }
        }
        let rows: Vec<Vec<Value>> = views
            .iter()
            .filter(|(d, _, _)| existing.contains(d))
            .map(|(d, v, h)| vec![(*d).into(), v.clone().into(), (*h).into()])
            .collect();
        let inserted = self
            .bulk_insert(
                &txn,
                "INSERT INTO decision_views (decision_id, visitor, hour)",
                &[Col::Int, Col::Text, Col::Int],
                &rows,
                "ON CONFLICT (decision_id, visitor, hour) DO NOTHING RETURNING decision_id",
            )
            .await?;
        let mut per_decision: HashMap<i64, i64> = HashMap::new();
        for row in inserted {
            *per_decision.entry(row.try_get_by_index(0)?).or_default() += 1;
        }
        let mut deltas: Vec<(i64, i64)> = per_decision.into_iter().collect();
        // Counter rows locked in one global order, so concurrent flushes never deadlock.
        deltas.sort_unstable();
        for chunk in deltas.chunks(BATCH_PARAMS / 2) {
            self.lock_rows_in_order(&txn, "decisions", "id", chunk.iter().map(|(d, _)| *d)).await?;
            let sql = format!(
                "UPDATE decisions SET views = views + d.column2 FROM (VALUES {}) AS d WHERE decisions.id = d.column1",
                placeholders(chunk.len(), 2)
            );
            txn.execute_raw(self.stmt(&sql, chunk.iter().flat_map(|(d, n)| [(*d).into(), (*n).into()]).collect()))
                .await?;
        }
        txn.execute_raw(self.stmt("DELETE FROM decision_views WHERE hour < $1", vec![keep_from_hour.into()])).await?;
        txn.commit().await?;
        Ok(deltas.iter().map(|(_, n)| *n).sum::<i64>() as u64)
    }

    /// The organisation a decision was posted for, if any.
    pub async fn decision_organisation(&self, decision: i64) -> Result<Option<Organisation>> {
        let row = self
            .query_one(
                "SELECT o.id, o.slug, o.name FROM decisions d JOIN organisations o ON o.id = d.org_id WHERE d.id = $1",
                vec![decision.into()],
            )
            .await?;
        row.map(|r| {
            Ok(Organisation { id: r.try_get_by_index(0)?, slug: r.try_get_by_index(1)?, name: r.try_get_by_index(2)? })
        })
        .transpose()
    }

    /// Decisions by id (any order; missing ones left out).
    pub async fn decisions_by_ids(&self, ids: &[i64]) -> Result<Vec<Decision>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {} FROM decisions d WHERE d.id IN ({}) ORDER BY d.id DESC",
            crate::decisions::DECISION_COLUMNS,
            list(ids.len(), 1)
        );
        self.decisions_from(&sql, ids.iter().map(|&i| i.into()).collect()).await
    }

    /// Reasons by id.
    pub async fn reasons_by_ids(&self, ids: &[i64]) -> Result<HashMap<i64, Reason>> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let sql = format!("SELECT id, tool_id, kind, text, votes FROM reasons WHERE id IN ({})", list(ids.len(), 1));
        let rows = self.query_all(&sql, ids.iter().map(|&i| i.into()).collect()).await?;
        rows.iter()
            .map(|r| {
                let kind: String = r.try_get_by_index(2)?;
                let reason = Reason {
                    id: r.try_get_by_index(0)?,
                    tool_id: r.try_get_by_index(1)?,
                    kind: if kind == "con" { ReasonKind::Con } else { ReasonKind::Pro },
                    text: r.try_get_by_index(3)?,
                    votes: r.try_get_by_index(4)?,
                };
                Ok((reason.id, reason))
            })
            .collect()
    }

    /// Per decision: `(id, upvotes kept, upvotes counted, comments kept, comments counted)`.
    /// Slow; for checks, never for pages.
    pub async fn recount_decision_counters(&self) -> Result<Vec<(i64, i64, i64, i64, i64)>> {
        let rows = self
            .query_all(
                "SELECT d.id, d.upvotes, (SELECT COUNT(*) FROM decision_upvotes u WHERE u.decision_id = d.id),
                        d.comments, (SELECT COUNT(*) FROM comments c WHERE c.decision_id = d.id)
                 FROM decisions d ORDER BY d.id",
                vec![],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get_by_index(0)?,
                    r.try_get_by_index(1)?,
                    r.try_get_by_index(2)?,
                    r.try_get_by_index(3)?,
                    r.try_get_by_index(4)?,
                ))
            })
            .collect()
    }
}
