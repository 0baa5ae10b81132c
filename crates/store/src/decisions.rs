//! Decisions ("Decided" / "Needs advice" posts): their tools, comments, upvotes (one per user)
//! and views (one per visitor per hour), each counter moved in the same transaction as its row.

use std::collections::{HashMap, HashSet};

use sea_orm::{ConnectionTrait, FromQueryResult, TransactionTrait, Value, raw_sql};

use crate::changes::{Tag, tags_or_everything};
use crate::follows::{EventKind, NewEvent, Target};
use crate::sql::{Col, IN_CHUNK, Locked};
use crate::types::text_enum;
use crate::{CommentId, DecisionId, Organisation, OrganisationId, Result, Store, StoreError, ToolId, UserId};

text_enum! {
    /// A decision taken, or a question.
    pub enum DecisionKind {
        Decided,
        NeedsAdvice,
    }
}

#[derive(Debug, Clone)]
pub struct NewDecision {
    pub kind: DecisionKind,
    pub body: String,
    pub author_id: UserId,
    pub org_id: Option<OrganisationId>,
    pub tools: Vec<ToolId>,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, FromQueryResult)]
pub struct Decision {
    pub id: DecisionId,
    pub kind: DecisionKind,
    pub body: String,
    pub author_id: Option<UserId>,
    pub views: i64,
    pub upvotes: i64,
    pub comments: i64,
    pub created_at: i64,
    /// When its author last changed the body, if ever.
    pub edited_at: Option<i64>,
    /// Filled from `decision_tools` after the row is read.
    #[sea_orm(skip)]
    pub tools: Vec<ToolId>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, FromQueryResult)]
pub struct Comment {
    pub id: CommentId,
    pub decision_id: DecisionId,
    pub author_id: Option<UserId>,
    pub body: String,
    pub created_at: i64,
    /// When its author last changed it, if ever.
    pub edited_at: Option<i64>,
}

/// A page view to count: once per visitor per (clock) hour.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NewView {
    pub decision: DecisionId,
    /// Who viewed: `u:{id}` for a signed-in user, else an anonymous digest.
    pub visitor: String,
    pub hour: i64,
}

/// A decision's kept counters beside a recount of their rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, FromQueryResult)]
pub struct DecisionCounters {
    pub id: DecisionId,
    pub upvotes: i64,
    pub upvotes_counted: i64,
    pub comments: i64,
    pub comments_counted: i64,
}

#[derive(FromQueryResult)]
struct DecisionTool {
    decision_id: DecisionId,
    tool_id: ToolId,
}

#[derive(FromQueryResult)]
struct DecisionRef {
    decision_id: DecisionId,
}

#[derive(FromQueryResult)]
struct NewDecisionId {
    id: DecisionId,
}

#[derive(FromQueryResult)]
struct Voter {
    user_id: UserId,
}

#[derive(FromQueryResult)]
struct CommentRef {
    id: CommentId,
}

#[derive(FromQueryResult)]
struct NewCommentId {
    id: CommentId,
}

#[derive(FromQueryResult)]
struct PostedFor {
    org_id: Option<OrganisationId>,
}

#[derive(FromQueryResult)]
struct Existing {
    id: DecisionId,
}

