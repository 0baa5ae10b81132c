//! The change log: every write appends the tags it touched (`tool:django`, `decisions`, ...) in
//! its own transaction, so every app server can invalidate exactly what it cached, within a poll
//! interval, even when the write happened on another server.

use sea_orm::ConnectionTrait;

use crate::{Result, Store};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub id: i64,
    pub tags: Vec<String>,
}

impl Store {
    pub(crate) async fn record_change<C: ConnectionTrait>(&self, conn: &C, tags: &[&str]) -> Result<()> {
        conn.execute_raw(self.stmt(
            "INSERT INTO changes (tags, created_at) VALUES ($1, $2)",
            vec![tags.join(" ").into(), crate::now().into()],
        ))
        .await?;
        Ok(())
    }

    /// Records a change made outside the store's write functions (for example a bulk import).
    pub async fn announce_change(&self, tags: &[&str]) -> Result<()> {
        self.record_change(&self.write, tags).await
    }

    /// Changes after `after`, oldest first.
    pub async fn changes_since(&self, after: i64) -> Result<Vec<Change>> {
        let rows = self
            .query_all("SELECT id, tags FROM changes WHERE id > $1 ORDER BY id LIMIT 10000", vec![after.into()])
            .await?;
        rows.iter().map(change_from_row).collect()
    }

    /// The changes with these ids that are visible now (ids a reader saw missing).
    pub async fn changes_in(&self, ids: &[i64]) -> Result<Vec<Change>> {
        let mut out = Vec::new();
        for chunk in ids.chunks(500) {
            let sql = format!(
                "SELECT id, tags FROM changes WHERE id IN ({}) ORDER BY id",
                crate::community::list(chunk.len(), 1)
            );
            for row in self.query_all(&sql, chunk.iter().map(|&id| id.into()).collect()).await? {
                out.push(change_from_row(&row)?);
            }
        }
        Ok(out)
    }

    pub async fn latest_change(&self) -> Result<i64> {
        self.query_i64("SELECT MAX(id) FROM changes", vec![]).await
    }
}

fn change_from_row(r: &sea_orm::QueryResult) -> Result<Change> {
    let tags: String = r.try_get_by_index(1)?;
    Ok(Change { id: r.try_get_by_index(0)?, tags: tags.split(' ').map(str::to_owned).collect() })
}
