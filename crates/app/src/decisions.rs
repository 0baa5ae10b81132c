//! Decisions: "Decided" and "Needs advice" posts with a markdown body and tagged tools, their
//! upvotes, comments and views. Inputs are parsed into types that cannot hold invalid values
//! before anything is stored; markdown is rendered through the sanitiser when shown, never
//! stored as HTML.
//!
//! # How views count
//!
//! A view is one HTML page view of `/decisions/{id}`, counted **once per visitor per hour**
//! (clock hours, UTC). The visitor is the signed-in user, or else an anonymous digest of the
//! client address and `User-Agent` (SHA-256, never stored in clear). Requests whose
//! `User-Agent` is missing or names an automated client ([`is_bot`]: crawlers, link
//! previewers, monitors, HTTP libraries, headless browsers) are not counted. The JSON API does
//! not count views. Page serving only adds the view to an in-memory set; a background flush
//! writes the set every few seconds, and the database's `(decision, visitor, hour)` key makes
//! the count exact across flushes and across app servers.

use std::collections::HashSet;

use parking_lot::Mutex;
use serde::Serialize;
use sha2::{Digest, Sha256};
use stackdex_store::{
    Comment, CommentId, Decision, DecisionId, DecisionKind, NewDecision, NewView, ReportKind, Resolution, Tag, ToolId,
    User, UserId,
};
use utoipa::ToSchema;

use crate::format::render_markdown;
use crate::views::{Author, DecisionView, NameLink};
use crate::{App, AppError, Result, Shown};

/// Longest decision body, in characters.
pub const MAX_BODY: usize = 20_000;
/// Longest comment, in characters.
pub const MAX_COMMENT: usize = 5_000;
/// Most tools one decision may be tagged with.
pub const MAX_TOOLS: usize = 10;
/// Decisions per page of the list.
const PER_PAGE: usize = 20;
/// Views held in memory between flushes; past this, new views wait for the next flush.
const MAX_PENDING_VIEWS: usize = 100_000;

/// Markdown text of `min..=max` characters (surrounding white space trimmed), with no control
/// characters other than line breaks and tabs.
fn markdown_text(s: &str, what: &str, max: usize) -> Result<String> {
    let t = s.trim();
    let n = t.chars().count();
    if n == 0 || n > max {
        return Err(AppError::invalid("body", format!("{what} is 1 to {max} characters (this one has {n})")));
    }
    if t.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        return Err(AppError::invalid("body", format!("{what} holds a control character")));
    }
    Ok(t.replace("\r\n", "\n"))
}

pub fn parse_kind(s: &str) -> Result<DecisionKind> {
    s.parse().map_err(|_| AppError::invalid("kind", "kind is \"decided\" or \"needs_advice\""))
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CommentView {
    #[schema(value_type = i64)]
    pub id: CommentId,
    pub author: Option<Author>,
    /// Markdown, as written.
    pub body: String,
    #[serde(skip)]
    pub body_html: String,
    pub created_at: i64,
    /// When its author last changed it, if ever.
    pub edited_at: Option<i64>,
}

impl CommentView {
    pub fn date_fmt(&self) -> String {
        crate::format::date(self.created_at)
    }
    /// When it was last edited, if ever.
    pub fn edited_fmt(&self) -> Option<String> {
        self.edited_at.map(crate::format::date)
    }
}

/// A decision with its comments, oldest comment first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DecisionPage {
    pub decision: DecisionView,
    /// `/decisions/{id}`.
    pub url: String,
    /// The organisation it was posted for, if any.
    pub organisation: Option<NameLink>,
    pub comments: Vec<CommentView>,
}

impl DecisionPage {
    /// A title for the page: the first line of the body, shortened.
    pub fn title(&self) -> String {
        crate::format::excerpt(&self.decision.body, 80)
    }
}