impl Store {
    pub async fn create_decision(&self, new: &NewDecision) -> Result<DecisionId> {
        let txn = self.write.begin().await?;
        let (kind, body, author, org, created_at) =
            (new.kind, new.body.as_str(), new.author_id, new.org_id, new.created_at);
        let row: Option<NewDecisionId> = self
            .one_on(
                &txn,
                raw_sql!(
                    Postgres,
                    "INSERT INTO decisions (kind, body, author_id, org_id, created_at)
                     VALUES ({kind}, {body}, {author}, {org}, {created_at}) RETURNING id"
                ),
            )
            .await?;
        let id = row.ok_or(StoreError::NotFound)?.id;
        let mut tools = new.tools.clone();
        tools.sort_unstable();
        tools.dedup();
        let rows: Vec<(DecisionId, ToolId)> = tools.iter().map(|t| (id, *t)).collect();
        if !rows.is_empty() {
            self.execute(
                &txn,
                raw_sql!(Postgres, "INSERT INTO decision_tools (decision_id, tool_id) VALUES {..(rows.0:1),}"),
            )
            .await?;
        }
        // Followers of each tool, and of the organisation it was posted for, hear of it.
        let mut targets: Vec<Target> = tools.iter().map(|t| Target::tool(*t)).collect();
        targets.extend(new.org_id.map(Target::organisation));
        let events: Vec<NewEvent> = targets
            .into_iter()
            .map(|target| NewEvent {
                kind: EventKind::Decision,
                actor: Some(new.author_id),
                target,
                subject: id.get(),
                detail: serde_json::Value::Null,
                created_at: new.created_at,
            })
            .collect();
        self.record_events(&txn, &events).await?;
        let mut tags: Vec<Tag> = tools.iter().map(|t| Tag::Tool(*t)).collect();
        tags.push(Tag::Decisions);
        self.record_change(&txn, &tags_or_everything(tags)).await?;
        txn.commit().await?;
        Ok(id)
    }

    pub async fn decision(&self, id: DecisionId) -> Result<Option<Decision>> {
        let found = self
            .all(raw_sql!(
                Postgres,
                "SELECT id, kind, body, author_id, views, upvotes, comments, created_at, edited_at FROM decisions WHERE id = {id}"
            ))
            .await?;
        Ok(self.with_tools(found).await?.pop())
    }

    /// Decisions that mention any of `tools`, newest first.
    pub async fn decisions_about(&self, tools: &[ToolId], limit: i64) -> Result<Vec<Decision>> {
        if tools.is_empty() {
            return Ok(Vec::new());
        }
        let tools = &tools[..tools.len().min(IN_CHUNK)];
        let found = self
            .all(raw_sql!(
                Postgres,
                "SELECT d.id, d.kind, d.body, d.author_id, d.views, d.upvotes, d.comments, d.created_at, d.edited_at
                 FROM decisions d
                 WHERE d.id IN (SELECT decision_id FROM decision_tools WHERE tool_id IN ({..tools}))
                 ORDER BY d.created_at DESC, d.id DESC LIMIT {limit}"
            ))
            .await?;
        self.with_tools(found).await
    }

    /// One page of all decisions, newest first.
    pub async fn recent_decisions(&self, limit: i64, offset: i64) -> Result<Vec<Decision>> {
        let found = self
            .all(raw_sql!(
                Postgres,
                "SELECT id, kind, body, author_id, views, upvotes, comments, created_at, edited_at FROM decisions
                 ORDER BY created_at DESC, id DESC LIMIT {limit} OFFSET {offset}"
            ))
            .await?;
        self.with_tools(found).await
    }

    /// Decisions by id, newest first (missing ones left out).
    pub async fn decisions_by_ids(&self, ids: &[DecisionId]) -> Result<Vec<Decision>> {
        let mut found = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(IN_CHUNK) {
            found.extend(
                self.all::<Decision>(raw_sql!(
                    Postgres,
                    "SELECT id, kind, body, author_id, views, upvotes, comments, created_at, edited_at FROM decisions
                     WHERE id IN ({..chunk})"
                ))
                .await?,
            );
        }
        found.sort_by_key(|d| std::cmp::Reverse(d.id));
        self.with_tools(found).await
    }

    pub async fn count_decisions(&self) -> Result<i64> {
        self.number(raw_sql!(Postgres, "SELECT COUNT(*) AS n FROM decisions")).await
    }

    /// Fills in the tools of decisions just read.
    async fn with_tools(&self, mut decisions: Vec<Decision>) -> Result<Vec<Decision>> {
        let ids: Vec<DecisionId> = decisions.iter().map(|d| d.id).collect();
        let mut tools: HashMap<DecisionId, Vec<ToolId>> = HashMap::new();
        for chunk in ids.chunks(IN_CHUNK) {
            let rows: Vec<DecisionTool> = self
                .all(raw_sql!(
                    Postgres,
                    "SELECT decision_id, tool_id FROM decision_tools WHERE decision_id IN ({..chunk}) ORDER BY tool_id"
                ))
                .await?;
            for r in rows {
                tools.entry(r.decision_id).or_default().push(r.tool_id);
            }
        }
        for d in &mut decisions {
            d.tools = tools.remove(&d.id).unwrap_or_default();
        }
        Ok(decisions)
    }

