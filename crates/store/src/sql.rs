//! Statements and rows: how every query module talks to the database.
//!
//! Queries are written once, as portable SQL, with sea-orm's `raw_sql!` macro: `{name}` binds a
//! value, `({..list})` expands an `IN` list. The macro is called with `Postgres`, which numbers
//! placeholders `$1, $2, ...`; SQLite (through sqlx) binds numbered placeholders by their number
//! too, so one text serves both backends, and [`Store::on`] marks each statement with the
//! backend it runs on. (SQLite looks each numbered placeholder up by a linear search when it
//! prepares a statement, so big batches go through [`Store::bulk_insert`] and
//! [`Store::bulk_update`], which number nothing on SQLite, and `IN` lists are cut into
//! [`IN_CHUNK`]s.) Rows are decoded by column name, into structs deriving `FromQueryResult`.

use sea_orm::sea_query::raw_sql::RawSqlQueryBuilder;
use sea_orm::sea_query::{ArrayType, PostgresQueryBuilder, SqliteQueryBuilder};
use sea_orm::{ConnectionTrait, DbBackend, DbErr, FromQueryResult, SqlErr, Statement, Value};

use crate::{Backend, Result, Store};

/// Ids per `IN (...)` list of one statement.
pub(crate) const IN_CHUNK: usize = 500;
/// Bound values per statement of a batch on SQLite (under its limit of 32,766).
const SQLITE_BATCH_VALUES: usize = 30_000;
/// Rows per statement of a batch on PostgreSQL (one array per column, whatever the rows).
const POSTGRES_BATCH_ROWS: usize = 50_000;

/// The SQL type of a column of a batch (PostgreSQL's arrays need it).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Col {
    Int,
    Text,
}

/// A single number a query gives as a column `n`.
#[derive(FromQueryResult)]
struct Number {
    n: Option<i64>,
}

impl Store {
    /// The statement, marked for this store's backend.
    pub(crate) fn on(&self, mut statement: Statement) -> Statement {
        statement.db_backend = self.db_backend();
        statement
    }

    fn db_backend(&self) -> DbBackend {
        match self.backend {
            Backend::Sqlite => DbBackend::Sqlite,
            Backend::Postgres => DbBackend::Postgres,
        }
    }

    /// Every row, read through the reader pool.
    pub(crate) async fn all<T: FromQueryResult>(&self, statement: Statement) -> Result<Vec<T>> {
        self.all_on(&self.read, statement).await
    }

    /// The first row, if any, through the reader pool.
    pub(crate) async fn one<T: FromQueryResult>(&self, statement: Statement) -> Result<Option<T>> {
        self.one_on(&self.read, statement).await
    }

    /// Every row, on a connection or in a transaction.
    pub(crate) async fn all_on<T: FromQueryResult, C: ConnectionTrait>(
        &self,
        conn: &C,
        statement: Statement,
    ) -> Result<Vec<T>> {
        Ok(T::find_by_statement(self.on(statement)).all(conn).await?)
    }

    /// The first row, if any, on a connection or in a transaction.
    pub(crate) async fn one_on<T: FromQueryResult, C: ConnectionTrait>(
        &self,
        conn: &C,
        statement: Statement,
    ) -> Result<Option<T>> {
        Ok(T::find_by_statement(self.on(statement)).one(conn).await?)
    }

    /// Runs a statement; returns how many rows it changed.
    pub(crate) async fn execute<C: ConnectionTrait>(&self, conn: &C, statement: Statement) -> Result<u64> {
        Ok(conn.execute_raw(self.on(statement)).await?.rows_affected())
    }

    /// The number a query gives as its column `n` (a count, a counter), or 0 without a row.
    pub(crate) async fn number(&self, statement: Statement) -> Result<i64> {
        Ok(self.one::<Number>(statement).await?.and_then(|r| r.n).unwrap_or(0))
    }

    /// Inserts many rows: `{head} VALUES (...), (...) {tail}` on SQLite (see
    /// [`Store::insert_values`]), and on PostgreSQL
    /// `{head} SELECT * FROM UNNEST($1::bigint[], ...) {tail}`, which binds one array per column
    /// instead of a value per cell. Returns the rows `tail`'s RETURNING gives.
    pub(crate) async fn bulk_insert<T: FromQueryResult, C: ConnectionTrait>(
        &self,
        conn: &C,
        head: &str,
        cols: &[Col],
        rows: &[Vec<Value>],
        tail: &str,
    ) -> Result<Vec<T>> {
        let mut out = Vec::new();
        match self.backend {
            Backend::Sqlite => out = self.insert_values(conn, head, rows, tail).await?,
            Backend::Postgres => {
                let mut sql = RawSqlQueryBuilder::new(PostgresQueryBuilder);
                sql.push_fragment(head).push_fragment(" SELECT * FROM UNNEST(");
                for (i, col) in cols.iter().enumerate() {
                    if i > 0 {
                        sql.push_fragment(", ");
                    }
                    sql.push_parameters(1).push_fragment(match col {
                        Col::Int => "::bigint[]",
                        Col::Text => "::text[]",
                    });
                }
                sql.push_fragment(") ").push_fragment(tail);
                let sql = sql.finish();
                for chunk in rows.chunks(POSTGRES_BATCH_ROWS) {
                    let values: Vec<Value> = cols
                        .iter()
                        .enumerate()
                        .map(|(i, col)| {
                            let column: Vec<Value> = chunk.iter().map(|row| row[i].clone()).collect();
                            let ty = match col {
                                Col::Int => ArrayType::BigInt,
                                Col::Text => ArrayType::String,
                            };
                            Value::Array(ty, Some(Box::new(column)))
                        })
                        .collect();
                    let statement = Statement::from_sql_and_values(DbBackend::Postgres, sql.clone(), values);
                    out.extend(self.all_on(conn, statement).await?);
                }
            }
        }
        Ok(out)
    }

