//! From walked and parsed files to a stack report: components, version resolution (lockfile
//! over manifest constraint, nearest lockfile up the tree), rule matching and provenance.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use stackdex_catalog::Catalog;
use stackdex_catalog::rules::{Ecosystem, Match, image_tag};

use crate::evidence::{Evidence, FileFindings, Scope, version_of_constraint};
use crate::language::LanguageKind;
use crate::parsers::FileKind;
use crate::purl;
use crate::report::{
    Component, LanguageShare, Package, Report, SCHEMA_VERSION, ScanStats, Source, ToolDetection, VersionSource,
    sort_versions,
};
use crate::walk::{LanguageTotals, ParsedFile, ScanOptions, WalkResult};
use crate::warning::Warning;

const CONFIDENCE_DEPENDENCY: f32 = 1.0;
const CONFIDENCE_FILE: f32 = 0.8;
const CONFIDENCE_ENV: f32 = 0.5;

/// How deep `-r other.txt` includes are followed.
const MAX_INCLUDE_DEPTH: usize = 8;

/// Where detection reads what the walk did not (a requirements file pulled in with `-r`): the
/// scanned folder, or a commit's tree when the history is read. Both walks hand detection the
/// same [`WalkResult`]; this is all that differs after them.
pub(crate) trait FileSource {
    /// The name of the root component when no manifest names it (the folder's name).
    fn root_name(&self) -> String;
    /// Reads and parses the file at `rel` (`/`-separated) within the size limit; never panics.
    /// Returns the findings and notes worth a warning, or why it could not be read.
    fn read_and_parse(&self, rel: &str, kind: FileKind, max_bytes: u64) -> Result<(FileFindings, Vec<String>), String>;
}