/// Recent decisions, newest first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DecisionList {
    pub decisions: Vec<DecisionView>,
    pub page: usize,
    pub pages: usize,
}

/// The "post a decision" form, before it is sent or after a refusal.
#[derive(Debug, Clone, Default)]
pub struct DecisionDraft {
    pub kind: String,
    pub body: String,
    /// Tool slugs, comma-separated.
    pub tools: String,
    pub organisation: String,
}

/// Views counted by page serving and not yet written.
#[derive(Debug, Default)]
pub(crate) struct PendingViews(Mutex<HashSet<NewView>>);

/// Only the author of a post, or an admin, may change or delete it.
fn may_change(user: &User, author: Option<UserId>, what: &str) -> Result<()> {
    if user.is_admin || author == Some(user.id) {
        Ok(())
    } else {
        Err(AppError::Forbidden(format!("only its author or an admin can change {what}")))
    }
}

fn not_found(id: DecisionId) -> AppError {
    AppError::not_found(format!("decision {id}"))
}

impl App {
    /// Posts a decision for `user` (for an organisation they belong to, when given); returns
    /// its id. Tools are slugs or aliases of catalog tools, 1 to [`MAX_TOOLS`] of them.
    pub async fn post_decision(
        &self,
        user: &User,
        kind: DecisionKind,
        body: &str,
        tools: &[String],
        organisation: Option<&str>,
    ) -> Result<DecisionId> {
        let body = markdown_text(body, "a decision", MAX_BODY)?;
        let tools = self.tagged_tools(tools)?;
        let org_id = match organisation.map(str::trim).filter(|o| !o.is_empty()) {
            None => None,
            Some(slug) => {
                let org = self.find_organisation(slug).await?;
                if !user.is_admin && self.store.role(org.id, user.id).await?.is_none() {
                    return Err(AppError::Forbidden(format!("only members of {} post for it", org.slug)));
                }
                Some(org.id)
            }
        };
        let new = NewDecision { kind, body, author_id: user.id, org_id, tools, created_at: stackdex_store::now() };
        Ok(self.store.create_decision(&new).await?)
    }

