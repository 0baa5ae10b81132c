//! The parallel walk: honours .gitignore, skips vendored and build folders, counts language
//! bytes from metadata alone, and opens only files a parser needs.

use std::collections::HashMap;
use std::fs;
use std::io::Read;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use stackdex_catalog::RuleSet;

use crate::evidence::FileFindings;
use crate::language::{SHEBANG_BYTES, shebang_interpreter};
use crate::parsers::{self, FileKind};
use crate::warning::Warning;

/// How a scan walks the tree.
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

/// Folders of other people's code or of build output, skipped unless asked.
pub const SKIPPED_FOLDERS: [&str; 15] = [
    ".git",
    "node_modules",
    "vendor",
    "target",
    "dist",
    "bower_components",
    "jspm_packages",
    "__pycache__",
    ".venv",
    "venv",
    ".tox",
    ".gradle",
    "Pods",
    ".next",
    ".terraform",
];

/// Bytes sniffed for a NUL to tell a binary file.
const SNIFF: usize = 8192;

/// One parsed file.
#[derive(Debug, Clone)]
pub struct ParsedFile {
    pub rel: String,
    pub kind: FileKind,
    pub findings: FileFindings,
}

/// An extension-less executable whose `#!` line names a language's interpreter.
#[derive(Debug, Clone)]
pub struct ShebangMatch {
    pub rel: String,
    /// The interpreter as named (`bash`, `python`).
    pub interpreter: String,
    /// The language's catalog slug.
    pub language: String,
}

/// Bytes and files of one language.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct LanguageTotals {
    pub bytes: u64,
    pub files: u64,
    /// Of `files`, those counted by their extension (the others by their `#!` line).
    pub by_extension: u64,
}

impl LanguageTotals {
    pub(crate) fn add(&mut self, other: LanguageTotals) {
        self.bytes += other.bytes;
        self.files += other.files;
        self.by_extension += other.by_extension;
    }
}

/// A file or folder matched by name.
#[derive(Debug, Clone)]
pub struct NamedMatch {
    pub rel: String,
    pub tool: String,
    pub rule: String,
}

/// What a walk hands detection: the parsed manifests, the names matched, the language totals.
/// The folder walk below and the commit-tree walk (`tree.rs`) both build it.
#[derive(Debug, Default, Clone)]
pub struct WalkResult {
    pub parsed: Vec<ParsedFile>,
    pub named: Vec<NamedMatch>,
    /// Language slug -> its bytes and files.
    pub languages: HashMap<String, LanguageTotals>,
    /// Scripts whose language came from their `#!` line, sorted by path.
    pub shebangs: Vec<ShebangMatch>,
    pub warnings: Vec<Warning>,
    pub files_seen: u64,
}

impl WalkResult {
    pub(crate) fn merge(&mut self, other: WalkResult) {
        self.parsed.extend(other.parsed);
        self.named.extend(other.named);
        self.shebangs.extend(other.shebangs);
        self.warnings.extend(other.warnings);
        for (slug, totals) in other.languages {
            self.languages.entry(slug).or_default().add(totals);
        }
        self.files_seen += other.files_seen;
    }
}

/// The scanned folder, as detection reads files the walk did not.
pub(crate) struct Folder<'a>(pub &'a Path);

impl crate::detect::FileSource for Folder<'_> {
    fn root_name(&self) -> String {
        self.0.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| ".".to_owned())
    }

    fn read_and_parse(&self, rel: &str, kind: FileKind, max_bytes: u64) -> Result<(FileFindings, Vec<String>), String> {
        read_and_parse(&self.0.join(rel), kind, max_bytes)
    }
}

/// Per-thread state: each walker thread gathers its own results and merges them into the
/// shared result once, when its visitor is dropped (no channel, no collector thread: on a busy
/// machine every wake-up of another thread costs scheduling delay).
struct Local<'a> {
    found: WalkResult,
    shared: &'a Mutex<WalkResult>,
    rules: &'a RuleSet,
    /// The thread's read buffer, reused from file to file (lockfiles run to megabytes: a
    /// fresh buffer each time costs page faults and mmap/munmap calls).
    buffer: Vec<u8>,
    root: &'a Path,
    options: &'a ScanOptions,
}

impl Drop for Local<'_> {
    fn drop(&mut self) {
        let found = std::mem::take(&mut self.found);
        match self.shared.lock() {
            Ok(mut shared) => shared.merge(found),
            Err(poisoned) => poisoned.into_inner().merge(found),
        }
    }
}