pub(crate) fn build_report(
    catalog: &Catalog,
    files: &dyn FileSource,
    root_label: &str,
    mut walked: WalkResult,
    options: &ScanOptions,
) -> Report {
    follow_includes(files, &mut walked, options);
    let components = find_components(&files.root_name(), &walked.parsed);
    let locks = LockIndex::new(&walked.parsed, &wanted_lock_names(&walked.parsed));
    let owners = VersionOwners::new(catalog);
    let mut acc = Accumulator::default();
    let mut packages = Vec::new();

    for file in &walked.parsed {
        let dir = parent_dir(&file.rel);
        let component = owning_component(&components, dir);
        for evidence in &file.findings.evidence {
            match evidence {
                Evidence::Dependency { ecosystem, name, version, locked: false, scope } => {
                    let matches = catalog.rules().match_dependency(*ecosystem, name);
                    let resolved = locks.resolve(dir, *ecosystem, name);
                    if let Some(scope) = scope {
                        let version = match &resolved {
                            Some(locked) => pick_locked(locked, version.as_deref()),
                            None => version.clone(),
                        };
                        let scope = match file.kind {
                            // `requirements-dev.txt`, `requirements/test.txt`: the file says
                            FileKind::Requirements if *scope == Scope::Runtime => Scope::of_group(&file.rel),
                            _ => *scope,
                        };
                        if let Some(purl) = purl::purl(*ecosystem, name, version.as_deref()) {
                            packages.push(Package {
                                name: name.clone(),
                                ecosystem: ecosystem.key().to_owned(),
                                purl,
                                version,
                                scope,
                                file: file.rel.clone(),
                                component: component.to_owned(),
                                tool: matches.first().map(|m| m.tool.to_owned()),
                            });
                        }
                    }
                    if matches.is_empty() {
                        continue;
                    }
                    // The direct dependency's version: of several locked copies, the one its
                    // constraint points at (the others are other packages' dependencies).
                    let versions: Vec<String> = match resolved {
                        Some(resolved) => pick_locked(&resolved, version.as_deref()).into_iter().collect(),
                        None => version.iter().cloned().collect(),
                    };
                    for m in matches {
                        let own = owners.is_own_version(m.tool, *ecosystem, name);
                        acc.add(&m, &file.rel, name, component, &versions, own, CONFIDENCE_DEPENDENCY);
                    }
                }
                Evidence::Tool { name, version, rule } => {
                    let Some(tool) = catalog.tool(name) else { continue };
                    let m = Match { tool: &tool.slug, kind: "tool", pattern: name };
                    let versions: Vec<String> = version.iter().cloned().collect();
                    acc.add_source(
                        &m,
                        Source {
                            file: file.rel.clone(),
                            rule: rule.clone(),
                            package: None,
                            version: version.clone(),
                            confidence: CONFIDENCE_DEPENDENCY,
                        },
                        component,
                    );
                    acc.own_version(&tool.slug, component, &versions, &file.rel, rule, VersionKind::File);
                }
                Evidence::Dependency { locked: true, .. } => {}
                Evidence::Image { image } => {
                    let version: Vec<String> = image_tag(image)
                        .and_then(|tag| {
                            let v = version_of_constraint(tag)?;
                            // `16-alpine`, `3.12-slim`: the variant is not the version
                            Some(v.split(['-', '_']).next().unwrap_or_default().to_owned())
                        })
                        .filter(|v| !v.is_empty())
                        .into_iter()
                        .collect();
                    for m in catalog.rules().match_image(image) {
                        acc.add(&m, &file.rel, image, component, &version, false, CONFIDENCE_DEPENDENCY);
                        acc.own_version(m.tool, component, &version, &file.rel, image, VersionKind::Image);
                    }
                }
                Evidence::EnvVar { name } => {
                    for m in catalog.rules().match_env(name) {
                        acc.add(&m, &file.rel, name, component, &[], false, CONFIDENCE_ENV);
                    }
                }
            }
        }
    }
    for named in &walked.named {
        let component = owning_component(&components, parent_dir(&named.rel));
        let pattern = named.rule.strip_prefix("file:").unwrap_or(&named.rule);
        let m = Match { tool: &named.tool, kind: "file", pattern };
        acc.add_source(
            &m,
            Source {
                file: named.rel.clone(),
                rule: m.rule_id(),
                package: None,
                version: None,
                confidence: CONFIDENCE_FILE,
            },
            component,
        );
    }

    let languages = language_shares(catalog, &walked.languages);
    // Code languages are tools of the stack; data and prose formats (JSON, YAML, Markdown) are
    // in nearly every repository and are only listed under `languages`.
    for language in languages.iter().filter(|l| l.kind.is_code()) {
        let m = Match { tool: &language.slug, kind: "extension", pattern: "" };
        if walked.languages.get(&language.slug).is_some_and(|t| t.by_extension > 0) {
            let extensions: Vec<&str> = catalog
                .rules()
                .rules()
                .iter()
                .find(|r| r.tool == language.slug)
                .map(|r| r.extensions.iter().map(|e| e.trim_start_matches('.')).collect())
                .unwrap_or_default();
            let file = match extensions.as_slice() {
                [one] => format!("**/*.{one}"),
                many => format!("**/*.{{{}}}", many.join(",")),
            };
            acc.add_source(
                &m,
                Source {
                    file,
                    rule: format!("extension:.{}", extensions.join(",.")),
                    package: None,
                    version: None,
                    confidence: CONFIDENCE_DEPENDENCY,
                },
                ".",
            );
        }
        for script in walked.shebangs.iter().filter(|s| s.language == language.slug) {
            let component = owning_component(&components, parent_dir(&script.rel));
            acc.add_source(
                &m,
                Source {
                    file: script.rel.clone(),
                    rule: format!("shebang:{}", script.interpreter),
                    package: None,
                    version: None,
                    confidence: CONFIDENCE_DEPENDENCY,
                },
                component,
            );
        }
    }

    let tools = acc.into_tools(catalog, &owners);
    let components = components
        .into_values()
        .map(|mut c| {
            c.tools = tools.iter().filter(|t| t.components.contains(&c.path)).map(|t| t.slug.clone()).collect();
            c
        })
        .collect();
    Report {
        schema_version: SCHEMA_VERSION,
        root: root_label.to_owned(),
        tools,
        components,
        languages,
        packages,
        warnings: walked.warnings,
        stats: ScanStats { files_seen: walked.files_seen, files_parsed: walked.parsed.len() as u64 },
    }
}

