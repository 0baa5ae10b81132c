//! Fresh databases for tests, on both backends: a SQLite file in a temporary folder, and a new
//! PostgreSQL database (from `STACKDEX_TEST_PG`, default `postgres://postgres@127.0.0.1:5432/test`)
//! dropped when the guard goes.

use std::sync::atomic::{AtomicU32, Ordering};

use sea_orm::{ConnectionTrait, Database};

use crate::{Backend, Store};

/// Keeps a test database alive; drops it (PostgreSQL) or deletes its folder (SQLite) at the end.
pub struct TestDb {
    pub store: Store,
    pub url: String,
    pub backend: Backend,
    _dir: Option<tempfile::TempDir>,
    pg_name: Option<String>,
}

pub fn pg_admin_url() -> String {
    std::env::var("STACKDEX_TEST_PG").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// A migrated, empty store on each backend.
pub async fn fresh_stores() -> Vec<TestDb> {
    vec![fresh(Backend::Sqlite).await, fresh(Backend::Postgres).await]
}

pub async fn fresh(backend: Backend) -> TestDb {
    let db = match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().expect("temp dir");
            let url = format!("sqlite://{}/test.db", dir.path().display());
            let store = Store::connect(&url).await.expect("sqlite");
            TestDb { store, url, backend, _dir: Some(dir), pg_name: None }
        }
        Backend::Postgres => {
            static N: AtomicU32 = AtomicU32::new(0);
            let name = format!("stackdex_t{}_{}", std::process::id(), N.fetch_add(1, Ordering::SeqCst));
            let admin = pg_admin_url();
            let conn = Database::connect(&admin).await.unwrap_or_else(|e| panic!("PostgreSQL at {admin}: {e}"));
            conn.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name}")).await.unwrap();
            conn.execute_unprepared(&format!("CREATE DATABASE {name}")).await.unwrap();
            let url = replace_db(&admin, &name);
            let store = Store::connect(&url).await.expect("postgres");
            TestDb { store, url, backend, _dir: None, pg_name: Some(name) }
        }
    };
    db.store.migrate().await.expect("migrate");
    db
}

/// The same URL with another database name.
pub fn replace_db(url: &str, db: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let base = base.rsplit_once('/').map_or(base, |(b, _)| b);
    match query {
        Some(q) => format!("{base}/{db}?{q}"),
        None => format!("{base}/{db}"),
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(name) = self.pg_name.take() {
            let admin = pg_admin_url();
            // Drop from a thread of its own: Drop cannot await, and may run inside a runtime.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().ok()?;
                rt.block_on(async {
                    let conn = Database::connect(&admin).await.ok()?;
                    conn.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await.ok()
                })
            })
            .join();
        }
    }
}
