//! A repository's stack through its history (`stackdex scan --history`): when each tool was
//! first and last seen, and when its versions changed. See docs/history.md.
//!
//! The first-parent history of HEAD is read with gix (no `git` process), oldest commit first;
//! each commit's tree is walked into the same [`WalkResult`](crate::walk::WalkResult) the folder
//! walk builds and handed to the same detection. Trees and manifests are memoised by object id
//! (`tree.rs`), and detection runs only for commits whose detection input changed.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, UNIX_EPOCH};

use gix::ObjectId;
use serde::{Deserialize, Serialize};
use stackdex_catalog::Catalog;

use crate::detect;
use crate::report::Report;
use crate::techstack::rfc3339_utc;
use crate::tree::{CommitFiles, TreeWalker};
use crate::walk::ScanOptions;

/// How far back a history scan reads.
#[derive(Debug, Clone)]
pub struct HistoryOptions {
    /// Stop at the first commit (walking back from HEAD) older than this, in seconds since
    /// 1970 (UTC), by committer date.
    pub since: Option<i64>,
    /// Read at most this many commits, the newest ones.
    pub max_commits: usize,
    /// What each commit's tree walk skips and how large a manifest may be.
    pub scan: ScanOptions,
}

impl Default for HistoryOptions {
    fn default() -> Self {
        HistoryOptions { since: None, max_commits: 10_000, scan: ScanOptions::default() }
    }
}

/// Why a history could not be read.
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    /// The path is not a git repository (nor its top folder).
    #[error("{0}: not a git repository (give the folder holding .git)")]
    NotARepository(PathBuf),
    /// HEAD names a branch without commits.
    #[error("{0}: the repository has no commits yet (HEAD is unborn)")]
    Unborn(PathBuf),
    /// A shallow clone: its history is cut, so first-seen dates would be wrong.
    #[error(
        "{0}: a shallow clone; its history is cut short, so first-seen dates would be wrong. Fetch it whole first: git fetch --unshallow"
    )]
    Shallow(PathBuf),
    /// An object could not be read.
    #[error("{path}: cannot read the repository: {message}")]
    Git {
        /// The repository.
        path: PathBuf,
        /// What gix said.
        message: String,
    },
}

/// A commit, by its full hash and committer date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitMark {
    /// The full hash.
    pub commit: String,
    /// The committer date, RFC 3339 in UTC.
    pub date: String,
}

/// A tool's detected versions from one commit on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionMark {
    /// The versions detected, comma-separated when several (a monorepo's packages differ).
    pub version: String,
    /// The commit they were first detected at.
    pub commit: String,
    /// Its committer date, RFC 3339 in UTC.
    pub date: String,
}

/// One tool through the history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolHistory {
    /// Catalog slug.
    pub slug: String,
    /// Display name.
    pub name: String,
    /// The oldest commit scanned that has it.
    pub first_seen: CommitMark,
    /// None while HEAD has it; else the last commit that had it.
    pub last_seen: Option<CommitMark>,
    /// Each change of its detected version set (an empty set is not listed).
    pub versions: Vec<VersionMark>,
}

/// The stack at a commit where its tools or their versions changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistorySnapshot {
    /// The full hash.
    pub commit: String,
    /// The committer date, RFC 3339 in UTC.
    pub date: String,
    /// Seconds since 1970 of `date`.
    #[serde(skip)]
    pub timestamp: i64,
    /// The slugs of its tools.
    pub tools: Vec<String>,
    /// The full report of that commit (what `stackdex push --history` sends).
    #[serde(skip)]
    pub report: Option<Box<Report>>,
}

/// A problem in a commit's files (a malformed manifest), at the first commit it was seen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryWarning {
    /// The commit's full hash.
    pub commit: String,
    /// The file, relative to the repository.
    pub file: String,
    /// What was wrong.
    pub message: String,
}

/// A repository's stack through its history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct History {
    /// The repository as given.
    pub repository: String,
    /// The full hash of HEAD.
    pub head: String,
    /// How many commits were read.
    pub commits_scanned: usize,
    /// `--since`, RFC 3339 in UTC.
    pub since: Option<String>,
    /// Every tool seen, in the order they were first seen.
    pub tools: Vec<ToolHistory>,
    /// One per commit where the set of tools or their versions changed, oldest first (from
    /// the first commit with any tool).
    pub snapshots: Vec<HistorySnapshot>,
    /// Problems in commits' files, each once.
    pub warnings: Vec<HistoryWarning>,
}

/// A commit to scan.
struct Step {
    id: ObjectId,
    tree: ObjectId,
    time: i64,
}

