//! stackdex-scan: detects a repository's stack offline, from its files, with the catalog's
//! rules. The flow: walk ([`walk`]) -> parse manifests ([`parsers`]) -> match rules and resolve
//! versions ([`detect`]) -> [`Report`] -> render ([`render`]).

pub mod detect;
pub mod evidence;
pub mod language;
pub mod parsers;
pub mod render;
pub mod report;
pub mod techstack;
pub mod walk;

use std::path::{Path, PathBuf};

pub use report::{MultiReport, Report};
use stackdex_catalog::Catalog;

/// Why a scan could not start. Problems inside the tree are warnings in the report instead.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error("{0}: no such folder")]
    NotFound(PathBuf),
    #[error("{0}: not a folder")]
    NotADirectory(PathBuf),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: invalid Stack File: {message}")]
    StackFile { path: PathBuf, message: String },
}

#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// Walk node_modules, vendor, target, dist and the like too.
    pub include_vendored: bool,
    /// Follow symbolic links to folders (loops are detected and reported).
    pub follow_links: bool,
    /// Manifests larger than this are skipped with a warning.
    pub max_file_bytes: u64,
    /// Walker threads; 0 picks one per core.
    pub threads: usize,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions { include_vendored: false, follow_links: false, max_file_bytes: 32 * 1024 * 1024, threads: 0 }
    }
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
    Ok(detect::build_report(catalog, root, &label, walked, options))
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