pub(crate) fn walk(root: &Path, rules: &RuleSet, options: &ScanOptions) -> WalkResult {
    let include_vendored = options.include_vendored;
    let walker = ignore::WalkBuilder::new(root)
        .hidden(false)
        .git_ignore(true)
        .git_global(false)
        .git_exclude(true)
        .require_git(false)
        .parents(false)
        .follow_links(options.follow_links)
        .threads(options.threads)
        .filter_entry(move |entry| {
            include_vendored
                || entry.depth() == 0
                || !entry.file_type().is_some_and(|t| t.is_dir())
                || !SKIPPED_FOLDERS.contains(&entry.file_name().to_string_lossy().as_ref())
        })
        .build_parallel();
    let shared = Mutex::new(WalkResult::default());
    walker.run(|| {
        let mut local =
            Local { found: WalkResult::default(), shared: &shared, rules, buffer: Vec::new(), root, options };
        Box::new(move |entry| {
            local.visit(entry);
            ignore::WalkState::Continue
        })
    });
    let mut result = shared.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner());
    result.parsed.sort_by(|a, b| a.rel.cmp(&b.rel));
    result.named.sort_by(|a, b| a.rel.cmp(&b.rel).then(a.tool.cmp(&b.tool)));
    result.shebangs.sort_by(|a, b| a.rel.cmp(&b.rel));
    result.warnings.sort_by(|a, b| a.file.cmp(&b.file));
    result
}

impl Local<'_> {
    fn visit(&mut self, entry: Result<ignore::DirEntry, ignore::Error>) {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                let file = error_path(&error).map(|p| relative(self.root, &p)).unwrap_or_else(|| ".".to_owned());
                self.warn(file, error_message(&error));
                return;
            }
        };
        if entry.depth() == 0 {
            return;
        }
        let rel = relative(self.root, entry.path());
        let Some(file_type) = entry.file_type() else { return };
        let mut is_file = file_type.is_file();
        if file_type.is_symlink() {
            // Not followed as folders (no loops); a link to a file is read like the file.
            match fs::metadata(entry.path()) {
                Ok(meta) => is_file = meta.is_file(),
                Err(e) => {
                    self.warn(rel, format!("broken or looping symlink: {e}"));
                    return;
                }
            }
        }
        for m in self.rules.match_file(&rel) {
            self.found.named.push(NamedMatch { rel: rel.clone(), tool: m.tool.to_owned(), rule: m.rule_id() });
        }
        if !is_file {
            return;
        }
        self.found.files_seen += 1;
        let kind = FileKind::of(&rel);
        match entry.path().extension() {
            Some(extension) => {
                if let Some(extension) = extension.to_str()
                    && let Some(language) = self.rules.language_of_extension(&format!(".{extension}"))
                {
                    let bytes = entry.metadata().map(|m| m.len()).unwrap_or(0);
                    let totals = self.found.languages.entry(language.tool.to_owned()).or_default();
                    totals.add(LanguageTotals { bytes, files: 1, by_extension: 1 });
                }
            }
            // Scripts without an extension (`bin/deploy`, `gradlew`): their `#!` line, read only
            // from executable files that no parser reads and that are no dotfiles.
            None if kind.is_none() && !entry.file_name().as_encoded_bytes().starts_with(b".") => {
                self.sniff_shebang(&entry, &rel)
            }
            None => {}
        }
        if let Some(kind) = kind {
            self.parse_file(entry.path(), rel, kind);
        }
    }

    fn sniff_shebang(&mut self, entry: &ignore::DirEntry, rel: &str) {
        let Ok(meta) = entry.metadata() else { return };
        if !is_executable(&meta) {
            return;
        }
        let mut head = [0u8; SHEBANG_BYTES];
        let Ok(read) = fs::File::open(entry.path()).and_then(|mut f| read_head(&mut f, &mut head)) else {
            return;
        };
        let Some((interpreter, extension)) = shebang_interpreter(&head[..read]) else { return };
        let Some(language) = self.rules.language_of_extension(extension) else { return };
        let totals = self.found.languages.entry(language.tool.to_owned()).or_default();
        totals.add(LanguageTotals { bytes: meta.len(), files: 1, by_extension: 0 });
        self.found.shebangs.push(ShebangMatch { rel: rel.to_owned(), interpreter, language: language.tool.to_owned() });
    }

    fn parse_file(&mut self, path: &Path, rel: String, kind: FileKind) {
        match read_and_parse_into(&mut self.buffer, path, kind, self.options.max_file_bytes) {
            Ok((findings, notes)) => {
                for note in notes {
                    self.warn(rel.clone(), note);
                }
                self.found.parsed.push(ParsedFile { rel, kind, findings });
            }
            Err(message) => self.warn(rel, message),
        }
    }

    fn warn(&mut self, file: String, message: String) {
        self.found.warnings.push(Warning { file, message });
    }
}

