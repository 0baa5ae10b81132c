//! The commit-tree walk: what `walk.rs` builds from a folder, built from a commit's tree (read
//! with gix, no `git` process) for `stackdex scan --history`. Memoised so that a history of
//! thousands of commits reads each tree and parses each manifest once: a subtree with the same
//! object id at the same path gives the same partial result, and a manifest blob is parsed once
//! per content and kind.
//!
//! Differences from the folder walk, by necessity: there is no `.gitignore` to honour (a tree
//! holds only committed files), symbolic links and submodules are skipped, and a language's
//! bytes are its blobs' sizes as the object database records them.

use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::sync::Arc;

use gix::ObjectId;
use gix::objs::tree::EntryKind;
use stackdex_catalog::RuleSet;

use crate::detect::FileSource;
use crate::evidence::FileFindings;
use crate::language::{SHEBANG_BYTES, shebang_interpreter};
use crate::parsers::FileKind;
use crate::walk::{
    LanguageTotals, NamedMatch, ParsedFile, SKIPPED_FOLDERS, ScanOptions, ShebangMatch, WalkResult, parse_bytes,
};
use crate::warning::Warning;

/// A manifest's parse: its findings and notes, or why it could not be read.
type Parse = Result<(FileFindings, Vec<String>), String>;

/// What one folder of a tree holds, its subfolders by reference (shared between commits).
#[derive(Default)]
pub(crate) struct Partial {
    /// Manifests: path, kind and blob (its parse is in the walker's blob memo).
    manifests: Vec<(String, FileKind, ObjectId)>,
    named: Vec<NamedMatch>,
    languages: BTreeMap<String, LanguageTotals>,
    shebangs: Vec<ShebangMatch>,
    files_seen: u64,
    children: Vec<Arc<Partial>>,
    /// Equal fingerprints mean equal detection input: the same manifests (path, kind,
    /// content), names matched, scripts and languages present (not their byte counts).
    fingerprint: u64,
}

impl Partial {
    /// What detection depends on, hashed; see [`Partial::fingerprint`].
    pub(crate) fn fingerprint(&self) -> u64 {
        self.fingerprint
    }
}

/// Walks commit trees of one repository, keeping what it read for the next commit.
pub(crate) struct TreeWalker<'r> {
    repo: &'r gix::Repository,
    rules: &'r RuleSet,
    options: &'r ScanOptions,
    trees: HashMap<(ObjectId, String), Arc<Partial>>,
    parses: HashMap<(ObjectId, FileKind), Arc<Parse>>,
    sizes: HashMap<ObjectId, u64>,
    scripts: HashMap<ObjectId, Option<(String, String)>>,
}

impl<'r> TreeWalker<'r> {
    pub(crate) fn new(repo: &'r gix::Repository, rules: &'r RuleSet, options: &'r ScanOptions) -> Self {
        TreeWalker {
            repo,
            rules,
            options,
            trees: HashMap::new(),
            parses: HashMap::new(),
            sizes: HashMap::new(),
            scripts: HashMap::new(),
        }
    }

    /// The partial result of the tree `tree` (a commit's root tree at path "").
    pub(crate) fn walk(&mut self, tree: ObjectId) -> Result<Arc<Partial>, gix::Error> {
        self.folder(tree, "")
    }

    fn folder(&mut self, tree: ObjectId, dir: &str) -> Result<Arc<Partial>, gix::Error> {
        let key = (tree, dir.to_owned());
        if let Some(found) = self.trees.get(&key) {
            return Ok(found.clone());
        }
        let repo = self.repo;
        let object = repo.find_object(tree)?.try_into_tree()?;
        let entries = object.decode()?.entries;
        let mut partial = Partial::default();
        let mut hasher = std::hash::DefaultHasher::new();
        for entry in entries {
            let name = entry.filename.to_string();
            let rel = if dir.is_empty() { name.clone() } else { format!("{dir}/{name}") };
            let oid = entry.oid.to_owned();
            match entry.mode.kind() {
                EntryKind::Tree => {
                    if !self.options.include_vendored && SKIPPED_FOLDERS.contains(&name.as_str()) {
                        continue;
                    }
                    self.match_name(&rel, &mut partial);
                    let child = self.folder(oid, &rel)?;
                    (&name, child.fingerprint).hash(&mut hasher);
                    partial.children.push(child);
                }
                kind @ (EntryKind::Blob | EntryKind::BlobExecutable) => {
                    self.match_name(&rel, &mut partial);
                    partial.files_seen += 1;
                    self.file(&name, rel, oid, kind == EntryKind::BlobExecutable, &mut partial)?;
                }
                // Links are not followed (the target may be outside the tree); submodules are
                // other repositories.
                EntryKind::Link | EntryKind::Commit => {}
            }
        }
        for (rel, kind, oid) in &partial.manifests {
            (rel, *kind, oid).hash(&mut hasher);
        }
        for named in &partial.named {
            (&named.rel, &named.tool, &named.rule).hash(&mut hasher);
        }
        for script in &partial.shebangs {
            (&script.rel, &script.interpreter, &script.language).hash(&mut hasher);
        }
        for (language, totals) in &partial.languages {
            (language, totals.by_extension > 0).hash(&mut hasher);
        }
        partial.fingerprint = hasher.finish();
        let partial = Arc::new(partial);
        self.trees.insert(key, partial.clone());
        Ok(partial)
    }

    fn match_name(&self, rel: &str, partial: &mut Partial) {
        for m in self.rules.match_file(rel) {
            partial.named.push(NamedMatch { rel: rel.to_owned(), tool: m.tool.to_owned(), rule: m.rule_id() });
        }
    }

