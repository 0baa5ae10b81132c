//! Pros and cons of tools: adding one (near-duplicates refused), voting for one (once per
//! user), taking a vote back, deleting one (its author or an admin), and ranking them.

use stackdex_store::{Deletion, NewReason, ReasonId, ReasonKind, ToolId, User};

use crate::views::ReasonView;
use crate::{App, AppError, Result};

/// The text of a pro or a con: 3 to 120 characters on one line.
pub struct ReasonText(String);

impl ReasonText {
    pub fn parse(s: &str) -> Result<ReasonText> {
        let t = s.split_whitespace().collect::<Vec<_>>().join(" ");
        if (3..=120).contains(&t.chars().count()) && !t.chars().any(char::is_control) {
            Ok(ReasonText(t))
        } else {
            Err(AppError::invalid("text", "a pro or con is 3 to 120 characters"))
        }
    }
}

/// How close (0 to 1) a new reason may come to an existing one of the same tool and kind.
const NEAR_DUPLICATE: f64 = 0.85;

impl App {
    /// Adds a pro or con to a tool. A near-duplicate of an existing reason of the tool is
    /// refused with a pointer to it.
    pub async fn add_reason(&self, user: &User, slug: &str, kind: ReasonKind, text: &str) -> Result<ReasonId> {
        let (_, tool) = self.known_tool(slug)?;
        let text = ReasonText::parse(text)?;
        if let Some(existing) = self.near_duplicate(tool, kind, &text.0).await? {
            return Err(AppError::Conflict(format!(
                "a {kind} like this exists already: #{} {:?}",
                existing.id, existing.text
            )));
        }
        let reason = NewReason { tool, kind, text: text.0, author: Some(user.id) };
        Ok(self.store.add_reasons(&[reason]).await?[0])
    }

    /// The existing reason of the tool that `text` nearly repeats, if any (to vote for instead).
    pub async fn similar_reason(&self, slug: &str, kind: ReasonKind, text: &str) -> Result<Option<ReasonView>> {
        let (_, tool) = self.known_tool(slug)?;
        let Ok(text) = ReasonText::parse(text) else { return Ok(None) };
        Ok(self.near_duplicate(tool, kind, &text.0).await?.map(|r| ReasonView {
            id: r.id,
            text: r.text,
            votes: r.votes,
            author: None,
        }))
    }

    async fn near_duplicate(
        &self,
        tool: ToolId,
        kind: ReasonKind,
        text: &str,
    ) -> Result<Option<stackdex_store::Reason>> {
        let normal = |s: &str| s.to_lowercase().chars().filter(|c| c.is_alphanumeric()).collect::<String>();
        let new = normal(text);
        Ok(self.store.reasons_for_tool(tool).await?.into_iter().find(|existing| {
            existing.kind == kind && strsim::normalized_levenshtein(&normal(&existing.text), &new) >= NEAR_DUPLICATE
        }))
    }

    /// Votes for a reason (once per user; voting again changes nothing).
    pub async fn vote(&self, user: &User, reason: ReasonId) -> Result<()> {
        self.existing_reason(reason).await?;
        self.store.cast_votes(&[(reason, user.id)]).await?;
        Ok(())
    }

    pub async fn retract_vote(&self, user: &User, reason: ReasonId) -> Result<()> {
        self.existing_reason(reason).await?;
        self.store.retract_vote(reason, user.id).await?;
        Ok(())
    }

    /// Deletes a pro or con: its author may, and admins may delete any.
    pub async fn delete_reason(&self, user: &User, reason: ReasonId) -> Result<()> {
        let only_author = if user.is_admin { None } else { Some(user.id) };
        match self.store.delete_reason(reason, only_author).await? {
            Deletion::Deleted => {
                let kind = stackdex_store::ReportKind::Reason;
                self.store.resolve_reports(kind, reason.get(), stackdex_store::Resolution::Removed, user.id).await?;
                Ok(())
            }
            Deletion::NotFound => Err(AppError::not_found(format!("reason {reason}"))),
            Deletion::NotYours => {
                Err(AppError::Forbidden("only its author or an admin can delete a pro or con".into()))
            }
        }
    }

    /// The slug of the tool a reason is about (where its page is).
    pub async fn reason_tool(&self, reason: ReasonId) -> Result<String> {
        let found = self.existing_reason(reason).await?;
        Ok(self.tool_by_id(found.tool_id).ok_or_else(|| AppError::not_found(format!("reason {reason}")))?.slug.clone())
    }

    async fn existing_reason(&self, reason: ReasonId) -> Result<stackdex_store::Reason> {
        self.store.reason(reason).await?.ok_or_else(|| AppError::not_found(format!("reason {reason}")))
    }

    /// A tool's pros and cons, most voted first.
    pub(crate) async fn pros_and_cons(&self, tool: ToolId) -> Result<(Vec<ReasonView>, Vec<ReasonView>)> {
        let (mut pros, mut cons) = (Vec::new(), Vec::new());
        let reasons = self.store.reasons_for_tool(tool).await?;
        let mut author_ids: Vec<stackdex_store::UserId> = reasons.iter().filter_map(|r| r.author_id).collect();
        author_ids.sort_unstable();
        author_ids.dedup();
        let authors = self.store.users_by_ids(&author_ids).await?;
        for r in reasons {
            let author = r.author_id.and_then(|a| authors.get(&a)).map(|u| u.username.clone());
            let view = ReasonView { id: r.id, text: r.text, votes: r.votes, author };
            match r.kind {
                ReasonKind::Pro => pros.push(view),
                ReasonKind::Con => cons.push(view),
            }
        }
        Ok((pros, cons))
    }
}
