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
            let name = next_pg_name();
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

/// A database built once per test process (the demo community, say) that tests start from as
/// copies, instead of building it again each time.
pub struct Template {
    backend: Backend,
    /// SQLite: the closed file, kept in its folder.
    sqlite: Option<(tempfile::TempDir, std::path::PathBuf)>,
    /// PostgreSQL: the database copies are made from (`CREATE DATABASE … TEMPLATE`).
    pg_name: Option<String>,
}

impl Template {
    /// Builds the template on `backend`: a migrated store handed to `build`, then closed.
    /// `build` must let go of every clone of the store it was given.
    pub async fn build<F>(backend: Backend, build: F) -> Template
    where
        F: AsyncFnOnce(Store),
    {
        let mut db = fresh(backend).await;
        build(db.store.clone()).await;
        let store = db.store.clone();
        store.close().await.expect("close the template");
        match backend {
            Backend::Sqlite => {
                let dir = db._dir.take().expect("a SQLite test database has its folder");
                let file = dir.path().join("test.db");
                Template { backend, sqlite: Some((dir, file)), pg_name: None }
            }
            Backend::Postgres => {
                let name = db.pg_name.take().expect("a PostgreSQL test database has its name");
                let admin = Database::connect(&pg_admin_url()).await.expect("PostgreSQL");
                drop_left_behind(&admin).await;
                // Nothing may be connected to a template while it is copied.
                admin
                    .execute_unprepared(&format!(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                         WHERE datname = '{name}' AND pid <> pg_backend_pid()"
                    ))
                    .await
                    .expect("disconnect the template");
                Template { backend, sqlite: None, pg_name: Some(name) }
            }
        }
    }

    /// A fresh database holding a copy of the template, dropped with its guard.
    pub async fn copy(&self) -> TestDb {
        match self.backend {
            Backend::Sqlite => {
                let (_, file) = self.sqlite.as_ref().expect("a SQLite template");
                let dir = tempfile::tempdir().expect("temp dir");
                std::fs::copy(file, dir.path().join("test.db")).expect("copy the template");
                let url = format!("sqlite://{}/test.db", dir.path().display());
                let store = Store::connect(&url).await.expect("sqlite");
                TestDb { store, url, backend: self.backend, _dir: Some(dir), pg_name: None }
            }
            Backend::Postgres => {
                let template = self.pg_name.as_ref().expect("a PostgreSQL template");
                let name = next_pg_name();
                let admin = Database::connect(&pg_admin_url()).await.expect("PostgreSQL");
                // Copies of one template are made one at a time (PostgreSQL refuses a copy
                // while another session is reading the template).
                static COPYING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
                let _turn = COPYING.lock().await;
                admin
                    .execute_unprepared(&format!("CREATE DATABASE {name} TEMPLATE {template}"))
                    .await
                    .unwrap_or_else(|e| panic!("copy of {template}: {e}"));
                let url = replace_db(&pg_admin_url(), &name);
                let store = Store::connect(&url).await.expect("postgres");
                TestDb { store, url, backend: self.backend, _dir: None, pg_name: Some(name) }
            }
        }
    }
}

impl Drop for Template {
    fn drop(&mut self) {
        if let Some(name) = self.pg_name.take() {
            drop_pg(name);
        }
    }
}

/// Drops the test databases of test processes that ended without dropping them (a template
/// lives until its process ends, and a process that panics or is killed drops nothing).
async fn drop_left_behind(admin: &sea_orm::DatabaseConnection) {
    use sea_orm::{FromQueryResult, Statement};
    #[derive(FromQueryResult)]
    struct Row {
        datname: String,
    }
    let Ok(rows) = Row::find_by_statement(Statement::from_string(
        admin.get_database_backend(),
        "SELECT datname FROM pg_database WHERE datname LIKE 'stackdex_t%'",
    ))
    .all(admin)
    .await
    else {
        return;
    };
    for row in rows {
        let pid = row.datname.strip_prefix("stackdex_t").and_then(|rest| rest.split('_').next());
        let gone = pid
            .and_then(|p| p.parse::<u32>().ok())
            .is_some_and(|p| !std::path::Path::new(&format!("/proc/{p}")).exists());
        if gone {
            let _ = admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", row.datname)).await;
        }
    }
}

fn next_pg_name() -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    format!("stackdex_t{}_{}", std::process::id(), N.fetch_add(1, Ordering::SeqCst))
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
            drop_pg(name);
        }
    }
}

/// Drops a PostgreSQL test database, from a thread of its own: Drop cannot await, and may run
/// inside a runtime.
fn drop_pg(name: String) {
    let admin = pg_admin_url();
    let _ = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().ok()?;
        rt.block_on(async {
            let conn = Database::connect(&admin).await.ok()?;
            conn.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await.ok()
        })
    })
    .join();
}
