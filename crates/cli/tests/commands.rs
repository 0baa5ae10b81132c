//! The `stackdex` binary run as a process: serve, migrate and the GitHub importer (live against
//! a local fake of the GitHub API, and from a file), on SQLite and PostgreSQL.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use stackdex_store::Store;
use stackdex_store::testing::fresh_stores;

fn stackdex() -> Command {
    Command::new(env!("CARGO_BIN_EXE_stackdex"))
}

async fn stars_of(store: &Store, slug: &str) -> (Option<i64>, Option<i64>) {
    let ids = store.sync_tools(&[]).await.unwrap();
    let stats = store.tool_stats(ids[slug]).await.unwrap();
    (stats.github_stars, stats.github_forks)
}

/// A fake GitHub API on a free port: two repositories, 404 for the rest, and a broken body
/// for one, to check the importer skips what it cannot read.
async fn fake_github() -> String {
    use axum::extract::Path;
    use axum::routing::get;
    let app = axum::Router::new().route(
        "/repos/{owner}/{repo}",
        get(|Path((owner, repo)): Path<(String, String)>| async move {
            let full = format!("{owner}/{repo}");
            let body = match full.as_str() {
                "django/django" => {
                    r#"{"full_name":"django/django","stargazers_count":85642,"forks_count":33217,"watchers":1}"#
                }
                "rust-lang/rust" => r#"{"full_name":"rust-lang/rust","stargazers_count":107618,"forks_count":13941}"#,
                "pallets/flask" => r#"{"full_name": "#,
                _ => return (axum::http::StatusCode::NOT_FOUND, "{}".to_owned()),
            };
            (axum::http::StatusCode::OK, body.to_owned())
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_github_live_and_from_file() {
    let api = fake_github().await;
    for db in fresh_stores().await {
        let live = stackdex()
            .args(["import-github", "--live", "--api-url", &api, "--database-url", &db.url])
            .env_remove("GITHUB_TOKEN")
            .output()
            .unwrap();
        assert!(live.status.success(), "{:?}: {}", db.backend, String::from_utf8_lossy(&live.stderr));
        assert!(String::from_utf8_lossy(&live.stdout).contains("for 2 tools"));
        assert_eq!(stars_of(&db.store, "django").await, (Some(85_642), Some(33_217)));
        assert_eq!(stars_of(&db.store, "rust").await, (Some(107_618), Some(13_941)));

        // From a file of responses (offline); a reading replaces the previous one.
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("responses.json");
        std::fs::write(&file, r#"[{"full_name":"Django/Django","stargazers_count":90000,"forks_count":34000,"id":1}]"#)
            .unwrap();
        let out =
            stackdex().args(["import-github", "--file"]).arg(&file).args(["--database-url", &db.url]).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(stars_of(&db.store, "django").await, (Some(90_000), Some(34_000)));

        // A malformed file is a clear error, and nothing stored is lost.
        std::fs::write(&file, "[{\"full_name\": 12").unwrap();
        let out =
            stackdex().args(["import-github", "--file"]).arg(&file).args(["--database-url", &db.url]).output().unwrap();
        assert!(!out.status.success());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("not a JSON array of GitHub repository responses"), "{stderr}");
        assert_eq!(stars_of(&db.store, "django").await, (Some(90_000), Some(34_000)));
    }
}

pub(crate) struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `stackdex serve` on a free port and returns it with its base URL.
pub(crate) fn serve(database_url: &str) -> (Server, String) {
    let mut child = stackdex()
        .args(["serve", "--addr", "127.0.0.1:0", "--database-url", database_url])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    let url = line.trim().rsplit(' ').next().unwrap().to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "unexpected first line {line:?}");
    (Server(child), url)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_answers_over_http_on_both_backends() {
    for db in fresh_stores().await {
        let (_server, url) = serve(&db.url);
        let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let health = client.get(format!("{url}/healthz")).send().await.unwrap();
        assert_eq!(health.status(), 200);
        let page = client.get(format!("{url}/stackups/django-vs-rust")).send().await.unwrap();
        assert_eq!(page.status(), 200, "{:?}", db.backend);
        assert_eq!(page.headers()["x-content-type-options"], "nosniff");
        assert!(page.text().await.unwrap().contains("Django vs Rust"));
        let moved = client.get(format!("{url}/stackups/rust-vs-django")).send().await.unwrap();
        assert_eq!(moved.status(), 301);
        assert_eq!(moved.headers()["location"], "/stackups/django-vs-rust");
        let api = client.get(format!("{url}/api/v1/stackups/django-vs-rust")).send().await.unwrap();
        let json: serde_json::Value = api.json().await.unwrap();
        assert_eq!(json["tools"][1]["slug"], "rust");
    }
}

#[test]
fn a_fresh_sqlite_file_is_created_and_migrated() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("nested/stackdex.db");
    std::fs::create_dir_all(db.parent().unwrap()).unwrap();
    let url = format!("sqlite://{}", db.display());
    let out = stackdex().args(["migrate", "--database-url", &url]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let version = format!("schema version {}", stackdex_store::SCHEMA_VERSION);
    assert!(String::from_utf8_lossy(&out.stdout).contains(&version), "{}", String::from_utf8_lossy(&out.stdout));
    assert!(db.exists());
    // The default location: the data folder.
    let out = stackdex()
        .arg("migrate")
        .env_remove("DATABASE_URL")
        .env("STACKDEX_DATA_DIR", dir.path().join("data"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(dir.path().join("data/stackdex.db").exists());
}

#[test]
fn bad_configuration_is_a_clear_error() {
    let out = stackdex().args(["migrate", "--database-url", "mysql://nope"]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unsupported database URL"));
    let out =
        stackdex().args(["serve", "--addr", "not-an-address", "--database-url", "sqlite::memory:"]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("listening on not-an-address"));
    let out = stackdex().args(["serve", "--demo-scale", "0"]).output().unwrap();
    assert!(!out.status.success());
    // A page cache too small to hold a page is refused before anything starts.
    let out =
        stackdex().args(["serve", "--page-cache-bytes", "1000", "--database-url", "sqlite::memory:"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--page-cache-bytes"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_a_stackshare_stack_file() {
    let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/../scan/tests/fixtures/stack-files/koel.techstack.yml");
    if !std::path::Path::new(sample).exists() {
        panic!("missing fixture {sample}");
    }
    for db in fresh_stores().await {
        let out = stackdex().args(["import", sample, "--database-url", &db.url]).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains("into 13alinskyi/koel"), "{stdout}");
        let stack = db.store.stack("13alinskyi", "koel").await.unwrap().expect("stack recorded");
        let tools = db.store.stack_tools(stack.id).await.unwrap();
        let ids = db.store.sync_tools(&[]).await.unwrap();
        for slug in ["laravel", "php", "javascript"] {
            assert!(tools.iter().any(|t| t.tool_id == ids[slug]), "{slug} missing");
        }
        // Packages map to tools through the scanner's package rules.
        for slug in ["phpunit", "babel"] {
            assert!(tools.iter().any(|t| t.tool_id == ids[slug]), "{slug} missing");
        }
        // Importing the same file again records nothing, and counts do not double.
        let out = stackdex().args(["import", sample, "--database-url", &db.url]).output().unwrap();
        assert!(out.status.success());
        assert_eq!(db.store.snapshots(stack.id, 10).await.unwrap().len(), 1);
        assert_eq!(db.store.tool_stats(ids["laravel"]).await.unwrap().stacks, 1);
        // A broken file is an error and changes nothing.
        let dir = tempfile::tempdir().unwrap();
        let bad = dir.path().join("techstack.yml");
        std::fs::write(&bad, "repo_name: [unclosed").unwrap();
        let out = stackdex().args(["import"]).arg(&bad).args(["--database-url", &db.url]).output().unwrap();
        assert!(!out.status.success());
        assert_eq!(db.store.snapshots(stack.id, 10).await.unwrap().len(), 1);
        let out =
            stackdex().args(["import", sample, "--stack", "../../etc", "--database-url", &db.url]).output().unwrap();
        assert!(!out.status.success(), "a hostile stack name is refused");
    }
}

/// Makes the account `username` on the server at `url` and an API token for it.
pub(crate) async fn signed_up_token(client: &reqwest::Client, url: &str, username: &str) -> String {
    sign_up(client, url, username).await;
    let r = client
        .post(format!("{url}/api/v1/tokens"))
        .json(&serde_json::json!({"username": username, "password": "long enough", "name": "ci"}))
        .send()
        .await
        .unwrap();
    r.json::<serde_json::Value>().await.unwrap()["token"].as_str().unwrap().to_owned()
}

/// Makes the account `username` (password "long enough") on the server at `url`.
async fn sign_up(client: &reqwest::Client, url: &str, username: &str) {
    let r = client
        .post(format!("{url}/api/v1/users"))
        .json(&serde_json::json!({"username": username, "password": "long enough"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn push_scans_and_uploads_a_snapshot() {
    let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/../scan/tests/fixtures/python-app");
    for db in fresh_stores().await {
        let (_server, url) = serve(&db.url);
        let client = reqwest::Client::new();
        let token = signed_up_token(&client, &url, "pat").await;

        let out = stackdex()
            .args(["push", fixture, "--server", &url, "--stack", "pat/api"])
            .env("STACKDEX_TOKEN", &token)
            .output()
            .unwrap();
        assert!(out.status.success(), "{:?}: {}", db.backend, String::from_utf8_lossy(&out.stderr));
        let stack: serde_json::Value =
            client.get(format!("{url}/api/v1/stacks/pat/api")).send().await.unwrap().json().await.unwrap();
        let slugs: Vec<String> = stack["layers"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|l| l["tools"].as_array().unwrap().iter().map(|t| t["slug"].as_str().unwrap().to_owned()))
            .collect();
        assert!(slugs.contains(&"django".to_owned()), "{slugs:?}");

        let out = stackdex()
            .args(["push", fixture, "--server", &url, "--stack", "pat/api"])
            .env("STACKDEX_TOKEN", "sdx_wrong")
            .output()
            .unwrap();
        assert!(!out.status.success());
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("invalid token"),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );

        // `stackdex login` keeps a token that `push` then uses; a wrong password saves nothing.
        let config = tempfile::tempdir().unwrap();
        let login = |password: &str| {
            let mut child = stackdex()
                .args(["login", "--server", &url, "--username", "pat", "--password-stdin"])
                .env("STACKDEX_CONFIG_DIR", config.path())
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            std::io::Write::write_all(&mut child.stdin.take().unwrap(), format!("{password}\n").as_bytes()).unwrap();
            child.wait_with_output().unwrap()
        };
        let out = login("not the password");
        assert!(!out.status.success());
        assert!(!config.path().join("credentials.json").exists());
        let out = stackdex()
            .args(["push", fixture, "--server", &url, "--stack", "pat/api"])
            .env("STACKDEX_CONFIG_DIR", config.path())
            .env_remove("STACKDEX_TOKEN")
            .output()
            .unwrap();
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("stackdex login"));
        let out = login("long enough");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let file = config.path().join("credentials.json");
        #[cfg(unix)]
        assert_eq!(
            std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&file).unwrap().permissions()) & 0o777,
            0o600
        );
        assert!(std::fs::read_to_string(&file).unwrap().contains("sdx_"));
        let out = stackdex()
            .args(["push", fixture, "--server", &url, "--stack", "pat/api"])
            .env("STACKDEX_CONFIG_DIR", config.path())
            .env_remove("STACKDEX_TOKEN")
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let stack: serde_json::Value =
            client.get(format!("{url}/api/v1/stacks/pat/api")).send().await.unwrap().json().await.unwrap();
        assert_eq!(stack["snapshots"].as_array().unwrap().len(), 1, "the second push changed nothing");

        // `stackdex admin grant` makes pat an admin; an unknown user is an error.
        let out = stackdex().args(["admin", "grant", "pat", "--database-url", &db.url]).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(db.store.user_by_name("pat").await.unwrap().unwrap().is_admin);
        let out = stackdex().args(["admin", "grant", "nobody", "--database-url", &db.url]).output().unwrap();
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("no user"));
        let out = stackdex().args(["admin", "revoke", "pat", "--database-url", &db.url]).output().unwrap();
        assert!(out.status.success());
        assert!(!db.store.user_by_name("pat").await.unwrap().unwrap().is_admin);

        // `stackdex admin figures` rebuilds the daily figures from the stored dates.
        let out = stackdex().args(["admin", "figures", "--database-url", &db.url]).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8_lossy(&out.stdout).contains("daily figures rebuilt"));
        assert!(db.store.has_figures().await.unwrap(), "the pushed stack's tools have figures");
    }
}

/// Runs `git` in `dir` (the test makes its repository with git; the product reads it without).
fn git(dir: &std::path::Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false"])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn push_from_a_git_checkout_twice_records_once_and_prints_the_stack() {
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../scan/tests/fixtures/python-app");
    for db in fresh_stores().await {
        let (_server, url) = serve(&db.url);
        let client = reqwest::Client::new();
        sign_up(&client, &url, "pat").await;
        // A checkout: a commit on a branch, a remote whose URL carries a CI token.
        let work = tempfile::tempdir().unwrap();
        let repo = work.path().join("app");
        copy_dir(&fixture, &repo);
        git(&repo, &["init", "--quiet", "--initial-branch=trunk"]);
        git(&repo, &["add", "."]);
        git(&repo, &["commit", "--quiet", "-m", "first"]);
        git(&repo, &["remote", "add", "origin", "https://x-access-token:ghs_secret@github.com/pat/app.git"]);
        let sha = git(&repo, &["rev-parse", "HEAD"]);

        // Log in once; push then needs no --server.
        let config = tempfile::tempdir().unwrap();
        let mut child = stackdex()
            .args(["login", "--server", &url, "--username", "pat", "--password-stdin"])
            .env("STACKDEX_CONFIG_DIR", config.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::io::Write::write_all(&mut child.stdin.take().unwrap(), b"long enough\n").unwrap();
        assert!(child.wait_with_output().unwrap().status.success());
        let push = || {
            stackdex()
                .args(["push", "--stack", "pat/app"])
                .arg(&repo)
                .env("STACKDEX_CONFIG_DIR", config.path())
                .env_remove("STACKDEX_TOKEN")
                .env_remove("STACKDEX_SERVER")
                .output()
                .unwrap()
        };
        let stack_url = format!("{url}/stacks/pat/app");
        let first = push();
        let stdout = String::from_utf8_lossy(&first.stdout);
        assert!(first.status.success(), "{:?}: {}", db.backend, String::from_utf8_lossy(&first.stderr));
        assert!(stdout.contains("as v1"), "{stdout}");
        assert!(stdout.contains(&stack_url), "{stdout}");

        // A new commit that changes no tool: the second push records nothing.
        std::fs::write(repo.join("NOTES.txt"), "nothing that changes the stack\n").unwrap();
        git(&repo, &["add", "."]);
        git(&repo, &["commit", "--quiet", "-m", "second"]);
        let second = push();
        let stdout = String::from_utf8_lossy(&second.stdout);
        assert!(second.status.success(), "{}", String::from_utf8_lossy(&second.stderr));
        assert!(stdout.contains("unchanged since v1"), "{stdout}");
        assert!(stdout.contains(&stack_url), "{stdout}");

        let stack: serde_json::Value =
            client.get(format!("{url}/api/v1/stacks/pat/app")).send().await.unwrap().json().await.unwrap();
        assert_eq!(stack["snapshots"].as_array().unwrap().len(), 1, "{:?}", db.backend);
        assert_eq!(stack["origin"]["commit"], sha.as_str(), "the snapshot keeps the commit it was made at");
        assert_eq!(stack["origin"]["branch"], "trunk");
        assert_eq!(stack["origin"]["repository"], "https://github.com/pat/app.git");
        let page = client.get(&stack_url).send().await.unwrap().text().await.unwrap();
        assert!(page.contains(&format!("https://github.com/pat/app/commit/{sha}")), "{page}");
        assert!(!page.contains("ghs_secret"));

        // With two saved log-ins, push asks which server.
        let credentials = config.path().join("credentials.json");
        let mut saved: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&credentials).unwrap()).unwrap();
        saved["https://other.example"] = serde_json::json!("sdx_other");
        std::fs::write(&credentials, saved.to_string()).unwrap();
        let out = push();
        assert!(!out.status.success());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("several log-ins") && stderr.contains("--server"), "{stderr}");
        let out = stackdex()
            .args(["push", "--stack", "pat/app", "--server", &url])
            .arg(&repo)
            .env("STACKDEX_CONFIG_DIR", config.path())
            .env_remove("STACKDEX_TOKEN")
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_eol_reads_endoflife_dates_json_and_refuses_a_broken_file_keeping_what_was_there() {
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/eol");
    for db in fresh_stores().await {
        let out = stackdex()
            .args(["import-eol", "--tool", "postgres", "--file", &format!("{fixtures}/postgresql.json")])
            .args(["--database-url", &db.url])
            .output()
            .unwrap();
        assert!(out.status.success(), "{:?}: {}", db.backend, String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8_lossy(&out.stdout).contains("imported 6 release cycles"));
        let ids = db.store.sync_tools(&[]).await.unwrap();
        let cycles = db.store.release_cycles(&[ids["postgresql"]]).await.unwrap();
        let fourteen = cycles.iter().find(|c| c.cycle == "14").expect("cycle 14");
        assert_eq!((fourteen.eol.as_deref(), fourteen.latest.as_deref()), (Some("2026-11-12"), Some("14.15")));
        let old = cycles.iter().find(|c| c.cycle == "9.6").unwrap();
        assert!(old.eol.as_deref().is_some_and(|d| d < "2000-01-01"), "eol: true is an end long past");

        for (file, says) in [("broken.json", "not a date"), ("missing.json", "reading")] {
            let out = stackdex()
                .args(["import-eol", "--tool", "postgresql", "--file", &format!("{fixtures}/{file}")])
                .args(["--database-url", &db.url])
                .output()
                .unwrap();
            assert!(!out.status.success(), "{file}");
            assert!(
                String::from_utf8_lossy(&out.stderr).contains(says),
                "{file}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let out = stackdex()
            .args(["import-eol", "--tool", "no-such-tool", "--file", &format!("{fixtures}/postgresql.json")])
            .args(["--database-url", &db.url])
            .output()
            .unwrap();
        assert!(!out.status.success(), "an unknown tool is refused");
        assert_eq!(db.store.release_cycles(&[ids["postgresql"]]).await.unwrap().len(), 6, "nothing lost");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn radar_push_records_a_version_for_the_organisation() {
    for db in fresh_stores().await {
        let (_server, url) = serve(&db.url);
        let client = reqwest::Client::new();
        let token = signed_up_token(&client, &url, "pat").await;
        let r = client
            .post(format!("{url}/api/v1/organisations"))
            .bearer_auth(&token)
            .json(&serde_json::json!({"slug": "acme", "name": "Acme"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("techradar.yml");
        std::fs::write(&file, "entries:\n  - {tool: kafka, ring: trial}\n  - {tool: Kafkaa, ring: hold}\n").unwrap();
        let out = stackdex()
            .args(["radar", "push", file.to_str().unwrap(), "--server", &url, "--org", "acme"])
            .env("STACKDEX_TOKEN", &token)
            .output()
            .unwrap();
        assert!(out.status.success(), "{:?}: {}", db.backend, String::from_utf8_lossy(&out.stderr));
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains("recorded the radar of acme as version 1 (1 tools)"), "{stdout}");
        assert!(stdout.contains(&format!("{url}/organisations/acme/radar")));
        assert!(String::from_utf8_lossy(&out.stderr).contains("\"Kafkaa\" is not a tool the catalog knows"));
        let radar: serde_json::Value =
            client.get(format!("{url}/api/v1/organisations/acme/radar")).send().await.unwrap().json().await.unwrap();
        assert_eq!(radar["blips"][0]["slug"], "kafka");

        let out = stackdex()
            .args(["radar", "push", file.to_str().unwrap(), "--server", &url, "--org", "nobody"])
            .env("STACKDEX_TOKEN", &token)
            .output()
            .unwrap();
        assert!(!out.status.success(), "an unknown organisation is refused");
        assert!(String::from_utf8_lossy(&out.stderr).contains("404"));
    }
}