    /// Catalog tool ids for the slugs (or aliases) given, without repeats; a clear refusal
    /// naming the ones that are not known.
    fn tagged_tools(&self, slugs: &[String]) -> Result<Vec<ToolId>> {
        let mut ids = Vec::new();
        let mut unknown = Vec::new();
        for slug in slugs.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
            match self.resolve_tool(slug) {
                Some(id) if !ids.contains(&id) => ids.push(id),
                Some(_) => {}
                None => unknown.push(slug.chars().take(60).collect::<String>()),
            }
        }
        if !unknown.is_empty() {
            let hints: Vec<String> =
                unknown.iter().flat_map(|u| crate::search::closest_tools(self.catalog, u, 1)).map(|l| l.slug).collect();
            let hint = if hints.is_empty() { String::new() } else { format!("; did you mean {}?", hints.join(", ")) };
            return Err(AppError::invalid("tools", format!("unknown tools: {}{hint}", unknown.join(", "))));
        }
        if ids.is_empty() || ids.len() > MAX_TOOLS {
            return Err(AppError::invalid("tools", format!("a decision is about 1 to {MAX_TOOLS} tools")));
        }
        Ok(ids)
    }

    pub(crate) async fn existing_decision(&self, id: DecisionId) -> Result<Decision> {
        self.store.decision(id).await?.ok_or_else(|| not_found(id))
    }

    /// A decision with its comments.
    pub async fn decision_page(&self, id: DecisionId) -> Result<Shown<DecisionPage>> {
        let decision = self.existing_decision(id).await?;
        let mut tags = Vec::new();
        let decision = self.decision_views(vec![decision], &mut tags).await?.pop().ok_or_else(|| not_found(id))?;
        let comments = self.store.comments(id).await?;
        let author_ids: Vec<UserId> =
            comments.iter().filter_map(|c| c.author_id).collect::<HashSet<_>>().into_iter().collect();
        let authors = self.store.users_by_ids(&author_ids).await?;
        let comments = comments
            .into_iter()
            .map(|c| CommentView {
                id: c.id,
                author: c.author_id.and_then(|a| authors.get(&a)).map(Author::from),
                body_html: render_markdown(&c.body),
                body: c.body,
                created_at: c.created_at,
                edited_at: c.edited_at,
            })
            .collect();
        let organisation = self.store.decision_organisation(id).await?.map(|o| NameLink::new(o.slug, o.name));
        let page = DecisionPage { decision, url: format!("/decisions/{id}"), organisation, comments };
        Ok(Shown::new(page, tags))
    }

    /// Decisions as pages show them: authors, tools and rendered bodies loaded in a few
    /// queries. Their counters are shown: each decision's tag goes to `tags`.
    pub(crate) async fn decision_views(
        &self,
        decisions: Vec<Decision>,
        tags: &mut Vec<Tag>,
    ) -> Result<Vec<DecisionView>> {
        let author_ids: Vec<UserId> =
            decisions.iter().filter_map(|d| d.author_id).collect::<HashSet<_>>().into_iter().collect();
        let authors = self.store.users_by_ids(&author_ids).await?;
        tags.extend(decisions.iter().map(|d| Tag::Decision(d.id)));
        Ok(decisions
            .into_iter()
            .map(|d| DecisionView {
                id: d.id,
                kind: d.kind,
                body_html: render_markdown(&d.body),
                body: d.body,
                author: d.author_id.and_then(|a| authors.get(&a)).map(Author::from),
                created_at: d.created_at,
                edited_at: d.edited_at,
                views: d.views,
                upvotes: d.upvotes,
                comments: d.comments,
                tools: d.tools.iter().filter_map(|t| self.tool_by_id(*t)).map(NameLink::of).collect(),
            })
            .collect())
    }

    /// One page of all decisions, newest first.
    pub async fn decision_list(&self, page: usize) -> Result<Shown<DecisionList>> {
        let total = self.store.count_decisions().await? as usize;
        let pages = total.div_ceil(PER_PAGE).max(1);
        if page == 0 || page > pages {
            return Err(AppError::BadRequest(format!("page must be between 1 and {pages}")));
        }
        let found = self.store.recent_decisions(PER_PAGE as i64, ((page - 1) * PER_PAGE) as i64).await?;
        let mut tags = vec![Tag::Decisions];
        let list = DecisionList { decisions: self.decision_views(found, &mut tags).await?, page, pages };
        Ok(Shown::new(list, tags))
    }

    /// Upvotes a decision (`cast`) or takes the upvote back; once per user.
    pub async fn upvote_decision(&self, user: &User, id: DecisionId, cast: bool) -> Result<()> {
        self.existing_decision(id).await?;
        if cast {
            self.store.upvote_decision(id, user.id).await?;
        } else {
            self.store.retract_decision_upvote(id, user.id).await?;
        }
        Ok(())
    }

    pub async fn has_upvoted(&self, user: &User, id: DecisionId) -> Result<bool> {
        Ok(self.store.has_upvoted(id, user.id).await?)
    }

    /// A decision as its author (or an admin) is about to edit it.
    pub async fn decision_to_edit(&self, user: &User, id: DecisionId) -> Result<Decision> {
        let decision = self.existing_decision(id).await?;
        may_change(user, decision.author_id, "a decision")?;
        Ok(decision)
    }

    /// Replaces a decision's body (its author or an admin); the page then says it was edited.
    pub async fn edit_decision(&self, user: &User, id: DecisionId, body: &str) -> Result<()> {
        self.decision_to_edit(user, id).await?;
        let body = markdown_text(body, "a decision", MAX_BODY)?;
        if self.store.edit_decision(id, &body).await? { Ok(()) } else { Err(not_found(id)) }
    }

    /// Deletes a decision with its comments and upvotes (its author or an admin).
    pub async fn delete_decision(&self, user: &User, id: DecisionId) -> Result<()> {
        self.decision_to_edit(user, id).await?;
        if self.store.delete_decision(id).await? {
            self.store.resolve_reports(ReportKind::Decision, id.get(), Resolution::Removed, user.id).await?;
            Ok(())
        } else {
            Err(not_found(id))
        }
    }

    /// A comment as its author (or an admin) is about to edit it.
    pub async fn comment_to_edit(&self, user: &User, id: CommentId) -> Result<Comment> {
        let comment = self.store.comment(id).await?.ok_or_else(|| AppError::not_found(format!("comment {id}")))?;
        may_change(user, comment.author_id, "a comment")?;
        Ok(comment)
    }

    /// Replaces a comment (its author or an admin); it is then shown as edited.
    pub async fn edit_comment(&self, user: &User, id: CommentId, body: &str) -> Result<DecisionId> {
        let comment = self.comment_to_edit(user, id).await?;
        let body = markdown_text(body, "a comment", MAX_COMMENT)?;
        self.store.edit_comment(id, &body).await?;
        Ok(comment.decision_id)
    }

    /// Deletes a comment (its author or an admin); returns the decision it was on.
    pub async fn delete_comment(&self, user: &User, id: CommentId) -> Result<DecisionId> {
        let comment = self.comment_to_edit(user, id).await?;
        self.store.delete_comment(id).await?;
        self.store.resolve_reports(ReportKind::Comment, id.get(), Resolution::Removed, user.id).await?;
        Ok(comment.decision_id)
    }

    /// Adds a comment (markdown, 1 to [`MAX_COMMENT`] characters); returns its id.
    pub async fn comment_on_decision(&self, user: &User, id: DecisionId, body: &str) -> Result<CommentId> {
        let body = markdown_text(body, "a comment", MAX_COMMENT)?;
        self.existing_decision(id).await?;
        Ok(self.store.add_comment(id, user.id, &body).await?)
    }

    /// Counts a page view of decision `id` (see the module documentation for the rule). Costs
    /// page serving no database work: the view waits in memory for [`App::flush_decision_views`].
    pub fn count_decision_view(&self, id: DecisionId, user: Option<&User>, address: &str, user_agent: &str) {
        let Some(visitor) = visitor_key(user, address, user_agent) else { return };
        let hour = stackdex_store::now().div_euclid(3600);
        let mut pending = self.decision_views.0.lock();
        if pending.len() < MAX_PENDING_VIEWS {
            pending.insert(NewView { decision: id, visitor, hour });
        }
    }

    /// Writes the views counted since the last flush; returns how many counted (a visitor's
    /// second view in an hour does not).
    pub async fn flush_decision_views(&self) -> Result<u64> {
        let pending: Vec<NewView> = std::mem::take(&mut *self.decision_views.0.lock()).into_iter().collect();
        if pending.is_empty() {
            return Ok(0);
        }
        let hour = stackdex_store::now().div_euclid(3600);
        match self.store.record_decision_views(&pending, hour - 1).await {
            Ok(n) => Ok(n),
            Err(e) => {
                // Keep them for the next flush rather than lose them.
                let mut again = self.decision_views.0.lock();
                let room = MAX_PENDING_VIEWS.saturating_sub(again.len());
                again.extend(pending.into_iter().take(room));
                Err(e.into())
            }
        }
    }
}

