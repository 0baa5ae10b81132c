//! Tools as rows (mirroring the compiled-in catalog), their counters, GitHub readings and
//! co-usage.

use std::collections::HashMap;

use sea_orm::{ConnectionTrait, Value};

use crate::{BATCH_PARAMS, Result, Store, placeholders};

pub type ToolId = i64;

/// The counters of one tool, read without counting rows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
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

const STATS_COLUMNS: &str = "tool_id, stacks, followers, votes, github_stars, github_forks, github_read_at";

fn stats_from_row(row: &sea_orm::QueryResult) -> Result<ToolStats> {
    Ok(ToolStats {
        tool_id: row.try_get_by_index(0)?,
        stacks: row.try_get_by_index(1)?,
        followers: row.try_get_by_index(2)?,
        votes: row.try_get_by_index(3)?,
        github_stars: row.try_get_by_index(4)?,
        github_forks: row.try_get_by_index(5)?,
        github_read_at: row.try_get_by_index(6)?,
    })
}

impl Store {
    /// Makes sure every catalog tool has a row and a counters row; returns slug -> id.
    pub async fn sync_tools(&self, tools: &[(&str, &str)]) -> Result<HashMap<String, ToolId>> {
        for chunk in tools.chunks(BATCH_PARAMS / 2) {
            let sql = format!(
                "INSERT INTO tools (slug, name) VALUES {} ON CONFLICT (slug) DO UPDATE SET name = excluded.name",
                placeholders(chunk.len(), 2)
            );
            let values: Vec<Value> = chunk.iter().flat_map(|(s, n)| [(*s).into(), (*n).into()]).collect();
            self.write.execute_raw(self.stmt(&sql, values)).await?;
        }
        self.write
            .execute_unprepared(
                "INSERT INTO tool_stats (tool_id) SELECT id FROM tools WHERE id NOT IN (SELECT tool_id FROM tool_stats)",
            )
            .await?;
        let rows = self.query_all("SELECT slug, id FROM tools", vec![]).await?;
        rows.iter().map(|r| Ok((r.try_get_by_index(0)?, r.try_get_by_index(1)?))).collect()
    }

    /// Every tool's counters (a small table: one row per catalog tool).
    pub async fn all_tool_stats(&self) -> Result<Vec<ToolStats>> {
        let rows = self.query_all(&format!("SELECT {STATS_COLUMNS} FROM tool_stats"), vec![]).await?;
        rows.iter().map(stats_from_row).collect()
    }

    pub async fn tool_stats(&self, tool: ToolId) -> Result<ToolStats> {
        let row = self
            .query_one(&format!("SELECT {STATS_COLUMNS} FROM tool_stats WHERE tool_id = $1"), vec![tool.into()])
            .await?;
        match row {
            Some(row) => stats_from_row(&row),
            None => Ok(ToolStats { tool_id: tool, ..ToolStats::default() }),
        }
    }

    /// The counters as a full recount from the underlying rows would give them. Slow; for
    /// checks (tests, `stackdex doctor`), never for pages.
    pub async fn recount_tool_stats(&self) -> Result<Vec<ToolStats>> {
        let sql = "SELECT t.id,
                (SELECT COUNT(*) FROM stack_tools st WHERE st.tool_id = t.id),
                (SELECT COUNT(*) FROM follows f WHERE f.target_kind = 'tool' AND f.target_id = t.id),
                (SELECT COUNT(*) FROM reason_votes v JOIN reasons r ON r.id = v.reason_id WHERE r.tool_id = t.id),
                s.github_stars, s.github_forks, s.github_read_at
             FROM tools t JOIN tool_stats s ON s.tool_id = t.id";
        let rows = self.query_all(sql, vec![]).await?;
        rows.iter().map(stats_from_row).collect()
    }