/// Reads requirement files pulled in with `-r` that the walk did not parse itself.
fn follow_includes(files: &dyn FileSource, walked: &mut WalkResult, options: &ScanOptions) {
    let mut seen: BTreeSet<String> = walked.parsed.iter().map(|p| p.rel.clone()).collect();
    let mut queue: Vec<(Option<String>, usize)> = walked
        .parsed
        .iter()
        .flat_map(|p| {
            let dir = parent_dir(&p.rel).to_owned();
            p.findings.includes.iter().map(move |inc| (join_rel(&dir, inc), 1))
        })
        .collect();
    while let Some((rel, depth)) = queue.pop() {
        let Some(rel) = rel else { continue };
        if depth > MAX_INCLUDE_DEPTH || !seen.insert(rel.clone()) {
            continue;
        }
        match files.read_and_parse(&rel, FileKind::Requirements, options.max_file_bytes) {
            Ok((findings, notes)) => {
                for note in notes {
                    walked.warnings.push(Warning { file: rel.clone(), message: note });
                }
                let dir = parent_dir(&rel).to_owned();
                queue.extend(findings.includes.iter().map(|inc| (join_rel(&dir, inc), depth + 1)));
                // An included file belongs to the component that includes it: attribute it
                // there by keeping it as its own parsed file without a component declaration.
                let mut findings = findings;
                findings.component = None;
                walked.parsed.push(ParsedFile { rel, kind: FileKind::Requirements, findings });
            }
            Err(message) => walked.warnings.push(Warning { file: rel, message }),
        }
    }
}

/// `dir` + `relative`, normalised; `None` if it leaves the scanned tree.
fn join_rel(dir: &str, relative: &str) -> Option<String> {
    let mut parts: Vec<&str> = if dir == "." || dir.is_empty() { Vec::new() } else { dir.split('/').collect() };
    for part in relative.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

fn parent_dir(rel: &str) -> &str {
    rel.rsplit_once('/').map(|(d, _)| d).unwrap_or(".")
}

fn find_components(root_name: &str, parsed: &[ParsedFile]) -> BTreeMap<String, Component> {
    let mut components: BTreeMap<String, Component> = BTreeMap::new();
    // The repository root is always a component: the whole, beside its parts.
    components.insert(
        ".".to_owned(),
        Component {
            path: ".".to_owned(),
            name: String::new(),
            manifests: Vec::new(),
            workspace: None,
            tools: Vec::new(),
        },
    );
    let mut members: Vec<(String, Vec<String>)> = Vec::new();
    for file in parsed {
        let dir = parent_dir(&file.rel).to_owned();
        let Some(decl) = &file.findings.component else {
            continue;
        };
        if !decl.members.is_empty() {
            members.push((dir.clone(), decl.members.clone()));
        }
        if !file.kind.is_component_manifest() || is_requirements_folder(file) {
            // settings.gradle names the build its folder holds, without making a component.
            if let (Some(component), Some(name)) = (components.get_mut(&dir), &decl.name)
                && component.name.is_empty()
            {
                component.name = name.clone();
            }
            continue;
        }
        let component = components.entry(dir.clone()).or_insert_with(|| Component {
            name: String::new(),
            path: dir.clone(),
            manifests: Vec::new(),
            workspace: None,
            tools: Vec::new(),
        });
        component.manifests.push(file.rel.clone());
        if component.name.is_empty()
            && let Some(name) = &decl.name
        {
            component.name = name.clone();
        }
    }
    for component in components.values_mut() {
        if component.name.is_empty() {
            component.name = if component.path == "." {
                root_name.to_owned()
            } else {
                component.path.rsplit('/').next().unwrap_or_default().to_owned()
            };
        }
    }
    // Workspace members: `packages/*`, `crates/core`, `:app` (already a path).
    for (workspace_dir, patterns) in members {
        for pattern in patterns {
            if pattern.starts_with('!') {
                continue;
            }
            let Some(full) = join_rel(&workspace_dir, pattern.trim_end_matches('/')) else {
                continue;
            };
            let full = full.trim_end_matches("/**").to_owned();
            for component in components.values_mut() {
                if component.path != workspace_dir
                    && component.workspace.is_none()
                    && glob_path_match(&full, &component.path)
                {
                    component.workspace = Some(workspace_dir.clone());
                }
            }
        }
    }
    components
}

/// `requirements/base.txt` and the like belong to the project above the folder.
fn is_requirements_folder(file: &ParsedFile) -> bool {
    file.kind == FileKind::Requirements
        && parent_dir(&file.rel).rsplit('/').next().is_some_and(|d| d.eq_ignore_ascii_case("requirements"))
}

/// Glob over `/`-separated paths where `*` stays within one segment and `**` spans several.
fn glob_path_match(pattern: &str, path: &str) -> bool {
    let pat: Vec<&str> = pattern.split('/').collect();
    let segs: Vec<&str> = path.split('/').collect();
    fn go(pat: &[&str], segs: &[&str]) -> bool {
        match pat.split_first() {
            None => segs.is_empty(),
            Some((&"**", rest)) => (0..=segs.len()).any(|i| go(rest, &segs[i..])),
            Some((p, rest)) => match segs.split_first() {
                Some((s, srest)) => segment_match(p, s) && go(rest, srest),
                None => false,
            },
        }
    }
    go(&pat, &segs)
}

fn segment_match(pattern: &str, segment: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == segment,
        Some((head, tail)) => {
            segment.len() >= head.len() + tail.len()
                && segment.starts_with(head)
                && segment.ends_with(tail.trim_end_matches('*'))
        }
    }
}

