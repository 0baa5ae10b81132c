//! Decisions ("Decided" / "Needs advice" posts), their comments and views; stackup views.

use std::collections::HashMap;

use sea_orm::{ConnectionTrait, TransactionTrait};

use crate::community::{list, tags_or_all};
use crate::follows::{NewEvent, Target};
use crate::{Result, Store, StoreError, ToolId, placeholders};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisionKind {
    Decided,
    NeedsAdvice,
}

impl DecisionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DecisionKind::Decided => "decided",
            DecisionKind::NeedsAdvice => "needs_advice",
        }
    }

    fn parse(s: &str) -> DecisionKind {
        if s == "needs_advice" { DecisionKind::NeedsAdvice } else { DecisionKind::Decided }
    }
}

#[derive(Debug, Clone)]
pub struct NewDecision {
    pub kind: DecisionKind,
    pub body: String,
    pub author_id: i64,
    pub org_id: Option<i64>,
    pub tools: Vec<ToolId>,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Decision {
    pub id: i64,
    pub kind: DecisionKind,
    pub body: String,
    pub author_id: Option<i64>,
    pub views: i64,
    pub upvotes: i64,
    pub comments: i64,
    pub created_at: i64,
    pub tools: Vec<ToolId>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Comment {
    pub id: i64,
    pub author_id: Option<i64>,
    pub body: String,
    pub created_at: i64,
}

pub(crate) const DECISION_COLUMNS: &str =
    "d.id, d.kind, d.body, d.author_id, d.views, d.upvotes, d.comments, d.created_at";

impl Store {
    pub async fn create_decision(&self, new: &NewDecision) -> Result<i64> {
        let txn = self.write.begin().await?;
        let row = txn
            .query_one_raw(self.stmt(
                "INSERT INTO decisions (kind, body, author_id, org_id, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                vec![
                    new.kind.as_str().into(),
                    new.body.clone().into(),
                    new.author_id.into(),
                    new.org_id.into(),
                    new.created_at.into(),
                ],
            ))
            .await?
            .ok_or(StoreError::NotFound)?;
        let id: i64 = row.try_get_by_index(0)?;
        let mut tools = new.tools.clone();
        tools.sort_unstable();
        tools.dedup();
        if !tools.is_empty() {
            let sql =
                format!("INSERT INTO decision_tools (decision_id, tool_id) VALUES {}", placeholders(tools.len(), 2));
            let values = tools.iter().flat_map(|t| [id.into(), (*t).into()]).collect();
            txn.execute_raw(self.stmt(&sql, values)).await?;
        }
        // Followers of each tool, and of the organisation it was posted for, hear of it.
        let mut targets: Vec<Target> = tools.iter().map(|t| Target::tool(*t)).collect();
        targets.extend(new.org_id.map(Target::organisation));
        let events: Vec<NewEvent> = targets
            .into_iter()
            .map(|target| NewEvent {
                kind: "decision",
                actor: Some(new.author_id),
                target,
                subject: id,
                detail: serde_json::Value::Null,
                created_at: new.created_at,
            })
            .collect();
        self.record_events(&txn, &events).await?;
        let mut tags: Vec<String> = tools.iter().map(|t| format!("tool:{t}")).collect();
        tags.push("decisions".into());
        self.record_change(&txn, &tags_or_all(&tags)).await?;
        txn.commit().await?;
        Ok(id)
    }

    /// Adds `count` views at once (the demo's history); a visitor's view goes through
    /// [`Store::record_view`].
    pub async fn add_decision_views(&self, decision: i64, count: i64) -> Result<()> {
        self.write
            .execute_raw(
                self.stmt("UPDATE decisions SET views = views + $1 WHERE id = $2", vec![count.into(), decision.into()]),
            )
            .await?;
        Ok(())
    }

    /// Counts a view once per visitor per hour; returns whether it counted.
    pub async fn record_view(&self, decision: i64, visitor: &str, hour: i64) -> Result<bool> {
        let txn = self.write.begin().await?;
        let fresh = txn
            .execute_raw(self.stmt(
                "INSERT INTO decision_views (decision_id, visitor, hour) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                vec![decision.into(), visitor.into(), hour.into()],
            ))
            .await?
            .rows_affected()
            > 0;
        if fresh {
            txn.execute_raw(self.stmt("UPDATE decisions SET views = views + 1 WHERE id = $1", vec![decision.into()]))
                .await?;
        }
        txn.commit().await?;
        Ok(fresh)
    }

    pub async fn add_comment(&self, decision: i64, author: i64, body: &str) -> Result<i64> {
        let txn = self.write.begin().await?;
        let row = txn
            .query_one_raw(self.stmt(
                "INSERT INTO comments (decision_id, author_id, body, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
                vec![decision.into(), author.into(), body.into(), crate::now().into()],
            ))
            .await?
            .ok_or(StoreError::NotFound)?;
        txn.execute_raw(self.stmt("UPDATE decisions SET comments = comments + 1 WHERE id = $1", vec![decision.into()]))
            .await?;
        self.record_change(&txn, &["decisions"]).await?;
        txn.commit().await?;
        Ok(row.try_get_by_index(0)?)
    }

    pub async fn comments(&self, decision: i64) -> Result<Vec<Comment>> {
        let rows = self
            .query_all(
                "SELECT id, author_id, body, created_at FROM comments WHERE decision_id = $1 ORDER BY id",
                vec![decision.into()],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(Comment {
                    id: r.try_get_by_index(0)?,
                    author_id: r.try_get_by_index(1)?,
                    body: r.try_get_by_index(2)?,
                    created_at: r.try_get_by_index(3)?,
                })
            })
            .collect()
    }

