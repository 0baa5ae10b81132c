//! Rendered pages kept in memory with exact invalidation. A use case returns its view with the
//! [`Tag`]s of what it shows ([`Shown`]); the page is cached under those tags, and a write's
//! change-log entry names the tags it touched, so every page sharing one is dropped. Writes on
//! any server reach every server through the change log, polled a few times a second.
//!
//! A page that is not cached is built once however many requests ask for it at the same time:
//! the first builds it, the others wait for its bytes (see [`App::cached`]), so a write to a
//! popular tool does not make every visitor of its pages rebuild them at once.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use parking_lot::{Mutex, RwLock};
use sha2::{Digest, Sha256};
use stackdex_store::Tag;
use tokio::sync::watch;

use crate::{App, AppError, Result};

/// A view and the tags of everything it shows that a write could change: the tools whose
/// figures, pros and cons or stacks it shows, the decisions whose counts it shows, and so on.
#[derive(Debug, Clone)]
pub struct Shown<T> {
    pub view: T,
    pub tags: Vec<Tag>,
}

impl<T> Shown<T> {
    pub fn new(view: T, mut tags: Vec<Tag>) -> Shown<T> {
        tags.sort_unstable();
        tags.dedup();
        Shown { view, tags }
    }
}

/// What a cached body is: a page or its JSON twin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Html,
    Json,
}

/// Where a rendered body is kept: its format and its URL's path and query. One function per
/// route builds it (see the web crate's routes), so the page and its twin never share a key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CacheKey(String);

impl CacheKey {
    pub fn new(format: Format, path: impl fmt::Display) -> CacheKey {
        let prefix = match format {
            Format::Html => "html",
            Format::Json => "json",
        };
        CacheKey(format!("{prefix}:{path}"))
    }
}

/// A rendered body and its entity tag, computed once when the body is rendered so that a
/// conditional request to a cached page costs a comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub body: Bytes,
    /// A weak validator (`W/"…"`): the same bytes may be sent compressed in several ways.
    pub etag: Bytes,
}

impl Rendered {
    pub fn new(body: Bytes) -> Rendered {
        let etag = entity_tag(&body);
        Rendered { body, etag }
    }
}

/// The weak entity tag of a body: the first 128 bits of its SHA-256.
pub fn entity_tag(body: &[u8]) -> Bytes {
    Bytes::from(format!("W/\"{}\"", hex::encode(&Sha256::digest(body)[..16])))
}

struct Entry {
    page: Rendered,
    tags: Arc<[Tag]>,
    expires: Option<Instant>,
    /// What it costs in memory, near enough: its bytes, key, tag and tags.
    size: usize,
    /// When it was last served, on the cache's clock (the least recently used go first).
    used: AtomicU64,
}

/// Rendered bodies by key, within a budget of bytes.
pub(crate) struct PageCache {
    entries: RwLock<HashMap<CacheKey, Entry>>,
    /// The sum of the entries' sizes (changed under the entries' write lock).
    bytes: AtomicUsize,
    /// The most bytes kept; past it, the least recently used entries are dropped.
    budget: AtomicUsize,
    /// Ticks on every hit, to tell which entries were used last.
    clock: AtomicU64,
    /// Moves on every invalidation (under the entries' lock).
    generation: AtomicU64,
    /// Pages being built now, by key: the generation the build started at, and where its
    /// bytes will be sent (`None` until they are; the channel closes if the build fails).
    building: Mutex<HashMap<CacheKey, Flight>>,
}

type Flight = (u64, watch::Receiver<Option<Rendered>>);

/// What a request that missed the cache does: build the page, or wait for the build under way.
enum Role {
    Build(watch::Sender<Option<Rendered>>, watch::Receiver<Option<Rendered>>),
    Wait(watch::Receiver<Option<Rendered>>),
}

/// Takes a finished (or abandoned: its request went away) build out of the table.
struct FlightGuard<'a> {
    cache: &'a PageCache,
    key: &'a CacheKey,
    rx: watch::Receiver<Option<Rendered>>,
}

impl Drop for FlightGuard<'_> {
    fn drop(&mut self) {
        let mut building = self.cache.building.lock();
        if building.get(self.key).is_some_and(|(_, rx)| rx.same_channel(&self.rx)) {
            building.remove(self.key);
        }
    }
}

