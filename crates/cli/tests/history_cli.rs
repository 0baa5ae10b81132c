//! `stackdex scan --history` and `stackdex push --history` run as processes, on repositories
//! the tests make with `git` (the product reads them without it).

use std::path::Path;
use std::process::Command;

/// Runs `git` in `dir` with a fixed author and the committer date `date` (seconds).
fn git_at(dir: &Path, date: i64, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false"])
        .args(args)
        .env("GIT_AUTHOR_DATE", format!("{date} +0000"))
        .env("GIT_COMMITTER_DATE", format!("{date} +0000"))
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// 2022-03-01: react 17, then react 18 a day later, then express beside it a day after.
pub(crate) fn three_commits(dir: &Path) -> Vec<String> {
    const START: i64 = 1_646_092_800;
    git_at(dir, START, &["init", "-q"]);
    let mut commits = Vec::new();
    for (i, deps) in
        [r#""react": "17.0.2""#, r#""react": "18.2.0""#, r#""react": "18.2.0", "express": "4.18.2""#].iter().enumerate()
    {
        std::fs::write(dir.join("package.json"), format!(r#"{{"name": "app", "dependencies": {{{deps}}}}}"#)).unwrap();
        let date = START + i as i64 * 86_400;
        git_at(dir, date, &["add", "-A"]);
        git_at(dir, date, &["commit", "-q", "-m", &format!("commit {i}")]);
        commits.push(git_at(dir, date, &["rev-parse", "HEAD"]));
    }
    commits
}

fn stackdex() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("stackdex").expect("the stackdex binary is built")
}

#[test]
fn scan_history_json_has_the_documented_shape() {
    let repo = tempfile::tempdir().unwrap();
    let c = three_commits(repo.path());
    let out = stackdex().args(["scan", "--history", "--format", "json"]).arg(repo.path()).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["repository"], repo.path().to_str().unwrap());
    assert_eq!(json["head"], c[2].as_str());
    assert_eq!(json["commits_scanned"], 3);
    assert_eq!(json["since"], serde_json::Value::Null);
    let react = json["tools"].as_array().unwrap().iter().find(|t| t["slug"] == "react").unwrap();
    assert_eq!(react["name"], "React");
    assert_eq!(react["first_seen"], serde_json::json!({"commit": c[0], "date": "2022-03-01T00:00:00+00:00"}));
    assert_eq!(react["last_seen"], serde_json::Value::Null);
    assert_eq!(
        react["versions"],
        serde_json::json!([
            {"version": "17.0.2", "commit": c[0], "date": "2022-03-01T00:00:00+00:00"},
            {"version": "18.2.0", "commit": c[1], "date": "2022-03-02T00:00:00+00:00"},
        ])
    );
    let snapshots = json["snapshots"].as_array().unwrap();
    assert_eq!(snapshots.len(), 3);
    assert_eq!(snapshots[2]["commit"], c[2].as_str());
    assert_eq!(snapshots[2]["date"], "2022-03-03T00:00:00+00:00");
    assert!(snapshots[2]["tools"].as_array().unwrap().contains(&serde_json::json!("expressjs")));

    // --since and --max-commits; the table names each tool with its first commit.
    let out = stackdex()
        .args(["scan", "--history", "--since", "2022-03-02", "--format", "json"])
        .arg(repo.path())
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (json["commits_scanned"].as_u64(), json["since"].as_str()),
        (Some(2), Some("2022-03-02T00:00:00+00:00"))
    );
    let out = stackdex().args(["scan", "--history", "--max-commits", "1"]).arg(repo.path()).output().unwrap();
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.contains("1 commits"), "{table}");
    assert!(table.contains(&format!("first seen 2022-03-03 {}", &c[2][..8])), "{table}");
    assert!(table.contains("present"), "{table}");
}

#[test]
fn scan_history_outside_a_repository_exits_with_2() {
    let plain = tempfile::tempdir().unwrap();
    let out = stackdex().args(["scan", "--history"]).arg(plain.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a git repository"));
    let out = stackdex().args(["scan", "--history", "--since", "March"]).arg(plain.path()).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("YYYY-MM-DD"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn push_history_records_dated_snapshots_then_the_current_state() {
    use crate::commands::{serve, signed_up_token};
    let repo = tempfile::tempdir().unwrap();
    let c = three_commits(repo.path());
    for db in stackdex_store::testing::fresh_stores().await {
        let (_server, url) = serve(&db.url);
        let client = reqwest::Client::new();
        let token = signed_up_token(&client, &url, "pat").await;

        let push = |stack: &str| {
            stackdex()
                .args(["push", "--history", "--server", &url, "--stack", stack])
                .arg(repo.path())
                .env("STACKDEX_TOKEN", &token)
                .output()
                .unwrap()
        };
        let out = push("pat/app");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{:?}: {}", db.backend, String::from_utf8_lossy(&out.stderr));
        assert!(stdout.contains("recorded 3 dated snapshots of pat/app"), "{stdout}");
        assert!(stdout.contains("unchanged since v3"), "HEAD's stack is the history's last: {stdout}");
        assert!(stdout.contains(&format!("{url}/stacks/pat/app")), "{stdout}");
        let stack: serde_json::Value =
            client.get(format!("{url}/api/v1/stacks/pat/app")).send().await.unwrap().json().await.unwrap();
        let dated: Vec<(i64, i64, &str)> = stack["snapshots"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| (s["number"].as_i64().unwrap(), s["created_at"].as_i64().unwrap(), s["commit"].as_str().unwrap()))
            .collect();
        assert_eq!(
            dated,
            [(3, 1_646_265_600, c[2].as_str()), (2, 1_646_179_200, c[1].as_str()), (1, 1_646_092_800, c[0].as_str())],
            "{:?}",
            db.backend
        );

        // Again: the stack has snapshots now.
        let out = push("pat/app");
        assert!(!out.status.success());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("409") && stderr.contains("new stack"), "{stderr}");
    }
}
