//! Rendered pages kept in memory with exact invalidation: each entry names the tags it was
//! built from (`tool:12`, `decisions`, `global`); a write's change-log entry names the tags it
//! touched, and every entry sharing one is dropped. Writes on any server reach every server
//! through the change log, polled a few times a second.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use parking_lot::RwLock;

#[derive(Clone)]
struct Entry {
    body: Bytes,
    tags: Arc<[String]>,
    expires: Option<Instant>,
}

/// Rendered bodies by key (`html:/stackups/django-vs-rust`, `json:/api/v1/...`).
#[derive(Default)]
pub struct PageCache {
    entries: RwLock<HashMap<String, Entry>>,
    /// Moves on every invalidation (under the entries' lock).
    generation: AtomicU64,
}

impl PageCache {
    pub fn get(&self, key: &str) -> Option<Bytes> {
        let entries = self.entries.read();
        let entry = entries.get(key)?;
        if entry.expires.is_some_and(|e| e <= Instant::now()) {
            return None;
        }
        Some(entry.body.clone())
    }

    /// Where invalidation is now: take it before reading what a page is built from, and hand
    /// it to [`PageCache::put_if_current`].
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    pub fn put(&self, key: String, body: Bytes, tags: Vec<String>, ttl: Option<Duration>) {
        self.put_if_current(key, body, tags, ttl, None);
    }

    /// Caches a page unless an invalidation ran since `built_at` (a generation): the page may
    /// then hold data older than a write whose invalidation has already been applied, and
    /// caching it would keep it stale until the next write. Returns whether it was cached.
    pub fn put_if_current(
        &self,
        key: String,
        body: Bytes,
        tags: Vec<String>,
        ttl: Option<Duration>,
        built_at: Option<u64>,
    ) -> bool {
        let entry = Entry { body, tags: tags.into(), expires: ttl.map(|t| Instant::now() + t) };
        let mut entries = self.entries.write();
        if built_at.is_some_and(|g| g != self.generation.load(Ordering::Acquire)) {
            return false;
        }
        // A bound on memory: hostile URLs (endless 404 variants) must not grow it forever.
        if entries.len() >= 20_000 {
            entries.clear();
        }
        entries.insert(key, entry);
        true
    }

    /// Drops every entry built from any of `tags`; `*` drops everything. Entries tagged
    /// `global` (pages that summarise everything) go on any change.
    pub fn invalidate(&self, tags: &[String]) {
        if tags.is_empty() {
            return;
        }
        let mut entries = self.entries.write();
        self.generation.fetch_add(1, Ordering::AcqRel);
        if tags.iter().any(|t| t == "*") {
            entries.clear();
            return;
        }
        let touched: HashSet<&str> = tags.iter().map(String::as_str).collect();
        entries.retain(|_, e| !e.tags.iter().any(|t| t == "global" || touched.contains(t.as_str())));
    }

    pub fn len(&self) -> usize {
        self.entries.read().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalidation_is_by_tag() {
        let cache = PageCache::default();
        cache.put("a".into(), Bytes::from("A"), vec!["tool:1".into()], None);
        cache.put("b".into(), Bytes::from("B"), vec!["tool:2".into()], None);
        cache.put("home".into(), Bytes::from("H"), vec!["global".into()], None);
        cache.invalidate(&["tool:1".into()]);
        assert!(cache.get("a").is_none());
        assert_eq!(cache.get("b").as_deref(), Some(&b"B"[..]));
        assert!(cache.get("home").is_none());
        cache.invalidate(&["*".into()]);
        assert!(cache.is_empty());
    }

    #[test]
    fn a_page_built_across_an_invalidation_is_not_cached() {
        let cache = PageCache::default();
        let before = cache.generation();
        cache.invalidate(&["tool:1".into()]);
        assert!(!cache.put_if_current("a".into(), Bytes::from("old"), vec![], None, Some(before)));
        assert!(cache.get("a").is_none());
        let now = cache.generation();
        assert!(cache.put_if_current("a".into(), Bytes::from("new"), vec![], None, Some(now)));
        assert_eq!(cache.get("a").as_deref(), Some(&b"new"[..]));
    }

    #[test]
    fn entries_expire() {
        let cache = PageCache::default();
        cache.put("t".into(), Bytes::from("x"), vec![], Some(Duration::from_millis(0)));
        assert!(cache.get("t").is_none());
    }
}
