//! A repository's past pushed at once (`stackdex push --history`): dated snapshots, one per
//! commit where its stack changed, recorded as v1, v2, … of a stack that has none yet.

use serde::{Deserialize, Serialize};
use stackdex_store::{NewSnapshot, SnapshotSource, StoreError, User};
use utoipa::ToSchema;

use super::report::snapshot_of;
use super::{PushGit, PushReport};
use crate::{App, AppError, Result};

/// Most snapshots one history push may hold.
pub const MAX_HISTORY_SNAPSHOTS: usize = 5_000;

/// What `stackdex push --history` sends: the stack at each commit where it changed.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct PushHistory {
    /// Oldest first; 1 to 5,000.
    #[schema(min_items = 1, max_items = 5000)]
    pub snapshots: Vec<HistoryEntry>,
}

/// The stack at one commit.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct HistoryEntry {
    /// The commit's date, RFC 3339 (`2024-05-01T12:00:00+00:00`); the snapshot's date.
    #[schema(example = "2024-05-01T12:00:00+00:00")]
    pub date: String,
    /// The commit's full hash (40 or 64 hex digits).
    pub commit: String,
    /// What a push sends for the commit (its `git` may name the branch and remote; its commit
    /// is this entry's).
    pub report: PushReport,
}

/// What a history push recorded.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HistoryPushed {
    /// How many dated snapshots were recorded (v1 to vN).
    pub recorded: usize,
    /// Slugs the catalog does not know (left out), across the history.
    pub unknown_tools: Vec<String>,
}

impl App {
    /// Records a repository's history as the first snapshots of `owner/name`, each dated by
    /// its commit: refused (conflict) when the stack has snapshots already, since inserting
    /// older ones would renumber v1, v2, … whose addresses are public. Who may push to the
    /// stack may.
    pub async fn push_history(
        &self,
        user: &User,
        owner: &str,
        name: &str,
        history: &PushHistory,
    ) -> Result<HistoryPushed> {
        let stack = self.stack_owner_for(user, owner, name).await?;
        let count = history.snapshots.len();
        if count == 0 || count > MAX_HISTORY_SNAPSHOTS {
            return Err(AppError::BadRequest(format!(
                "a history holds 1 to {MAX_HISTORY_SNAPSHOTS} snapshots, not {count}"
            )));
        }
        let mut snapshots = Vec::with_capacity(count);
        let mut unknown_tools: Vec<String> = Vec::new();
        let mut previous = i64::MIN;
        for (i, entry) in history.snapshots.iter().enumerate() {
            let created_at = chrono::DateTime::parse_from_rfc3339(entry.date.trim())
                .map_err(|_| {
                    AppError::BadRequest(format!("snapshots[{i}].date must be an RFC 3339 date, not {:?}", entry.date))
                })?
                .timestamp();
            if created_at < previous {
                return Err(AppError::BadRequest(format!(
                    "snapshots[{i}] is older than the one before: send them oldest first"
                )));
            }
            previous = created_at;
            let mut report = entry.report.clone();
            let git = report.git.take().unwrap_or_default();
            report.git = Some(PushGit { commit: Some(entry.commit.clone()), ..git });
            let (tools, details, unknown) = snapshot_of(self, &report)?;
            for slug in unknown {
                if !unknown_tools.contains(&slug) && unknown_tools.len() < 1_000 {
                    unknown_tools.push(slug);
                }
            }
            snapshots.push(NewSnapshot {
                stack: stack.clone(),
                author_id: Some(user.id),
                source: SnapshotSource::Push,
                tools,
                details,
                created_at,
            });
        }
        match self.store.push_history(&snapshots).await {
            Ok(recorded) => Ok(HistoryPushed { recorded: recorded.len(), unknown_tools }),
            Err(StoreError::Conflict(_)) => Err(AppError::Conflict(format!(
                "{owner}/{name} has snapshots already, and older ones would renumber them: push the history to a new stack, or delete this one first"
            ))),
            Err(e) => Err(e.into()),
        }
    }
}