    /// Stores GitHub readings (stars and forks with the time they were read).
    pub async fn record_github(&self, readings: &[GithubReading]) -> Result<()> {
        for chunk in readings.chunks(BATCH_PARAMS / 4) {
            let sql = format!(
                "UPDATE tool_stats SET github_stars = d.column2, github_forks = d.column3, github_read_at = d.column4
                 FROM (VALUES {}) AS d WHERE tool_stats.tool_id = d.column1",
                placeholders(chunk.len(), 4)
            );
            let values = chunk
                .iter()
                .flat_map(|r| [r.tool_id.into(), r.stars.into(), r.forks.into(), r.read_at.into()])
                .collect();
            self.write.execute_raw(self.stmt(&sql, values)).await?;
        }
        self.record_change(&self.write, &["github"]).await
    }

    /// How many stacks use both tools now.
    pub async fn co_usage(&self, a: ToolId, b: ToolId) -> Result<i64> {
        self.query_i64(
            "SELECT COUNT(*) FROM stack_tools x JOIN stack_tools y ON y.stack_id = x.stack_id AND y.tool_id = $2
             WHERE x.tool_id = $1",
            vec![a.into(), b.into()],
        )
        .await
    }

    /// The tools most often used in the same stacks as `tool`, with how many stacks share them.
    pub async fn top_co_used(&self, tool: ToolId, limit: i64) -> Result<Vec<(ToolId, i64)>> {
        let rows = self
            .query_all(
                "SELECT y.tool_id, COUNT(*) AS n FROM stack_tools x
                 JOIN stack_tools y ON y.stack_id = x.stack_id AND y.tool_id <> x.tool_id
                 WHERE x.tool_id = $1 GROUP BY y.tool_id ORDER BY n DESC, y.tool_id LIMIT $2",
                vec![tool.into(), limit.into()],
            )
            .await?;
        rows.iter().map(|r| Ok((r.try_get_by_index(0)?, r.try_get_by_index(1)?))).collect()
    }

    /// Number of stacks that have at least one tool (the population for co-usage lift).
    pub async fn count_stacks_with_tools(&self) -> Result<i64> {
        self.query_i64("SELECT COUNT(DISTINCT stack_id) FROM stack_tools", vec![]).await
    }

    /// Adds `deltas` (tool, change) to one counter column, in the caller's transaction.
    pub(crate) async fn bump_tool_counter<C: ConnectionTrait>(
        &self,
        conn: &C,
        column: &'static str,
        deltas: &HashMap<ToolId, i64>,
    ) -> Result<()> {
        let mut deltas: Vec<(ToolId, i64)> = deltas.iter().filter(|(_, d)| **d != 0).map(|(t, d)| (*t, *d)).collect();
        // Rows are locked in one global order (by id), so concurrent writers never deadlock.
        deltas.sort_unstable();
        for chunk in deltas.chunks(BATCH_PARAMS / 2) {
            self.lock_rows_in_order(conn, "tool_stats", "tool_id", chunk.iter().map(|(t, _)| *t)).await?;
            let sql = format!(
                "UPDATE tool_stats SET {column} = {column} + d.column2 FROM (VALUES {}) AS d WHERE tool_stats.tool_id = d.column1",
                placeholders(chunk.len(), 2)
            );
            let values = chunk.iter().flat_map(|(t, d)| [(*t).into(), (*d).into()]).collect();
            conn.execute_raw(self.stmt(&sql, values)).await?;
        }
        Ok(())
    }

    /// On PostgreSQL, takes the row locks of `ids` in ascending order before a multi-row update
    /// (whose own locking order is unspecified). SQLite has a single writer and needs none.
    pub(crate) async fn lock_rows_in_order<C: ConnectionTrait>(
        &self,
        conn: &C,
        table: &str,
        key: &str,
        ids: impl Iterator<Item = i64>,
    ) -> Result<()> {
        if self.backend != crate::Backend::Postgres {
            return Ok(());
        }
        let ids: Vec<Value> = ids.map(Into::into).collect();
        if ids.is_empty() {
            return Ok(());
        }
        let sql = format!(
            "SELECT {key} FROM {table} WHERE {key} IN ({}) ORDER BY {key} FOR NO KEY UPDATE",
            crate::community::list(ids.len(), 1)
        );
        conn.query_all_raw(self.stmt(&sql, ids)).await?;
        Ok(())
    }
}
