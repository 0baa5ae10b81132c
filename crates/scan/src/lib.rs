//! stackdex-scan detects a repository's stack offline, from its files, with the catalog's rules:
//! no database, no network.
//!
//! A scan walks the folder in parallel (honouring `.gitignore`, skipping vendored and build
//! folders), parses the manifests it knows ([`FileKind`]), matches dependencies, images, file
//! names, extensions and env-var names against the catalog's rules, resolves versions (a
//! lockfile over a manifest's constraint) and returns a [`Report`]. [`render`] turns a report into
//! a table, JSON, YAML or Markdown; [`techstack`] writes and reads StackShare's Stack Files.
//! [`history`] reads a git repository's first-parent history (with gix) and tells when each
//! tool was first and last seen and when its versions changed.
//!
//! ```
//! use stackdex_catalog::Catalog;
//! use stackdex_scan::{ScanOptions, render, scan};
//!
//! let repo = tempfile::tempdir()?;
//! std::fs::write(repo.path().join("package.json"), r#"{"dependencies": {"react": "^18.2.0"}}"#)?;
//! std::fs::write(repo.path().join("package-lock.json"), r#"{"lockfileVersion": 3, "packages": {
//!     "node_modules/react": {"version": "18.2.0"}}}"#)?;
//!
//! let report = scan(Catalog::builtin(), repo.path(), &ScanOptions::default())?;
//! let react = report.tools.iter().find(|tool| tool.slug == "react").expect("react is detected");
//! assert_eq!(react.versions, ["18.2.0"]);
//! print!("{}", render::json(&report));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

// The modules' dependencies form a chain, in the order of a scan's data flow: `language`,
// `evidence` and `warning` use no other module; `parsers` uses `evidence`; `report` uses
// `language` and `warning`; `walk` uses `evidence`, `language`, `parsers` and `warning`;
// `detect` uses all of those; `render` and `techstack` use `report` only. `tree` walks a
// commit's tree into what `walk` builds from a folder; `history` runs `tree` and `detect` over
// a repository's commits.
mod detect;
mod evidence;
pub mod git;
mod history;
mod language;
mod parsers;
pub mod purl;
pub mod radar;
pub mod render;
mod report;
pub mod techstack;
mod tree;
mod walk;
mod warning;

use std::path::{Path, PathBuf};

use stackdex_catalog::Catalog;

pub use evidence::{ComponentDecl, Evidence, FileFindings, Scope};
pub use history::{
    CommitMark, History, HistoryError, HistoryOptions, HistorySnapshot, HistoryWarning, ToolHistory, VersionMark,
    history,
};
pub use language::LanguageKind;
pub use parsers::FileKind;
pub use report::{
    AggregateTool, Component, LanguageShare, MultiReport, Package, Report, SCHEMA_VERSION, ScanStats, Source,
    ToolDetection, VersionSource,
};
pub use walk::ScanOptions;
pub use warning::Warning;

/// Why a scan could not start. Problems inside the tree are warnings in the report instead.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    /// The folder to scan does not exist.
    #[error("{0}: no such folder")]
    NotFound(PathBuf),
    /// The path to scan is a file, not a folder.
    #[error("{0}: not a folder")]
    NotADirectory(PathBuf),
    /// The folder to scan could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The folder.
        path: PathBuf,
        /// What the system said.
        #[source]
        source: std::io::Error,
    },
}

/// Scans one repository (or any folder).
pub fn scan(catalog: &Catalog, root: &Path, options: &ScanOptions) -> Result<Report, ScanError> {
    let meta = std::fs::metadata(root).map_err(|source| match source.kind() {
        std::io::ErrorKind::NotFound => ScanError::NotFound(root.to_owned()),
        _ => ScanError::Io { path: root.to_owned(), source },
    })?;
    if !meta.is_dir() {
        return Err(ScanError::NotADirectory(root.to_owned()));
    }
    let walked = walk::walk(root, catalog.rules(), options);
    let label = root.to_string_lossy().into_owned();
    Ok(detect::build_report(catalog, &walk::Folder(root), &label, walked, options))
}

/// Every git repository at or below `folder` (a folder holding `.git`), not descending into
/// repositories once found, nor into skipped folders.
pub fn find_repositories(folder: &Path) -> Result<Vec<PathBuf>, ScanError> {
    if !folder.is_dir() {
        return Err(ScanError::NotADirectory(folder.to_owned()));
    }
    let mut found = Vec::new();
    let mut stack = vec![folder.to_owned()];
    while let Some(dir) = stack.pop() {
        if dir.join(".git").exists() {
            found.push(dir);
            continue;
        }
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
            let name = entry.file_name();
            if is_dir && !walk::SKIPPED_FOLDERS.contains(&name.to_string_lossy().as_ref()) {
                stack.push(entry.path());
            }
        }
    }
    found.sort();
    Ok(found)
}

/// Parses the text of one manifest of a known kind, as the scan does for each file it opens
/// (the kind of a path: [`FileKind::of`]). An `Err` is a message saying why the text cannot be
/// read as that kind. Parsers do not panic on any input (each has a fuzz target); the scan also
/// turns a parser's panic into a warning.
pub fn parse_manifest(kind: FileKind, text: &str) -> Result<FileFindings, String> {
    parsers::parse(kind, text)
}