/// Who a view is counted for: `u:{id}` for a signed-in user, otherwise a digest of the client
/// address and User-Agent; none for automated clients.
pub fn visitor_key(user: Option<&User>, address: &str, user_agent: &str) -> Option<String> {
    if is_bot(user_agent) {
        return None;
    }
    if let Some(user) = user {
        return Some(format!("u:{}", user.id));
    }
    let digest = Sha256::digest(format!("{address}\n{user_agent}").as_bytes());
    Some(format!("a:{}", hex::encode(&digest[..16])))
}

/// Parts of a `User-Agent` that mark an automated client: crawlers and bots, link previewers,
/// uptime monitors, HTTP libraries and command-line tools, headless browsers.
const BOT_MARKERS: &[&str] = &[
    "bot",
    "crawl",
    "spider",
    "slurp",
    "archiver",
    "scraper",
    "scrapy",
    "facebookexternalhit",
    "embedly",
    "preview",
    "whatsapp",
    "skypeuripreview",
    "monitor",
    "pingdom",
    "uptime",
    "lighthouse",
    "pagespeed",
    "gtmetrix",
    "headless",
    "phantomjs",
    "puppeteer",
    "playwright",
    "selenium",
    "webdriver",
    "curl",
    "wget",
    "httpie",
    "python-requests",
    "python-urllib",
    "python-httpx",
    "aiohttp",
    "go-http-client",
    "okhttp",
    "java/",
    "apache-httpclient",
    "libwww-perl",
    "lwp::",
    "node-fetch",
    "undici",
    "axios",
    "got (",
    "ruby",
    "faraday",
    "guzzlehttp",
    "postmanruntime",
    "insomnia",
    "reqwest",
    "feedfetcher",
    "mediapartners",
];