    /// The organisation a decision was posted for, if any.
    pub async fn decision_organisation(&self, decision: DecisionId) -> Result<Option<Organisation>> {
        self.one(raw_sql!(
            Postgres,
            "SELECT o.id, o.slug, o.name FROM decisions d JOIN organisations o ON o.id = d.org_id WHERE d.id = {decision}"
        ))
        .await
    }

    pub async fn add_comment(&self, decision: DecisionId, author: UserId, body: &str) -> Result<CommentId> {
        let txn = self.write.begin().await?;
        let now = crate::now();
        let row: Option<NewCommentId> = self
            .one_on(
                &txn,
                raw_sql!(
                    Postgres,
                    "INSERT INTO comments (decision_id, author_id, body, created_at)
                     VALUES ({decision}, {author}, {body}, {now}) RETURNING id"
                ),
            )
            .await?;
        let id = row.ok_or(StoreError::NotFound)?.id;
        self.execute(&txn, raw_sql!(Postgres, "UPDATE decisions SET comments = comments + 1 WHERE id = {decision}"))
            .await?;
        // Followers of the decision's tools and of its organisation hear of it, as of the
        // decision itself.
        let tools: Vec<DecisionTool> = self
            .all_on(
                &txn,
                raw_sql!(Postgres, "SELECT decision_id, tool_id FROM decision_tools WHERE decision_id = {decision}"),
            )
            .await?;
        let posted_for: Option<PostedFor> =
            self.one_on(&txn, raw_sql!(Postgres, "SELECT org_id FROM decisions WHERE id = {decision}")).await?;
        let mut targets: Vec<Target> = tools.iter().map(|t| Target::tool(t.tool_id)).collect();
        targets.extend(posted_for.and_then(|p| p.org_id).map(Target::organisation));
        let events: Vec<NewEvent> = targets
            .into_iter()
            .map(|target| NewEvent {
                kind: EventKind::Comment,
                actor: Some(author),
                target,
                subject: id.get(),
                detail: serde_json::json!({ "decision": decision }),
                created_at: now,
            })
            .collect();
        self.record_events(&txn, &events).await?;
        self.record_change(&txn, &[Tag::Decision(decision), Tag::Decisions]).await?;
        txn.commit().await?;
        Ok(id)
    }

    /// A decision's comments, oldest first.
    pub async fn comments(&self, decision: DecisionId) -> Result<Vec<Comment>> {
        self.all(raw_sql!(
            Postgres,
            "SELECT id, decision_id, author_id, body, created_at, edited_at FROM comments WHERE decision_id = {decision} ORDER BY id"
        ))
        .await
    }

    /// Comments by id (those that exist).
    pub async fn comments_by_ids(&self, ids: &[CommentId]) -> Result<HashMap<CommentId, Comment>> {
        let mut found = HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(IN_CHUNK) {
            let rows: Vec<Comment> = self
                .all(raw_sql!(Postgres, "SELECT id, decision_id, author_id, body, created_at, edited_at FROM comments WHERE id IN ({..chunk})"))
                .await?;
            found.extend(rows.into_iter().map(|c| (c.id, c)));
        }
        Ok(found)
    }

    /// Upvotes a decision; returns whether the upvote is new (a second one by the same user
    /// changes nothing).
    pub async fn upvote_decision(&self, decision: DecisionId, user: UserId) -> Result<bool> {
        let txn = self.write.begin().await?;
        let fresh = self
            .execute(
                &txn,
                raw_sql!(
                    Postgres,
                    "INSERT INTO decision_upvotes (decision_id, user_id) VALUES ({decision}, {user})
                     ON CONFLICT (decision_id, user_id) DO NOTHING"
                ),
            )
            .await?
            > 0;
        if fresh {
            self.bump_upvotes(&txn, decision, 1, user).await?;
        }
        txn.commit().await?;
        Ok(fresh)
    }