/// Entries kept at most, however small: hostile URLs (endless 404 variants, page numbers)
/// must not grow the map forever.
const MAX_ENTRIES: usize = 20_000;

/// The page cache's budget unless configured (`stackdex serve --page-cache-bytes`).
pub const DEFAULT_CACHE_BYTES: usize = 96 * 1024 * 1024;

/// What an entry costs beside its body, key and tags (the map's slot, the entry's fields).
const ENTRY_OVERHEAD: usize = 128;

impl Default for PageCache {
    fn default() -> Self {
        PageCache::with_budget(DEFAULT_CACHE_BYTES)
    }
}

impl PageCache {
    pub(crate) fn with_budget(budget: usize) -> PageCache {
        PageCache {
            entries: RwLock::default(),
            bytes: AtomicUsize::new(0),
            budget: AtomicUsize::new(budget),
            clock: AtomicU64::new(0),
            generation: AtomicU64::new(0),
            building: Mutex::default(),
        }
    }

    /// Sets the budget; entries past it go at the next insertion.
    pub(crate) fn set_budget(&self, budget: usize) {
        self.budget.store(budget, Ordering::Relaxed);
    }

    /// The bytes the entries take now.
    pub(crate) fn bytes(&self) -> usize {
        self.bytes.load(Ordering::Relaxed)
    }

    pub(crate) fn get(&self, key: &CacheKey) -> Option<Rendered> {
        let entries = self.entries.read();
        let entry = entries.get(key)?;
        if entry.expires.is_some_and(|e| e <= Instant::now()) {
            return None;
        }
        entry.used.store(self.clock.fetch_add(1, Ordering::Relaxed), Ordering::Relaxed);
        Some(entry.page.clone())
    }

    /// Where invalidation is now: take it before reading what a page is built from, and hand
    /// it to [`PageCache::put_if_current`].
    pub(crate) fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Caches a page unless an invalidation ran since `built_at` (a generation): the page may
    /// then hold data older than a write whose invalidation has already been applied, and
    /// caching it would keep it stale until the next write. Returns whether it was cached.
    pub(crate) fn put_if_current(
        &self,
        key: CacheKey,
        page: Rendered,
        tags: &[Tag],
        ttl: Option<Duration>,
        built_at: u64,
    ) -> bool {
        let size = page.body.len() + page.etag.len() + key.0.len() + std::mem::size_of_val(tags) + ENTRY_OVERHEAD;
        let budget = self.budget.load(Ordering::Relaxed);
        if size > budget {
            return false;
        }
        let used = AtomicU64::new(self.clock.fetch_add(1, Ordering::Relaxed));
        let entry = Entry { page, tags: tags.into(), expires: ttl.map(|t| Instant::now() + t), size, used };
        let mut entries = self.entries.write();
        if built_at != self.generation.load(Ordering::Acquire) {
            return false;
        }
        if let Some(old) = entries.insert(key, entry) {
            self.bytes.fetch_sub(old.size, Ordering::Relaxed);
        }
        let bytes = self.bytes.fetch_add(size, Ordering::Relaxed) + size;
        if bytes > budget || entries.len() > MAX_ENTRIES {
            self.evict(&mut entries, budget);
        }
        true
    }

    /// Drops the least recently used entries until they take at most nine tenths of the
    /// budget and count at most nine tenths of [`MAX_ENTRIES`] (a tenth of room, so that
    /// eviction runs once in many insertions).
    fn evict(&self, entries: &mut HashMap<CacheKey, Entry>, budget: usize) {
        let mut by_use: Vec<(u64, CacheKey)> =
            entries.iter().map(|(k, e)| (e.used.load(Ordering::Relaxed), k.clone())).collect();
        by_use.sort_unstable_by_key(|(used, _)| *used);
        let (bytes_goal, count_goal) = (budget / 10 * 9, MAX_ENTRIES / 10 * 9);
        let mut bytes = self.bytes.load(Ordering::Relaxed);
        for (_, key) in by_use {
            if bytes <= bytes_goal && entries.len() <= count_goal {
                break;
            }
            if let Some(gone) = entries.remove(&key) {
                bytes -= gone.size;
            }
        }
        self.bytes.store(bytes, Ordering::Relaxed);
    }

