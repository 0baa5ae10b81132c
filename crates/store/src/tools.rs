//! Tools as rows (mirroring the compiled-in catalog): their kept counters (stacks, followers,
//! votes), GitHub readings, and co-usage across stacks.

use std::collections::HashMap;

use sea_orm::{ConnectionTrait, FromQueryResult, Value, raw_sql};

use crate::changes::{Tag, tags_or_everything};
use crate::sql::{IN_CHUNK, Locked};
use crate::{Result, Store, ToolId};

/// The counters of one tool, read without counting rows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, FromQueryResult)]
pub struct ToolStats {
    pub tool_id: ToolId,
    pub stacks: i64,
    pub followers: i64,
    pub votes: i64,
    pub github_stars: Option<i64>,
    pub github_forks: Option<i64>,
    /// When stars and forks were read (Unix seconds).
    pub github_read_at: Option<i64>,
}

/// One reading of a repository's stars and forks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GithubReading {
    pub tool_id: ToolId,
    pub stars: i64,
    pub forks: i64,
    pub read_at: i64,
}

/// Another tool used in the same stacks as a given one, and in how many.
#[derive(Debug, Clone, Copy, PartialEq, Eq, FromQueryResult)]
pub struct CoUse {
    pub tool_id: ToolId,
    pub stacks: i64,
}

/// A kept counter of `tool_stats`.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Counter {
    Stacks,
    Followers,
    Votes,
}

#[derive(FromQueryResult)]
struct ToolRow {
    slug: String,
    id: ToolId,
}

/// How many stacks hold one versions text of a tool.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct VersionCount {
    pub versions: String,
    pub stacks: i64,
}

impl Store {
    /// Makes sure every catalog tool `(slug, name)` has a row and a counters row; returns
    /// slug -> id.
    pub async fn sync_tools(&self, tools: &[(&str, &str)]) -> Result<HashMap<String, ToolId>> {
        for chunk in tools.chunks(IN_CHUNK / 2) {
            self.execute(
                &self.write,
                raw_sql!(
                    Postgres,
                    "INSERT INTO tools (slug, name) VALUES {..(chunk.0:1),}
                     ON CONFLICT (slug) DO UPDATE SET name = excluded.name"
                ),
            )
            .await?;
        }
        self.write
            .execute_unprepared(
                "INSERT INTO tool_stats (tool_id) SELECT id FROM tools WHERE id NOT IN (SELECT tool_id FROM tool_stats)",
            )
            .await?;
        let rows: Vec<ToolRow> = self.all(raw_sql!(Postgres, "SELECT slug, id FROM tools")).await?;
        Ok(rows.into_iter().map(|r| (r.slug, r.id)).collect())
    }

    /// Every tool's counters (a small table: one row per catalog tool).
    pub async fn all_tool_stats(&self) -> Result<Vec<ToolStats>> {
        self.all(raw_sql!(
            Postgres,
            "SELECT tool_id, stacks, followers, votes, github_stars, github_forks, github_read_at FROM tool_stats"
        ))
        .await
    }

    pub async fn tool_stats(&self, tool: ToolId) -> Result<ToolStats> {
        let found = self
            .one(raw_sql!(
                Postgres,
                "SELECT tool_id, stacks, followers, votes, github_stars, github_forks, github_read_at
                 FROM tool_stats WHERE tool_id = {tool}"
            ))
            .await?;
        Ok(found.unwrap_or(ToolStats { tool_id: tool, ..ToolStats::default() }))
    }

    /// The counters as a full recount from the underlying rows would give them. Slow; for
    /// checks (tests), never for pages.
    pub async fn recount_tool_stats(&self) -> Result<Vec<ToolStats>> {
        self.all(raw_sql!(
            Postgres,
            "SELECT t.id AS tool_id,
                (SELECT COUNT(*) FROM stack_tools st WHERE st.tool_id = t.id) AS stacks,
                (SELECT COUNT(*) FROM follows f WHERE f.target_kind = 'tool' AND f.target_id = t.id) AS followers,
                (SELECT COUNT(*) FROM reason_votes v JOIN reasons r ON r.id = v.reason_id WHERE r.tool_id = t.id)
                    AS votes,
                s.github_stars, s.github_forks, s.github_read_at
             FROM tools t JOIN tool_stats s ON s.tool_id = t.id"
        ))
        .await
    }

