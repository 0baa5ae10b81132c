//! Detection rules: one record per technology, matchers per ecosystem. (The scanner's side.)
//!
//! A rule file under `data/rules/` holds `[[rule]]` records:
//!
//! ```toml
//! [[rule]]
//! tool = "postgresql"              # a catalog slug or alias
//! npm = ["pg", "@neondatabase/*"]  # dependency names; `*` is a wildcard
//! pypi = ["psycopg2", "psycopg"]
//! docker = ["postgres"]            # image families: any image whose name says postgres
//! dotenv = ["POSTGRES_"]           # env-var name prefixes in .env.example files
//! files = ["postgresql.conf"]      # file or folder names; with a `/`, a path suffix
//! extensions = [".sql"]            # languages: their share of code bytes
//! ```
//!
//! Patterns are matched case-insensitively; PyPI and crates names are also normalised
//! (`_`, `.` and `-` are one separator), Go module major-version suffixes (`/v2`) are ignored.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use serde::Deserialize;

use crate::{Catalog, CatalogError};

/// Where a dependency or reference comes from. Each has its own naming rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Ecosystem {
    Npm,
    Pypi,
    Crates,
    Go,
    Rubygems,
    Composer,
    Maven,
    Nuget,
    Hex,
    Pub,
    Cocoapods,
    Swiftpm,
    Docker,
    GithubActions,
    TerraformProviders,
    TerraformResources,
    Helm,
}

impl Ecosystem {
    pub const ALL: [Ecosystem; 17] = [
        Ecosystem::Npm,
        Ecosystem::Pypi,
        Ecosystem::Crates,
        Ecosystem::Go,
        Ecosystem::Rubygems,
        Ecosystem::Composer,
        Ecosystem::Maven,
        Ecosystem::Nuget,
        Ecosystem::Hex,
        Ecosystem::Pub,
        Ecosystem::Cocoapods,
        Ecosystem::Swiftpm,
        Ecosystem::Docker,
        Ecosystem::GithubActions,
        Ecosystem::TerraformProviders,
        Ecosystem::TerraformResources,
        Ecosystem::Helm,
    ];

    /// The key used in rule files and in a detection's `rule` field.
    pub fn key(self) -> &'static str {
        match self {
            Ecosystem::Npm => "npm",
            Ecosystem::Pypi => "pypi",
            Ecosystem::Crates => "crates",
            Ecosystem::Go => "go",
            Ecosystem::Rubygems => "rubygems",
            Ecosystem::Composer => "composer",
            Ecosystem::Maven => "maven",
            Ecosystem::Nuget => "nuget",
            Ecosystem::Hex => "hex",
            Ecosystem::Pub => "pub",
            Ecosystem::Cocoapods => "cocoapods",
            Ecosystem::Swiftpm => "swiftpm",
            Ecosystem::Docker => "docker",
            Ecosystem::GithubActions => "github_actions",
            Ecosystem::TerraformProviders => "terraform_providers",
            Ecosystem::TerraformResources => "terraform_resources",
            Ecosystem::Helm => "helm",
        }
    }

    /// Brings a name to the form rules are written in.
    pub fn normalize(self, name: &str) -> String {
        let lower = name.trim().to_ascii_lowercase();
        match self {
            Ecosystem::Pypi | Ecosystem::Crates => {
                let mut out = String::with_capacity(lower.len());
                for c in lower.chars() {
                    let c = if matches!(c, '_' | '.') { '-' } else { c };
                    if !(c == '-' && out.ends_with('-')) {
                        out.push(c);
                    }
                }
                out
            }
            Ecosystem::Go => strip_go_major(&lower).to_owned(),
            Ecosystem::TerraformProviders => lower.strip_prefix("registry.terraform.io/").unwrap_or(&lower).to_owned(),
            Ecosystem::GithubActions => {
                // `owner/repo/path@ref` -> `owner/repo/path`
                lower.split('@').next().unwrap_or_default().to_owned()
            }
            _ => lower,
        }
    }
}

fn strip_go_major(path: &str) -> &str {
    if let Some((head, tail)) = path.rsplit_once("/v")
        && !tail.is_empty()
        && tail.bytes().all(|b| b.is_ascii_digit())
    {
        return head;
    }
    path
}

/// A name pattern: literal text with `*` wildcards, compared case-insensitively (it is kept in
/// lower case, and names are lowered before matching). Wildcard patterns are matched through
/// `globset` (see [`RuleSet`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    text: String,
}

