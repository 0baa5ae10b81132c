//! stackdex use cases, shared by the HTML pages, the JSON API and the command line: each page
//! as data (with the cache tags of what it shows), each write with its rules, the statistics
//! (stacks, followers, votes, co-usage), the demo community and the importers.
//!
//! One module per resource, named as in the web and store crates: `tools`, `reasons`,
//! `categories`, `search`, `stackups`, `stacks`, `decisions`, `follows` (with the feed),
//! `organisations`, `accounts` (users, sessions, tokens), `home`, `figures` (trends, trending,
//! the daily figures); `personal` tells which of a
//! page's toggles the signed-in visitor has pressed. The store, the catalog and
//! the page cache are private to this crate: callers go through [`App`]'s use cases.

pub mod accounts;
mod cache;
pub mod categories;
mod changes;
pub mod decisions;
pub mod demo;
pub mod figures;
pub mod fleet;
pub mod follows;
pub mod format;
pub mod github;
pub mod home;
pub mod organisations;
pub mod personal;
pub mod radar;
pub mod rate_limits;
pub mod reasons;
pub mod reports;
pub mod search;
pub mod site;
pub mod stacks;
pub mod stackups;
pub mod tools;
pub mod versions;
pub mod views;

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use parking_lot::{Mutex, RwLock};
use stackdex_catalog::{Catalog, Tool};
use stackdex_store::{Store, StoreError};

pub use cache::{CacheKey, DEFAULT_CACHE_BYTES, Format, Rendered, Shown, entity_tag};
pub use stackdex_store::{
    CommentId, DecisionId, DecisionKind, EventId, OrganisationId, ReasonId, ReasonKind, ReportId, ReportKind, Role,
    SnapshotId, StackId, StackKind, Tag, TargetKind, TokenId, ToolId, User, UserId,
};

/// What can go wrong in a use case; the web edge turns each into a response.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{what} not found")]
    NotFound { what: String, suggestions: Vec<views::Suggestion> },
    /// The resource lives at another (canonical) URL.
    #[error("moved to {0}")]
    Moved(String),
    #[error("{0}")]
    BadRequest(String),
    /// A value the client gave that is not acceptable, with the name of the field it came in
    /// (so a form can say so beside it).
    #[error("{message}")]
    Invalid { field: &'static str, message: String },
    /// Missing or wrong credentials.
    #[error("{0}")]
    Unauthorized(String),
    /// Authenticated, but not allowed to do this.
    #[error("{0}")]
    Forbidden(String),
    /// The request clashes with what exists (a taken name, a near-duplicate reason).
    #[error("{0}")]
    Conflict(String),
    /// A request body over the limit.
    #[error("{0}")]
    TooLarge(String),
    /// Too many requests of one kind; try again after `retry_after` seconds.
    #[error("{message}")]
    RateLimited { message: String, retry_after: u64 },
    /// Our fault, not the client's (a page that fails to render, a task that panicked): logged
    /// with its cause, answered without it.
    #[error("internal error: {0}")]
    Internal(String),
    /// The database failed; as internal.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl AppError {
    /// A value of `field` that is not acceptable.
    pub fn invalid(field: &'static str, message: impl Into<String>) -> AppError {
        AppError::Invalid { field, message: message.into() }
    }

    /// A 404 without suggestions.
    pub fn not_found(what: impl Into<String>) -> AppError {
        AppError::NotFound { what: what.into(), suggestions: Vec::new() }
    }
}

pub type Result<T, E = AppError> = std::result::Result<T, E>;

/// The application: the store, the compiled-in catalog, and what is cached in front of them.
pub struct App {
    store: Store,
    catalog: &'static Catalog,
    ids: HashMap<String, ToolId>,
    tools_by_id: HashMap<ToolId, usize>,
    cache: cache::PageCache,
    /// Signed-in visitors' sessions and pressed toggles (see [`personal`]).
    visitors: personal::Visitors,
    /// Where this server is in the change log (see [`changes`]).
    changes: tokio::sync::Mutex<changes::ChangeCursor>,
    /// Stackup views counted in memory and written out every few seconds, so a page view
    /// costs no write.
    stackup_views: Mutex<HashMap<String, i64>>,
    /// Decision views likewise (see [`decisions`] for how they count).
    decision_views: decisions::PendingViews,
    rate_limits: RwLock<rate_limits::RateLimits>,
    /// Whether a reverse proxy in front sets `X-Forwarded-For` (see [`App::trust_proxy`]).
    behind_proxy: AtomicBool,
    /// How the instance presents itself (see [`site`]).
    site: RwLock<site::SiteSettings>,
}

