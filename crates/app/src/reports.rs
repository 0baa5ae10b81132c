//! Reports: any signed-in user can flag a decision, a comment or a pro/con for the admins,
//! with a reason; the admins' queue (`/admin/reports`) shows each open report beside what it is
//! about, and an admin removes the content or dismisses the report. Every open report of the
//! same content is resolved by one action.

use std::collections::HashSet;

use serde::Serialize;
use stackdex_store::{CommentId, DecisionId, ReasonId, ReportId, ReportKind, Resolution, User, UserId};
use utoipa::ToSchema;

use crate::views::Author;
use crate::{App, AppError, Result};

/// Longest reason given with a report, in characters.
pub const MAX_REASON: usize = 500;
/// Open reports the queue shows at once (oldest first).
const QUEUE_LENGTH: i64 = 200;

/// What a report is about, as the report form and the queue show it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportedContent {
    #[schema(value_type = String, example = "comment")]
    pub kind: ReportKind,
    pub id: i64,
    /// The start of its text.
    pub excerpt: String,
    /// Where it is shown.
    pub url: String,
    pub author: Option<Author>,
}

/// An open report in the admins' queue. `content` is None when what it was about is gone.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportEntry {
    #[schema(value_type = i64)]
    pub id: ReportId,
    pub content: Option<ReportedContent>,
    #[schema(value_type = String, example = "comment")]
    pub kind: ReportKind,
    pub target_id: i64,
    pub reporter: Option<Author>,
    pub reason: String,
    pub created_at: i64,
}

impl ReportEntry {
    pub fn date_fmt(&self) -> String {
        crate::format::date(self.created_at)
    }
}

/// The admins' queue of open reports, oldest first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportQueue {
    pub reports: Vec<ReportEntry>,
}

pub fn parse_report_kind(s: &str) -> Result<ReportKind> {
    s.parse().map_err(|_| AppError::invalid("kind", "what is reported is a \"decision\", \"comment\" or \"reason\""))
}

fn admins_only(user: &User) -> Result<()> {
    if user.is_admin { Ok(()) } else { Err(AppError::Forbidden("only admins see and resolve reports".into())) }
}

impl App {
    /// The content a report would be about; not found when it does not exist.
    pub async fn reported_content(&self, kind: ReportKind, id: i64) -> Result<ReportedContent> {
        let gone = || AppError::not_found(format!("{kind} {id}"));
        let (excerpt, url, author) = match kind {
            ReportKind::Decision => {
                let id = DecisionId::try_from(id).map_err(|_| gone())?;
                let d = self.store.decision(id).await?.ok_or_else(gone)?;
                (d.body, format!("/decisions/{id}"), d.author_id)
            }
            ReportKind::Comment => {
                let id = CommentId::try_from(id).map_err(|_| gone())?;
                let c = self.store.comment(id).await?.ok_or_else(gone)?;
                (c.body, format!("/decisions/{}#comment-{id}", c.decision_id), c.author_id)
            }
            ReportKind::Reason => {
                let id = ReasonId::try_from(id).map_err(|_| gone())?;
                let r = self.store.reason(id).await?.ok_or_else(gone)?;
                let tool = self.tool_by_id(r.tool_id).map(|t| t.slug.clone()).unwrap_or_default();
                (r.text, format!("/tools/{tool}#reason-{id}"), r.author_id)
            }
        };
        let author = match author {
            Some(a) => self.store.users_by_ids(&[a]).await?.get(&a).map(Author::from),
            None => None,
        };
        Ok(ReportedContent { kind, id, excerpt: crate::format::excerpt(&excerpt, 280), url, author })
    }

    /// Reports content for the admins. Reporting the same content again while the first report
    /// is open changes nothing.
    pub async fn report_content(&self, user: &User, kind: ReportKind, id: i64, reason: &str) -> Result<()> {
        let reason = reason.trim();
        let n = reason.chars().count();
        if n == 0 || n > MAX_REASON {
            return Err(AppError::invalid("reason", format!("say what is wrong, in 1 to {MAX_REASON} characters")));
        }
        if reason.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
            return Err(AppError::invalid("reason", "the reason holds a control character"));
        }
        self.reported_content(kind, id).await?;
        if !self.store.has_open_report(kind, id, user.id).await? {
            self.store.create_report(kind, id, user.id, reason).await?;
        }
        Ok(())
    }

    /// The open reports, oldest first, each with what it is about (admins only).
    pub async fn report_queue(&self, user: &User) -> Result<ReportQueue> {
        admins_only(user)?;
        let open = self.store.open_reports(QUEUE_LENGTH).await?;
        let reporters: Vec<UserId> =
            open.iter().filter_map(|r| r.reporter_id).collect::<HashSet<_>>().into_iter().collect();
        let reporters = self.store.users_by_ids(&reporters).await?;
        let mut reports = Vec::with_capacity(open.len());
        for r in open {
            let content = match self.reported_content(r.target_kind, r.target_id).await {
                Ok(c) => Some(c),
                Err(AppError::NotFound { .. }) => None,
                Err(e) => return Err(e),
            };
            reports.push(ReportEntry {
                id: r.id,
                content,
                kind: r.target_kind,
                target_id: r.target_id,
                reporter: r.reporter_id.and_then(|u| reporters.get(&u)).map(Author::from),
                reason: r.reason,
                created_at: r.created_at,
            });
        }
        Ok(ReportQueue { reports })
    }

    /// Resolves a report (admins only): `remove` deletes the content it is about (if it is
    /// still there), otherwise the report is dismissed and the content stays. Other open
    /// reports of the same content are resolved with it.
    pub async fn resolve_report(&self, user: &User, id: ReportId, remove: bool) -> Result<()> {
        admins_only(user)?;
        let report = self.store.report(id).await?.ok_or_else(|| AppError::not_found(format!("report {id}")))?;
        if report.resolved_at.is_some() {
            return Err(AppError::Conflict(format!("report {id} is resolved already")));
        }
        let (kind, target) = (report.target_kind, report.target_id);
        let resolution = if remove { Resolution::Removed } else { Resolution::Dismissed };
        if remove {
            match kind {
                ReportKind::Decision => {
                    if let Ok(d) = DecisionId::try_from(target) {
                        self.store.delete_decision(d).await?;
                    }
                }
                ReportKind::Comment => {
                    if let Ok(c) = CommentId::try_from(target) {
                        self.store.delete_comment(c).await?;
                    }
                }
                ReportKind::Reason => {
                    if let Ok(r) = ReasonId::try_from(target) {
                        self.store.delete_reason(r, None).await?;
                    }
                }
            }
        }
        self.store.resolve_reports(kind, target, resolution, user.id).await?;
        Ok(())
    }
}
