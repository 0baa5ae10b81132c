//! Schema and migrations, embedded in the binary. One DDL text serves both backends; only the
//! identity column is spelled per backend. `migrate` is idempotent and, on PostgreSQL, holds an
//! advisory lock so several app servers starting at once migrate once.

use sea_orm::{ConnectionTrait, TransactionTrait};

use crate::{Backend, Result, Store};

/// Each migration is applied once, in order, in its own transaction.
const MIGRATIONS: &[(i64, &str)] = &[(1, V1), (2, V2)];

/// The schema version a fully migrated database is at.
pub const LATEST: i64 = MIGRATIONS[MIGRATIONS.len() - 1].0;

const V1: &str = r#"
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE tools (
    id {pk},
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);
CREATE TABLE tool_stats (
    tool_id BIGINT PRIMARY KEY REFERENCES tools(id) ON DELETE CASCADE,
    stacks BIGINT NOT NULL DEFAULT 0,
    followers BIGINT NOT NULL DEFAULT 0,
    votes BIGINT NOT NULL DEFAULT 0,
    github_stars BIGINT,
    github_forks BIGINT,
    github_read_at BIGINT
);

CREATE TABLE users (
    id {pk},
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    password_hash TEXT,
    is_admin BOOLEAN NOT NULL DEFAULT FALSE,
    created_at BIGINT NOT NULL
);
CREATE TABLE organisations (
    id {pk},
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE TABLE memberships (
    org_id BIGINT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    PRIMARY KEY (org_id, user_id)
);
CREATE TABLE api_tokens (
    id {pk},
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    prefix TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at BIGINT
);
CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE TABLE rate_buckets (
    key TEXT PRIMARY KEY,
    tokens DOUBLE PRECISION NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE stacks (
    id {pk},
    owner TEXT NOT NULL,
    owner_kind TEXT NOT NULL,
    slug TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (owner, slug)
);
CREATE TABLE stack_snapshots (
    id {pk},
    stack_id BIGINT NOT NULL REFERENCES stacks(id) ON DELETE CASCADE,
    author_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    source TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX stack_snapshots_stack ON stack_snapshots (stack_id, id);
CREATE TABLE snapshot_tools (
    snapshot_id BIGINT NOT NULL REFERENCES stack_snapshots(id) ON DELETE CASCADE,
    tool_id BIGINT NOT NULL REFERENCES tools(id),
    versions TEXT NOT NULL DEFAULT '',
    sources TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (snapshot_id, tool_id)
);
CREATE TABLE stack_tools (
    stack_id BIGINT NOT NULL REFERENCES stacks(id) ON DELETE CASCADE,
    tool_id BIGINT NOT NULL REFERENCES tools(id),
    PRIMARY KEY (stack_id, tool_id)
);
CREATE INDEX stack_tools_tool ON stack_tools (tool_id, stack_id);

CREATE TABLE reasons (
    id {pk},
    tool_id BIGINT NOT NULL REFERENCES tools(id),
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    author_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    votes BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);
CREATE INDEX reasons_tool ON reasons (tool_id, kind, votes);
CREATE TABLE reason_votes (
    reason_id BIGINT NOT NULL REFERENCES reasons(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (reason_id, user_id)
);

CREATE TABLE decisions (
    id {pk},
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    author_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    org_id BIGINT REFERENCES organisations(id) ON DELETE SET NULL,
    views BIGINT NOT NULL DEFAULT 0,
    upvotes BIGINT NOT NULL DEFAULT 0,
    comments BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);
CREATE INDEX decisions_created ON decisions (created_at);
CREATE TABLE decision_tools (
    decision_id BIGINT NOT NULL REFERENCES decisions(id) ON DELETE CASCADE,
    tool_id BIGINT NOT NULL REFERENCES tools(id),
    PRIMARY KEY (decision_id, tool_id)
);
CREATE INDEX decision_tools_tool ON decision_tools (tool_id, decision_id);
CREATE TABLE decision_upvotes (
    decision_id BIGINT NOT NULL REFERENCES decisions(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (decision_id, user_id)
);
CREATE TABLE decision_views (
    decision_id BIGINT NOT NULL REFERENCES decisions(id) ON DELETE CASCADE,
    visitor TEXT NOT NULL,
    hour BIGINT NOT NULL,
    PRIMARY KEY (decision_id, visitor, hour)
);
CREATE TABLE comments (
    id {pk},
    decision_id BIGINT NOT NULL REFERENCES decisions(id) ON DELETE CASCADE,
    author_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX comments_decision ON comments (decision_id, id);

CREATE TABLE follows (
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    target_kind TEXT NOT NULL,
    target_id BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, target_kind, target_id)
);
CREATE INDEX follows_target ON follows (target_kind, target_id);
CREATE TABLE events (
    id {pk},
    kind TEXT NOT NULL,
    actor_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    target_kind TEXT NOT NULL,
    target_id BIGINT NOT NULL,
    payload TEXT NOT NULL DEFAULT '{}',
    created_at BIGINT NOT NULL
);
CREATE INDEX events_target ON events (target_kind, target_id, id);

CREATE TABLE stackups (
    slug TEXT PRIMARY KEY,
    views BIGINT NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL
);
CREATE INDEX stackups_views ON stackups (views);

CREATE TABLE changes (
    id {pk},
    tags TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
"#;

/// Followers counters for stacks and organisations (tools keep theirs in `tool_stats`), moved
/// in the same transaction as the follow, like every other counter.
const V2: &str = r#"
ALTER TABLE stacks ADD COLUMN followers BIGINT NOT NULL DEFAULT 0;
ALTER TABLE organisations ADD COLUMN followers BIGINT NOT NULL DEFAULT 0;
"#;

impl Store {
    /// Applies every migration not yet applied, in one transaction. Safe to call from several
    /// processes at once: on PostgreSQL a transaction-level advisory lock serialises migrators
    /// (and is released with the transaction, whichever pooled connection ran it); on SQLite
    /// the write transaction does.
    pub async fn migrate(&self) -> Result<()> {
        let txn = self.write.begin().await?;
        if self.backend == Backend::Postgres {
            txn.execute_unprepared("SELECT pg_advisory_xact_lock(727274)").await?;
        }
        txn.execute_unprepared(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)",
        )
        .await?;
        let applied: i64 =
            match txn.query_one_raw(self.stmt("SELECT MAX(version) FROM schema_migrations", vec![])).await? {
                Some(row) => row.try_get_by_index::<Option<i64>>(0)?.unwrap_or(0),
                None => 0,
            };
        let pk = match self.backend {
            Backend::Sqlite => "INTEGER PRIMARY KEY",
            Backend::Postgres => "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
        };
        for &(version, ddl) in MIGRATIONS.iter().filter(|(v, _)| *v > applied) {
            for statement in ddl.replace("{pk}", pk).split(';').map(str::trim).filter(|s| !s.is_empty()) {
                txn.execute_unprepared(statement).await?;
            }
            txn.execute_raw(self.stmt(
                "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)",
                vec![version.into(), crate::now().into()],
            ))
            .await?;
            tracing::info!(version, "applied migration");
        }
        txn.commit().await?;
        Ok(())
    }

    /// The schema version this database is at.
    pub async fn schema_version(&self) -> Result<i64> {
        self.query_i64("SELECT MAX(version) FROM schema_migrations", vec![]).await
    }
}
