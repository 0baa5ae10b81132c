use sea_orm::DbErr;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("unsupported database URL {0:?}: use sqlite:///path/to/file.db or postgres://user@host:port/db")]
    BadUrl(String),
    #[error("not found")]
    NotFound,
    #[error("already exists: {0}")]
    Conflict(String),
    #[error("database error: {0}")]
    Db(#[from] DbErr),
}

impl StoreError {
    /// Whether the database refused the write because of a unique constraint.
    pub fn is_unique_violation(err: &DbErr) -> bool {
        let text = err.to_string();
        text.contains("UNIQUE constraint failed") || text.contains("duplicate key value")
    }
}