#[cfg(unix)]
fn is_executable(meta: &fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    meta.is_file() && meta.permissions().mode() & 0o111 != 0
}

#[cfg(not(unix))]
fn is_executable(meta: &fs::Metadata) -> bool {
    meta.is_file()
}

/// Fills `buf` as far as the file goes.
fn read_head(file: &mut fs::File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut read = 0;
    while read < buf.len() {
        match file.read(&mut buf[read..]) {
            Ok(0) => break,
            Ok(n) => read += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(read)
}

/// Reads a file within the size limit and parses it; never panics. Returns the findings and
/// notes worth a warning (invalid UTF-8 read lossily).
pub fn read_and_parse(path: &Path, kind: FileKind, max_bytes: u64) -> Result<(FileFindings, Vec<String>), String> {
    read_and_parse_into(&mut Vec::new(), path, kind, max_bytes)
}

/// [`read_and_parse`] reading into `buffer` (cleared first; its capacity is kept for the next).
fn read_and_parse_into(
    buffer: &mut Vec<u8>,
    path: &Path,
    kind: FileKind,
    max_bytes: u64,
) -> Result<(FileFindings, Vec<String>), String> {
    let file = fs::File::open(path).map_err(|e| format!("cannot open: {e}"))?;
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    if len > max_bytes {
        return Err(format!("skipped: {len} bytes is over the {max_bytes}-byte limit for a {}", kind.label()));
    }
    buffer.clear();
    buffer.reserve(len as usize);
    file.take(max_bytes + 1).read_to_end(buffer).map_err(|e| format!("cannot read: {e}"))?;
    let bytes = buffer.as_slice();
    if bytes.len() as u64 > max_bytes {
        return Err(format!("skipped: over the {max_bytes}-byte limit"));
    }
    parse_bytes(bytes, kind)
}

/// Parses a file's content (read from the folder, or a blob of a commit); never panics. Returns
/// the findings and notes worth a warning (invalid UTF-8 read lossily).
pub(crate) fn parse_bytes(bytes: &[u8], kind: FileKind) -> Result<(FileFindings, Vec<String>), String> {
    if bytes[..bytes.len().min(SNIFF)].contains(&0) {
        return Err(format!("skipped: binary content in a {}", kind.label()));
    }
    let mut notes = Vec::new();
    let lossy;
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(_) => {
            notes.push("not valid UTF-8; read with replacement characters".to_owned());
            lossy = String::from_utf8_lossy(bytes).into_owned();
            lossy.as_str()
        }
    };
    let findings = parse_text(kind, text)?;
    notes.extend(findings.notes.iter().cloned());
    Ok((findings, notes))
}

/// Parses text, turning a parser panic (a bug) into an error rather than a crash.
fn parse_text(kind: FileKind, text: &str) -> Result<FileFindings, String> {
    match catch_unwind(AssertUnwindSafe(|| parsers::parse(kind, text))) {
        Ok(result) => result.map_err(|e| format!("cannot parse as {}: {e}", kind.label())),
        Err(_) => Err(format!("the {} parser failed on this file (please report it)", kind.label())),
    }
}

/// `/`-separated path relative to the root; non-UTF-8 names are shown lossily.
fn relative(root: &Path, path: &Path) -> String {
    // The walk's paths are the root joined with names: as text, the root is a prefix.
    if let (Some(root_text), Some(path_text)) = (root.to_str(), path.to_str())
        && let Some(rest) = path_text.strip_prefix(root_text)
        && (rest.is_empty() || rest.starts_with('/') || root_text.ends_with('/'))
        && !rest.contains('\\')
    {
        let rest = rest.trim_start_matches('/');
        return if rest.is_empty() { ".".to_owned() } else { rest.to_owned() };
    }
    let rel = path.strip_prefix(root).unwrap_or(path);
    let text = rel.to_string_lossy().replace('\\', "/");
    if text.is_empty() { ".".to_owned() } else { text }
}

fn error_path(error: &ignore::Error) -> Option<PathBuf> {
    match error {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => error_path(err),
        ignore::Error::Loop { child, .. } => Some(child.clone()),
        _ => None,
    }
}

fn error_message(error: &ignore::Error) -> String {
    match error {
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => error_message(err),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths() {
        let rel = |root: &str, path: &str| relative(Path::new(root), Path::new(path));
        assert_eq!(rel("repo", "repo/a/b.json"), "a/b.json");
        assert_eq!(rel("repo/", "repo/a"), "a");
        assert_eq!(rel(".", "./a/b"), "a/b");
        assert_eq!(rel("/abs/repo", "/abs/repo"), ".");
        assert_eq!(rel("repo", "repository/x"), "repository/x", "not a prefix by text alone");
    }
}
