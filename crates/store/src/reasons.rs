//! Pros and cons of tools, and votes on them. A reason's vote count and its tool's votes
//! counter move in the same transaction as the vote row; deleting a reason takes its votes off.

use std::collections::{HashMap, HashSet};

use sea_orm::{ConnectionTrait, FromQueryResult, TransactionTrait, Value, raw_sql};

use crate::changes::{Tag, tags_or_everything, user_tags};
use crate::follows::{EventKind, NewEvent, Target};
use crate::sql::{Col, IN_CHUNK, Locked};
use crate::tools::Counter;
use crate::types::text_enum;
use crate::{Backend, ReasonId, Result, Store, StoreError, ToolId, UserId};

text_enum! {
    /// A pro or a con.
    pub enum ReasonKind {
        Pro,
        Con,
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, FromQueryResult)]
pub struct Reason {
    pub id: ReasonId,
    pub tool_id: ToolId,
    pub kind: ReasonKind,
    pub text: String,
    pub votes: i64,
    pub author_id: Option<UserId>,
}

/// A pro or con to add.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReason {
    pub tool: ToolId,
    pub kind: ReasonKind,
    pub text: String,
    pub author: Option<UserId>,
}

/// A reason's kept votes counter beside a recount of its votes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, FromQueryResult)]
pub struct ReasonVotes {
    pub reason: ReasonId,
    pub kept: i64,
    pub counted: i64,
}

/// What became of a request to delete.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deletion {
    Deleted,
    NotFound,
    /// The row exists but is someone else's.
    NotYours,
}

#[derive(FromQueryResult)]
struct NewId {
    id: ReasonId,
}

#[derive(FromQueryResult)]
struct ReasonOf {
    reason_id: ReasonId,
}

#[derive(FromQueryResult)]
struct Voter {
    user_id: UserId,
}

#[derive(FromQueryResult)]
struct ReasonTool {
    id: ReasonId,
    tool_id: ToolId,
}

impl Store {
    /// Adds reasons; returns their ids in input order. Followers of each tool hear of it.
    pub async fn add_reasons(&self, reasons: &[NewReason]) -> Result<Vec<ReasonId>> {
        let txn = self.write.begin().await?;
        let now = crate::now();
        let mut ids = Vec::with_capacity(reasons.len());
        // One row at a time: ids must come back in input order, and reasons are few.
        for r in reasons {
            let (tool, kind, text, author) = (r.tool, r.kind, r.text.as_str(), r.author);
            let row: Option<NewId> = self
                .one_on(
                    &txn,
                    raw_sql!(
                        Postgres,
                        "INSERT INTO reasons (tool_id, kind, text, author_id, created_at)
                         VALUES ({tool}, {kind}, {text}, {author}, {now}) RETURNING id"
                    ),
                )
                .await?;
            ids.push(row.ok_or(StoreError::NotFound)?.id);
        }
        let events: Vec<NewEvent> = reasons
            .iter()
            .zip(&ids)
            .map(|(r, id)| NewEvent {
                kind: EventKind::Reason,
                actor: r.author,
                target: Target::tool(r.tool),
                subject: id.get(),
                detail: serde_json::json!({"kind": r.kind}),
                created_at: now,
            })
            .collect();
        self.record_events(&txn, &events).await?;
        let tags = tags_or_everything(reasons.iter().map(|r| Tag::Tool(r.tool)).collect());
        self.record_change(&txn, &tags).await?;
        txn.commit().await?;
        Ok(ids)
    }

    pub async fn reason(&self, id: ReasonId) -> Result<Option<Reason>> {
        self.one(raw_sql!(Postgres, "SELECT id, tool_id, kind, text, votes, author_id FROM reasons WHERE id = {id}"))
            .await
    }

    /// A tool's reasons, most voted first.
    pub async fn reasons_for_tool(&self, tool: ToolId) -> Result<Vec<Reason>> {
        self.all(raw_sql!(
            Postgres,
            "SELECT id, tool_id, kind, text, votes, author_id FROM reasons WHERE tool_id = {tool}
             ORDER BY votes DESC, id"
        ))
        .await
    }

