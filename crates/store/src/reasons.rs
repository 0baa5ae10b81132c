//! Pros and cons of tools, and votes on them. A reason's vote count and its tool's vote
//! counter move in the same transaction as the vote row.

use std::collections::HashMap;

use sea_orm::{ConnectionTrait, TransactionTrait, Value};

use crate::community::{list, tags_or_all};
use crate::follows::{NewEvent, Target};
use crate::{BATCH_PARAMS, Col, Result, Store, StoreError, ToolId, placeholders};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReasonKind {
    Pro,
    Con,
}

impl ReasonKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ReasonKind::Pro => "pro",
            ReasonKind::Con => "con",
        }
    }

    fn parse(s: &str) -> ReasonKind {
        if s == "con" { ReasonKind::Con } else { ReasonKind::Pro }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Reason {
    pub id: i64,
    pub tool_id: ToolId,
    pub kind: ReasonKind,
    pub text: String,
    pub votes: i64,
}

impl Store {
    /// Adds reasons `(tool, kind, text, author)`; returns their ids in input order.
    pub async fn add_reasons(&self, reasons: &[(ToolId, ReasonKind, String, Option<i64>)]) -> Result<Vec<i64>> {
        let txn = self.write.begin().await?;
        let now = crate::now();
        let mut ids = Vec::with_capacity(reasons.len());
        // One row at a time: ids must come back in input order, and reasons are few.
        for (tool, kind, text, author) in reasons {
            let row = txn
                .query_one_raw(self.stmt(
                    "INSERT INTO reasons (tool_id, kind, text, author_id, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                    vec![(*tool).into(), kind.as_str().into(), text.clone().into(), (*author).into(), now.into()],
                ))
                .await?
                .ok_or(StoreError::NotFound)?;
            ids.push(row.try_get_by_index(0)?);
        }
        let events: Vec<NewEvent> = reasons
            .iter()
            .zip(&ids)
            .map(|((tool, kind, _, author), id)| NewEvent {
                kind: "reason",
                actor: *author,
                target: Target::tool(*tool),
                subject: *id,
                detail: serde_json::json!({"kind": kind.as_str()}),
                created_at: now,
            })
            .collect();
        self.record_events(&txn, &events).await?;
        let tags: Vec<String> = reasons.iter().map(|r| format!("tool:{}", r.0)).collect();
        self.record_change(&txn, &tags_or_all(&tags)).await?;
        txn.commit().await?;
        Ok(ids)
    }

    pub async fn reason(&self, id: i64) -> Result<Option<Reason>> {
        let row =
            self.query_one("SELECT id, tool_id, kind, text, votes FROM reasons WHERE id = $1", vec![id.into()]).await?;
        row.as_ref().map(reason_from_row).transpose()
    }

    /// A tool's reasons, most voted first.
    pub async fn reasons_for_tool(&self, tool: ToolId) -> Result<Vec<Reason>> {
        let rows = self
            .query_all(
                "SELECT id, tool_id, kind, text, votes FROM reasons WHERE tool_id = $1 ORDER BY votes DESC, id",
                vec![tool.into()],
            )
            .await?;
        rows.iter().map(reason_from_row).collect()
    }

    /// Casts votes `(reason, user)`; a second vote by one user on one reason is ignored.
    /// Returns how many votes were new.
    pub async fn cast_votes(&self, votes: &[(i64, i64)]) -> Result<u64> {
        let txn = self.write.begin().await?;
        let now = crate::now();
        let mut per_reason: HashMap<i64, i64> = HashMap::new();
        let values: Vec<Vec<Value>> = votes.iter().map(|(r, u)| vec![(*r).into(), (*u).into(), now.into()]).collect();
        let inserted = self
            .bulk_insert(
                &txn,
                "INSERT INTO reason_votes (reason_id, user_id, created_at)",
                &[Col::Int, Col::Int, Col::Int],
                &values,
                "ON CONFLICT (reason_id, user_id) DO NOTHING RETURNING reason_id",
            )
            .await?;
        for row in inserted {
            *per_reason.entry(row.try_get_by_index(0)?).or_default() += 1;
        }
        self.apply_vote_deltas(&txn, &per_reason).await?;
        txn.commit().await?;
        Ok(per_reason.values().sum::<i64>() as u64)
    }

    /// Retracts a vote; returns whether there was one.
    pub async fn retract_vote(&self, reason: i64, user: i64) -> Result<bool> {
        let txn = self.write.begin().await?;
        let gone = txn
            .execute_raw(self.stmt(
                "DELETE FROM reason_votes WHERE reason_id = $1 AND user_id = $2",
                vec![reason.into(), user.into()],
            ))
            .await?
            .rows_affected();
        if gone > 0 {
            self.apply_vote_deltas(&txn, &HashMap::from([(reason, -(gone as i64))])).await?;
        }
        txn.commit().await?;
        Ok(gone > 0)
    }

    async fn apply_vote_deltas<C: ConnectionTrait>(&self, conn: &C, per_reason: &HashMap<i64, i64>) -> Result<()> {
        if per_reason.is_empty() {
            return Ok(());
        }
        let mut deltas: Vec<(i64, i64)> = per_reason.iter().map(|(r, d)| (*r, *d)).collect();
        deltas.sort_unstable();
        let mut per_tool: HashMap<ToolId, i64> = HashMap::new();
        for chunk in deltas.chunks(BATCH_PARAMS / 2) {
            self.lock_rows_in_order(conn, "reasons", "id", chunk.iter().map(|(r, _)| *r)).await?;
            let sql = format!(
                "UPDATE reasons SET votes = votes + d.column2 FROM (VALUES {}) AS d WHERE reasons.id = d.column1",
                placeholders(chunk.len(), 2)
            );
            conn.execute_raw(self.stmt(&sql, chunk.iter().flat_map(|(r, d)| [(*r).into(), (*d).into()]).collect()))
                .await?;
            let sql = format!("SELECT id, tool_id FROM reasons WHERE id IN ({})", list(chunk.len(), 1));
            for row in conn.query_all_raw(self.stmt(&sql, chunk.iter().map(|(r, _)| (*r).into()).collect())).await? {
                let reason: i64 = row.try_get_by_index(0)?;
                *per_tool.entry(row.try_get_by_index(1)?).or_default() += per_reason[&reason];
            }
        }
        self.bump_tool_counter(conn, "votes", &per_tool).await?;
        let tags: Vec<String> = per_tool.keys().map(|t| format!("tool:{t}")).collect();
        self.record_change(conn, &tags_or_all(&tags)).await
    }

    /// Per-reason vote counts as a full recount gives them (for checks, not pages).
    pub async fn recount_reason_votes(&self) -> Result<Vec<(i64, i64, i64)>> {
        let rows = self
            .query_all(
                "SELECT r.id, r.votes, (SELECT COUNT(*) FROM reason_votes v WHERE v.reason_id = r.id) FROM reasons r ORDER BY r.id",
                vec![],
            )
            .await?;
        rows.iter().map(|r| Ok((r.try_get_by_index(0)?, r.try_get_by_index(1)?, r.try_get_by_index(2)?))).collect()
    }
}

/// A reason from `SELECT id, tool_id, kind, text, votes`.
fn reason_from_row(r: &sea_orm::QueryResult) -> Result<Reason> {
    let kind: String = r.try_get_by_index(2)?;
    Ok(Reason {
        id: r.try_get_by_index(0)?,
        tool_id: r.try_get_by_index(1)?,
        kind: ReasonKind::parse(&kind),
        text: r.try_get_by_index(3)?,
        votes: r.try_get_by_index(4)?,
    })
}