impl Pattern {
    fn new(text: &str) -> Pattern {
        Pattern { text: text.to_ascii_lowercase() }
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn is_literal(&self) -> bool {
        !self.text.contains('*')
    }

    /// The pattern in glob syntax, after `prefix` (glob syntax): `*` (or a run of it) stays a
    /// wildcard; every other character stands for itself (globset's syntax is escaped).
    fn glob(&self, prefix: &str) -> String {
        let mut glob = String::from(prefix);
        for (i, piece) in self.text.split('*').enumerate() {
            if i > 0 && !glob.ends_with('*') {
                glob.push('*');
            }
            glob.push_str(&globset::escape(piece));
        }
        glob
    }
}

/// Wildcard patterns as globs, each with the (rule, matcher) it came from, added in rule order so
/// that matches come out in rule order. The `GlobSet` is compiled on first use: compiling all of
/// them would cost more than loading the rest of the catalog, and a scan needs only the sets of
/// the ecosystems its repository uses.
#[derive(Debug, Default)]
struct Globs {
    globs: Vec<RuleGlob>,
    set: OnceLock<GlobSet>,
}

#[derive(Debug)]
struct RuleGlob {
    glob: String,
    /// Whether `*` stops at `/`.
    literal_separator: bool,
    owner: (usize, usize),
}

impl Globs {
    fn add(&mut self, glob: String, literal_separator: bool, owner: (usize, usize)) {
        self.globs.push(RuleGlob { glob, literal_separator, owner });
    }

    /// The (rule, matcher) of every glob matching `text`, in rule order, each once.
    fn matches(&self, text: &str) -> Vec<(usize, usize)> {
        if self.globs.is_empty() {
            return Vec::new();
        }
        let set = self.set.get_or_init(|| {
            let mut builder = GlobSetBuilder::new();
            for RuleGlob { glob, literal_separator, .. } in &self.globs {
                let glob = GlobBuilder::new(glob)
                    .literal_separator(*literal_separator)
                    .backslash_escape(false)
                    .build()
                    .unwrap_or_else(|e| panic!("an escaped pattern is a valid glob: {e}"));
                builder.add(glob);
            }
            builder.build().unwrap_or_else(|e| panic!("rule globs compile: {e}"))
        });
        let mut owners: Vec<(usize, usize)> =
            set.matches(Path::new(text)).into_iter().map(|i| self.globs[i].owner).collect();
        owners.dedup();
        owners
    }
}

/// The literal head and tail of the last segment of wildcard file patterns, filed by byte: a quick
/// test that keeps the glob set from running for the names of a walk that no pattern could match
/// (nearly all of them). It only ever answers "maybe": the glob set decides.
#[derive(Debug)]
struct NameEnds {
    /// (head, tail) of patterns with a literal tail, filed by the tail's last byte.
    by_last: Vec<Vec<(String, String)>>,
    /// (head, "") of patterns ending in `*`, filed by the head's first byte.
    by_first: Vec<Vec<(String, String)>>,
    /// A pattern whose last segment says nothing (`*` alone): every name may match.
    any: bool,
}

impl Default for NameEnds {
    fn default() -> Self {
        NameEnds { by_last: vec![Vec::new(); 256], by_first: vec![Vec::new(); 256], any: false }
    }
}

impl NameEnds {
    /// Files a lower-case pattern. A name matching it ends with the literal tail of its last
    /// segment and, without a `/` (whose `*` could span folders), starts with its literal head.
    fn add(&mut self, pattern: &str) {
        let (segment, spans_folders) = match pattern.rsplit_once('/') {
            Some((_, last)) => (last, true),
            None => (pattern, false),
        };
        let head = if spans_folders { "" } else { segment.split('*').next().unwrap_or_default() };
        let tail = segment.rsplit('*').next().unwrap_or_default();
        let entry = (head.to_owned(), tail.to_owned());
        match (tail.as_bytes().last(), head.as_bytes().first()) {
            (Some(&last), _) => self.by_last[usize::from(last)].push(entry),
            (None, Some(&first)) => self.by_first[usize::from(first)].push(entry),
            (None, None) => self.any = true,
        }
    }

