//! Taking content down: authors remove their own posts, admins anyone's. Counters that the
//! removed rows fed move in the same transaction.

use std::collections::HashMap;

use sea_orm::{ConnectionTrait, TransactionTrait};

use crate::{Backend, Result, Store};

/// What became of a request to delete.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deletion {
    Deleted,
    NotFound,
    /// The row exists but is someone else's.
    NotYours,
}

impl Store {
    /// Deletes a pro or con with its votes, and takes its votes off the tool's count. With
    /// `only_author`, deletes it only if that user wrote it.
    pub async fn delete_reason(&self, reason: i64, only_author: Option<i64>) -> Result<Deletion> {
        let txn = self.write.begin().await?;
        // Lock the row first: a vote arriving meanwhile waits, then finds no reason.
        let lock = if self.backend == Backend::Postgres { " FOR UPDATE" } else { "" };
        let row = txn
            .query_one_raw(self.stmt(
                &format!("SELECT tool_id, votes, author_id FROM reasons WHERE id = $1{lock}"),
                vec![reason.into()],
            ))
            .await?;
        let Some(row) = row else { return Ok(Deletion::NotFound) };
        let (tool, votes, author): (i64, i64, Option<i64>) =
            (row.try_get_by_index(0)?, row.try_get_by_index(1)?, row.try_get_by_index(2)?);
        if let Some(user) = only_author
            && author != Some(user)
        {
            return Ok(Deletion::NotYours);
        }
        txn.execute_raw(self.stmt("DELETE FROM reason_votes WHERE reason_id = $1", vec![reason.into()])).await?;
        txn.execute_raw(self.stmt("DELETE FROM reasons WHERE id = $1", vec![reason.into()])).await?;
        self.bump_tool_counter(&txn, "votes", &HashMap::from([(tool, -votes)])).await?;
        self.record_change(&txn, &[&format!("tool:{tool}")]).await?;
        txn.commit().await?;
        Ok(Deletion::Deleted)
    }
}