    /// Takes an upvote back; returns whether there was one.
    pub async fn retract_decision_upvote(&self, decision: DecisionId, user: UserId) -> Result<bool> {
        let txn = self.write.begin().await?;
        let gone = self
            .execute(
                &txn,
                raw_sql!(Postgres, "DELETE FROM decision_upvotes WHERE decision_id = {decision} AND user_id = {user}"),
            )
            .await?
            > 0;
        if gone {
            self.bump_upvotes(&txn, decision, -1, user).await?;
        }
        txn.commit().await?;
        Ok(gone)
    }

    pub(crate) async fn bump_upvotes<C: ConnectionTrait>(
        &self,
        conn: &C,
        decision: DecisionId,
        delta: i64,
        user: UserId,
    ) -> Result<()> {
        self.execute(
            conn,
            raw_sql!(Postgres, "UPDATE decisions SET upvotes = upvotes + {delta} WHERE id = {decision}"),
        )
        .await?;
        // Pages that show the decision: its own, the lists, and those of the tools it is about.
        let tools: Vec<DecisionTool> = self
            .all_on(
                conn,
                raw_sql!(Postgres, "SELECT decision_id, tool_id FROM decision_tools WHERE decision_id = {decision}"),
            )
            .await?;
        let mut tags = vec![Tag::Decision(decision), Tag::Decisions, Tag::User(user)];
        tags.extend(tools.iter().map(|t| Tag::Tool(t.tool_id)));
        self.record_change(conn, &tags).await
    }

    /// Replaces a decision's body and marks it edited; false when there is no such decision.
    pub async fn edit_decision(&self, decision: DecisionId, body: &str) -> Result<bool> {
        let now = crate::now();
        let txn = self.write.begin().await?;
        let changed = self
            .execute(
                &txn,
                raw_sql!(Postgres, "UPDATE decisions SET body = {body}, edited_at = {now} WHERE id = {decision}"),
            )
            .await?;
        if changed == 0 {
            return Ok(false);
        }
        let tags = self.decision_tags(&txn, decision).await?;
        self.record_change(&txn, &tags).await?;
        txn.commit().await?;
        Ok(true)
    }

    /// Deletes a decision with its tools, upvotes, views, comments and the feed's events about
    /// them; false when there is no such decision.
    pub async fn delete_decision(&self, decision: DecisionId) -> Result<bool> {
        let txn = self.write.begin().await?;
        let mut tags = self.decision_tags(&txn, decision).await?;
        // Its upvoters' marks change too (a later decision may get the same id on SQLite).
        let voters: Vec<Voter> = self
            .all_on(&txn, raw_sql!(Postgres, "SELECT user_id FROM decision_upvotes WHERE decision_id = {decision}"))
            .await?;
        tags.extend(crate::changes::user_tags(voters.into_iter().map(|v| v.user_id)));
        let comments: Vec<CommentRef> =
            self.all_on(&txn, raw_sql!(Postgres, "SELECT id FROM comments WHERE decision_id = {decision}")).await?;
        for c in &comments {
            self.delete_events_about(&txn, EventKind::Comment, c.id.get()).await?;
        }
        self.delete_events_about(&txn, EventKind::Decision, decision.get()).await?;
        for statement in [
            raw_sql!(Postgres, "DELETE FROM comments WHERE decision_id = {decision}"),
            raw_sql!(Postgres, "DELETE FROM decision_upvotes WHERE decision_id = {decision}"),
            raw_sql!(Postgres, "DELETE FROM decision_views WHERE decision_id = {decision}"),
            raw_sql!(Postgres, "DELETE FROM decision_tools WHERE decision_id = {decision}"),
        ] {
            self.execute(&txn, statement).await?;
        }
        let gone = self.execute(&txn, raw_sql!(Postgres, "DELETE FROM decisions WHERE id = {decision}")).await?;
        if gone == 0 {
            return Ok(false);
        }
        self.record_change(&txn, &tags_or_everything(tags)).await?;
        txn.commit().await?;
        Ok(true)
    }

