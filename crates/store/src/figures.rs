//! Figures over time: a tool's stacks, followers and votes, and a stack's number of tools, per
//! UTC day (docs/figures-over-time.md). Only days on which a figure changed have a row; a day
//! without one has the figures of the latest row before it.
//!
//! Two writers: [`Store::rebuild_figures`] replays every stored timestamp (snapshots, follows,
//! votes) into the whole history, and [`Store::record_figures`] writes one day's row from the
//! kept counters (the daily job).

use sea_orm::{ConnectionTrait, FromQueryResult, TransactionTrait, raw_sql};

use crate::{Result, Store, ToolId};

/// Seconds in a day; a day is kept as the Unix second at which it starts (UTC).
pub const DAY: i64 = 86_400;

/// A tool's figures at the end of a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, FromQueryResult)]
pub struct ToolFigures {
    pub tool_id: ToolId,
    /// The Unix second at which the day starts.
    pub day: i64,
    pub stacks: i64,
    pub followers: i64,
    pub votes: i64,
}

impl Store {
    /// Rewrites the whole history of figures from the stored timestamps: a stack counts for a
    /// tool from the day of the snapshot that took the tool up until the day of the one that
    /// dropped it (snapshots in their stack's order), a follow or a vote from the day it was
    /// made. The sums therefore end at today's kept counters. One statement per table, summed
    /// by the database (a window over the days of each tool): the demo's 1.5 million
    /// snapshot rows take about three seconds on SQLite (debug build), most of it the grouping
    /// by tool and day.
    pub async fn rebuild_figures(&self) -> Result<()> {
        let txn = self.write.begin().await?;
        txn.execute_unprepared("DELETE FROM tool_figures").await?;
        txn.execute_unprepared(
            "INSERT INTO tool_figures (tool_id, day, stacks, followers, votes)
             SELECT tool_id, day,
                 SUM(ds) OVER w, SUM(df) OVER w, SUM(dv) OVER w
             FROM (
                 SELECT tool_id, day, SUM(ds) AS ds, SUM(df) AS df, SUM(dv) AS dv FROM (
                     SELECT st.tool_id, s.created_at / 86400 * 86400 AS day, 1 AS ds, 0 AS df, 0 AS dv
                     FROM snapshot_tools st JOIN stack_snapshots s ON s.id = st.snapshot_id
                     WHERE s.number = 1 OR NOT EXISTS (
                         SELECT 1 FROM stack_snapshots p JOIN snapshot_tools pt ON pt.snapshot_id = p.id
                         WHERE p.stack_id = s.stack_id AND p.number = s.number - 1 AND pt.tool_id = st.tool_id)
                     UNION ALL
                     SELECT pt.tool_id, s.created_at / 86400 * 86400, -1, 0, 0
                     FROM stack_snapshots s
                     JOIN stack_snapshots p ON p.stack_id = s.stack_id AND p.number = s.number - 1
                     JOIN snapshot_tools pt ON pt.snapshot_id = p.id
                     WHERE NOT EXISTS (
                         SELECT 1 FROM snapshot_tools x WHERE x.snapshot_id = s.id AND x.tool_id = pt.tool_id)
                     UNION ALL
                     SELECT target_id, created_at / 86400 * 86400, 0, 1, 0 FROM follows WHERE target_kind = 'tool'
                     UNION ALL
                     SELECT r.tool_id, v.created_at / 86400 * 86400, 0, 0, 1
                     FROM reason_votes v JOIN reasons r ON r.id = v.reason_id
                 ) AS events
                 GROUP BY tool_id, day
             ) AS days
             WINDOW w AS (PARTITION BY tool_id ORDER BY day ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)",
        )
        .await?;
        txn.execute_unprepared("DELETE FROM stack_figures").await?;
        // A stack's figure on a day is the size of its last snapshot of that day.
        txn.execute_unprepared(
            "INSERT INTO stack_figures (stack_id, day, tools)
             SELECT s.stack_id, s.created_at / 86400 * 86400,
                 (SELECT COUNT(*) FROM snapshot_tools st WHERE st.snapshot_id = s.id)
             FROM stack_snapshots s
             WHERE NOT EXISTS (
                 SELECT 1 FROM stack_snapshots later
                 WHERE later.stack_id = s.stack_id AND later.number > s.number
                     AND later.created_at / 86400 = s.created_at / 86400)",
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// Writes the figures of `day` (the Unix second it starts) from the kept counters, for
    /// every tool and stack whose figures differ from their latest row (a tool that never had
    /// a figure gets a row once it has one). Run for a day that has just ended, or for today
    /// so far: a later run for the same day overwrites its rows.
    pub async fn record_figures(&self, day: i64) -> Result<()> {
        let day = day.div_euclid(DAY) * DAY;
        let txn = self.write.begin().await?;
        self.execute(
            &txn,
            raw_sql!(
                Postgres,
                "INSERT INTO tool_figures (tool_id, day, stacks, followers, votes)
                 SELECT s.tool_id, {day}, s.stacks, s.followers, s.votes FROM tool_stats s
                 LEFT JOIN tool_figures f ON f.tool_id = s.tool_id
                     AND f.day = (SELECT MAX(g.day) FROM tool_figures g WHERE g.tool_id = s.tool_id AND g.day <= {day})
                 WHERE (f.tool_id IS NULL AND s.stacks + s.followers + s.votes > 0)
                     OR f.stacks <> s.stacks OR f.followers <> s.followers OR f.votes <> s.votes
                 ON CONFLICT (tool_id, day) DO UPDATE
                     SET stacks = excluded.stacks, followers = excluded.followers, votes = excluded.votes"
            ),
        )
        .await?;
        self.execute(
            &txn,
            raw_sql!(
                Postgres,
                "INSERT INTO stack_figures (stack_id, day, tools)
                 SELECT c.stack_id, {day}, c.tools
                 FROM (SELECT s.id AS stack_id, (SELECT COUNT(*) FROM stack_tools st WHERE st.stack_id = s.id) AS tools
                       FROM stacks s) AS c
                 LEFT JOIN stack_figures f ON f.stack_id = c.stack_id
                     AND f.day = (SELECT MAX(g.day) FROM stack_figures g WHERE g.stack_id = c.stack_id AND g.day <= {day})
                 WHERE f.stack_id IS NULL OR f.tools <> c.tools
                 ON CONFLICT (stack_id, day) DO UPDATE SET tools = excluded.tools"
            ),
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// Whether any figure over time has been written (a database migrated from before they
    /// were kept has none until its history is rebuilt).
    pub async fn has_figures(&self) -> Result<bool> {
        Ok(self
            .number(raw_sql!(Postgres, "SELECT COUNT(*) AS n FROM (SELECT 1 FROM tool_figures LIMIT 1) AS x"))
            .await?
            > 0)
    }

    /// A tool's rows, oldest first.
    pub async fn tool_figures(&self, tool: ToolId) -> Result<Vec<ToolFigures>> {
        self.all(raw_sql!(
            Postgres,
            "SELECT tool_id, day, stacks, followers, votes FROM tool_figures WHERE tool_id = {tool} ORDER BY day"
        ))
        .await
    }

    /// Every tool's figures at the end of `day`: its latest row on or before it (tools without
    /// one had no figure yet).
    pub async fn all_tool_figures_on(&self, day: i64) -> Result<Vec<ToolFigures>> {
        self.all(raw_sql!(
            Postgres,
            "SELECT f.tool_id, f.day, f.stacks, f.followers, f.votes FROM tool_stats s
             JOIN tool_figures f ON f.tool_id = s.tool_id
                 AND f.day = (SELECT MAX(g.day) FROM tool_figures g WHERE g.tool_id = s.tool_id AND g.day <= {day})"
        ))
        .await
    }

    /// A stack's rows as (day, tools), oldest first.
    pub async fn stack_figures(&self, stack: crate::StackId) -> Result<Vec<(i64, i64)>> {
        #[derive(FromQueryResult)]
        struct Row {
            day: i64,
            tools: i64,
        }
        let rows: Vec<Row> = self
            .all(raw_sql!(Postgres, "SELECT day, tools FROM stack_figures WHERE stack_id = {stack} ORDER BY day"))
            .await?;
        Ok(rows.into_iter().map(|r| (r.day, r.tools)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stacks::test_snapshot;
    use crate::testing::fresh_stores;
    use crate::tools::test_tools;

    const D: i64 = DAY;

    #[tokio::test]
    async fn replayed_history_ends_at_the_kept_counters() {
        for db in fresh_stores().await {
            let s = &db.store;
            let t = test_tools(s).await;
            let (dj, py, rs) = (t["django"], t["python"], t["rust"]);
            // Day 10: web with django and python; day 12: api with python; day 20: web drops
            // django for rust (a second snapshot of the same stack).
            let mut web = test_snapshot("ann", "web", &[dj, py]);
            web.created_at = 10 * D + 5;
            let mut api = test_snapshot("bob", "api", &[py]);
            api.created_at = 12 * D + 7;
            s.push_snapshots(&[web.clone(), api]).await.unwrap();
            let mut web2 = test_snapshot("ann", "web", &[py, rs]);
            web2.created_at = 20 * D;
            s.push_snapshots(&[web2]).await.unwrap();
            s.rebuild_figures().await.unwrap();

            let days = |rows: Vec<ToolFigures>| rows.iter().map(|r| (r.day / D, r.stacks)).collect::<Vec<_>>();
            assert_eq!(days(s.tool_figures(dj).await.unwrap()), [(10, 1), (20, 0)], "{:?}", db.backend);
            assert_eq!(days(s.tool_figures(py).await.unwrap()), [(10, 1), (12, 2)], "{:?}", db.backend);
            assert_eq!(days(s.tool_figures(rs).await.unwrap()), [(20, 1)], "{:?}", db.backend);
            let on_15: Vec<(ToolId, i64)> = {
                let mut v: Vec<_> =
                    s.all_tool_figures_on(15 * D).await.unwrap().iter().map(|f| (f.tool_id, f.stacks)).collect();
                v.sort();
                v
            };
            let mut expected = vec![(dj, 1), (py, 2)];
            expected.sort();
            assert_eq!(on_15, expected, "{:?}", db.backend);
            let web_id = s.stack_figures_ids().await[0];
            assert_eq!(s.stack_figures(web_id).await.unwrap(), [(10 * D, 2), (20 * D, 2)]);

            // The daily job writes nothing while the counters equal the latest rows ...
            s.record_figures(30 * D).await.unwrap();
            assert_eq!(s.tool_figures(py).await.unwrap().len(), 2, "{:?}", db.backend);
            // ... and a row for the day once they move.
            s.push_snapshots(&[test_snapshot("cat", "cli", &[py])]).await.unwrap();
            s.record_figures(31 * D + 100).await.unwrap();
            assert_eq!(days(s.tool_figures(py).await.unwrap()), [(10, 1), (12, 2), (31, 3)], "{:?}", db.backend);
            assert!(s.has_figures().await.unwrap());
        }
    }

    impl Store {
        /// Stack ids that have figures, in order.
        async fn stack_figures_ids(&self) -> Vec<crate::StackId> {
            #[derive(FromQueryResult)]
            struct Row {
                stack_id: crate::StackId,
            }
            let rows: Vec<Row> = self
                .all(raw_sql!(Postgres, "SELECT DISTINCT stack_id FROM stack_figures ORDER BY stack_id"))
                .await
                .unwrap();
            rows.into_iter().map(|r| r.stack_id).collect()
        }
    }
}