/// Reads the history of the repository at `path` (its top folder or a bare repository) and
/// detects its stack at each commit. `progress` is told (commits done, commits to do).
pub fn history(
    catalog: &Catalog,
    path: &Path,
    options: &HistoryOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<History, HistoryError> {
    let git = |e: gix::Error| HistoryError::Git { path: path.to_owned(), message: e.to_string() };
    let repo = gix::open(path).map_err(|_| HistoryError::NotARepository(path.to_owned()))?;
    let head = repo.head().map_err(git)?;
    if head.is_unborn() {
        return Err(HistoryError::Unborn(path.to_owned()));
    }
    if repo.is_shallow().map_err(git)? {
        return Err(HistoryError::Shallow(path.to_owned()));
    }
    let head_id = repo.head_id().map_err(git)?.detach();
    let steps = first_parent_steps(&repo, head_id, options).map_err(git)?;
    let name = std::fs::canonicalize(path)
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| ".".to_owned());
    let label = path.to_string_lossy().into_owned();

    let mut walker = TreeWalker::new(&repo, catalog.rules(), &options.scan);
    let mut timeline = Timeline::default();
    let mut last_fingerprint = None;
    for (done, step) in steps.iter().enumerate() {
        progress(done, steps.len());
        let root = walker.walk(step.tree).map_err(git)?;
        let mark = CommitMark { commit: step.id.to_string(), date: date(step.time) };
        if last_fingerprint == Some(root.fingerprint()) {
            timeline.unchanged(&mark);
            continue;
        }
        last_fingerprint = Some(root.fingerprint());
        let walked = walker.result(&root);
        let files = CommitFiles { repo: &repo, tree: step.tree, name: name.clone() };
        let report = detect::build_report(catalog, &files, &label, walked, &options.scan);
        timeline.record(mark, step.time, report);
    }
    progress(steps.len(), steps.len());
    Ok(History {
        repository: label,
        head: head_id.to_string(),
        commits_scanned: steps.len(),
        since: options.since.map(date),
        tools: timeline.tools(),
        snapshots: timeline.snapshots,
        warnings: timeline.warnings,
    })
}

/// HEAD and its first parents, newest first while reading, returned oldest first; stops at
/// `max_commits` and at the first commit older than `since`.
fn first_parent_steps(
    repo: &gix::Repository,
    head: ObjectId,
    options: &HistoryOptions,
) -> Result<Vec<Step>, gix::Error> {
    let mut steps = Vec::new();
    let mut next = Some(head);
    while let Some(id) = next {
        if steps.len() >= options.max_commits {
            break;
        }
        let commit = repo.find_object(id)?.try_into_commit()?;
        let time = commit.time()?.seconds;
        if options.since.is_some_and(|since| time < since) {
            break;
        }
        let tree = commit.tree_id()?.detach();
        next = commit.parent_ids().next().map(|p| p.detach());
        steps.push(Step { id, tree, time });
    }
    steps.reverse();
    Ok(steps)
}

/// A date as the history writes it: RFC 3339 in UTC.
fn date(seconds: i64) -> String {
    rfc3339_utc(UNIX_EPOCH + Duration::from_secs(seconds.max(0) as u64))
}

/// What the history has seen so far, commit by commit.
#[derive(Default)]
struct Timeline {
    /// Per tool slug: its name, first seen, the last commit that had it, its version marks.
    tools: BTreeMap<String, ToolState>,
    /// The order tools were first seen in.
    order: Vec<String>,
    /// The tools (and versions) of the newest commit read.
    current: BTreeMap<String, Vec<String>>,
    snapshots: Vec<HistorySnapshot>,
    warnings: Vec<HistoryWarning>,
    warned: HashSet<(String, String)>,
}

struct ToolState {
    name: String,
    first_seen: CommitMark,
    last_seen: CommitMark,
    versions: Vec<VersionMark>,
    /// Whether the newest commit read has it.
    present: bool,
}

impl Timeline {
    /// A commit whose detection input equals the previous commit's: its tools are still there.
    fn unchanged(&mut self, mark: &CommitMark) {
        for slug in self.current.keys() {
            if let Some(state) = self.tools.get_mut(slug) {
                state.last_seen = mark.clone();
            }
        }
    }

    fn record(&mut self, mark: CommitMark, timestamp: i64, report: Report) {
        for warning in &report.warnings {
            if self.warned.insert((warning.file.clone(), warning.message.clone())) {
                self.warnings.push(HistoryWarning {
                    commit: mark.commit.clone(),
                    file: warning.file.clone(),
                    message: warning.message.clone(),
                });
            }
        }
        let now: BTreeMap<String, Vec<String>> =
            report.tools.iter().map(|t| (t.slug.clone(), t.versions.clone())).collect();
        for state in self.tools.values_mut() {
            state.present = false;
        }
        for tool in &report.tools {
            let state = self.tools.entry(tool.slug.clone()).or_insert_with(|| {
                self.order.push(tool.slug.clone());
                ToolState {
                    name: tool.name.clone(),
                    first_seen: mark.clone(),
                    last_seen: mark.clone(),
                    versions: Vec::new(),
                    present: true,
                }
            });
            state.present = true;
            state.last_seen = mark.clone();
            let version = tool.versions.join(", ");
            if !version.is_empty() && state.versions.last().is_none_or(|v| v.version != version) {
                state.versions.push(VersionMark { version, commit: mark.commit.clone(), date: mark.date.clone() });
            }
        }
        if now != self.current && !(self.snapshots.is_empty() && now.is_empty()) {
            let tools: BTreeSet<String> = now.keys().cloned().collect();
            self.snapshots.push(HistorySnapshot {
                commit: mark.commit,
                date: mark.date,
                timestamp,
                tools: tools.into_iter().collect(),
                report: Some(Box::new(report)),
            });
        }
        self.current = now;
    }

    fn tools(&self) -> Vec<ToolHistory> {
        self.order
            .iter()
            .map(|slug| {
                let state = &self.tools[slug];
                ToolHistory {
                    slug: slug.clone(),
                    name: state.name.clone(),
                    first_seen: state.first_seen.clone(),
                    last_seen: (!state.present).then(|| state.last_seen.clone()),
                    versions: state.versions.clone(),
                }
            })
            .collect()
    }
}