    /// Reasons by id.
    pub async fn reasons_by_ids(&self, ids: &[ReasonId]) -> Result<HashMap<ReasonId, Reason>> {
        let mut out = HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(IN_CHUNK) {
            let found: Vec<Reason> = self
                .all(raw_sql!(
                    Postgres,
                    "SELECT id, tool_id, kind, text, votes, author_id FROM reasons WHERE id IN ({..chunk})"
                ))
                .await?;
            out.extend(found.into_iter().map(|r| (r.id, r)));
        }
        Ok(out)
    }

    /// Casts votes `(reason, user)`; a second vote by one user on one reason is ignored.
    /// Returns how many votes were new.
    pub async fn cast_votes(&self, votes: &[(ReasonId, UserId)]) -> Result<u64> {
        let now = crate::now();
        let dated: Vec<(ReasonId, UserId, i64)> = votes.iter().map(|(r, u)| (*r, *u, now)).collect();
        self.cast_votes_at(&dated).await
    }

    /// As [`Store::cast_votes`], each vote cast at its own time (Unix seconds), for the demo.
    pub async fn cast_votes_at(&self, votes: &[(ReasonId, UserId, i64)]) -> Result<u64> {
        let txn = self.write.begin().await?;
        let rows: Vec<Vec<Value>> =
            votes.iter().map(|(r, u, at)| vec![(*r).into(), (*u).into(), (*at).into()]).collect();
        let inserted: Vec<ReasonOf> = self
            .bulk_insert(
                &txn,
                "INSERT INTO reason_votes (reason_id, user_id, created_at)",
                &[Col::Int, Col::Int, Col::Int],
                &rows,
                "ON CONFLICT (reason_id, user_id) DO NOTHING RETURNING reason_id",
            )
            .await?;
        let mut per_reason: HashMap<ReasonId, i64> = HashMap::new();
        for row in inserted {
            *per_reason.entry(row.reason_id).or_default() += 1;
        }
        self.apply_vote_deltas(&txn, &per_reason, user_tags(votes.iter().map(|(_, u, _)| *u))).await?;
        txn.commit().await?;
        Ok(per_reason.values().sum::<i64>() as u64)
    }

    /// Retracts a vote; returns whether there was one.
    pub async fn retract_vote(&self, reason: ReasonId, user: UserId) -> Result<bool> {
        let txn = self.write.begin().await?;
        let gone = self
            .execute(
                &txn,
                raw_sql!(Postgres, "DELETE FROM reason_votes WHERE reason_id = {reason} AND user_id = {user}"),
            )
            .await?;
        if gone > 0 {
            self.apply_vote_deltas(&txn, &HashMap::from([(reason, -(gone as i64))]), vec![Tag::User(user)]).await?;
        }
        txn.commit().await?;
        Ok(gone > 0)
    }

    /// Whether a user has voted for a reason.
    pub async fn has_voted(&self, reason: ReasonId, user: UserId) -> Result<bool> {
        let n = self
            .number(raw_sql!(
                Postgres,
                "SELECT COUNT(*) AS n FROM reason_votes WHERE reason_id = {reason} AND user_id = {user}"
            ))
            .await?;
        Ok(n > 0)
    }

    /// Which of `reasons` the user has voted for.
    pub async fn votes_among(&self, user: UserId, reasons: &[ReasonId]) -> Result<HashSet<ReasonId>> {
        let mut out = HashSet::new();
        for chunk in reasons.chunks(IN_CHUNK) {
            let rows: Vec<ReasonOf> = self
                .all(raw_sql!(
                    Postgres,
                    "SELECT reason_id FROM reason_votes WHERE user_id = {user} AND reason_id IN ({..chunk})"
                ))
                .await?;
            out.extend(rows.into_iter().map(|r| r.reason_id));
        }
        Ok(out)
    }