/// True for a `User-Agent` that names an automated client, or none at all.
pub fn is_bot(user_agent: &str) -> bool {
    let ua = user_agent.trim().to_ascii_lowercase();
    ua.is_empty() || BOT_MARKERS.iter().any(|m| ua.contains(m))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bots_are_recognised() {
        for ua in [
            "",
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            "Mozilla/5.0 (compatible; bingbot/2.0)",
            "curl/8.5.0",
            "Wget/1.21",
            "python-requests/2.31",
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0 Safari/537.36",
            "facebookexternalhit/1.1",
            "Slackbot-LinkExpanding 1.0",
            "Go-http-client/2.0",
            "Baiduspider",
        ] {
            assert!(is_bot(ua), "{ua}");
        }
        for ua in [
            "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
        ] {
            assert!(!is_bot(ua), "{ua}");
        }
    }

    #[test]
    fn visitors_are_users_or_anonymous_digests() {
        let firefox = "Mozilla/5.0 Firefox/128.0";
        let a = visitor_key(None, "10.0.0.1", firefox).unwrap();
        assert_eq!(a, visitor_key(None, "10.0.0.1", firefox).unwrap());
        assert_ne!(a, visitor_key(None, "10.0.0.2", firefox).unwrap());
        assert!(!a.contains("10.0.0.1"), "no address in clear");
        assert_eq!(visitor_key(None, "10.0.0.1", "curl/8"), None);
        let user = User {
            id: UserId(7),
            username: "ann".into(),
            display_name: "Ann".into(),
            title: String::new(),
            is_admin: false,
        };
        assert_eq!(visitor_key(Some(&user), "10.0.0.1", firefox).as_deref(), Some("u:7"));
        assert_eq!(visitor_key(Some(&user), "10.0.0.2", "Mozilla/5.0 Safari/605").as_deref(), Some("u:7"));
        assert_eq!(visitor_key(Some(&user), "10.0.0.1", "curl/8"), None, "bots never count");
    }

    #[test]
    fn markdown_text_limits() {
        assert!(markdown_text("  ", "a comment", 10).is_err());
        assert!(markdown_text(&"x".repeat(11), "a comment", 10).is_err());
        assert_eq!(markdown_text(" a\r\nb ", "a comment", 10).unwrap(), "a\nb");
        assert!(markdown_text("a\u{0}b", "a comment", 10).is_err());
        assert!(markdown_text(&"é".repeat(10), "a comment", 10).is_ok(), "characters, not bytes");
    }
}