    /// Replaces a comment's body and marks it edited; false when there is no such comment.
    pub async fn edit_comment(&self, comment: CommentId, body: &str) -> Result<bool> {
        let now = crate::now();
        let txn = self.write.begin().await?;
        let Some(found) = self.comment_on(&txn, comment).await? else { return Ok(false) };
        self.execute(
            &txn,
            raw_sql!(Postgres, "UPDATE comments SET body = {body}, edited_at = {now} WHERE id = {comment}"),
        )
        .await?;
        self.record_change(&txn, &[Tag::Decision(found.decision_id), Tag::Decisions]).await?;
        txn.commit().await?;
        Ok(true)
    }

    /// Deletes a comment (and the feed's events about it); false when there is no such comment.
    pub async fn delete_comment(&self, comment: CommentId) -> Result<bool> {
        let txn = self.write.begin().await?;
        let Some(found) = self.comment_on(&txn, comment).await? else { return Ok(false) };
        let decision = found.decision_id;
        self.delete_events_about(&txn, EventKind::Comment, comment.get()).await?;
        self.execute(&txn, raw_sql!(Postgres, "DELETE FROM comments WHERE id = {comment}")).await?;
        self.execute(&txn, raw_sql!(Postgres, "UPDATE decisions SET comments = comments - 1 WHERE id = {decision}"))
            .await?;
        self.record_change(&txn, &[Tag::Decision(decision), Tag::Decisions]).await?;
        txn.commit().await?;
        Ok(true)
    }

    /// One comment, if it exists.
    pub async fn comment(&self, comment: CommentId) -> Result<Option<Comment>> {
        self.comment_on(&self.read, comment).await
    }

    async fn comment_on<C: ConnectionTrait>(&self, conn: &C, comment: CommentId) -> Result<Option<Comment>> {
        self.one_on(
            conn,
            raw_sql!(
                Postgres,
                "SELECT id, decision_id, author_id, body, created_at, edited_at FROM comments WHERE id = {comment}"
            ),
        )
        .await
    }

    /// A user's decisions, newest first.
    pub async fn decisions_by(&self, author: UserId, limit: i64) -> Result<Vec<Decision>> {
        let found = self
            .all(raw_sql!(
                Postgres,
                "SELECT id, kind, body, author_id, views, upvotes, comments, created_at, edited_at FROM decisions
                 WHERE author_id = {author} ORDER BY created_at DESC, id DESC LIMIT {limit}"
            ))
            .await?;
        self.with_tools(found).await
    }

    /// The tags of the pages that show a decision: its own, the lists, its tools' pages.
    async fn decision_tags<C: ConnectionTrait>(&self, conn: &C, decision: DecisionId) -> Result<Vec<Tag>> {
        let tools: Vec<DecisionTool> = self
            .all_on(
                conn,
                raw_sql!(Postgres, "SELECT decision_id, tool_id FROM decision_tools WHERE decision_id = {decision}"),
            )
            .await?;
        let mut tags = vec![Tag::Decision(decision), Tag::Decisions];
        tags.extend(tools.iter().map(|t| Tag::Tool(t.tool_id)));
        Ok(tags)
    }

    pub async fn has_upvoted(&self, decision: DecisionId, user: UserId) -> Result<bool> {
        let n = self
            .number(raw_sql!(
                Postgres,
                "SELECT COUNT(*) AS n FROM decision_upvotes WHERE decision_id = {decision} AND user_id = {user}"
            ))
            .await?;
        Ok(n > 0)
    }

    /// Which of `decisions` the user has upvoted.
    pub async fn upvotes_among(&self, user: UserId, decisions: &[DecisionId]) -> Result<HashSet<DecisionId>> {
        let mut out = HashSet::new();
        for chunk in decisions.chunks(IN_CHUNK) {
            let rows: Vec<DecisionRef> = self
                .all(raw_sql!(
                    Postgres,
                    "SELECT decision_id FROM decision_upvotes WHERE user_id = {user} AND decision_id IN ({..chunk})"
                ))
                .await?;
            out.extend(rows.into_iter().map(|r| r.decision_id));
        }
        Ok(out)
    }