    /// Stores GitHub readings (stars and forks with the time they were read).
    pub async fn record_github(&self, readings: &[GithubReading]) -> Result<()> {
        let rows: Vec<Vec<Value>> =
            readings.iter().map(|r| vec![r.tool_id.into(), r.stars.into(), r.forks.into(), r.read_at.into()]).collect();
        self.bulk_update(
            &self.write,
            "UPDATE tool_stats SET github_stars = d.column2, github_forks = d.column3, github_read_at = d.column4",
            &rows,
            "tool_stats.tool_id = d.column1",
        )
        .await?;
        let tags = tags_or_everything(readings.iter().map(|r| Tag::Tool(r.tool_id)).collect());
        self.record_change(&self.write, &tags).await
    }

    /// How many stacks use both tools now.
    pub async fn co_usage(&self, a: ToolId, b: ToolId) -> Result<i64> {
        self.number(raw_sql!(
            Postgres,
            "SELECT COUNT(*) AS n FROM stack_tools x JOIN stack_tools y ON y.stack_id = x.stack_id AND y.tool_id = {b}
             WHERE x.tool_id = {a}"
        ))
        .await
    }

    /// The tools most often used in the same stacks as `tool`, most shared first.
    pub async fn top_co_used(&self, tool: ToolId, limit: i64) -> Result<Vec<CoUse>> {
        self.all(raw_sql!(
            Postgres,
            "SELECT y.tool_id, COUNT(*) AS stacks FROM stack_tools x
             JOIN stack_tools y ON y.stack_id = x.stack_id AND y.tool_id <> x.tool_id
             WHERE x.tool_id = {tool} GROUP BY y.tool_id ORDER BY stacks DESC, y.tool_id LIMIT {limit}"
        ))
        .await
    }

    /// The versions a tool has in the latest snapshot of each stack using it: each distinct
    /// versions text (comma-separated, `""` when none was found) and how many stacks hold it.
    pub async fn version_counts(&self, tool: ToolId) -> Result<Vec<VersionCount>> {
        self.all(raw_sql!(
            Postgres,
            "SELECT t.versions, COUNT(*) AS stacks FROM stack_tools cur
             JOIN snapshot_tools t ON t.tool_id = cur.tool_id
               AND t.snapshot_id = (SELECT MAX(id) FROM stack_snapshots WHERE stack_id = cur.stack_id)
             WHERE cur.tool_id = {tool} GROUP BY t.versions ORDER BY stacks DESC, t.versions"
        ))
        .await
    }

    /// Number of stacks that have at least one tool (the population for co-usage lift).
    pub async fn count_stacks_with_tools(&self) -> Result<i64> {
        self.number(raw_sql!(Postgres, "SELECT COUNT(DISTINCT stack_id) AS n FROM stack_tools")).await
    }

    /// Adds `deltas` (tool, change) to one counter, in the caller's transaction.
    pub(crate) async fn bump_tool_counter<C: ConnectionTrait>(
        &self,
        conn: &C,
        counter: Counter,
        deltas: &HashMap<ToolId, i64>,
    ) -> Result<()> {
        let mut deltas: Vec<(ToolId, i64)> = deltas.iter().filter(|(_, d)| **d != 0).map(|(t, d)| (*t, *d)).collect();
        // Rows are locked in one global order (by id), so concurrent writers never deadlock.
        deltas.sort_unstable();
        self.lock_rows_in_order(conn, Locked::ToolStats, deltas.iter().map(|(t, _)| t.get()).collect()).await?;
        let rows: Vec<Vec<Value>> = deltas.iter().map(|(t, d)| vec![(*t).into(), (*d).into()]).collect();
        let head = match counter {
            Counter::Stacks => "UPDATE tool_stats SET stacks = stacks + d.column2",
            Counter::Followers => "UPDATE tool_stats SET followers = followers + d.column2",
            Counter::Votes => "UPDATE tool_stats SET votes = votes + d.column2",
        };
        self.bulk_update(conn, head, &rows, "tool_stats.tool_id = d.column1").await
    }
}

