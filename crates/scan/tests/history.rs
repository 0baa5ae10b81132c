//! `stackdex scan --history`: tools first and last seen, version timelines, the commits read,
//! warnings for old malformed manifests, and repositories that cannot be read. Fixture
//! repositories are written with `git fast-import` (the scanner itself starts no `git`).

use std::path::Path;
use std::process::{Command, Stdio};

use stackdex_catalog::Catalog;
use stackdex_scan::{History, HistoryError, HistoryOptions, ToolHistory, history};

/// A commit of a fixture: its committer date and the files it writes (`Some`) or deletes.
type Change<'a> = (i64, Vec<(&'a str, Option<String>)>);

/// A repository holding `commits` on `main`, one after the other; their hashes, oldest first.
fn repository(dir: &Path, commits: &[Change<'_>]) -> Vec<String> {
    let git = |args: &[&str]| {
        let out = Command::new("git").args(args).current_dir(dir).output().expect("git runs");
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    git(&["init", "-q"]);
    git(&["symbolic-ref", "HEAD", "refs/heads/main"]);
    let mut stream = Vec::new();
    for (i, (time, files)) in commits.iter().enumerate() {
        let message = format!("commit {i}");
        stream.extend(format!("commit refs/heads/main\nmark :{}\n", i + 1).bytes());
        stream.extend(format!("committer T <t@example.com> {time} +0000\n").bytes());
        stream.extend(format!("data {}\n{message}\n", message.len()).bytes());
        if i > 0 {
            stream.extend(format!("from :{i}\n").bytes());
        }
        for (path, content) in files {
            match content {
                Some(text) => stream.extend(format!("M 100644 inline {path}\ndata {}\n{text}\n", text.len()).bytes()),
                None => stream.extend(format!("D {path}\n").bytes()),
            }
        }
    }
    let mut child = Command::new("git")
        .args(["fast-import", "--quiet"])
        .current_dir(dir)
        .stdin(Stdio::piped())
        .spawn()
        .expect("git fast-import runs");
    std::io::Write::write_all(child.stdin.as_mut().expect("stdin"), &stream).expect("stream written");
    assert!(child.wait().expect("fast-import ends").success());
    git(&["rev-list", "--first-parent", "--reverse", "HEAD"]).lines().map(str::to_owned).collect()
}

fn package_json(deps: &[(&str, &str)]) -> Option<String> {
    let deps: Vec<String> = deps.iter().map(|(name, version)| format!("\"{name}\": \"{version}\"")).collect();
    Some(format!("{{\"name\": \"app\", \"dependencies\": {{{}}}}}", deps.join(", ")))
}

fn read(dir: &Path, options: &HistoryOptions) -> History {
    history(Catalog::builtin(), dir, options, &mut |_, _| {}).expect("the history is read")
}

fn tool<'h>(history: &'h History, slug: &str) -> &'h ToolHistory {
    history.tools.iter().find(|t| t.slug == slug).unwrap_or_else(|| {
        panic!("{slug} not in the history: {:?}", history.tools.iter().map(|t| &t.slug).collect::<Vec<_>>())
    })
}

/// Versions as (version, commit) pairs.
fn versions(tool: &ToolHistory) -> Vec<(&str, &str)> {
    tool.versions.iter().map(|v| (v.version.as_str(), v.commit.as_str())).collect()
}

const DAY: i64 = 86_400;
/// 2021-01-01T00:00:00Z.
const START: i64 = 1_609_459_200;

/// react 17 in commit 1, 18 in commit 2, express added in 3 and removed in 4, a README in 5.
fn react_express(dir: &Path) -> Vec<String> {
    repository(
        dir,
        &[
            (START, vec![("package.json", package_json(&[("react", "17.0.2")]))]),
            (START + DAY, vec![("package.json", package_json(&[("react", "18.2.0")]))]),
            (START + 2 * DAY, vec![("package.json", package_json(&[("react", "18.2.0"), ("express", "4.18.2")]))]),
            (START + 3 * DAY, vec![("package.json", package_json(&[("react", "18.2.0")]))]),
            (START + 4 * DAY, vec![("README.md", Some("# app\n".into()))]),
        ],
    )
}

#[test]
fn tools_are_first_and_last_seen_with_their_versions() {
    let dir = tempfile::tempdir().unwrap();
    let c = react_express(dir.path());
    let history = read(dir.path(), &HistoryOptions::default());
    assert_eq!(history.commits_scanned, 5);
    assert_eq!(history.head, c[4]);
    assert_eq!(history.since, None);

    let react = tool(&history, "react");
    assert_eq!(react.name, "React");
    assert_eq!(react.first_seen.commit, c[0]);
    assert_eq!(react.first_seen.date, "2021-01-01T00:00:00+00:00");
    assert_eq!(react.last_seen, None, "HEAD still has react");
    assert_eq!(versions(react), [("17.0.2", c[0].as_str()), ("18.2.0", c[1].as_str())]);
    assert_eq!(react.versions[1].date, "2021-01-02T00:00:00+00:00");

    let express = tool(&history, "expressjs");
    assert_eq!(express.first_seen.commit, c[2]);
    let last = express.last_seen.as_ref().expect("express is gone at HEAD");
    assert_eq!((last.commit.as_str(), last.date.as_str()), (c[2].as_str(), "2021-01-03T00:00:00+00:00"));
    assert_eq!(versions(express), [("4.18.2", c[2].as_str())]);

    // One snapshot per commit that changed the tools or their versions; the README changed none.
    let snapshots: Vec<&str> = history.snapshots.iter().map(|s| s.commit.as_str()).collect();
    assert_eq!(snapshots, [&c[0], &c[1], &c[2], &c[3]]);
    assert!(history.snapshots[2].tools.contains(&"expressjs".to_owned()));
    assert!(!history.snapshots[3].tools.contains(&"expressjs".to_owned()));
    assert!(history.snapshots.iter().all(|s| s.report.is_some()), "each snapshot keeps its report for a push");
    assert!(history.warnings.is_empty(), "{:?}", history.warnings);
}