    /// One file: its language (by extension, else an executable's `#!` line) and, for a
    /// manifest, its parse.
    fn file(
        &mut self,
        name: &str,
        rel: String,
        oid: ObjectId,
        executable: bool,
        partial: &mut Partial,
    ) -> Result<(), gix::Error> {
        let rules = self.rules;
        let kind = FileKind::of(&rel);
        match Path::new(name).extension() {
            Some(extension) => {
                if let Some(extension) = extension.to_str()
                    && let Some(language) = rules.language_of_extension(&format!(".{extension}"))
                {
                    let bytes = self.size(oid)?;
                    let totals = partial.languages.entry(language.tool.to_owned()).or_default();
                    totals.add(LanguageTotals { bytes, files: 1, by_extension: 1 });
                }
            }
            None if kind.is_none() && executable && !name.starts_with('.') => {
                if let Some((interpreter, language)) = self.script(oid)? {
                    let bytes = self.size(oid)?;
                    let totals = partial.languages.entry(language.clone()).or_default();
                    totals.add(LanguageTotals { bytes, files: 1, by_extension: 0 });
                    partial.shebangs.push(ShebangMatch { rel: rel.clone(), interpreter, language });
                }
            }
            None => {}
        }
        if let Some(kind) = kind {
            if !self.parses.contains_key(&(oid, kind)) {
                let parse = read_blob(self.repo, oid, kind, self.options.max_file_bytes)?;
                self.parses.insert((oid, kind), Arc::new(parse));
            }
            partial.manifests.push((rel, kind, oid));
        }
        Ok(())
    }

    fn size(&mut self, oid: ObjectId) -> Result<u64, gix::Error> {
        if let Some(size) = self.sizes.get(&oid) {
            return Ok(*size);
        }
        let size = self.repo.find_header(oid)?.size();
        self.sizes.insert(oid, size);
        Ok(size)
    }

    /// The interpreter and language an executable's `#!` line names.
    fn script(&mut self, oid: ObjectId) -> Result<Option<(String, String)>, gix::Error> {
        if let Some(found) = self.scripts.get(&oid) {
            return Ok(found.clone());
        }
        let rules = self.rules;
        let data = self.repo.find_object(oid)?.detach().data;
        let head = &data[..data.len().min(SHEBANG_BYTES)];
        let found = shebang_interpreter(head).and_then(|(interpreter, extension)| {
            let language = rules.language_of_extension(extension)?;
            Some((interpreter, language.tool.to_owned()))
        });
        self.scripts.insert(oid, found.clone());
        Ok(found)
    }

    /// A commit's walk result, as the folder walk gives it (sorted the same way).
    pub(crate) fn result(&self, root: &Partial) -> WalkResult {
        let mut result = WalkResult::default();
        let mut stack = vec![root];
        while let Some(partial) = stack.pop() {
            for (rel, kind, oid) in &partial.manifests {
                match self.parses.get(&(*oid, *kind)).map(|p| p.as_ref()) {
                    Some(Ok((findings, notes))) => {
                        for note in notes {
                            result.warnings.push(Warning { file: rel.clone(), message: note.clone() });
                        }
                        result.parsed.push(ParsedFile { rel: rel.clone(), kind: *kind, findings: findings.clone() });
                    }
                    Some(Err(message)) => result.warnings.push(Warning { file: rel.clone(), message: message.clone() }),
                    None => {}
                }
            }
            result.named.extend(partial.named.iter().cloned());
            result.shebangs.extend(partial.shebangs.iter().cloned());
            for (language, totals) in &partial.languages {
                result.languages.entry(language.clone()).or_default().add(*totals);
            }
            result.files_seen += partial.files_seen;
            stack.extend(partial.children.iter().map(|c| c.as_ref()));
        }
        result.parsed.sort_by(|a, b| a.rel.cmp(&b.rel));
        result.named.sort_by(|a, b| a.rel.cmp(&b.rel).then(a.tool.cmp(&b.tool)));
        result.shebangs.sort_by(|a, b| a.rel.cmp(&b.rel));
        result.warnings.sort_by(|a, b| a.file.cmp(&b.file));
        result
    }
}

/// Reads a blob within the size limit and parses it as `kind`.
fn read_blob(repo: &gix::Repository, oid: ObjectId, kind: FileKind, max_bytes: u64) -> Result<Parse, gix::Error> {
    let size = repo.find_header(oid)?.size();
    if size > max_bytes {
        return Ok(Err(format!("skipped: {size} bytes is over the {max_bytes}-byte limit for a {}", kind.label())));
    }
    let data = repo.find_object(oid)?.detach().data;
    Ok(parse_bytes(&data, kind))
}

/// A commit's tree, as detection reads files the walk did not parse (`-r` includes).
pub(crate) struct CommitFiles<'r> {
    pub(crate) repo: &'r gix::Repository,
    pub(crate) tree: ObjectId,
    pub(crate) name: String,
}

impl FileSource for CommitFiles<'_> {
    fn root_name(&self) -> String {
        self.name.clone()
    }

    fn read_and_parse(&self, rel: &str, kind: FileKind, max_bytes: u64) -> Result<(FileFindings, Vec<String>), String> {
        let tree = self.repo.find_object(self.tree).map_err(|e| format!("cannot read the tree: {e}"))?.into_tree();
        let entry = tree
            .lookup_entry_by_path(rel)
            .map_err(|e| format!("cannot read the tree: {e}"))?
            .ok_or_else(|| "cannot open: no such file in this commit".to_owned())?;
        if !matches!(entry.mode().kind(), EntryKind::Blob | EntryKind::BlobExecutable) {
            return Err("cannot open: not a file in this commit".to_owned());
        }
        read_blob(self.repo, entry.object_id(), kind, max_bytes).map_err(|e| format!("cannot read: {e}"))?
    }
}
