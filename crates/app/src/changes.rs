//! Following the change log. Every write appends the cache tags it touched to `changes` in its
//! own transaction; every app server reads the log a few times a second and drops the cached
//! pages built from those tags.
//!
//! Ids are handed out when a row is inserted, but transactions commit in any order: id 41 may
//! become visible after id 42. So the reader does not just remember the highest id it has seen;
//! it also remembers the ids below it that it has not seen (gaps), asks for them again on every
//! poll, and applies each when it appears. A gap is given up after [`GAP_WAIT`]: by then its
//! transaction has rolled back (ids of rolled-back inserts are never used) or, exceptionally,
//! has run longer than any write here does.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use stackdex_store::{Change, Store, Tag};

/// How long an id missing below the highest seen one is waited for.
pub(crate) const GAP_WAIT: Duration = Duration::from_secs(60);
/// At most this many missing ids are remembered (they are in-flight writes, so few).
const MAX_GAPS: usize = 2_000;

#[derive(Debug, Default)]
pub(crate) struct ChangeCursor {
    /// The highest id seen.
    high: i64,
    /// Ids below `high` not seen yet, with when they were first missed.
    gaps: BTreeMap<i64, Instant>,
}

impl ChangeCursor {
    /// A cursor at the end of the log as it is now. The last few ids that are not visible yet
    /// count as gaps, so a write committing just after start-up is not missed.
    pub(crate) async fn at_end(store: &Store) -> stackdex_store::Result<ChangeCursor> {
        let high = store.latest_change().await?;
        let mut cursor = ChangeCursor { high: (high - 64).max(0), gaps: BTreeMap::new() };
        let recent = store.changes_since(cursor.high).await?;
        cursor.take(&recent, Instant::now());
        Ok(cursor)
    }

    /// Reads what is new since the last poll (and any gap that has been filled), and returns
    /// the tags to invalidate.
    pub(crate) async fn poll(&mut self, store: &Store) -> stackdex_store::Result<Vec<Tag>> {
        let now = Instant::now();
        let mut found = if self.gaps.is_empty() {
            Vec::new()
        } else {
            let ids: Vec<i64> = self.gaps.keys().copied().collect();
            store.changes_in(&ids).await?
        };
        found.extend(store.changes_since(self.high).await?);
        Ok(self.take(&found, now))
    }

    fn take(&mut self, changes: &[Change], now: Instant) -> Vec<Tag> {
        let mut tags = Vec::new();
        for change in changes {
            if change.id > self.high {
                let from = (self.high + 1).max(change.id - MAX_GAPS as i64);
                for missing in from..change.id {
                    self.gaps.insert(missing, now);
                }
                self.high = change.id;
            } else if self.gaps.remove(&change.id).is_none() {
                continue; // seen before
            }
            tags.extend(change.tags.iter().copied());
        }
        self.gaps.retain(|_, since| now.duration_since(*since) < GAP_WAIT);
        while self.gaps.len() > MAX_GAPS {
            self.gaps.pop_first();
        }
        tags
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(id: i64, tool: i64) -> Change {
        Change { id, tags: vec![Tag::Tool(stackdex_store::ToolId(tool))] }
    }

    fn tools(ids: &[i64]) -> Vec<Tag> {
        ids.iter().map(|&i| Tag::Tool(stackdex_store::ToolId(i))).collect()
    }

    #[test]
    fn a_change_committed_late_is_still_applied_once() {
        let mut cursor = ChangeCursor::default();
        let t0 = Instant::now();
        // 1 and 3 are visible; 2 is still in flight.
        assert_eq!(cursor.take(&[change(1, 1), change(3, 3)], t0), tools(&[1, 3]));
        assert_eq!(cursor.gaps.keys().copied().collect::<Vec<_>>(), [2]);
        // 2 commits; it is applied, and 3 is not applied again.
        assert_eq!(cursor.take(&[change(2, 2), change(3, 3)], t0), tools(&[2]));
        assert!(cursor.gaps.is_empty());
        // A gap that never fills (a rollback) is given up after GAP_WAIT.
        cursor.take(&[change(5, 5)], t0);
        assert_eq!(cursor.gaps.len(), 1);
        cursor.take(&[], t0 + GAP_WAIT);
        assert!(cursor.gaps.is_empty());
    }
}
