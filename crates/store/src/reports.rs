//! Reports: a signed-in user flags a decision, comment or pro/con for the admins; an admin
//! removes what was reported or dismisses the report. Every open report of the same content is
//! resolved together.

use sea_orm::{FromQueryResult, raw_sql};

use crate::types::text_enum;
use crate::{ReportId, Result, Store, StoreError, UserId};

text_enum! {
    /// What a report is about.
    pub enum ReportKind {
        Decision,
        Comment,
        Reason,
    }
}

text_enum! {
    /// What an admin did about a report.
    pub enum Resolution {
        /// The content was deleted.
        Removed,
        /// The content stays.
        Dismissed,
    }
}

/// A report as the admins' queue lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, FromQueryResult)]
pub struct Report {
    pub id: ReportId,
    pub target_kind: ReportKind,
    pub target_id: i64,
    pub reporter_id: Option<UserId>,
    pub reason: String,
    pub created_at: i64,
    pub resolved_at: Option<i64>,
    pub resolution: Option<Resolution>,
}

#[derive(FromQueryResult)]
struct NewId {
    id: ReportId,
}

impl Store {
    /// Records a report; returns its id.
    pub async fn create_report(
        &self,
        kind: ReportKind,
        target: i64,
        reporter: UserId,
        reason: &str,
    ) -> Result<ReportId> {
        let now = crate::now();
        let row: Option<NewId> = self
            .one_on(
                &self.write,
                raw_sql!(
                    Postgres,
                    "INSERT INTO reports (target_kind, target_id, reporter_id, reason, created_at)
                     VALUES ({kind}, {target}, {reporter}, {reason}, {now}) RETURNING id"
                ),
            )
            .await?;
        Ok(row.ok_or(StoreError::NotFound)?.id)
    }

    /// Whether this user already has an open report of this content.
    pub async fn has_open_report(&self, kind: ReportKind, target: i64, reporter: UserId) -> Result<bool> {
        let n = self
            .number(raw_sql!(
                Postgres,
                "SELECT COUNT(*) AS n FROM reports WHERE target_kind = {kind} AND target_id = {target}
                 AND reporter_id = {reporter} AND resolved_at IS NULL"
            ))
            .await?;
        Ok(n > 0)
    }

    /// Reports no admin has dealt with yet, oldest first.
    pub async fn open_reports(&self, limit: i64) -> Result<Vec<Report>> {
        self.all(raw_sql!(
            Postgres,
            "SELECT id, target_kind, target_id, reporter_id, reason, created_at, resolved_at, resolution
             FROM reports WHERE resolved_at IS NULL ORDER BY id LIMIT {limit}"
        ))
        .await
    }

    pub async fn report(&self, id: ReportId) -> Result<Option<Report>> {
        self.one(raw_sql!(
            Postgres,
            "SELECT id, target_kind, target_id, reporter_id, reason, created_at, resolved_at, resolution
             FROM reports WHERE id = {id}"
        ))
        .await
    }

    /// Resolves every open report of one piece of content; returns how many.
    pub async fn resolve_reports(
        &self,
        kind: ReportKind,
        target: i64,
        resolution: Resolution,
        resolver: UserId,
    ) -> Result<u64> {
        let now = crate::now();
        self.execute(
            &self.write,
            raw_sql!(
                Postgres,
                "UPDATE reports SET resolved_at = {now}, resolution = {resolution}, resolver_id = {resolver}
                 WHERE target_kind = {kind} AND target_id = {target} AND resolved_at IS NULL"
            ),
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::test_users;
    use crate::testing::fresh_stores;

    #[tokio::test]
    async fn reports_queue_until_resolved_together() {
        for db in fresh_stores().await {
            let s = &db.store;
            let u = test_users(s, 3).await;
            let first = s.create_report(ReportKind::Comment, 7, u[0], "spam").await.unwrap();
            s.create_report(ReportKind::Comment, 7, u[1], "rude").await.unwrap();
            let other = s.create_report(ReportKind::Decision, 7, u[1], "off topic").await.unwrap();
            assert!(s.has_open_report(ReportKind::Comment, 7, u[0]).await.unwrap());
            assert!(!s.has_open_report(ReportKind::Reason, 7, u[0]).await.unwrap());
            let open = s.open_reports(10).await.unwrap();
            assert_eq!(open.len(), 3, "{:?}", db.backend);
            assert_eq!((open[0].id, open[0].reason.as_str()), (first, "spam"));

            assert_eq!(s.resolve_reports(ReportKind::Comment, 7, Resolution::Removed, u[2]).await.unwrap(), 2);
            let open: Vec<ReportId> = s.open_reports(10).await.unwrap().into_iter().map(|r| r.id).collect();
            assert_eq!(open, [other], "the decision with the same id is another target");
            let done = s.report(first).await.unwrap().unwrap();
            assert_eq!(done.resolution, Some(Resolution::Removed));
            assert!(!s.has_open_report(ReportKind::Comment, 7, u[0]).await.unwrap());
        }
    }
}