/// Catalog rows for tests of the other modules: django, python, rust and postgresql.
#[cfg(test)]
pub(crate) async fn test_tools(store: &Store) -> HashMap<String, ToolId> {
    store
        .sync_tools(&[("django", "Django"), ("python", "Python"), ("rust", "Rust"), ("postgresql", "PostgreSQL")])
        .await
        .unwrap()
}

/// Fails the test when a kept counter differs from a full recount.
#[cfg(test)]
pub(crate) async fn assert_counters_match_recount(store: &Store) {
    let mut kept = store.all_tool_stats().await.unwrap();
    let mut recount = store.recount_tool_stats().await.unwrap();
    kept.sort_by_key(|s| s.tool_id);
    recount.sort_by_key(|s| s.tool_id);
    assert_eq!(kept, recount);
    for r in store.recount_reason_votes().await.unwrap() {
        assert_eq!(r.kept, r.counted, "reason {}", r.reason);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stacks::test_snapshot;
    use crate::testing::fresh_stores;

    #[tokio::test]
    async fn catalog_sync_is_idempotent() {
        for db in fresh_stores().await {
            let s = &db.store;
            let first = test_tools(s).await;
            let again = s.sync_tools(&[("django", "Django 5"), ("go", "Go")]).await.unwrap();
            assert_eq!(again["django"], first["django"], "ids are kept");
            assert_eq!(again.len(), 5);
            assert_eq!(s.all_tool_stats().await.unwrap().len(), 5, "every tool has counters");
            assert_eq!(
                s.tool_stats(again["go"]).await.unwrap(),
                ToolStats { tool_id: again["go"], ..Default::default() }
            );
        }
    }

    #[tokio::test]
    async fn co_usage_counts_stacks_that_share_tools() {
        for db in fresh_stores().await {
            let s = &db.store;
            let t = test_tools(s).await;
            let (dj, py, rs, pg) = (t["django"], t["python"], t["rust"], t["postgresql"]);
            s.push_snapshots(&[
                test_snapshot("ann", "web", &[dj, py, pg]),
                test_snapshot("bob", "api", &[py, pg]),
                test_snapshot("cat", "cli", &[rs]),
            ])
            .await
            .unwrap();
            assert_eq!(s.co_usage(py, pg).await.unwrap(), 2, "{:?}", db.backend);
            assert_eq!(s.co_usage(dj, rs).await.unwrap(), 0);
            assert_eq!(
                s.top_co_used(py, 5).await.unwrap(),
                [CoUse { tool_id: pg, stacks: 2 }, CoUse { tool_id: dj, stacks: 1 }]
            );
            assert_eq!(s.count_stacks_with_tools().await.unwrap(), 3);
        }
    }

    #[tokio::test]
    async fn github_readings_are_stored_and_announced() {
        for db in fresh_stores().await {
            let s = &db.store;
            let t = test_tools(s).await;
            let before = s.latest_change().await.unwrap();
            let reading = GithubReading { tool_id: t["rust"], stars: 107_618, forks: 13_941, read_at: 1_764_000_000 };
            s.record_github(&[reading]).await.unwrap();
            let stats = s.tool_stats(t["rust"]).await.unwrap();
            assert_eq!(
                (stats.github_stars, stats.github_forks, stats.github_read_at),
                (Some(107_618), Some(13_941), Some(1_764_000_000))
            );
            let changes = s.changes_since(before).await.unwrap();
            assert!(changes.iter().any(|c| c.tags.contains(&Tag::Tool(t["rust"]))), "pages showing Rust's stars go");
        }
    }
}