/// The nearest folder at or above `dir` that is a component (the root `.` by default).
fn owning_component<'a>(components: &'a BTreeMap<String, Component>, dir: &str) -> &'a str {
    let mut current = dir;
    loop {
        if let Some((path, _)) = components.get_key_value(current) {
            return path;
        }
        match current.rsplit_once('/') {
            Some((up, _)) => current = up,
            None if current != "." => current = ".",
            None => return ".",
        }
    }
}

/// Resolved versions by folder: a declared dependency takes its version from the nearest
/// lockfile of its ecosystem at or above its manifest's folder.
struct LockIndex {
    /// (folder, ecosystem) -> normalised name -> versions
    locks: HashMap<(String, Ecosystem), HashMap<String, BTreeSet<String>>>,
}

impl LockIndex {
    /// Indexes the locked versions of the `wanted` names only: lockfiles list thousands of
    /// packages, of which only those some declared dependency matched by a rule asks for matter.
    fn new(parsed: &[ParsedFile], wanted: &HashSet<(Ecosystem, String)>) -> LockIndex {
        let mut locks: HashMap<(String, Ecosystem), HashMap<String, BTreeSet<String>>> = HashMap::new();
        for file in parsed {
            for evidence in &file.findings.evidence {
                if let Evidence::Dependency { ecosystem, name, version: Some(version), locked: true, .. } = evidence {
                    let key = (*ecosystem, ecosystem.normalize(name));
                    if !wanted.contains(&key) {
                        continue;
                    }
                    locks
                        .entry((parent_dir(&file.rel).to_owned(), *ecosystem))
                        .or_default()
                        .entry(key.1)
                        .or_default()
                        .insert(version.clone());
                }
            }
        }
        LockIndex { locks }
    }

    fn resolve(&self, dir: &str, ecosystem: Ecosystem, name: &str) -> Option<Vec<String>> {
        let key = ecosystem.normalize(name);
        let mut current = dir;
        loop {
            if let Some(lock) = self.locks.get(&(current.to_owned(), ecosystem))
                && let Some(versions) = lock.get(&key)
            {
                return Some(versions.iter().cloned().collect());
            }
            match current.rsplit_once('/') {
                Some((up, _)) => current = up,
                None if current != "." => current = ".",
                None => return None,
            }
        }
    }
}

/// The (ecosystem, normalised name) of every declared dependency: the only names whose locked
/// versions are looked up (a lockfile lists many more, transitive ones).
fn wanted_lock_names(parsed: &[ParsedFile]) -> HashSet<(Ecosystem, String)> {
    let mut wanted = HashSet::new();
    for file in parsed {
        for evidence in &file.findings.evidence {
            if let Evidence::Dependency { ecosystem, name, locked: false, .. } = evidence {
                wanted.insert((*ecosystem, ecosystem.normalize(name)));
            }
        }
    }
    wanted
}

/// The locked version of a direct dependency among those a lockfile lists under its name
/// (nested copies at other versions are some other package's): the one on the constraint's
/// major version, the highest such; else the highest.
fn pick_locked(locked: &[String], constraint: Option<&str>) -> Option<String> {
    let mut sorted = locked.to_vec();
    sort_versions(&mut sorted);
    // "^3.7.2", "~> 3.1" and "3.9.0" all name major 3.
    let major = |v: &str| {
        let v = v.trim_start_matches(|c: char| !c.is_ascii_digit());
        v.split(['.', '-', '+', ' ', ',']).next().unwrap_or_default().to_owned()
    };
    if let Some(wanted) = constraint.map(major)
        && let Some(hit) = sorted.iter().rev().find(|v| major(v) == wanted)
    {
        return Some(hit.clone());
    }
    sorted.pop()
}

