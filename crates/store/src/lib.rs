//! The only crate that knows the database. One codebase for SQLite (the default, an embedded
//! file) and PostgreSQL (to scale out): sea-orm's connection layer with portable SQL; the
//! backend is chosen from the URL at start-up.
//!
//! Counters shown on hot pages (stacks, followers and votes per tool, votes per reason) are
//! kept in the same transaction as the write that changes them, so reads never count rows.

mod changes;
mod community;
mod decision_activity;
mod decisions;
mod error;
mod follows;
mod moderation;
mod reasons;
mod schema;
mod sessions;
mod stacks;
mod tools;

#[cfg(any(test, feature = "testing"))]
pub mod testing;

use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, QueryResult, Statement, Value,
};

pub use changes::Change;
pub use community::{NewUser, Organisation, User};
pub use decisions::{Comment, Decision, DecisionKind, NewDecision};
pub use error::StoreError;
pub use follows::{Event, Target, TargetKind};
pub use moderation::Deletion;
pub use reasons::{Reason, ReasonKind};
pub use schema::LATEST as SCHEMA_VERSION;
pub use sessions::TokenInfo;
pub use stacks::{NewSnapshot, SnapshotSummary, SnapshotTool, StackRef, StackSummary};
pub use tools::{GithubReading, ToolId, ToolStats};

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Which database a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A handle on the database: a writer and a reader (the same pool on PostgreSQL; on SQLite one
/// writer connection, as SQLite allows one writer at a time, and a pool of readers).
#[derive(Clone, Debug)]
pub struct Store {
    write: DatabaseConnection,
    read: DatabaseConnection,
    backend: Backend,
}

impl Store {
    /// Connects to `url` (`sqlite:///abs/path.db`, `sqlite::memory:`, `postgres://...`),
    /// creating a SQLite file if it is missing. Does not migrate; call [`Store::migrate`].
    pub async fn connect(url: &str) -> Result<Store> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let mut opts = ConnectOptions::new(url.to_owned());
            opts.max_connections(16).min_connections(1).sqlx_logging(false);
            let db = Database::connect(opts).await?;
            return Ok(Store { write: db.clone(), read: db, backend: Backend::Postgres });
        }
        if !url.starts_with("sqlite:") {
            return Err(StoreError::BadUrl(url.to_owned()));
        }
        let write = Database::connect(sqlite_options(url, 1)).await?;
        // Turn WAL on through the writer before readers open the file.
        write.execute_unprepared("PRAGMA journal_mode=WAL").await?;
        let read =
            if url.contains(":memory:") { write.clone() } else { Database::connect(sqlite_options(url, 8)).await? };
        Ok(Store { write, read, backend: Backend::Sqlite })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    fn stmt(&self, sql: &str, values: Vec<Value>) -> Statement {
        match self.backend {
            Backend::Postgres => Statement::from_sql_and_values(DbBackend::Postgres, sql, values),
            Backend::Sqlite => Statement::from_sql_and_values(DbBackend::Sqlite, sqlite_positional(sql), values),
        }
    }

    async fn query_all(&self, sql: &str, values: Vec<Value>) -> Result<Vec<QueryResult>> {
        Ok(self.read.query_all_raw(self.stmt(sql, values)).await?)
    }

    async fn query_one(&self, sql: &str, values: Vec<Value>) -> Result<Option<QueryResult>> {
        Ok(self.read.query_one_raw(self.stmt(sql, values)).await?)
    }

    /// Reads a single integer (a count, an id) or 0 when the query gives no row.
    async fn query_i64(&self, sql: &str, values: Vec<Value>) -> Result<i64> {
        match self.query_one(sql, values).await? {
            Some(row) => Ok(row.try_get_by_index::<Option<i64>>(0)?.unwrap_or(0)),
            None => Ok(0),
        }
    }

    /// A value kept in the `meta` table (for example whether the demo was built).
    pub async fn meta(&self, key: &str) -> Result<Option<String>> {
        let row = self.query_one("SELECT value FROM meta WHERE key = $1", vec![key.into()]).await?;
        Ok(match row {
            Some(r) => Some(r.try_get_by_index(0)?),
            None => None,
        })
    }

    pub async fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        self.write
            .execute_raw(self.stmt(
                "INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                vec![key.into(), value.into()],
            ))
            .await?;
        Ok(())
    }
}

