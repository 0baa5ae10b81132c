//! The fleet of an organisation: which versions of each tool its stacks hold, snapshot by
//! snapshot (the page works out the present and the months before from them), and the release
//! cycles of tools with their end of life (`stackdex import-eol`).

use sea_orm::{FromQueryResult, TransactionTrait, raw_sql};

use crate::changes::Tag;
use crate::{Result, SnapshotId, StackId, Store, ToolId};

/// One tool, at the versions one snapshot of an organisation's stack found.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct FleetRow {
    pub stack_id: StackId,
    /// The stack's slug (its owner is the organisation).
    pub stack: String,
    pub snapshot_id: SnapshotId,
    /// When the snapshot was taken (Unix seconds).
    pub created_at: i64,
    pub tool_id: ToolId,
    /// Comma-separated, as recorded ("" when the scan found no version).
    pub versions: String,
}

/// A release cycle of a tool, as endoflife.date describes it.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct ReleaseCycle {
    pub tool_id: ToolId,
    /// "16", "3.11", ...
    pub cycle: String,
    /// YYYY-MM-DD.
    pub release_date: Option<String>,
    /// YYYY-MM-DD, or None when no end of support is set.
    pub eol: Option<String>,
    pub latest: Option<String>,
}

impl Store {
    /// Every snapshot's tools of the stacks `organisation` owns, oldest snapshot first.
    pub async fn fleet_rows(&self, organisation: &str) -> Result<Vec<FleetRow>> {
        self.all(raw_sql!(
            Postgres,
            "SELECT st.id AS stack_id, st.slug AS stack, s.id AS snapshot_id, s.created_at, t.tool_id, t.versions
             FROM stacks st
             JOIN stack_snapshots s ON s.stack_id = st.id
             JOIN snapshot_tools t ON t.snapshot_id = s.id
             WHERE st.owner = {organisation} AND st.owner_kind = 'organisation'
             ORDER BY s.id, t.tool_id"
        ))
        .await
    }

    /// Replaces a tool's release cycles with `cycles` (all of one tool).
    pub async fn replace_release_cycles(&self, tool: ToolId, cycles: &[ReleaseCycle]) -> Result<()> {
        let txn = self.write.begin().await?;
        self.execute(&txn, raw_sql!(Postgres, "DELETE FROM release_cycles WHERE tool_id = {tool}")).await?;
        for c in cycles {
            let (cycle, released, eol, latest) =
                (c.cycle.as_str(), c.release_date.as_deref(), c.eol.as_deref(), c.latest.as_deref());
            self.execute(
                &txn,
                raw_sql!(
                    Postgres,
                    "INSERT INTO release_cycles (tool_id, cycle, release_date, eol, latest)
                     VALUES ({tool}, {cycle}, {released}, {eol}, {latest})"
                ),
            )
            .await?;
        }
        self.record_change(&txn, &[Tag::Tool(tool)]).await?;
        txn.commit().await?;
        Ok(())
    }

    /// The release cycles of these tools.
    pub async fn release_cycles(&self, tools: &[ToolId]) -> Result<Vec<ReleaseCycle>> {
        let mut out = Vec::new();
        for chunk in tools.chunks(crate::sql::IN_CHUNK) {
            out.extend(
                self.all::<ReleaseCycle>(raw_sql!(
                    Postgres,
                    "SELECT tool_id, cycle, release_date, eol, latest FROM release_cycles
                     WHERE tool_id IN ({..chunk}) ORDER BY tool_id, cycle"
                ))
                .await?,
            );
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stacks::test_snapshot;
    use crate::testing::fresh_stores;
    use crate::tools::test_tools;
    use crate::{OwnerKind, SnapshotTool};

    #[tokio::test]
    async fn fleet_rows_hold_every_snapshot_of_the_organisations_stacks() {
        for db in fresh_stores().await {
            let s = &db.store;
            let t = test_tools(s).await;
            let at = |owner: &str, slug: &str, version: &str, when: i64| {
                let mut snap = test_snapshot(owner, slug, &[t["postgresql"]]);
                snap.stack.owner_kind = if owner == "acme" { OwnerKind::Organisation } else { OwnerKind::User };
                snap.tools =
                    vec![SnapshotTool { tool_id: t["postgresql"], versions: version.into(), sources: String::new() }];
                snap.created_at = when;
                snap
            };
            s.push_snapshots(&[at("acme", "api", "14.2", 10), at("acme", "web", "16.1", 10), at("ann", "x", "9", 10)])
                .await
                .unwrap();
            s.push_snapshots(&[at("acme", "api", "16.0", 20)]).await.unwrap();
            let rows = s.fleet_rows("acme").await.unwrap();
            let seen: Vec<(&str, &str)> = rows.iter().map(|r| (r.stack.as_str(), r.versions.as_str())).collect();
            assert_eq!(seen, [("api", "14.2"), ("web", "16.1"), ("api", "16.0")], "{:?}", db.backend);
            assert!(s.fleet_rows("ann").await.unwrap().is_empty(), "a user's stacks are no fleet");

            let cycle = |c: &str, eol: Option<&str>| ReleaseCycle {
                tool_id: t["postgresql"],
                cycle: c.into(),
                release_date: Some("2021-09-30".into()),
                eol: eol.map(str::to_owned),
                latest: None,
            };
            s.replace_release_cycles(t["postgresql"], &[cycle("14", Some("2026-11-12")), cycle("16", None)])
                .await
                .unwrap();
            s.replace_release_cycles(t["postgresql"], &[cycle("14", Some("2026-11-12")), cycle("17", None)])
                .await
                .unwrap();
            let cycles: Vec<String> =
                s.release_cycles(&[t["postgresql"]]).await.unwrap().into_iter().map(|c| c.cycle).collect();
            assert_eq!(cycles, ["14", "17"], "replaced, not added to");
        }
    }
}