/// Languages with their share of code bytes: programming languages and markup first, largest
/// first, then data and prose formats (share 0), largest first.
fn language_shares(catalog: &Catalog, totals: &HashMap<String, LanguageTotals>) -> Vec<LanguageShare> {
    let code: u64 = totals.iter().filter(|(slug, _)| LanguageKind::of(slug).is_code()).map(|(_, t)| t.bytes).sum();
    let mut out: Vec<LanguageShare> = totals
        .iter()
        .filter_map(|(slug, totals)| {
            let tool = catalog.tool(slug)?;
            let kind = LanguageKind::of(&tool.slug);
            Some(LanguageShare {
                slug: tool.slug.clone(),
                name: tool.name.clone(),
                bytes: totals.bytes,
                files: totals.files,
                share: if code == 0 || !kind.is_code() { 0.0 } else { totals.bytes as f64 / code as f64 },
                kind,
            })
        })
        .collect();
    out.sort_by(|a, b| {
        b.kind.is_code().cmp(&a.kind.is_code()).then(b.bytes.cmp(&a.bytes)).then_with(|| a.name.cmp(&b.name))
    });
    out
}

#[derive(Default)]
struct Accumulator {
    tools: BTreeMap<String, ToolAcc>,
}

#[derive(Default)]
struct ToolAcc {
    /// By component: the versions of packages, images and version files that are the tool.
    own: BTreeMap<String, Vec<OwnVersion>>,
    sources: Vec<Source>,
    components: BTreeSet<String>,
    confidence: f32,
}

/// What gave a tool's own version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum VersionKind {
    Image,
    File,
    Package,
}

struct OwnVersion {
    version: String,
    file: String,
    /// The package, image or version file.
    from: String,
    kind: VersionKind,
}

impl Accumulator {
    /// Records one matched dependency, image or variable. Its versions count as the tool's own
    /// only when `own_version` (see [`VersionOwners::is_own_version`]); the source keeps them
    /// either way.
    #[allow(clippy::too_many_arguments)]
    fn add(
        &mut self,
        m: &Match<'_>,
        file: &str,
        package: &str,
        component: &str,
        versions: &[String],
        own_version: bool,
        confidence: f32,
    ) {
        let source = |version: Option<&String>| Source {
            file: file.to_owned(),
            rule: m.rule_id(),
            package: Some(package.to_owned()),
            version: version.cloned(),
            confidence,
        };
        if versions.is_empty() {
            self.add_source(m, source(None), component);
        }
        for version in versions {
            self.add_source(m, source(Some(version)), component);
        }
        if own_version {
            self.own_version(m.tool, component, versions, file, package, VersionKind::Package);
        }
    }

    fn add_source(&mut self, m: &Match<'_>, source: Source, component: &str) {
        let acc = self.tools.entry(m.tool.to_owned()).or_default();
        acc.components.insert(component.to_owned());
        acc.confidence = acc.confidence.max(source.confidence);
        if !acc.sources.contains(&source) {
            acc.sources.push(source);
        }
    }

    fn own_version(
        &mut self,
        tool: &str,
        component: &str,
        versions: &[String],
        file: &str,
        from: &str,
        kind: VersionKind,
    ) {
        if versions.is_empty() {
            return;
        }
        let acc = self.tools.entry(tool.to_owned()).or_default();
        let entries = acc.own.entry(component.to_owned()).or_default();
        for version in versions {
            entries.push(OwnVersion { version: version.clone(), file: file.to_owned(), from: from.to_owned(), kind });
        }
    }