    /// Inserts many rows as `{head} VALUES (...), (...) {tail}`, in statements of at most
    /// 30,000 values; returns the rows `tail`'s RETURNING gives. Values may be NULL.
    pub(crate) async fn insert_values<T: FromQueryResult, C: ConnectionTrait>(
        &self,
        conn: &C,
        head: &str,
        rows: &[Vec<Value>],
        tail: &str,
    ) -> Result<Vec<T>> {
        let Some(width) = rows.first().map(Vec::len) else { return Ok(Vec::new()) };
        let mut out = Vec::new();
        for chunk in rows.chunks(SQLITE_BATCH_VALUES / width) {
            let mut sql = self.builder();
            sql.push_fragment(head)
                .push_fragment(" VALUES ")
                .push_tuple_parameter_groups(chunk.len(), width)
                .push_fragment(" ")
                .push_fragment(tail);
            let values: Vec<Value> = chunk.iter().flatten().cloned().collect();
            out.extend(
                self.all_on(conn, Statement::from_sql_and_values(self.db_backend(), sql.finish(), values)).await?,
            );
        }
        Ok(out)
    }

    /// A builder that writes this backend's own placeholders (`?` on SQLite, which it binds
    /// in order without a search).
    fn builder(&self) -> RawSqlQueryBuilder {
        match self.backend {
            Backend::Sqlite => RawSqlQueryBuilder::new(SqliteQueryBuilder),
            Backend::Postgres => RawSqlQueryBuilder::new(PostgresQueryBuilder),
        }
    }

    /// Updates many rows from a list of `(key, value)` pairs:
    /// `{head} FROM (VALUES (k, v), ...) AS d WHERE {where_}`, where the pairs are `d.column1`
    /// and `d.column2` (both backends name a VALUES list's columns so).
    pub(crate) async fn bulk_update<C: ConnectionTrait>(
        &self,
        conn: &C,
        head: &str,
        rows: &[Vec<Value>],
        where_: &str,
    ) -> Result<()> {
        let Some(width) = rows.first().map(Vec::len) else { return Ok(()) };
        for chunk in rows.chunks(SQLITE_BATCH_VALUES / width) {
            let mut sql = self.builder();
            sql.push_fragment(head)
                .push_fragment(" FROM (VALUES ")
                .push_tuple_parameter_groups(chunk.len(), width)
                .push_fragment(") AS d WHERE ")
                .push_fragment(where_);
            let values: Vec<Value> = chunk.iter().flatten().cloned().collect();
            conn.execute_raw(Statement::from_sql_and_values(self.db_backend(), sql.finish(), values)).await?;
        }
        Ok(())
    }

    /// On PostgreSQL, takes the row locks of `ids` in ascending order before a multi-row update
    /// (whose own locking order is unspecified), so concurrent writers never deadlock. SQLite
    /// has a single writer and needs none.
    pub(crate) async fn lock_rows_in_order<C: ConnectionTrait>(
        &self,
        conn: &C,
        table: Locked,
        mut ids: Vec<i64>,
    ) -> Result<()> {
        if self.backend != Backend::Postgres || ids.is_empty() {
            return Ok(());
        }
        ids.sort_unstable();
        for chunk in ids.chunks(IN_CHUNK) {
            let statement = match table {
                Locked::ToolStats => sea_orm::raw_sql!(
                    Postgres,
                    "SELECT tool_id FROM tool_stats WHERE tool_id IN ({..chunk}) ORDER BY tool_id FOR NO KEY UPDATE"
                ),
                Locked::Reasons => sea_orm::raw_sql!(
                    Postgres,
                    "SELECT id FROM reasons WHERE id IN ({..chunk}) ORDER BY id FOR NO KEY UPDATE"
                ),
                Locked::Decisions => sea_orm::raw_sql!(
                    Postgres,
                    "SELECT id FROM decisions WHERE id IN ({..chunk}) ORDER BY id FOR NO KEY UPDATE"
                ),
            };
            self.execute(conn, statement).await?;
        }
        Ok(())
    }
}

/// Tables whose counter rows batches lock in order.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Locked {
    ToolStats,
    Reasons,
    Decisions,
}

/// A `LIKE` pattern for text containing `text`, any case: compare it with `LOWER(column)`,
/// with `ESCAPE '!'` (not a backslash, which `raw_sql!` would read as escaping the quote);
/// `%`, `_` and `!` in the text match only themselves.
pub(crate) fn contains_pattern(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for c in text.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '!') {
            pattern.push('!');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// Whether the database refused a write because of a unique constraint (read from the
/// driver's error code, not its message).
pub(crate) fn is_unique_violation(err: &DbErr) -> bool {
    matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
}