    pub async fn decision(&self, id: i64) -> Result<Option<Decision>> {
        let sql = format!("SELECT {DECISION_COLUMNS} FROM decisions d WHERE d.id = $1");
        let mut found = self.decisions_from(&sql, vec![id.into()]).await?;
        Ok(found.pop())
    }

    /// Decisions that mention any of `tools`, newest first.
    pub async fn decisions_about(&self, tools: &[ToolId], limit: i64) -> Result<Vec<Decision>> {
        if tools.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {DECISION_COLUMNS} FROM decisions d WHERE d.id IN
               (SELECT decision_id FROM decision_tools WHERE tool_id IN ({}))
             ORDER BY d.created_at DESC, d.id DESC LIMIT {limit}",
            list(tools.len(), 1)
        );
        self.decisions_from(&sql, tools.iter().map(|t| (*t).into()).collect()).await
    }

    pub async fn recent_decisions(&self, limit: i64, offset: i64) -> Result<Vec<Decision>> {
        let sql = format!(
            "SELECT {DECISION_COLUMNS} FROM decisions d ORDER BY d.created_at DESC, d.id DESC LIMIT $1 OFFSET $2"
        );
        self.decisions_from(&sql, vec![limit.into(), offset.into()]).await
    }

    pub async fn count_decisions(&self) -> Result<i64> {
        self.query_i64("SELECT COUNT(*) FROM decisions", vec![]).await
    }

    pub(crate) async fn decisions_from(&self, sql: &str, values: Vec<sea_orm::Value>) -> Result<Vec<Decision>> {
        let rows = self.query_all(sql, values).await?;
        let mut out: Vec<Decision> = rows
            .iter()
            .map(|r| {
                let kind: String = r.try_get_by_index(1)?;
                Ok(Decision {
                    id: r.try_get_by_index(0)?,
                    kind: DecisionKind::parse(&kind),
                    body: r.try_get_by_index(2)?,
                    author_id: r.try_get_by_index(3)?,
                    views: r.try_get_by_index(4)?,
                    upvotes: r.try_get_by_index(5)?,
                    comments: r.try_get_by_index(6)?,
                    created_at: r.try_get_by_index(7)?,
                    tools: Vec::new(),
                })
            })
            .collect::<Result<_>>()?;
        if out.is_empty() {
            return Ok(out);
        }
        let ids: Vec<i64> = out.iter().map(|d| d.id).collect();
        let sql = format!(
            "SELECT decision_id, tool_id FROM decision_tools WHERE decision_id IN ({}) ORDER BY tool_id",
            list(ids.len(), 1)
        );
        let mut tools: HashMap<i64, Vec<ToolId>> = HashMap::new();
        for r in self.query_all(&sql, ids.iter().map(|i| (*i).into()).collect()).await? {
            tools.entry(r.try_get_by_index(0)?).or_default().push(r.try_get_by_index(1)?);
        }
        for d in &mut out {
            d.tools = tools.remove(&d.id).unwrap_or_default();
        }
        Ok(out)
    }

    /// Counts a view of a stackup page (by canonical slug).
    pub async fn add_stackup_views(&self, slug: &str, count: i64) -> Result<()> {
        self.write
            .execute_raw(self.stmt(
                "INSERT INTO stackups (slug, views, updated_at) VALUES ($1, $2, $3)
                 ON CONFLICT (slug) DO UPDATE SET views = stackups.views + excluded.views, updated_at = excluded.updated_at",
                vec![slug.into(), count.into(), crate::now().into()],
            ))
            .await?;
        Ok(())
    }

    /// The most viewed stackups, `(slug, views)`.
    pub async fn top_stackups(&self, limit: i64) -> Result<Vec<(String, i64)>> {
        let rows = self
            .query_all("SELECT slug, views FROM stackups ORDER BY views DESC, slug LIMIT $1", vec![limit.into()])
            .await?;
        rows.iter().map(|r| Ok((r.try_get_by_index(0)?, r.try_get_by_index(1)?))).collect()
    }

    pub async fn stackup_views(&self, slug: &str) -> Result<i64> {
        self.query_i64("SELECT views FROM stackups WHERE slug = $1", vec![slug.into()]).await
    }
}