    fn into_tools(self, catalog: &Catalog, owners: &VersionOwners<'_>) -> Vec<ToolDetection> {
        let layer_order: HashMap<&str, usize> =
            catalog.layers().iter().enumerate().map(|(i, l)| (l.slug.as_str(), i)).collect();
        let mut tools: Vec<(usize, ToolDetection)> = self
            .tools
            .into_iter()
            .filter_map(|(slug, acc)| {
                let tool = catalog.tool(&slug)?;
                let place = catalog.place(tool);
                let names = owners.names(tool);
                let mut version_sources: Vec<VersionSource> = Vec::new();
                for (component, entries) in &acc.own {
                    version_sources.extend(version_lines(component, entries, &names));
                }
                let mut versions: Vec<String> = version_sources.iter().map(|v| v.version.clone()).collect();
                sort_versions(&mut versions);
                let mut sources = acc.sources;
                sources.sort_by(|a, b| a.file.cmp(&b.file).then(a.rule.cmp(&b.rule)));
                Some((
                    layer_order.get(tool.layer.as_str()).copied().unwrap_or(usize::MAX),
                    ToolDetection {
                        slug: tool.slug.clone(),
                        name: tool.name.clone(),
                        layer: place.layer.name.clone(),
                        category: place.category.name.clone(),
                        subcategory: place.subcategory.name.clone(),
                        versions,
                        confidence: acc.confidence,
                        components: acc.components.into_iter().collect(),
                        sources,
                        version_sources,
                    },
                ))
            })
            .collect();
        tools.sort_by(|(la, a), (lb, b)| {
            la.cmp(lb)
                .then_with(|| a.category.cmp(&b.category))
                .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
        });
        tools.into_iter().map(|(_, t)| t).collect()
    }
}

/// A tool's version lines in one component. Images and version files give a line per distinct
/// version (two services on two PostgreSQL versions are two versions). Packages give one line:
/// the version of the package named exactly after the tool when there is one (`vue` among
/// `vue-router` and `vuex`), else the version the tool's packages agree on, else their range
/// (`6.0.1 - 6.2.0` for `@codemirror/*` packages that differ).
fn version_lines(component: &str, entries: &[OwnVersion], names: &[String]) -> Vec<VersionSource> {
    let mut lines: BTreeMap<String, VersionSource> = BTreeMap::new();
    let mut add = |version: String, entry: &OwnVersion| {
        let line = lines.entry(version.clone()).or_insert_with(|| VersionSource {
            version,
            component: component.to_owned(),
            files: Vec::new(),
            from: Vec::new(),
        });
        if !line.files.contains(&entry.file) {
            line.files.push(entry.file.clone());
        }
        if !line.from.contains(&entry.from) {
            line.from.push(entry.from.clone());
        }
    };
    for entry in entries.iter().filter(|e| e.kind != VersionKind::Package) {
        add(entry.version.clone(), entry);
    }
    let packages: Vec<&OwnVersion> = entries.iter().filter(|e| e.kind == VersionKind::Package).collect();
    let primary: Vec<&OwnVersion> = packages.iter().copied().filter(|e| is_primary_package(&e.from, names)).collect();
    let chosen = if primary.is_empty() { packages } else { primary };
    let mut distinct: Vec<String> = chosen.iter().map(|e| e.version.clone()).collect();
    sort_versions(&mut distinct);
    let package_names: BTreeSet<&str> = chosen.iter().map(|e| e.from.as_str()).collect();
    match distinct.as_slice() {
        [] => {}
        [one] => chosen.iter().for_each(|e| add(one.clone(), e)),
        [low, .., high] if package_names.len() > 1 => {
            let range = format!("{low} - {high}");
            chosen.iter().for_each(|e| add(range.clone(), e));
        }
        _ => chosen.iter().for_each(|e| add(e.version.clone(), e)),
    }
    lines.into_values().collect()
}

/// Whether a package is the tool's main package: named exactly after it (`vue`, `django`,
/// `codemirror`), or its core (`@angular/core`, `babel-core`).
fn is_primary_package(package: &str, names: &[String]) -> bool {
    let lower = package.to_ascii_lowercase();
    if let Some(scope) = lower.strip_prefix('@').and_then(|p| p.strip_suffix("/core")) {
        return names.iter().any(|n| *n == squash(scope));
    }
    let last =
        squash(lower.rsplit(['/', ':']).find(|part| !part.is_empty() && !is_major_suffix(part)).unwrap_or(&lower));
    names.iter().any(|n| *n == last || last.strip_suffix("core") == Some(n.as_str()))
}

fn squash(s: &str) -> String {
    s.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_ascii_lowercase()
}

/// Words that make a package a client of a tool, not the tool: `go-sql-driver/mysql`,
/// `aws-sdk-go-v2`, `eslint-plugin-react`, `sass-loader`, `@types/node`.
const CLIENT_WORDS: [&str; 18] = [
    "driver",
    "drivers",
    "client",
    "clients",
    "sdk",
    "connector",
    "adapter",
    "adapters",
    "plugin",
    "plugins",
    "binding",
    "bindings",
    "loader",
    "types",
    "typings",
    "mock",
    "contrib",
    "integration",
];