fn sqlite_options(url: &str, max: u32) -> ConnectOptions {
    let mut opts = ConnectOptions::new(url.to_owned());
    opts.max_connections(max).min_connections(1).sqlx_logging(false);
    opts.map_sqlx_sqlite_opts(|o| {
        use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
        o.create_if_missing(true)
            .foreign_keys(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(std::time::Duration::from_secs(10))
    });
    opts
}

/// SQLite looks numbered parameters (`$7`) up by a linear scan, which makes a statement with
/// thousands of them quadratic; when they run `$1, $2, ...` in order, plain `?` means the same.
fn sqlite_positional(sql: &str) -> std::borrow::Cow<'_, str> {
    let bytes = sql.as_bytes();
    let mut out = String::with_capacity(sql.len());
    let (mut expected, mut last) = (1usize, 0usize);
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'$' {
            let start = i + 1;
            let mut end = start;
            while end < bytes.len() && bytes[end].is_ascii_digit() {
                end += 1;
            }
            if end > start {
                if sql[start..end].parse::<usize>().ok() != Some(expected) {
                    return std::borrow::Cow::Borrowed(sql);
                }
                out.push_str(&sql[last..i]);
                out.push('?');
                expected += 1;
                last = end;
                i = end;
                continue;
            }
        }
        i += 1;
    }
    out.push_str(&sql[last..]);
    std::borrow::Cow::Owned(out)
}

/// Seconds since the Unix epoch: every time column is one, the same on both backends.
pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// `$1, $2, ...` groups for a multi-row insert of `rows` rows of `cols` columns.
fn placeholders(rows: usize, cols: usize) -> String {
    let mut out = String::with_capacity(rows * cols * 5);
    for r in 0..rows {
        if r > 0 {
            out.push_str(", ");
        }
        out.push('(');
        for c in 0..cols {
            if c > 0 {
                out.push_str(", ");
            }
            out.push('$');
            out.push_str(&(r * cols + c + 1).to_string());
        }
        out.push(')');
    }
    out
}

/// The SQL type of a bulk-inserted column.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Col {
    Int,
    Text,
}

impl Store {
    /// Inserts many rows: `{head} VALUES ... {tail}` on SQLite, and on PostgreSQL one
    /// `{head} SELECT * FROM UNNEST($1::bigint[], ...) {tail}` per chunk, which binds one array
    /// per column instead of thousands of parameters. Returns what `tail`'s RETURNING gives.
    pub(crate) async fn bulk_insert<C: ConnectionTrait>(
        &self,
        conn: &C,
        head: &str,
        cols: &[Col],
        rows: &[Vec<Value>],
        tail: &str,
    ) -> Result<Vec<QueryResult>> {
        use sea_orm::sea_query::ArrayType;
        let mut out = Vec::new();
        match self.backend {
            Backend::Sqlite => {
                for chunk in rows.chunks(BATCH_PARAMS / cols.len()) {
                    let sql = format!("{head} VALUES {} {tail}", placeholders(chunk.len(), cols.len()));
                    let values = chunk.iter().flatten().cloned().collect();
                    out.extend(conn.query_all_raw(self.stmt(&sql, values)).await?);
                }
            }
            Backend::Postgres => {
                let casts: Vec<String> = cols
                    .iter()
                    .enumerate()
                    .map(|(i, c)| format!("${}::{}", i + 1, if matches!(c, Col::Int) { "bigint[]" } else { "text[]" }))
                    .collect();
                let sql = format!("{head} SELECT * FROM UNNEST({}) {tail}", casts.join(", "));
                for chunk in rows.chunks(50_000) {
                    let values = cols
                        .iter()
                        .enumerate()
                        .map(|(i, c)| {
                            let column: Vec<Value> = chunk.iter().map(|r| r[i].clone()).collect();
                            let ty = if matches!(c, Col::Int) { ArrayType::BigInt } else { ArrayType::String };
                            Value::Array(ty, Some(Box::new(column)))
                        })
                        .collect();
                    out.extend(conn.query_all_raw(self.stmt(&sql, values)).await?);
                }
            }
        }
        Ok(out)
    }
}

/// Rows per multi-row statement: under SQLite's and PostgreSQL's bound-parameter limits.
const BATCH_PARAMS: usize = 30_000;

#[cfg(test)]
mod tests;

#[cfg(test)]
mod placeholder_tests {
    #[test]
    fn in_order_placeholders_become_positional() {
        assert_eq!(super::sqlite_positional("SELECT $1, $2 WHERE a = $3"), "SELECT ?, ? WHERE a = ?");
        assert_eq!(super::sqlite_positional("SELECT $2, $1"), "SELECT $2, $1");
        assert_eq!(super::sqlite_positional("SELECT 1"), "SELECT 1");
    }
}
