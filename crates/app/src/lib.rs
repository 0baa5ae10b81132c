//! stackdex use cases, shared by the HTML pages and the JSON API: pages as data, statistics
//! (stacks, followers, votes, co-usage), stackups, the demo community and the importers.

pub mod accounts;
pub mod cache;
mod changes;
pub mod decisions;
pub mod demo;
pub mod feed;
pub mod format;
pub mod github;
pub mod orgs;
mod pages;
mod search;
pub mod sessions;
pub mod stackup;
pub mod views;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;
use stackdex_catalog::{Catalog, Tool};
use stackdex_store::{Store, StoreError, ToolId};

pub use cache::PageCache;
pub use stackdex_store::{ReasonKind, User};

/// What can go wrong in a use case; the web edge turns each into a response.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{what} not found")]
    NotFound { what: String, suggestions: Vec<views::NameLink> },
    /// The resource lives at another (canonical) URL.
    #[error("moved to {0}")]
    Moved(String),
    #[error("{0}")]
    BadRequest(String),
    /// Missing or wrong credentials.
    #[error("{0}")]
    Unauthorized(String),
    /// Authenticated, but not allowed to do this.
    #[error("{0}")]
    Forbidden(String),
    /// The request clashes with what exists (a taken name, a near-duplicate reason).
    #[error("{0}")]
    Conflict(String),
    /// Too many requests of one kind; try again after `retry_after` seconds.
    #[error("{message}")]
    RateLimited { message: String, retry_after: u64 },
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub type Result<T, E = AppError> = std::result::Result<T, E>;

/// The application: the store, the compiled-in catalog, and what is cached in front of them.
pub struct App {
    pub store: Store,
    pub catalog: &'static Catalog,
    ids: HashMap<String, ToolId>,
    tools_by_id: HashMap<ToolId, usize>,
    pub cache: PageCache,
    /// Where this server is in the change log (see [`changes`]).
    changes: tokio::sync::Mutex<changes::ChangeCursor>,
    /// Stackup views counted in memory and written out every few seconds, so a page view
    /// costs no write.
    pending_views: Mutex<HashMap<String, i64>>,
    /// Decision views likewise (see [`decisions`] for how they count).
    decision_views: decisions::PendingViews,
    rate_limits: parking_lot::RwLock<sessions::RateLimits>,
    /// Whether a reverse proxy in front sets `X-Forwarded-For` (see [`App::trust_proxy`]).
    behind_proxy: std::sync::atomic::AtomicBool,
}

impl App {
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
            cache: PageCache::default(),
            changes: tokio::sync::Mutex::new(cursor),
            pending_views: Mutex::new(HashMap::new()),
            decision_views: decisions::PendingViews::default(),
            rate_limits: parking_lot::RwLock::new(sessions::RateLimits::default()),
            behind_proxy: std::sync::atomic::AtomicBool::new(false),
        }))
    }

    /// Polls the change log (exact cache invalidation, also for writes on other servers) and
    /// flushes counted views. Runs until the process ends.
    pub fn spawn_background(self: &Arc<Self>) {
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
                    tracing::warn!(error = %e, "writing stackup views failed");
                }
            }
        });
    }

    /// Applies changes recorded since the last poll to the page cache (also writes made on
    /// other servers, and writes that committed after later ones).
    pub async fn poll_changes(&self) -> Result<()> {
        let mut cursor = self.changes.lock().await;
        let tags = cursor.poll(&self.store).await?;
        self.cache.invalidate(&tags);
        Ok(())
    }

    pub async fn flush_views(&self) -> Result<()> {
        let pending = std::mem::take(&mut *self.pending_views.lock());
        for (slug, n) in pending {
            self.store.add_stackup_views(&slug, n).await?;
        }
        self.flush_decision_views().await?;
        Ok(())
    }

    pub fn count_stackup_view(&self, slug: &str) {
        *self.pending_views.lock().entry(slug.to_owned()).or_default() += 1;
    }

    pub fn tool_id(&self, slug: &str) -> Option<ToolId> {
        self.ids.get(slug).copied()
    }

    pub fn tool_by_id(&self, id: ToolId) -> Option<&'static Tool> {
        self.tools_by_id.get(&id).map(|&i| &self.catalog.tools()[i])
    }

    /// A tool by slug or alias, or a 404 that suggests the closest names.
    pub fn find_tool(&self, slug: &str) -> Result<&'static Tool> {
        self.catalog.tool(slug).ok_or_else(|| AppError::NotFound {
            what: format!("tool {slug:?}"),
            suggestions: search::closest_tools(self.catalog, slug, 5),
        })
    }
}
