//! The only crate that knows the database: schema, migrations and queries, one codebase for
//! SQLite (the default, an embedded file) and PostgreSQL (to scale out); the backend is chosen
//! from the URL at start-up.
//!
//! One module per resource, named as in every other layer (`tools`, `reasons`, `stacks`,
//! `stackups`, `decisions`, `follows`, `organisations`, `accounts`, and `figures`, the daily
//! figures over time); the cross-cutting pieces
//! are `sql` (statements and rows), `types` (ids, and the macro for kinds kept as text),
//! `changes` (the change log the page caches follow), `rate_limits`, `meta` and `migrate`.
//!
//! Counters shown on hot pages (stacks, followers and votes per tool, votes per reason) are
//! kept in the same transaction as the write that changes them, so reads never count rows.

mod accounts;
mod changes;
mod decisions;
mod error;
mod figures;
mod fleet;
mod follows;
mod meta;
mod migrate;
mod organisations;
mod radars;
mod rate_limits;
mod reasons;
mod reports;
mod site;
mod sql;
mod stacks;
mod stackups;
mod tools;
mod types;

#[cfg(any(test, feature = "testing"))]
pub mod testing;

use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection};

pub use accounts::{Credentials, NewUser, Profile, SessionRow, TokenInfo, User};
pub use changes::{Change, Tag};
pub use decisions::{Comment, Decision, DecisionCounters, DecisionKind, NewDecision, NewView};
pub use error::StoreError;
pub use figures::{DAY, ToolFigures};
pub use fleet::{FleetRow, ReleaseCycle};
pub use follows::{Event, EventKind, FeedPosition, FollowerCount, Target, TargetKind};
pub use migrate::LATEST as SCHEMA_VERSION;
pub use organisations::{Member, Membership, Organisation, OrganisationListing, Role};
pub use radars::RadarVersion;
pub use reasons::{Deletion, NewReason, Reason, ReasonKind, ReasonVotes};
pub use reports::{Report, ReportKind, Resolution};
pub use site::{DecisionLocation, StackLocation, StackupLocation};
pub use stacks::{
    NewSnapshot, Origin, OwnerKind, Recorded, SnapshotComponent, SnapshotDetails, SnapshotLanguage, SnapshotMembership,
    SnapshotSource, SnapshotSummary, SnapshotTool, StackFilter, StackKind, StackName, StackOrder, StackRef,
    StackSummary,
};
pub use stackups::StackupViews;
pub use tools::{CoUse, GithubReading, ToolStats, VersionCount};
pub use types::{
    CommentId, DecisionId, EventId, OrganisationId, ReasonId, ReportId, SnapshotId, StackId, TokenId, ToolId, UserId,
};

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

    /// Closes the connections of this store and of every clone of it (SQLite writes its WAL
    /// back into the file): what was written is on disk, and the database can be copied.
    pub async fn close(self) -> Result<()> {
        if self.backend == Backend::Sqlite {
            self.write.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)").await?;
        }
        self.read.close().await?;
        if self.backend == Backend::Sqlite {
            self.write.close().await?;
        }
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

/// Seconds since the Unix epoch: every time column is one, the same on both backends.
pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}