    /// Moves the vote counters of reasons and their tools, and records the change with the
    /// tags of the voters (`users`).
    pub(crate) async fn apply_vote_deltas<C: ConnectionTrait>(
        &self,
        conn: &C,
        per_reason: &HashMap<ReasonId, i64>,
        users: Vec<Tag>,
    ) -> Result<()> {
        if per_reason.is_empty() {
            return Ok(());
        }
        let mut deltas: Vec<(ReasonId, i64)> = per_reason.iter().map(|(r, d)| (*r, *d)).collect();
        deltas.sort_unstable();
        self.lock_rows_in_order(conn, Locked::Reasons, deltas.iter().map(|(r, _)| r.get()).collect()).await?;
        let rows: Vec<Vec<Value>> = deltas.iter().map(|(r, d)| vec![(*r).into(), (*d).into()]).collect();
        self.bulk_update(conn, "UPDATE reasons SET votes = votes + d.column2", &rows, "reasons.id = d.column1").await?;
        let mut per_tool: HashMap<ToolId, i64> = HashMap::new();
        let ids: Vec<ReasonId> = deltas.iter().map(|(r, _)| *r).collect();
        for chunk in ids.chunks(IN_CHUNK) {
            let found: Vec<ReasonTool> = self
                .all_on(conn, raw_sql!(Postgres, "SELECT id, tool_id FROM reasons WHERE id IN ({..chunk})"))
                .await?;
            for r in found {
                *per_tool.entry(r.tool_id).or_default() += per_reason[&r.id];
            }
        }
        self.bump_tool_counter(conn, Counter::Votes, &per_tool).await?;
        let mut tags: Vec<Tag> = per_tool.keys().map(|t| Tag::Tool(*t)).collect();
        tags.extend(users);
        self.record_change(conn, &tags_or_everything(tags)).await
    }

    /// Deletes a pro or con with its votes, and takes its votes off the tool's count. With
    /// `only_author`, deletes it only if that user wrote it.
    pub async fn delete_reason(&self, reason: ReasonId, only_author: Option<UserId>) -> Result<Deletion> {
        let txn = self.write.begin().await?;
        // Lock the row first: a vote arriving meanwhile waits, then finds no reason.
        let found: Option<Reason> = match self.backend {
            Backend::Postgres => {
                self.one_on(
                    &txn,
                    raw_sql!(
                        Postgres,
                        "SELECT id, tool_id, kind, text, votes, author_id FROM reasons WHERE id = {reason} FOR UPDATE"
                    ),
                )
                .await?
            }
            Backend::Sqlite => {
                self.one_on(
                    &txn,
                    raw_sql!(
                        Postgres,
                        "SELECT id, tool_id, kind, text, votes, author_id FROM reasons WHERE id = {reason}"
                    ),
                )
                .await?
            }
        };
        let Some(found) = found else { return Ok(Deletion::NotFound) };
        if let Some(user) = only_author
            && found.author_id != Some(user)
        {
            return Ok(Deletion::NotYours);
        }
        // Its voters' marks change too (a later reason may get the same id on SQLite).
        let voters: Vec<Voter> = self
            .all_on(&txn, raw_sql!(Postgres, "SELECT user_id FROM reason_votes WHERE reason_id = {reason}"))
            .await?;
        self.execute(&txn, raw_sql!(Postgres, "DELETE FROM reason_votes WHERE reason_id = {reason}")).await?;
        self.execute(&txn, raw_sql!(Postgres, "DELETE FROM reasons WHERE id = {reason}")).await?;
        self.bump_tool_counter(&txn, Counter::Votes, &HashMap::from([(found.tool_id, -found.votes)])).await?;
        let mut tags = vec![Tag::Tool(found.tool_id)];
        tags.extend(user_tags(voters.into_iter().map(|v| v.user_id)));
        self.record_change(&txn, &tags_or_everything(tags)).await?;
        txn.commit().await?;
        Ok(Deletion::Deleted)
    }