/// Subcategories of servers and services: a package that names one is its client (a driver, an
/// SDK), and its version is not theirs.
const SERVER_SUBCATEGORIES: [&str; 8] = [
    "databases",
    "in-memory-databases",
    "message-queue",
    "cloud-storage",
    "sql-database-as-a-service",
    "big-data-as-a-service",
    "nosql-database-as-a-service",
    "search-as-a-service",
];

/// Decides whose version a package's version is.
struct VersionOwners<'c> {
    catalog: &'c Catalog,
    /// Tools published as container images: servers, whose language packages are clients.
    with_images: HashSet<&'c str>,
}

impl<'c> VersionOwners<'c> {
    fn new(catalog: &'c Catalog) -> Self {
        let with_images = catalog
            .rules()
            .rules()
            .iter()
            .filter(|r| r.dependencies.iter().any(|(e, _)| *e == Ecosystem::Docker))
            .map(|r| r.tool.as_str())
            .collect();
        VersionOwners { catalog, with_images }
    }

    /// The squashed names a package may carry to be the tool: slug, name, aliases, and each
    /// without a trailing `js`.
    fn names(&self, tool: &stackdex_catalog::Tool) -> Vec<String> {
        let mut names = vec![squash(&tool.slug), squash(&tool.name)];
        names.extend(tool.aliases.iter().map(|a| squash(a)));
        let js_less: Vec<String> = names.iter().filter_map(|n| n.strip_suffix("js").map(str::to_owned)).collect();
        names.extend(js_less);
        names.retain(|n| !n.is_empty());
        names
    }

    /// Whether a package's version is the tool's own version: the package is named after the
    /// tool (`django` for Django, `@angular/core` for Angular, `next` for Next.js), not a client
    /// of it (`pg` for PostgreSQL, `go-sql-driver/mysql` for MySQL, `aws-sdk-go-v2` for AWS:
    /// the client's version says nothing of the server's). Servers (tools shipped as images,
    /// databases, queues) and hosted services take versions from images and version files only.
    fn is_own_version(&self, slug: &str, ecosystem: Ecosystem, package: &str) -> bool {
        let Some(tool) = self.catalog.tool(slug) else {
            return false;
        };
        if tool.hosted_saas
            || self.with_images.contains(tool.slug.as_str())
            || SERVER_SUBCATEGORIES.contains(&tool.subcategory.as_str())
        {
            return false;
        }
        let lower = package.to_ascii_lowercase();
        if lower.split(['/', ':', '-', '_', '.', '@']).any(|word| CLIENT_WORDS.contains(&word)) {
            return false;
        }
        let names = self.names(tool);
        // `@angular/core`: the npm scope; `laravel/framework`: the vendor; `group:artifact`,
        // `github.com/o/r/v2`: the last part, and its dash-separated heads (`spring-boot` of
        // `spring-boot-starter-web`, `junit` of `junit-jupiter`).
        let mut candidates = Vec::new();
        if let Some(scope) = package.strip_prefix('@').and_then(|p| p.split('/').next()) {
            candidates.push(squash(scope));
        }
        if let Some((vendor, _)) = package.split_once('/')
            && !vendor.contains('.')
            && package.matches('/').count() == 1
        {
            candidates.push(squash(vendor));
        }
        if let Some(last) = package.rsplit(['/', ':']).find(|part| !part.is_empty() && !is_major_suffix(part)) {
            let mut head = String::new();
            for part in last.split(['-', '_']) {
                head.push_str(part);
                candidates.push(squash(&head));
            }
        }
        // `androidx.room:room-runtime`: a Maven group names the tool too.
        if ecosystem == Ecosystem::Maven
            && let Some((group, _)) = package.split_once(':')
        {
            candidates.push(squash(group));
            candidates.extend(group.rsplit('.').next().map(squash));
        }
        // `github.com/gin-gonic/gin`: the owner names the tool too.
        if ecosystem == Ecosystem::Go
            && let Some(owner) = lower.strip_prefix("github.com/").and_then(|rest| rest.split('/').next())
        {
            candidates.push(squash(owner));
        }
        candidates.iter().any(|c| !c.is_empty() && names.iter().any(|n| n == c))
    }
}