    /// Whether some filed pattern may match this lower-case name (`false`: none does).
    fn may_match(&self, name: &str) -> bool {
        if self.any {
            return true;
        }
        let (Some(&first), Some(&last)) = (name.as_bytes().first(), name.as_bytes().last()) else {
            return false;
        };
        let fits = |(head, tail): &(String, String)| {
            name.len() >= head.len() + tail.len() && name.starts_with(head.as_str()) && name.ends_with(tail.as_str())
        };
        self.by_last[usize::from(last)].iter().any(fits) || self.by_first[usize::from(first)].iter().any(fits)
    }
}

/// One technology's matchers.
#[derive(Debug, Clone)]
pub struct Rule {
    /// The catalog slug of the detected tool (aliases are resolved at load time).
    pub tool: String,
    /// The rule file it came from, relative to `data/`.
    pub file: String,
    pub dependencies: Vec<(Ecosystem, Pattern)>,
    pub files: Vec<Pattern>,
    pub extensions: Vec<String>,
    pub dotenv: Vec<String>,
}

/// What matched: the rule's tool, and the matcher, as `kind:pattern` (e.g. `npm:pg`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Match<'a> {
    pub tool: &'a str,
    pub kind: &'static str,
    pub pattern: &'a str,
}

impl Match<'_> {
    pub fn rule_id(&self) -> String {
        format!("{}:{}", self.kind, self.pattern)
    }
}

/// Every detection rule of the catalog, indexed for matching.
#[derive(Debug, Default)]
pub struct RuleSet {
    rules: Vec<Rule>,
    literal_deps: HashMap<(Ecosystem, String), Vec<(usize, usize)>>,
    /// Wildcard dependency names, one glob set per ecosystem, matched against normalised names.
    wildcard_deps: HashMap<Ecosystem, Globs>,
    /// File names without wildcard or `/`, by name.
    literal_files: HashMap<String, Vec<(usize, usize)>>,
    /// The other file patterns, one glob set matched against the lower-case relative path.
    wildcard_files: Globs,
    /// The literal ends of those patterns: the glob set runs only for names that fit one.
    wildcard_file_ends: NameEnds,
    extensions: HashMap<String, usize>,
    dotenv: Vec<(usize, usize)>,
}

impl RuleSet {
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Rules matching a dependency name of one ecosystem (docker: see [`Self::match_image`]).
    pub fn match_dependency(&self, ecosystem: Ecosystem, name: &str) -> Vec<Match<'_>> {
        let name = ecosystem.normalize(name);
        let mut out = Vec::new();
        if let Some(hits) = self.literal_deps.get(&(ecosystem, name.clone())) {
            out.extend(hits.iter().map(|&(r, m)| self.dep_match(r, m)));
        }
        if let Some(globs) = self.wildcard_deps.get(&ecosystem) {
            out.extend(globs.matches(&name).into_iter().map(|(r, m)| self.dep_match(r, m)));
        }
        dedup_by_tool(out)
    }

    /// Rules matching a container image, by family: an exact repository match wins
    /// (`amazon/dynamodb-local`); otherwise the longest docker pattern that the image's own
    /// name contains as a whole word (`bitnami/postgresql:16` and `postgis/postgis` say postgres).
    pub fn match_image(&self, image: &str) -> Vec<Match<'_>> {
        let repo = image_repository(image);
        if repo.is_empty() {
            return Vec::new();
        }
        let exact = self.match_dependency(Ecosystem::Docker, &repo);
        if !exact.is_empty() {
            return exact;
        }
        let own_name = repo.rsplit('/').next().unwrap_or(&repo);
        let mut best: Vec<Match<'_>> = Vec::new();
        for (r, rule) in self.rules.iter().enumerate() {
            for (m, (eco, pattern)) in rule.dependencies.iter().enumerate() {
                // Only bare names are families; `owner/name` patterns match exactly (above).
                if *eco != Ecosystem::Docker || !pattern.is_literal() || pattern.as_str().contains('/') {
                    continue;
                }
                let word = pattern.as_str();
                if word.len() < 3 || !contains_word(own_name, word) {
                    continue;
                }
                let len = word.len();
                let best_len = best.first().map_or(0, |b| b.pattern.len());
                if len > best_len {
                    best.clear();
                }
                if len >= best_len {
                    best.push(self.dep_match(r, m));
                }
            }
        }
        dedup_by_tool(best)
    }

    /// Rules matching a file or folder name, or (for patterns with a `/`) a relative path.
    pub fn match_file(&self, rel_path: &str) -> Vec<Match<'_>> {
        // Called for every file and folder of a walk: short paths are lowered on the stack.
        let mut buffer = [0u8; 256];
        let lower: Cow<'_, str> = match buffer.get_mut(..rel_path.len()) {
            Some(bytes) => {
                bytes.copy_from_slice(rel_path.as_bytes());
                bytes.make_ascii_lowercase();
                // Lowering ASCII letters keeps UTF-8 valid.
                Cow::Borrowed(std::str::from_utf8(bytes).unwrap_or_default())
            }
            None => Cow::Owned(rel_path.to_ascii_lowercase()),
        };
        let lower = lower.as_ref();
        let name = lower.rsplit('/').next().unwrap_or(lower);
        let mut out = Vec::new();
        if let Some(hits) = self.literal_files.get(name) {
            out.extend(hits.iter().map(|&(r, m)| self.file_match(r, m)));
        }
        if self.wildcard_file_ends.may_match(name) {
            out.extend(self.wildcard_files.matches(lower).into_iter().map(|(r, m)| self.file_match(r, m)));
        }
        dedup_by_tool(out)
    }

    /// Whether some file rule could match this name (cheap pre-filter for the walk).
    pub fn is_interesting_file(&self, rel_path: &str) -> bool {
        !self.match_file(rel_path).is_empty()
    }

    /// The language a file extension (with its dot, any case) belongs to.
    pub fn language_of_extension(&self, extension: &str) -> Option<Match<'_>> {
        let ext = extension.to_ascii_lowercase();
        let &r = self.extensions.get(&ext)?;
        let rule = &self.rules[r];
        let pattern = rule.extensions.iter().find(|e| **e == ext)?;
        Some(Match { tool: &rule.tool, kind: "extension", pattern })
    }

    /// Rules whose env-var prefix starts this variable name.
    pub fn match_env(&self, var: &str) -> Vec<Match<'_>> {
        let upper = var.to_ascii_uppercase();
        let out = self
            .dotenv
            .iter()
            .filter(|&&(r, m)| upper.starts_with(&self.rules[r].dotenv[m]))
            .map(|&(r, m)| Match { tool: &self.rules[r].tool, kind: "dotenv", pattern: &self.rules[r].dotenv[m] })
            .collect();
        dedup_by_tool(out)
    }

    fn dep_match(&self, r: usize, m: usize) -> Match<'_> {
        let (eco, pattern) = &self.rules[r].dependencies[m];
        Match { tool: &self.rules[r].tool, kind: eco.key(), pattern: pattern.as_str() }
    }

    fn file_match(&self, r: usize, m: usize) -> Match<'_> {
        Match { tool: &self.rules[r].tool, kind: "file", pattern: self.rules[r].files[m].as_str() }
    }
}