    /// Per-reason vote counts as a full recount gives them (for checks, not pages).
    pub async fn recount_reason_votes(&self) -> Result<Vec<ReasonVotes>> {
        self.all(raw_sql!(
            Postgres,
            "SELECT r.id AS reason, r.votes AS kept,
                    (SELECT COUNT(*) FROM reason_votes v WHERE v.reason_id = r.id) AS counted
             FROM reasons r ORDER BY r.id"
        ))
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::test_users;
    use crate::stacks::test_snapshot;
    use crate::testing::fresh_stores;
    use crate::tools::{assert_counters_match_recount, test_tools};

    fn reason(tool: ToolId, kind: ReasonKind, text: &str, author: Option<UserId>) -> NewReason {
        NewReason { tool, kind, text: text.into(), author }
    }

    #[tokio::test]
    async fn votes_are_one_per_user_and_counted_in_place() {
        for db in fresh_stores().await {
            let s = &db.store;
            let t = test_tools(s).await;
            let u = test_users(s, 3).await;
            let ids = s
                .add_reasons(&[
                    reason(t["django"], ReasonKind::Pro, "Rapid development", None),
                    reason(t["django"], ReasonKind::Con, "Underpowered ORM", Some(u[0])),
                ])
                .await
                .unwrap();
            let new = s.cast_votes(&[(ids[0], u[0]), (ids[0], u[1]), (ids[0], u[0]), (ids[1], u[2])]).await.unwrap();
            assert_eq!(new, 3);
            assert_eq!(s.cast_votes(&[(ids[0], u[1])]).await.unwrap(), 0, "second vote by one user is ignored");
            let reasons = s.reasons_for_tool(t["django"]).await.unwrap();
            assert_eq!(
                (reasons[0].text.as_str(), reasons[0].votes, reasons[0].kind),
                ("Rapid development", 2, ReasonKind::Pro)
            );
            assert_eq!(reasons[1].author_id, Some(u[0]));
            assert_eq!(s.tool_stats(t["django"]).await.unwrap().votes, 3);
            assert!(s.has_voted(ids[0], u[1]).await.unwrap());
            assert!(s.retract_vote(ids[0], u[0]).await.unwrap());
            assert!(!s.retract_vote(ids[0], u[0]).await.unwrap());
            assert!(!s.has_voted(ids[0], u[0]).await.unwrap());
            assert_eq!(s.votes_among(u[1], &ids).await.unwrap(), HashSet::from([ids[0]]));
            assert!(s.votes_among(u[0], &[]).await.unwrap().is_empty());
            assert_eq!(s.tool_stats(t["django"]).await.unwrap().votes, 2);
            assert_eq!(s.reason(ids[1]).await.unwrap().unwrap().votes, 1);
            assert_eq!(s.reasons_by_ids(&[ids[1]]).await.unwrap()[&ids[1]].text, "Underpowered ORM");
            assert_counters_match_recount(s).await;
        }
    }

    #[tokio::test]
    async fn deleting_a_reason_takes_its_votes_off() {
        for db in fresh_stores().await {
            let s = &db.store;
            let t = test_tools(s).await;
            let u = test_users(s, 2).await;
            let id = s.add_reasons(&[reason(t["rust"], ReasonKind::Pro, "Fast", Some(u[0]))]).await.unwrap()[0];
            s.cast_votes(&[(id, u[0]), (id, u[1])]).await.unwrap();
            assert_eq!(s.delete_reason(id, Some(u[1])).await.unwrap(), Deletion::NotYours);
            assert_eq!(s.delete_reason(id, Some(u[0])).await.unwrap(), Deletion::Deleted);
            assert_eq!(s.delete_reason(id, None).await.unwrap(), Deletion::NotFound);
            assert_eq!(s.tool_stats(t["rust"]).await.unwrap().votes, 0, "{:?}", db.backend);
            assert_counters_match_recount(s).await;
        }
    }

    #[tokio::test]
    async fn concurrent_writes_keep_counters_exact() {
        for db in fresh_stores().await {
            let s = db.store.clone();
            let t = test_tools(&s).await;
            let u = test_users(&s, 40).await;
            let id = s.add_reasons(&[reason(t["rust"], ReasonKind::Pro, "Fast", None)]).await.unwrap()[0];
            let mut tasks = Vec::new();
            for (i, &user) in u.iter().enumerate() {
                let s = s.clone();
                let (rs, pg) = (t["rust"], t["postgresql"]);
                tasks.push(tokio::spawn(async move {
                    s.cast_votes(&[(id, user)]).await.unwrap();
                    s.cast_votes(&[(id, user)]).await.unwrap();
                    if i % 3 == 0 {
                        s.retract_vote(id, user).await.unwrap();
                    }
                    s.follow_tools(&[(user, rs)]).await.unwrap();
                    s.push_snapshots(&[test_snapshot(&format!("u{i}"), "app", &[rs, pg])]).await.unwrap();
                    s.push_snapshots(&[test_snapshot(&format!("u{i}"), "app", &[rs])]).await.unwrap();
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
    async fn hostile_strings_are_stored_verbatim() {
        for db in fresh_stores().await {
            let s = &db.store;
            let t = test_tools(s).await;
            let evil = "'); DROP TABLE reasons; -- <script>alert(1)</script> {text} $1 ?";
            s.add_reasons(&[reason(t["django"], ReasonKind::Con, evil, None)]).await.unwrap();
            assert_eq!(s.reasons_for_tool(t["django"]).await.unwrap()[0].text, evil);
            assert_eq!(s.stack("'; --", "x").await.unwrap(), None);
        }
    }
}