    /// Drops every entry built from any of `tags`; [`Tag::Everything`] drops all.
    pub(crate) fn invalidate(&self, tags: &[Tag]) {
        if tags.is_empty() {
            return;
        }
        let mut entries = self.entries.write();
        self.generation.fetch_add(1, Ordering::AcqRel);
        if tags.contains(&Tag::Everything) {
            entries.clear();
            self.bytes.store(0, Ordering::Relaxed);
            return;
        }
        let touched: HashSet<&Tag> = tags.iter().collect();
        let mut freed = 0;
        entries.retain(|_, e| {
            let keep = !e.tags.iter().any(|t| touched.contains(t));
            if !keep {
                freed += e.size;
            }
            keep
        });
        self.bytes.fetch_sub(freed, Ordering::Relaxed);
    }

    /// Joins the build of `key` started at `generation`, or starts one. A build started before
    /// the latest invalidation is never joined: it may show data older than a write the
    /// request already saw done.
    fn role(&self, key: &CacheKey, generation: u64) -> Role {
        let mut building = self.building.lock();
        if let Some((at, rx)) = building.get(key)
            && *at == generation
        {
            return Role::Wait(rx.clone());
        }
        let (tx, rx) = watch::channel(None);
        building.insert(key.clone(), (generation, rx.clone()));
        Role::Build(tx, rx)
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.entries.read().len()
    }
}

impl App {
    /// Serves `key` from the page cache, or builds the view, renders it, and caches the bytes
    /// under the view's tags (for `ttl` at most, when given).
    pub async fn cached<T>(
        &self,
        key: CacheKey,
        ttl: Option<Duration>,
        build: impl Future<Output = Result<Shown<T>>>,
        render: impl FnOnce(&T) -> std::result::Result<String, String>,
    ) -> Result<Rendered> {
        if let Some(page) = self.cache.get(&key) {
            return Ok(page);
        }
        let generation = self.cache.generation();
        let tx = match self.cache.role(&key, generation) {
            Role::Wait(mut rx) => {
                // The bytes of the build under way; if it failed, this request builds the page
                // itself (and meets the same error, a 404 say, as its own).
                if let Ok(page) = rx.wait_for(Option::is_some).await {
                    return Ok(page.clone().expect("waited for Some"));
                }
                None
            }
            Role::Build(tx, rx) => Some((tx, FlightGuard { cache: &self.cache, key: &key, rx })),
        };
        let shown = build.await?;
        let body = render(&shown.view).map_err(|e| AppError::Internal(format!("rendering {key:?}: {e}")))?;
        let page = Rendered::new(Bytes::from(body));
        self.cache.put_if_current(key.clone(), page.clone(), &shown.tags, ttl, generation);
        if let Some((tx, guard)) = tx {
            // Those waiting asked at the generation this page was built from.
            let _ = tx.send(Some(page.clone()));
            drop(guard);
        }
        Ok(page)
    }

    /// Sets the most bytes the page cache keeps (`stackdex serve --page-cache-bytes`).
    pub fn set_page_cache_bytes(&self, bytes: usize) {
        self.cache.set_budget(bytes);
    }

    /// The bytes the page cache takes now.
    pub fn page_cache_bytes(&self) -> usize {
        self.cache.bytes()
    }