fn is_major_suffix(part: &str) -> bool {
    part.strip_prefix('v').is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workspace_globs() {
        assert!(glob_path_match("packages/*", "packages/web"));
        assert!(!glob_path_match("packages/*", "packages/web/sub"));
        assert!(glob_path_match("crates/**", "crates/a/b"));
        assert!(glob_path_match("apps/app-*", "apps/app-one"));
    }

    #[test]
    fn the_locked_copy_is_the_one_the_constraint_names() {
        let locked = ["2.4.1".to_owned(), "3.7.2".to_owned(), "3.1.0".to_owned()];
        assert_eq!(pick_locked(&locked, Some("^3.7.0")).as_deref(), Some("3.7.2"));
        assert_eq!(pick_locked(&locked, Some("~> 2.4")).as_deref(), Some("2.4.1"));
        assert_eq!(pick_locked(&locked, None).as_deref(), Some("3.7.2"));
        assert_eq!(pick_locked(&locked, Some("*")).as_deref(), Some("3.7.2"));
    }

    #[test]
    fn includes_stay_inside_the_tree() {
        assert_eq!(join_rel("a/b", "../c.txt").as_deref(), Some("a/c.txt"));
        assert_eq!(join_rel(".", "../../etc/passwd"), None);
    }

    #[test]
    fn own_versions_are_the_tools_not_its_clients() {
        let owners = VersionOwners::new(Catalog::builtin());
        let own = |tool, ecosystem, package| owners.is_own_version(tool, ecosystem, package);
        assert!(own("django", Ecosystem::Pypi, "Django"));
        assert!(own("angular", Ecosystem::Npm, "@angular/core"));
        assert!(own("next-js", Ecosystem::Npm, "next"));
        assert!(!own("postgresql", Ecosystem::Npm, "pg"));
        assert!(!own("redis", Ecosystem::Maven, "redis.clients:jedis"));
        assert!(own("laravel", Ecosystem::Composer, "laravel/framework"));
        assert!(own("spring-boot", Ecosystem::Maven, "org.springframework.boot:spring-boot-starter-web"));
        // drivers, SDKs and ports are clients
        assert!(!own("mysql", Ecosystem::Go, "github.com/go-sql-driver/mysql"));
        assert!(!own("sqlite", Ecosystem::Go, "modernc.org/sqlite"));
        assert!(!own("aws", Ecosystem::Go, "github.com/aws/aws-sdk-go-v2"));
        assert!(own("echo", Ecosystem::Go, "github.com/labstack/echo/v4"));
        assert!(!own("eslint", Ecosystem::Npm, "eslint-plugin-react"));
        assert!(!own("mongodb", Ecosystem::Npm, "mongodb"));
        assert!(own("gin-gonic", Ecosystem::Go, "github.com/gin-gonic/gin"));
        assert!(own("gorm", Ecosystem::Go, "gorm.io/gorm"));
    }

    #[test]
    fn agreeing_packages_give_one_version_and_differing_ones_a_range() {
        let entry = |from: &str, version: &str| OwnVersion {
            version: version.to_owned(),
            file: "package.json".to_owned(),
            from: from.to_owned(),
            kind: VersionKind::Package,
        };
        let names = vec!["codemirror".to_owned()];
        let same = [entry("@codemirror/view", "6.2.0"), entry("@codemirror/state", "6.2.0")];
        let lines = version_lines(".", &same, &names);
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].version, "6.2.0");
        assert_eq!(lines[0].from, ["@codemirror/view", "@codemirror/state"]);
        let differ = [entry("@codemirror/view", "6.2.0"), entry("@codemirror/state", "6.0.1")];
        assert_eq!(version_lines(".", &differ, &names)[0].version, "6.0.1 - 6.2.0");
        let with_main = [entry("codemirror", "6.0.1"), entry("@codemirror/view", "6.2.0")];
        assert_eq!(version_lines(".", &with_main, &names)[0].version, "6.0.1");
    }

    #[test]
    fn direct_dependencies_take_the_locked_version_on_their_major() {
        let locked = vec!["1.4.0".to_owned(), "2.4.1".to_owned(), "2.3.0".to_owned()];
        assert_eq!(pick_locked(&locked, Some("2.0.0")).as_deref(), Some("2.4.1"));
        assert_eq!(pick_locked(&locked, Some("1.1")).as_deref(), Some("1.4.0"));
        assert_eq!(pick_locked(&locked, None).as_deref(), Some("2.4.1"));
    }
}