impl App {
    /// Connects to the database at `url` (created and migrated when needed) and opens the
    /// application on it.
    pub async fn connect(url: &str) -> Result<Arc<App>> {
        let store = Store::connect(url).await?;
        store.migrate().await?;
        App::open(store).await
    }

    /// Opens the application on a migrated store: makes sure every catalog tool has its rows.
    pub async fn open(store: Store) -> Result<Arc<App>> {
        let catalog = Catalog::builtin();
        let pairs: Vec<(&str, &str)> = catalog.tools().iter().map(|t| (t.slug.as_str(), t.name.as_str())).collect();
        let ids = store.sync_tools(&pairs).await?;
        let tools_by_id =
            catalog.tools().iter().enumerate().filter_map(|(i, t)| Some((*ids.get(&t.slug)?, i))).collect();
        let cursor = changes::ChangeCursor::at_end(&store).await?;
        Ok(Arc::new(App {
            store,
            catalog,
            ids,
            tools_by_id,
            cache: cache::PageCache::default(),
            visitors: personal::Visitors::default(),
            changes: tokio::sync::Mutex::new(cursor),
            stackup_views: Mutex::new(HashMap::new()),
            decision_views: decisions::PendingViews::default(),
            rate_limits: RwLock::new(rate_limits::RateLimits::default()),
            behind_proxy: AtomicBool::new(false),
            site: RwLock::new(site::SiteSettings::default()),
        }))
    }

    /// The schema version of the database (for `stackdex migrate`).
    pub async fn schema_version(&self) -> Result<i64> {
        Ok(self.store.schema_version().await?)
    }

    /// Polls the change log (exact cache invalidation, also for writes on other servers),
    /// flushes counted views, and keeps the daily figures ([`figures`]). Runs until the
    /// process ends.
    pub fn spawn_background(self: &Arc<Self>) {
        self.spawn_daily_figures();
        let app = Arc::clone(self);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_millis(200));
            let mut n: u64 = 0;
            loop {
                tick.tick().await;
                if let Err(e) = app.poll_changes().await {
                    tracing::warn!(error = %e, "polling the change log failed");
                }
                n += 1;
                if n.is_multiple_of(25)
                    && let Err(e) = app.flush_views().await
                {
                    tracing::warn!(error = %e, "writing views failed");
                }
            }
        });
    }

    /// Applies changes recorded since the last poll to the page cache (also writes made on
    /// other servers, and writes that committed after later ones).
    pub async fn poll_changes(&self) -> Result<()> {
        let mut cursor = self.changes.lock().await;
        let tags = cursor.poll(&self.store).await?;
        self.visitors.invalidate(&tags);
        // No page is built from a user's tag: a change that touched only users moves no page.
        if tags.iter().any(|t| !matches!(t, Tag::User(_))) {
            self.cache.invalidate(&tags);
        }
        Ok(())
    }

    /// Writes the stackup and decision views counted since the last flush.
    pub async fn flush_views(&self) -> Result<()> {
        let pending = std::mem::take(&mut *self.stackup_views.lock());
        for (slug, n) in pending {
            self.store.add_stackup_views(&slug, n).await?;
        }
        self.flush_decision_views().await?;
        Ok(())
    }

    pub(crate) fn tool_id(&self, slug: &str) -> Option<ToolId> {
        self.ids.get(slug).copied()
    }

    pub(crate) fn tool_by_id(&self, id: ToolId) -> Option<&'static Tool> {
        self.tools_by_id.get(&id).map(|&i| &self.catalog.tools()[i])
    }

    /// A tool by slug or alias, or a 404 that suggests the closest names.
    pub(crate) fn find_tool(&self, slug: &str) -> Result<&'static Tool> {
        self.catalog.tool(slug).ok_or_else(|| AppError::NotFound {
            what: format!("tool {slug:?}"),
            suggestions: search::closest_tools(self.catalog, slug, 5)
                .into_iter()
                .map(views::Suggestion::tool)
                .collect(),
        })
    }

    /// A catalog tool and its row id, by slug or alias.
    pub(crate) fn known_tool(&self, slug: &str) -> Result<(&'static Tool, ToolId)> {
        let tool = self.find_tool(slug)?;
        let id = self.tool_id(&tool.slug).ok_or_else(|| AppError::not_found(format!("tool {slug:?}")))?;
        Ok((tool, id))
    }
}