#[test]
fn since_and_max_commits_bound_the_commits_read() {
    let dir = tempfile::tempdir().unwrap();
    let c = react_express(dir.path());

    let newest_two = read(dir.path(), &HistoryOptions { max_commits: 2, ..HistoryOptions::default() });
    assert_eq!(newest_two.commits_scanned, 2);
    assert_eq!(tool(&newest_two, "react").first_seen.commit, c[3], "the oldest commit read");
    assert!(newest_two.tools.iter().all(|t| t.slug != "expressjs"), "express left before commit 4");

    let since = START + 2 * DAY;
    let from_third = read(dir.path(), &HistoryOptions { since: Some(since), ..HistoryOptions::default() });
    assert_eq!(from_third.commits_scanned, 3);
    assert_eq!(from_third.since.as_deref(), Some("2021-01-03T00:00:00+00:00"));
    assert_eq!(tool(&from_third, "react").first_seen.commit, c[2]);
    assert_eq!(versions(tool(&from_third, "react")), [("18.2.0", c[2].as_str())]);
    assert_eq!(tool(&from_third, "expressjs").last_seen.as_ref().map(|m| m.commit.as_str()), Some(c[2].as_str()));
}

#[test]
fn a_malformed_manifest_in_an_old_commit_is_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let c = repository(
        dir.path(),
        &[
            (START, vec![("package.json", package_json(&[("react", "17.0.2")]))]),
            (START + DAY, vec![("package.json", Some("{\"dependencies\": {\"react\": ".into()))]),
            (START + 2 * DAY, vec![("package.json", package_json(&[("react", "18.2.0")]))]),
        ],
    );
    let history = read(dir.path(), &HistoryOptions::default());
    assert_eq!(history.commits_scanned, 3);
    assert_eq!(history.warnings.len(), 1, "{:?}", history.warnings);
    assert_eq!(
        (history.warnings[0].commit.as_str(), history.warnings[0].file.as_str()),
        (c[1].as_str(), "package.json")
    );
    let react = tool(&history, "react");
    assert_eq!(react.last_seen, None);
    assert_eq!(versions(react), [("17.0.2", c[0].as_str()), ("18.2.0", c[2].as_str())]);
    assert!(!history.snapshots[1].tools.contains(&"react".to_owned()), "unreadable at commit 2");
}

#[test]
fn three_hundred_commits_with_one_manifest_read_each_tree_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut commits: Vec<Change<'_>> = Vec::new();
    for i in 0..300i64 {
        let mut files = vec![("src/counter.js", Some(format!("export const n = {i};\n")))];
        match i {
            0 => files.push(("package.json", package_json(&[("react", "18.2.0")]))),
            150 => files.push(("package.json", package_json(&[("react", "18.3.1")]))),
            _ => {}
        }
        commits.push((START + i * 3600, files));
    }
    let c = repository(dir.path(), &commits);
    let started = std::time::Instant::now();
    let history = read(dir.path(), &HistoryOptions::default());
    assert_eq!(history.commits_scanned, 300);
    let react = tool(&history, "react");
    assert_eq!(react.first_seen.commit, c[0]);
    assert_eq!(react.last_seen, None);
    assert_eq!(versions(react), [("18.2.0", c[0].as_str()), ("18.3.1", c[150].as_str())]);
    assert_eq!(tool(&history, "javascript").first_seen.commit, c[0]);
    let snapshots: Vec<&str> = history.snapshots.iter().map(|s| s.commit.as_str()).collect();
    assert_eq!(snapshots, [&c[0], &c[150]]);
    assert!(started.elapsed().as_secs() < 20, "took {:?}", started.elapsed());
}

#[test]
fn folders_that_cannot_be_read_say_why() {
    let plain = tempfile::tempdir().unwrap();
    let run = |path: &Path| history(Catalog::builtin(), path, &HistoryOptions::default(), &mut |_, _| {});
    assert!(matches!(run(plain.path()), Err(HistoryError::NotARepository(_))));

    let unborn = tempfile::tempdir().unwrap();
    assert!(Command::new("git").args(["init", "-q"]).current_dir(unborn.path()).status().unwrap().success());
    let error = run(unborn.path()).expect_err("no commits");
    assert!(matches!(error, HistoryError::Unborn(_)), "{error}");
    assert!(error.to_string().contains("no commits"), "{error}");

    let full = tempfile::tempdir().unwrap();
    react_express(full.path());
    let shallow = tempfile::tempdir().unwrap();
    let url = format!("file://{}", full.path().display());
    let status = Command::new("git")
        .args(["clone", "-q", "--depth", "1", &url, "clone"])
        .current_dir(shallow.path())
        .status()
        .unwrap();
    assert!(status.success());
    let error = run(&shallow.path().join("clone")).expect_err("shallow");
    assert!(matches!(error, HistoryError::Shallow(_)), "{error}");
    assert!(error.to_string().contains("git fetch --unshallow"), "{error}");
}