    /// Adds `count` views at once (the demo's history); a visitor's views go through
    /// [`Store::record_decision_views`].
    pub async fn add_decision_views(&self, decision: DecisionId, count: i64) -> Result<()> {
        self.execute(
            &self.write,
            raw_sql!(Postgres, "UPDATE decisions SET views = views + {count} WHERE id = {decision}"),
        )
        .await?;
        Ok(())
    }

    /// Records views; each counts once per visitor per hour, however many times it is recorded
    /// and by however many servers. Returns how many counted. Rows of hours before
    /// `keep_from_hour` are dropped: they can no longer match a new view.
    pub async fn record_decision_views(&self, views: &[NewView], keep_from_hour: i64) -> Result<u64> {
        let txn = self.write.begin().await?;
        // Views of decisions deleted since they were counted are dropped, not a failed batch.
        let ids: Vec<DecisionId> = views.iter().map(|v| v.decision).collect::<HashSet<_>>().into_iter().collect();
        let mut existing = HashSet::new();
        for chunk in ids.chunks(IN_CHUNK) {
            let found: Vec<Existing> =
                self.all_on(&txn, raw_sql!(Postgres, "SELECT id FROM decisions WHERE id IN ({..chunk})")).await?;
            existing.extend(found.into_iter().map(|e| e.id));
        }
        let rows: Vec<Vec<Value>> = views
            .iter()
            .filter(|v| existing.contains(&v.decision))
            .map(|v| vec![v.decision.into(), v.visitor.clone().into(), v.hour.into()])
            .collect();
        let inserted: Vec<DecisionRef> = self
            .bulk_insert(
                &txn,
                "INSERT INTO decision_views (decision_id, visitor, hour)",
                &[Col::Int, Col::Text, Col::Int],
                &rows,
                "ON CONFLICT (decision_id, visitor, hour) DO NOTHING RETURNING decision_id",
            )
            .await?;
        let mut per_decision: HashMap<DecisionId, i64> = HashMap::new();
        for row in inserted {
            *per_decision.entry(row.decision_id).or_default() += 1;
        }
        let mut deltas: Vec<(DecisionId, i64)> = per_decision.into_iter().collect();
        // Counter rows locked in one global order, so concurrent flushes never deadlock.
        deltas.sort_unstable();
        self.lock_rows_in_order(&txn, Locked::Decisions, deltas.iter().map(|(d, _)| d.get()).collect()).await?;
        let rows: Vec<Vec<Value>> = deltas.iter().map(|(d, n)| vec![(*d).into(), (*n).into()]).collect();
        self.bulk_update(&txn, "UPDATE decisions SET views = views + d.column2", &rows, "decisions.id = d.column1")
            .await?;
        self.execute(&txn, raw_sql!(Postgres, "DELETE FROM decision_views WHERE hour < {keep_from_hour}")).await?;
        txn.commit().await?;
        Ok(deltas.iter().map(|(_, n)| *n).sum::<i64>() as u64)
    }