fn dedup_by_tool(mut matches: Vec<Match<'_>>) -> Vec<Match<'_>> {
    let mut seen = Vec::new();
    matches.retain(|m| {
        if seen.contains(&m.tool) {
            false
        } else {
            seen.push(m.tool);
            true
        }
    });
    matches
}

/// `registry.example.com:5000/org/name:tag@sha256:...` -> `org/name`; the Docker Hub
/// `library/` prefix and well-known registry hosts are dropped.
pub fn image_repository(image: &str) -> String {
    let image = image.trim().trim_matches(|c| c == '"' || c == '\'');
    let image = image.split('@').next().unwrap_or_default();
    let mut parts: Vec<&str> = image.split('/').collect();
    if parts.len() > 1 {
        let first = parts[0];
        if first.contains('.') || first.contains(':') || first == "localhost" {
            parts.remove(0);
        }
    }
    if let Some(last) = parts.last_mut() {
        *last = last.split(':').next().unwrap_or_default();
    }
    if parts.len() > 1 && parts[0] == "library" {
        parts.remove(0);
    }
    parts.join("/").to_ascii_lowercase()
}

/// The tag of an image reference (`postgres:16-alpine` -> `16-alpine`), if any.
pub fn image_tag(image: &str) -> Option<&str> {
    let image = image.trim().split('@').next()?;
    let last = image.rsplit('/').next()?;
    let (_, tag) = last.split_once(':')?;
    (!tag.is_empty()).then_some(tag)
}

fn contains_word(haystack: &str, word: &str) -> bool {
    let bytes = haystack.as_bytes();
    let mut start = 0;
    while let Some(pos) = haystack[start..].find(word) {
        let at = start + pos;
        let end = at + word.len();
        let starts_word = at == 0 || !bytes[at - 1].is_ascii_alphanumeric();
        // A family name may run on by a version or a short suffix (`postgres` in
        // `postgresql`, `mongo` in `mongodb`, `redis` in `redis7`), not into another word
        // (`rust` is not `rustdesk`).
        let run_on = bytes[end..].iter().take_while(|b| b.is_ascii_alphabetic()).count();
        if starts_word && run_on <= 2 {
            return true;
        }
        start = at + 1;
    }
    false
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    #[serde(default)]
    rule: Vec<RuleEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleEntry {
    tool: String,
    #[serde(default)]
    files: Vec<String>,
    #[serde(default)]
    extensions: Vec<String>,
    #[serde(default)]
    dotenv: Vec<String>,
    #[serde(default)]
    npm: Vec<String>,
    #[serde(default)]
    pypi: Vec<String>,
    #[serde(default)]
    crates: Vec<String>,
    #[serde(default)]
    go: Vec<String>,
    #[serde(default)]
    rubygems: Vec<String>,
    #[serde(default)]
    composer: Vec<String>,
    #[serde(default)]
    maven: Vec<String>,
    #[serde(default)]
    nuget: Vec<String>,
    #[serde(default)]
    hex: Vec<String>,
    #[serde(default, rename = "pub")]
    pub_: Vec<String>,
    #[serde(default)]
    cocoapods: Vec<String>,
    #[serde(default)]
    swiftpm: Vec<String>,
    #[serde(default)]
    docker: Vec<String>,
    #[serde(default)]
    github_actions: Vec<String>,
    #[serde(default)]
    terraform_providers: Vec<String>,
    #[serde(default)]
    terraform_resources: Vec<String>,
    #[serde(default)]
    helm: Vec<String>,
}

impl RuleEntry {
    fn dependency_lists(&self) -> [(Ecosystem, &Vec<String>); 17] {
        [
            (Ecosystem::Npm, &self.npm),
            (Ecosystem::Pypi, &self.pypi),
            (Ecosystem::Crates, &self.crates),
            (Ecosystem::Go, &self.go),
            (Ecosystem::Rubygems, &self.rubygems),
            (Ecosystem::Composer, &self.composer),
            (Ecosystem::Maven, &self.maven),
            (Ecosystem::Nuget, &self.nuget),
            (Ecosystem::Hex, &self.hex),
            (Ecosystem::Pub, &self.pub_),
            (Ecosystem::Cocoapods, &self.cocoapods),
            (Ecosystem::Swiftpm, &self.swiftpm),
            (Ecosystem::Docker, &self.docker),
            (Ecosystem::GithubActions, &self.github_actions),
            (Ecosystem::TerraformProviders, &self.terraform_providers),
            (Ecosystem::TerraformResources, &self.terraform_resources),
            (Ecosystem::Helm, &self.helm),
        ]
    }
}

/// Reads and indexes the rule files. Rules name their tool as written (a slug or an alias):
/// this needs no catalog, so it runs beside the reading of the tools, and
/// [`RuleSet::resolve_tools`] turns the names into slugs once both are done.
pub(crate) fn load(files: &[(&str, &str)], format: crate::Format) -> (RuleSet, Vec<CatalogError>) {
    let mut errors = Vec::new();
    let set = load_into(files, format, &mut errors);
    (set, errors)
}

fn load_into(files: &[(&str, &str)], format: crate::Format, errors: &mut Vec<CatalogError>) -> RuleSet {
    let mut set = RuleSet::default();
    let mut extension_owner: HashMap<String, String> = HashMap::new();
    for (path, text) in files {
        if !path.ends_with(".toml") {
            continue;
        }
        let parsed: RuleFile = match format.decode(text) {
            Ok(parsed) => parsed,
            Err(e) => {
                errors.push(CatalogError::new(path, "-", e));
                continue;
            }
        };
        for entry in parsed.rule {
            let slug = entry.tool.clone();
            let mut rule = Rule {
                tool: slug.clone(),
                file: (*path).to_owned(),
                dependencies: Vec::new(),
                files: Vec::new(),
                extensions: Vec::new(),
                dotenv: Vec::new(),
            };
            let check = |what: &str, value: &str, errors: &mut Vec<CatalogError>| {
                well_formed(path, &entry.tool, what, value, errors)
            };
            for (eco, names) in entry.dependency_lists() {
                for name in names {
                    if check(eco.key(), name, errors) {
                        rule.dependencies.push((eco, Pattern::new(&eco.normalize(name))));
                    }
                }
            }
            for name in &entry.files {
                if check("files", name, errors) {
                    rule.files.push(Pattern::new(name));
                }
            }
            for ext in &entry.extensions {
                if !check("extensions", ext, errors) {
                    continue;
                }
                if !ext.starts_with('.') || ext.len() < 2 {
                    errors.push(CatalogError::new(
                        path,
                        &entry.tool,
                        format!("extension {ext:?} must start with a dot"),
                    ));
                    continue;
                }
                let ext = ext.to_ascii_lowercase();
                if let Some(owner) = extension_owner.insert(ext.clone(), slug.clone()) {
                    errors.push(CatalogError::new(
                        path,
                        &entry.tool,
                        format!("extension {ext} already belongs to {owner}"),
                    ));
                    continue;
                }
                rule.extensions.push(ext);
            }
            for prefix in &entry.dotenv {
                if check("dotenv", prefix, errors) {
                    if prefix.len() < 3 {
                        errors.push(CatalogError::new(
                            path,
                            &entry.tool,
                            format!("dotenv prefix {prefix:?} is too short to mean anything"),
                        ));
                        continue;
                    }
                    rule.dotenv.push(prefix.to_ascii_uppercase());
                }
            }
            set.push(rule);
        }
    }
    set.index_globs();
    set
}

fn well_formed(path: &str, tool: &str, what: &str, value: &str, errors: &mut Vec<CatalogError>) -> bool {
    let ok = !value.trim().is_empty() && value.trim() == value;
    if !ok {
        errors.push(CatalogError::new(path, tool, format!("{what}: empty or padded pattern {value:?}")));
    }
    ok
}

impl RuleSet {
    /// Turns the tool names of the rules into catalog slugs (aliases resolved); a name that is
    /// no tool, or a second rule for one tool, is an error naming the rule's file.
    pub(crate) fn resolve_tools(&mut self, catalog: &Catalog, errors: &mut Vec<CatalogError>) {
        let mut rule_of_tool: HashMap<String, &str> = HashMap::with_capacity(self.rules.len());
        for rule in &mut self.rules {
            let Some(tool) = catalog.tool(&rule.tool) else {
                errors.push(CatalogError::new(&rule.file, &rule.tool, "names no tool of the catalog (slug or alias)"));
                continue;
            };
            if let Some(other) = rule_of_tool.insert(tool.slug.clone(), &rule.file) {
                errors.push(CatalogError::new(
                    &rule.file,
                    &rule.tool,
                    format!("a second rule for {} (one record per technology; also in {other})", tool.slug),
                ));
                continue;
            }
            if rule.tool != tool.slug {
                rule.tool.clone_from(&tool.slug);
            }
        }
    }

    fn push(&mut self, rule: Rule) {
        let r = self.rules.len();
        for (m, (eco, pattern)) in rule.dependencies.iter().enumerate() {
            if pattern.is_literal() {
                self.literal_deps.entry((*eco, pattern.as_str().to_owned())).or_default().push((r, m));
            }
        }
        for (m, pattern) in rule.files.iter().enumerate() {
            if pattern.is_literal() && !pattern.as_str().contains('/') {
                self.literal_files.entry(pattern.as_str().to_owned()).or_default().push((r, m));
            }
        }
        for ext in &rule.extensions {
            self.extensions.insert(ext.clone(), r);
        }
        for m in 0..rule.dotenv.len() {
            self.dotenv.push((r, m));
        }
        self.rules.push(rule);
    }

    /// Files the wildcard patterns of all rules, once they are all pushed.
    fn index_globs(&mut self) {
        for (r, rule) in self.rules.iter().enumerate() {
            for (m, (eco, pattern)) in rule.dependencies.iter().enumerate() {
                if !pattern.is_literal() {
                    self.wildcard_deps.entry(*eco).or_default().add(pattern.glob(""), false, (r, m));
                }
            }
            for (m, pattern) in rule.files.iter().enumerate() {
                if pattern.as_str().contains('/') {
                    // A path suffix: the whole path, or what follows any `/` of it.
                    self.wildcard_files.add(pattern.glob(""), false, (r, m));
                    self.wildcard_files.add(pattern.glob("*/"), false, (r, m));
                    self.wildcard_file_ends.add(pattern.as_str());
                } else if !pattern.is_literal() {
                    // A file or folder name: the path's last segment (a `*` stays within it).
                    self.wildcard_files.add(pattern.glob("**/"), true, (r, m));
                    self.wildcard_file_ends.add(pattern.as_str());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog_with(rules: &str) -> Result<Catalog, crate::CatalogErrors> {
        let mut files: Vec<(&str, &str)> =
            crate::DATA_FILES_TOML.iter().copied().filter(|(p, _)| !p.starts_with("rules/")).collect();
        files.push(("rules/test.toml", rules));
        Catalog::from_files(&files)
    }

    #[test]
    fn builtin_rules_load_and_name_known_tools() {
        let rules = Catalog::builtin().rules();
        assert!(rules.rules().len() >= 700, "{}", rules.rules().len());
        for rule in rules.rules() {
            assert!(Catalog::builtin().tool(&rule.tool).is_some());
        }
    }

    #[test]
    fn unknown_tool_is_an_error_naming_file_and_entry() {
        let err = catalog_with("[[rule]]\ntool = \"no-such-tool-anywhere\"\nnpm = [\"x\"]\n").unwrap_err();
        let text = err.to_string();
        assert!(text.contains("rules/test.toml: no-such-tool-anywhere:"), "{text}");
    }

    #[test]
    fn malformed_rule_file_and_unknown_keys_are_errors() {
        let err = catalog_with("[[rule]]\ntool = \"mysql\"\nnmp = [\"x\"]\n").unwrap_err();
        assert!(err.to_string().contains("rules/test.toml"), "{err}");
        let err = catalog_with("[[rule]\n").unwrap_err();
        assert!(err.to_string().contains("rules/test.toml"), "{err}");
    }

    #[test]
    fn duplicate_rules_and_extensions_are_errors() {
        let err = catalog_with("[[rule]]\ntool = \"postgresql\"\n[[rule]]\ntool = \"postgresql\"\n").unwrap_err();
        assert!(err.to_string().contains("second rule"), "{err}");
        let err = catalog_with(
            "[[rule]]\ntool = \"postgresql\"\nextensions=[\".rs\"]\n[[rule]]\ntool = \"mysql\"\nextensions=[\".RS\"]\n",
        )
        .unwrap_err();
        assert!(err.to_string().contains("already belongs to"), "{err}");
    }

    #[test]
    fn dependency_matching_normalises_per_ecosystem() {
        let rules = Catalog::builtin().rules();
        let tools = |eco, name| rules.match_dependency(eco, name).iter().map(|m| m.tool.to_owned()).collect::<Vec<_>>();
        assert_eq!(tools(Ecosystem::Pypi, "Django"), ["django"]);
        assert!(tools(Ecosystem::Npm, "@angular/core").contains(&"angular".to_owned()));
        assert!(tools(Ecosystem::Npm, "left-pad-nothing").is_empty());
        let go = tools(Ecosystem::Go, "github.com/redis/go-redis/v9");
        assert!(go.contains(&"redis".to_owned()), "{go:?}");
    }

    #[test]
    fn images_match_by_family() {
        let rules = Catalog::builtin().rules();
        let tool = |image| rules.match_image(image).first().map(|m| m.tool.to_owned()).unwrap_or_default();
        assert_eq!(tool("postgres:16"), "postgresql");
        assert_eq!(tool("bitnami/postgresql:15.3.0"), "postgresql");
        assert_eq!(tool("docker.io/postgis/postgis:16-3.4"), "postgresql");
        assert_eq!(tool("ghcr.io/foo/redis-stack:latest"), "redis");
        assert_eq!(tool("busybox"), "");
        assert_eq!(tool("mongo:7"), "mongodb");
        assert_eq!(tool("outlinewiki/outline-base"), "", "discourse/base is no family");
        assert_ne!(tool("rustdesk/rustdesk-server"), "rust");
        assert_eq!(image_tag("registry:5000/x/postgres:16-alpine"), Some("16-alpine"));
        assert_eq!(image_repository("registry:5000/x/postgres:16"), "x/postgres");
    }

    #[test]
    fn glob_patterns() {
        let rules = catalog_with(
            "[[rule]]\ntool = \"typescript\"\nfiles = [\"tsconfig*.json\", \".ci/*.[yml]\"]\nnpm = [\"@types/*\"]\n",
        )
        .unwrap();
        let tools = |path| rules.rules().match_file(path).iter().map(|m| m.tool.to_owned()).collect::<Vec<_>>();
        assert_eq!(tools("tsconfig.json"), ["typescript"]);
        assert_eq!(tools("web/TSConfig.Build.json"), ["typescript"]);
        assert!(tools("tsconfig.json5").is_empty());
        assert!(tools("tsconfig/x.json").is_empty(), "a name pattern's `*` stays in the name");
        assert_eq!(tools("a/.ci/deep/x.[yml]"), ["typescript"], "a path pattern's `*` spans folders");
        assert!(tools("a/.ci/x.y").is_empty(), "globset's own syntax is literal text");
        let npm = rules.rules().match_dependency(Ecosystem::Npm, "@types/node");
        assert_eq!(npm.first().map(|m| m.rule_id()).as_deref(), Some("npm:@types/*"));
    }

    /// The matcher before globset, kept as the reference: `*` matches any text.
    fn reference_match(pattern: &[u8], name: &[u8]) -> bool {
        let (mut p, mut n) = (0, 0);
        let (mut star, mut star_n) = (None, 0);
        while n < name.len() {
            if p < pattern.len() && pattern[p] == b'*' {
                star = Some(p);
                star_n = n;
                p += 1;
            } else if p < pattern.len() && pattern[p] == name[n] {
                p += 1;
                n += 1;
            } else if let Some(s) = star {
                p = s + 1;
                star_n += 1;
                n = star_n;
            } else {
                return false;
            }
        }
        pattern[p..].iter().all(|&b| b == b'*')
    }

    /// `match_file` and `match_dependency` as they were before globset: literal hits, then every
    /// wildcard pattern tried in rule order.
    fn reference_file_matches<'r>(rules: &'r RuleSet, rel_path: &str) -> Vec<Match<'r>> {
        let lower = rel_path.to_ascii_lowercase();
        let name = lower.rsplit('/').next().unwrap_or(&lower);
        let mut out: Vec<Match<'r>> =
            rules.literal_files.get(name).into_iter().flatten().map(|&(r, m)| rules.file_match(r, m)).collect();
        for (r, rule) in rules.rules.iter().enumerate() {
            for (m, pattern) in rule.files.iter().enumerate() {
                let text = pattern.as_str().as_bytes();
                let hit = if pattern.as_str().contains('/') {
                    reference_match(text, lower.as_bytes())
                        || lower.match_indices('/').any(|(i, _)| reference_match(text, &lower.as_bytes()[i + 1..]))
                } else {
                    !pattern.is_literal() && reference_match(text, name.as_bytes())
                };
                if hit {
                    out.push(rules.file_match(r, m));
                }
            }
        }
        dedup_by_tool(out)
    }

    fn reference_dependency_matches<'r>(rules: &'r RuleSet, ecosystem: Ecosystem, name: &str) -> Vec<Match<'r>> {
        let name = ecosystem.normalize(name);
        let mut out: Vec<Match<'r>> = rules
            .literal_deps
            .get(&(ecosystem, name.clone()))
            .into_iter()
            .flatten()
            .map(|&(r, m)| rules.dep_match(r, m))
            .collect();
        for (r, rule) in rules.rules.iter().enumerate() {
            for (m, (eco, pattern)) in rule.dependencies.iter().enumerate() {
                if *eco == ecosystem
                    && !pattern.is_literal()
                    && reference_match(pattern.as_str().as_bytes(), name.as_bytes())
                {
                    out.push(rules.dep_match(r, m));
                }
            }
        }
        dedup_by_tool(out)
    }

    /// Names made from every pattern of the built-in rules (its stars filled in several ways,
    /// cut short, run on, in upper case, at several depths) get exactly the matches, in the same
    /// order, that the matcher before globset gave them.
    #[test]
    fn glob_sets_match_like_the_reference_matcher() {
        let rules = Catalog::builtin().rules();
        let fills = ["", "x", "a.b", "deep/er", "*", "\n", "é", ".", "[x]"];
        let mut checked = 0;
        for rule in rules.rules() {
            let patterns =
                rule.files.iter().map(|p| (None, p)).chain(rule.dependencies.iter().map(|(e, p)| (Some(*e), p)));
            for (eco, pattern) in patterns {
                let mut names = std::collections::BTreeSet::new();
                for fill in fills {
                    let name = pattern.as_str().replace('*', fill);
                    let short = name.char_indices().last().map_or("", |(i, _)| &name[..i]).to_owned();
                    names.extend([format!("{name}x"), format!("x{name}"), format!("{name}."), short]);
                    names.extend([format!("a/{name}"), format!("a/b/{}", name.to_uppercase()), format!("{name}/c")]);
                    names.insert(name);
                }
                for name in &names {
                    match eco {
                        None => {
                            assert_eq!(rules.match_file(name), reference_file_matches(rules, name), "file {name:?}")
                        }
                        Some(eco) => assert_eq!(
                            rules.match_dependency(eco, name),
                            reference_dependency_matches(rules, eco, name),
                            "{eco:?} {name:?}"
                        ),
                    }
                    checked += 1;
                }
            }
        }
        assert!(checked > 20_000, "{checked}");
    }
}