    /// Whether a page is in the cache now (for tests of freshness).
    pub fn is_cached(&self, key: &CacheKey) -> bool {
        self.cache.get(key).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ReasonKind;
    use stackdex_store::{ToolId, testing::fresh_stores};

    fn key(path: &str) -> CacheKey {
        CacheKey::new(Format::Html, path)
    }

    #[test]
    fn invalidation_is_by_tag() {
        let cache = PageCache::default();
        let g = cache.generation();
        cache.put_if_current(key("a"), Rendered::new(Bytes::from("A")), &[Tag::Tool(ToolId(1))], None, g);
        cache.put_if_current(key("b"), Rendered::new(Bytes::from("B")), &[Tag::Tool(ToolId(2))], None, g);
        cache.invalidate(&[Tag::Tool(ToolId(1))]);
        assert!(cache.get(&key("a")).is_none());
        assert_eq!(cache.get(&key("b")).map(|p| p.body), Some(Bytes::from("B")));
        cache.invalidate(&[Tag::Everything]);
        assert_eq!(cache.len(), 0);
    }

    #[test]
    fn a_page_built_across_an_invalidation_is_not_cached() {
        let cache = PageCache::default();
        let before = cache.generation();
        cache.invalidate(&[Tag::Tool(ToolId(1))]);
        assert!(!cache.put_if_current(key("a"), Rendered::new(Bytes::from("old")), &[], None, before));
        assert!(cache.get(&key("a")).is_none());
        let now = cache.generation();
        assert!(cache.put_if_current(key("a"), Rendered::new(Bytes::from("new")), &[], None, now));
        assert_eq!(cache.get(&key("a")).map(|p| p.body), Some(Bytes::from("new")));
    }

    #[test]
    fn past_its_budget_the_cache_drops_the_least_recently_used_pages() {
        let page = |c: char| Rendered::new(Bytes::from(c.to_string().repeat(3_000)));
        let cache = PageCache::with_budget(10_000);
        for c in ['a', 'b', 'c'] {
            assert!(cache.put_if_current(key(&c.to_string()), page(c), &[], None, cache.generation()));
        }
        assert!(cache.bytes() > 9_000 && cache.bytes() <= 10_000, "{}", cache.bytes());
        // "a" is read, so "b" is now the least recently used.
        assert!(cache.get(&key("a")).is_some());
        assert!(cache.put_if_current(key("d"), page('d'), &[], None, cache.generation()));
        assert!(cache.bytes() <= 9_000, "down to nine tenths of the budget: {}", cache.bytes());
        assert!(cache.get(&key("b")).is_none(), "the least recently used went");
        assert!(cache.get(&key("a")).is_some() && cache.get(&key("d")).is_some());
        // A page larger than the whole budget is served but not kept.
        let huge = Rendered::new(Bytes::from(vec![b'x'; 20_000]));
        assert!(!cache.put_if_current(key("huge"), huge, &[], None, cache.generation()));
        // Invalidation gives the bytes back; replacing a page counts it once.
        let before = cache.bytes();
        assert!(cache.put_if_current(key("a"), page('a'), &[], None, cache.generation()));
        assert!(cache.bytes() <= before.max(9_000) + 3_200, "{}", cache.bytes());
        cache.invalidate(&[Tag::Everything]);
        assert_eq!(cache.bytes(), 0);
        cache.put_if_current(key("t"), page('t'), &[Tag::Tool(ToolId(1))], None, cache.generation());
        cache.invalidate(&[Tag::Tool(ToolId(1))]);
        assert_eq!((cache.bytes(), cache.len()), (0, 0));
    }

    #[test]
    fn entries_expire() {
        let cache = PageCache::default();
        let g = cache.generation();
        cache.put_if_current(key("t"), Rendered::new(Bytes::from("x")), &[], Some(Duration::from_millis(0)), g);
        assert!(cache.get(&key("t")).is_none());
    }

    /// A view that names its tool under a field no code looks for: the tags it was returned
    /// with, not the field's name, decide what invalidates it.
    #[derive(serde::Serialize)]
    struct Podium {
        winner: String,
        votes: i64,
    }

    #[tokio::test]
    async fn a_view_showing_a_tool_under_any_field_is_invalidated_by_a_vote_on_that_tool() {
        for db in fresh_stores().await {
            let app = App::open(db.store.clone()).await.unwrap();
            let (_, rust) = app.known_tool("rust").unwrap();
            let user = app.sign_up("voter", "a long password").await.unwrap();
            let reason = app.add_reason(&user, "rust", ReasonKind::Pro, "Fearless concurrency").await.unwrap();
            let podium = |votes: i64| async move {
                Ok(Shown::new(Podium { winner: "rust".into(), votes }, vec![Tag::Tool(rust)]))
            };
            let render = |p: &Podium| serde_json::to_string(p).map_err(|e| e.to_string());
            let key = CacheKey::new(Format::Json, "/podium");
            let first = app.cached(key.clone(), None, podium(0), render).await.unwrap();
            assert!(app.is_cached(&key));
            // Served from the cache while nothing changes: the new build is not used.
            assert_eq!(app.cached(key.clone(), None, podium(99), render).await.unwrap(), first);
            app.vote(&user, reason).await.unwrap();
            app.poll_changes().await.unwrap();
            assert!(!app.is_cached(&key), "{:?}: a vote on Rust drops the page showing Rust", db.backend);
            let again = app.cached(key.clone(), None, podium(1), render).await.unwrap();
            assert_eq!(again.body, Bytes::from(r#"{"winner":"rust","votes":1}"#));
            assert_ne!(again.etag, first.etag, "a new body, a new entity tag");
        }
    }

    /// Sixteen requests for a page nobody has built yet: built once, every request answered with
    /// its bytes; a request after an invalidation does not join a build from before it; a failed
    /// build leaves those waiting to build (and fail or succeed) themselves.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_misses_build_a_page_once() {
        use std::sync::atomic::AtomicUsize;
        let db = fresh_stores().await.into_iter().next().unwrap();
        let app = Arc::new(App::open(db.store.clone()).await.unwrap());
        let (_, rust) = app.known_tool("rust").unwrap();
        let builds = Arc::new(AtomicUsize::new(0));
        let key = CacheKey::new(Format::Json, "/slow");
        let slow = move |builds: Arc<AtomicUsize>, votes: i64, fail: bool| async move {
            builds.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(200)).await;
            if fail {
                return Err(AppError::not_found("podium"));
            }
            Ok(Shown::new(Podium { winner: "rust".into(), votes }, vec![Tag::Tool(rust)]))
        };
        let render = |p: &Podium| serde_json::to_string(p).map_err(|e| e.to_string());

        let asks: Vec<_> = (0..16)
            .map(|i| {
                let (app, builds, key) = (app.clone(), builds.clone(), key.clone());
                tokio::spawn(async move { app.cached(key, None, slow(builds, i, false), render).await.unwrap() })
            })
            .collect();
        let mut pages = Vec::new();
        for ask in asks {
            pages.push(ask.await.unwrap());
        }
        assert_eq!(builds.load(Ordering::SeqCst), 1, "one build for sixteen requests");
        assert!(pages.iter().all(|p| *p == pages[0]), "every request got the one build's bytes");
        assert!(app.cache.building.lock().is_empty(), "finished builds leave the table");

        // A build under way, then an invalidation: the next request builds anew.
        app.cache.invalidate(&[Tag::Everything]);
        builds.store(0, Ordering::SeqCst);
        let early = {
            let (app, builds, key) = (app.clone(), builds.clone(), key.clone());
            tokio::spawn(async move { app.cached(key, None, slow(builds, 1, false), render).await.unwrap() })
        };
        tokio::time::sleep(Duration::from_millis(50)).await;
        app.cache.invalidate(&[Tag::Tool(rust)]);
        let late = app.cached(key.clone(), None, slow(builds.clone(), 2, false), render).await.unwrap();
        early.await.unwrap();
        assert_eq!(builds.load(Ordering::SeqCst), 2, "the request after the invalidation built its own page");
        assert_eq!(late.body, Bytes::from(r#"{"winner":"rust","votes":2}"#));

        // The first build fails: the others build themselves, and each gets its own answer.
        app.cache.invalidate(&[Tag::Everything]);
        builds.store(0, Ordering::SeqCst);
        let failing = {
            let (app, builds, key) = (app.clone(), builds.clone(), key.clone());
            tokio::spawn(async move { app.cached(key, None, slow(builds, 0, true), render).await })
        };
        tokio::time::sleep(Duration::from_millis(50)).await;
        let after = app.cached(key.clone(), None, slow(builds.clone(), 3, false), render).await.unwrap();
        assert!(matches!(failing.await.unwrap(), Err(AppError::NotFound { .. })));
        assert_eq!(after.body, Bytes::from(r#"{"winner":"rust","votes":3}"#));
        assert_eq!(builds.load(Ordering::SeqCst), 2);
        assert!(app.cache.building.lock().is_empty(), "finished builds leave the table");
    }
}