    /// Every decision's kept counters beside a recount. Slow; for checks, never for pages.
    pub async fn recount_decision_counters(&self) -> Result<Vec<DecisionCounters>> {
        self.all(raw_sql!(
            Postgres,
            "SELECT d.id, d.upvotes,
                    (SELECT COUNT(*) FROM decision_upvotes u WHERE u.decision_id = d.id) AS upvotes_counted,
                    d.comments,
                    (SELECT COUNT(*) FROM comments c WHERE c.decision_id = d.id) AS comments_counted
             FROM decisions d ORDER BY d.id"
        ))
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::test_users;
    use crate::testing::fresh_stores;
    use crate::tools::test_tools;

    fn view(decision: DecisionId, visitor: &str, hour: i64) -> NewView {
        NewView { decision, visitor: visitor.into(), hour }
    }

    #[tokio::test]
    async fn edits_are_marked_and_deletions_take_everything_with_them() {
        for db in fresh_stores().await {
            let s = &db.store;
            let t = test_tools(s).await;
            let u = test_users(s, 2).await;
            let new = |body: &str| NewDecision {
                kind: DecisionKind::Decided,
                body: body.into(),
                author_id: u[0],
                org_id: None,
                tools: vec![t["django"]],
                created_at: 100,
            };
            let id = s.create_decision(&new("Django it is")).await.unwrap();
            let kept = s.create_decision(&new("Python too")).await.unwrap();
            let c1 = s.add_comment(id, u[1], "Why?").await.unwrap();
            let c2 = s.add_comment(id, u[0], "Admin site.").await.unwrap();
            s.upvote_decision(id, u[1]).await.unwrap();
            s.record_decision_views(&[view(id, "a", 1)], 0).await.unwrap();
            let tool = Target::tool(t["django"]);
            assert_eq!(s.events_about(tool, 10).await.unwrap().len(), 4, "two decisions, two comments");

            let before = s.latest_change().await.unwrap();
            assert!(s.edit_decision(id, "Django, for its admin").await.unwrap());
            let d = s.decision(id).await.unwrap().unwrap();
            assert_eq!(d.body, "Django, for its admin");
            assert!(d.edited_at.is_some() && s.decision(kept).await.unwrap().unwrap().edited_at.is_none());
            let changes = s.changes_since(before).await.unwrap();
            assert!(
                changes.iter().any(|c| c.tags.contains(&Tag::Tool(t["django"])) && c.tags.contains(&Tag::Decision(id)))
            );
            assert!(!s.edit_decision(DecisionId(999_999), "x").await.unwrap());

            assert!(s.edit_comment(c1, "Why Django?").await.unwrap());
            let c = s.comment(c1).await.unwrap().unwrap();
            assert_eq!((c.body.as_str(), c.decision_id, c.edited_at.is_some()), ("Why Django?", id, true));
            assert!(s.delete_comment(c2).await.unwrap());
            assert!(!s.delete_comment(c2).await.unwrap(), "gone already");
            assert_eq!(s.decision(id).await.unwrap().unwrap().comments, 1);
            assert_eq!(s.events_about(tool, 10).await.unwrap().len(), 3, "the comment's event went with it");

            assert!(s.delete_decision(id).await.unwrap(), "{:?}", db.backend);
            assert!(s.decision(id).await.unwrap().is_none());
            assert!(s.comment(c1).await.unwrap().is_none(), "its comments went with it");
            assert!(!s.has_upvoted(id, u[1]).await.unwrap());
            let left = s.events_about(tool, 10).await.unwrap();
            assert_eq!(left.len(), 1, "only the other decision's event: {left:?}");
            assert_eq!(left[0].subject, kept.get());
            assert_eq!(s.decisions_by(u[0], 10).await.unwrap().iter().map(|d| d.id).collect::<Vec<_>>(), [kept]);
            assert!(!s.delete_decision(id).await.unwrap());
        }
    }

    #[tokio::test]
    async fn decisions_comments_views_and_changes() {
        for db in fresh_stores().await {
            let s = &db.store;
            let t = test_tools(s).await;
            let u = test_users(s, 2).await;
            let acme = s.create_organisation("acme", "Acme", u[0]).await.unwrap();
            let before = s.latest_change().await.unwrap();
            let id = s
                .create_decision(&NewDecision {
                    kind: DecisionKind::NeedsAdvice,
                    body: "Which first?".into(),
                    author_id: u[0],
                    org_id: Some(acme.id),
                    tools: vec![t["django"], t["python"], t["django"]],
                    created_at: 100,
                })
                .await
                .unwrap();
            let changes = s.changes_since(before).await.unwrap();
            assert!(changes.iter().any(|c| c.tags.contains(&Tag::Tool(t["django"]))), "{changes:?}");
            assert_eq!(
                s.record_decision_views(&[view(id, "a", 1), view(id, "a", 1), view(id, "b", 1)], 0).await.unwrap(),
                2
            );
            assert_eq!(s.record_decision_views(&[view(id, "a", 1), view(id, "a", 2)], 0).await.unwrap(), 1);
            assert_eq!(s.record_decision_views(&[view(DecisionId(999_999), "a", 2)], 0).await.unwrap(), 0);
            let comment = s.add_comment(id, u[1], "Python first.").await.unwrap();
            let d = s.decision(id).await.unwrap().unwrap();
            assert_eq!((d.views, d.comments, d.kind, d.author_id), (3, 1, DecisionKind::NeedsAdvice, Some(u[0])));
            assert_eq!(d.tools.len(), 2, "{:?}", db.backend);
            assert_eq!(s.decisions_about(&[t["python"]], 10).await.unwrap().len(), 1);
            assert!(s.decisions_about(&[t["rust"]], 10).await.unwrap().is_empty());
            let comments = s.comments(id).await.unwrap();
            assert_eq!(
                (comments[0].id, comments[0].body.as_str(), comments[0].author_id),
                (comment, "Python first.", Some(u[1]))
            );
            assert_eq!(s.decision_organisation(id).await.unwrap(), Some(acme));
            assert_eq!(s.decision(DecisionId(999_999)).await.unwrap(), None);
        }
    }

    #[tokio::test]
    async fn lists_are_newest_first() {
        for db in fresh_stores().await {
            let s = &db.store;
            let t = test_tools(s).await;
            let u = test_users(s, 1).await;
            let mut ids = Vec::new();
            for (i, tool) in ["django", "rust", "python"].iter().enumerate() {
                let new = NewDecision {
                    kind: DecisionKind::Decided,
                    body: format!("Decision {i}"),
                    author_id: u[0],
                    org_id: None,
                    tools: vec![t[*tool]],
                    created_at: 100 + i as i64,
                };
                ids.push(s.create_decision(&new).await.unwrap());
            }
            assert_eq!(s.count_decisions().await.unwrap(), 3);
            let page: Vec<DecisionId> = s.recent_decisions(2, 0).await.unwrap().iter().map(|d| d.id).collect();
            assert_eq!(page, [ids[2], ids[1]], "{:?}", db.backend);
            let next: Vec<DecisionId> = s.recent_decisions(2, 2).await.unwrap().iter().map(|d| d.id).collect();
            assert_eq!(next, [ids[0]]);
            let about: Vec<DecisionId> =
                s.decisions_about(&[t["django"], t["python"]], 10).await.unwrap().iter().map(|d| d.id).collect();
            assert_eq!(about, [ids[2], ids[0]]);
            let by_ids = s.decisions_by_ids(&[ids[0], ids[1]]).await.unwrap();
            assert_eq!(by_ids.iter().map(|d| d.id).collect::<Vec<_>>(), [ids[1], ids[0]]);
            assert_eq!(by_ids[0].tools, [t["rust"]]);
        }
    }

    #[tokio::test]
    async fn upvotes_are_one_per_user() {
        for db in fresh_stores().await {
            let s = &db.store;
            let t = test_tools(s).await;
            let u = test_users(s, 2).await;
            let new = NewDecision {
                kind: DecisionKind::Decided,
                body: "Rust".into(),
                author_id: u[0],
                org_id: None,
                tools: vec![t["rust"]],
                created_at: 1,
            };
            let id = s.create_decision(&new).await.unwrap();
            assert!(s.upvote_decision(id, u[1]).await.unwrap());
            assert!(!s.upvote_decision(id, u[1]).await.unwrap());
            assert!(s.has_upvoted(id, u[1]).await.unwrap());
            assert!(!s.has_upvoted(id, u[0]).await.unwrap());
            assert_eq!(s.upvotes_among(u[1], &[id, DecisionId(999_999)]).await.unwrap(), HashSet::from([id]));
            assert_eq!(s.decision(id).await.unwrap().unwrap().upvotes, 1);
            assert!(s.retract_decision_upvote(id, u[1]).await.unwrap());
            assert!(!s.retract_decision_upvote(id, u[1]).await.unwrap());
            for c in s.recount_decision_counters().await.unwrap() {
                assert_eq!((c.upvotes, c.comments), (c.upvotes_counted, c.comments_counted), "{:?}", db.backend);
            }
        }
    }
}
