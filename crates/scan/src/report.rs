//! The stack report: what `stackdex scan` found, in the documented JSON shape (docs/scan.md).
//! Field names and meanings are stable; new fields may be added.

use serde::{Deserialize, Serialize};

use crate::evidence::Scope;
use crate::language::LanguageKind;
use crate::warning::Warning;

/// The version of the report's JSON shape (`schema_version`), bumped only when a field changes
/// meaning or disappears.
pub const SCHEMA_VERSION: u32 = 1;

/// The stack of one repository.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// [`SCHEMA_VERSION`] of the code that wrote the report.
    pub schema_version: u32,
    /// The scanned folder, as given.
    pub root: String,
    /// Detected tools, ordered by layer, category, then name.
    pub tools: Vec<ToolDetection>,
    /// Folders with their own manifest, each with its own stack; `.` is the repository root.
    pub components: Vec<Component>,
    /// Languages by their share of code bytes, largest first, then data and prose formats
    /// (largest first).
    pub languages: Vec<LanguageShare>,
    /// Every direct dependency of every manifest, in file order (see [`Package`]).
    #[serde(default)]
    pub packages: Vec<Package>,
    /// Files that could not be read or parsed; the scan went on without them.
    pub warnings: Vec<Warning>,
    /// How much the scan looked at.
    pub stats: ScanStats,
}

/// A tool found in the repository, with where and how.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolDetection {
    /// The tool's catalog slug.
    pub slug: String,
    /// The tool's display name.
    pub name: String,
    /// Display name of the tool's layer in the taxonomy.
    pub layer: String,
    /// Display name of the tool's category (within its layer).
    pub category: String,
    /// Display name of the tool's subcategory (within its category).
    pub subcategory: String,
    /// The tool's own versions (resolved from a lockfile where there is one, otherwise the
    /// manifest's constraint; image tags), sorted, without duplicates. Versions of client
    /// libraries (`pg` for PostgreSQL) are in `sources` only.
    pub versions: Vec<String>,
    /// The strongest evidence: 1.0 for a dependency, an image or a language; 0.8 for a file
    /// name; 0.5 for an env-var name.
    pub confidence: f32,
    /// Paths of the components whose stack includes the tool.
    pub components: Vec<String>,
    /// Each file and rule that produced the detection.
    pub sources: Vec<Source>,
    /// Where each of `versions` came from: per component, the files and packages, images or
    /// version files that are the tool itself.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub version_sources: Vec<VersionSource>,
}

/// One version of a tool and where it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VersionSource {
    /// The version, or a range `low - high` when the tool's packages in one component differ.
    pub version: String,
    /// The component whose files give it.
    pub component: String,
    /// The files that give it (manifest, lockfile, Dockerfile, version file).
    pub files: Vec<String>,
    /// The packages or images that are the tool (`@codemirror/view`, `postgres:16-alpine`), or
    /// the version file's name.
    pub from: Vec<String>,
}

/// A direct dependency declared by a manifest, whether or not the catalog knows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Package {
    /// The name as the registry spells it (`@apollo/client`, `org.slf4j:slf4j-api`).
    pub name: String,
    /// The registry, as in rule keys: `npm`, `pypi`, `crates`, `go`, `rubygems`, `composer`,
    /// `maven`, `nuget`, `hex`, `pub`, `cocoapods`, `swiftpm`.
    pub ecosystem: String,
    /// The package URL (package-url spec), with the version when there is one.
    pub purl: String,
    /// Resolved from the nearest lockfile, else the version the manifest's constraint names.
    pub version: Option<String>,
    /// `runtime`, `dev`, `build` or `test` (docs/scan.md, "Packages").
    pub scope: Scope,
    /// The manifest that declares it.
    pub file: String,
    /// The component the manifest belongs to.
    pub component: String,
    /// The catalog slug of the tool it maps to, if any.
    pub tool: Option<String>,
}

/// One piece of evidence for a tool: a file and the rule that matched in it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Source {
    /// Relative to the scanned root, `/`-separated (`**/*.rs` for languages).
    pub file: String,
    /// The matcher, as `kind:pattern` (`npm:pg`, `docker:postgres`, `file:tsconfig*.json`).
    pub rule: String,
    /// The dependency, image or variable that matched, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package: Option<String>,
    /// The version this source gave (resolved or constraint), when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// How strong this evidence is (see [`ToolDetection::confidence`]).
    pub confidence: f32,
}

/// A folder with its own manifest: a project of its own inside the repository.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Component {
    /// Relative to the scanned root, `/`-separated; `.` for the root.
    pub path: String,
    /// The name its manifest gives, else the folder's name.
    pub name: String,
    /// The manifest files that make the folder a component.
    pub manifests: Vec<String>,
    /// The path of the workspace that lists this component as a member, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace: Option<String>,
    /// Slugs of the tools found in this component's own files.
    pub tools: Vec<String>,
}

/// A language of the repository and how much of it there is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LanguageShare {
    /// The language's catalog slug.
    pub slug: String,
    /// The language's display name.
    pub name: String,
    /// Bytes of its files.
    pub bytes: u64,
    /// Number of its files (by extension, or by `#!` line for extension-less scripts).
    pub files: u64,
    /// `bytes` over the bytes of all code (languages of kind `programming` or `markup`), 0 to
    /// 1; 0 for data and prose formats, which are listed but are not code.
    pub share: f64,
    /// `programming`, `markup`, `data` (JSON, YAML, XML, ...) or `prose` (Markdown).
    #[serde(default)]
    pub kind: LanguageKind,
}

/// How much a scan looked at.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanStats {
    /// Files the walk visited.
    pub files_seen: u64,
    /// Files opened and parsed.
    pub files_parsed: u64,
}

/// Several repositories, and what they have in common.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MultiReport {
    /// [`SCHEMA_VERSION`] of the code that wrote the report.
    pub schema_version: u32,
    /// Each repository's own report, in the order scanned.
    pub repositories: Vec<Report>,
    /// The tools across repositories, the most used first, then by name.
    pub aggregate: Vec<AggregateTool>,
}

/// A tool across several repositories.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AggregateTool {
    /// The tool's catalog slug.
    pub slug: String,
    /// The tool's display name.
    pub name: String,
    /// Display name of the tool's layer.
    pub layer: String,
    /// Display name of the tool's category.
    pub category: String,
    /// How many repositories use the tool.
    pub repository_count: usize,
    /// Which repositories use the tool (their roots).
    pub repositories: Vec<String>,
    /// The tool's versions across them, sorted, without duplicates.
    pub versions: Vec<String>,
}

impl MultiReport {
    /// Gathers reports and computes what they have in common.
    pub fn new(repositories: Vec<Report>) -> MultiReport {
        let mut aggregate: Vec<AggregateTool> = Vec::new();
        for report in &repositories {
            for tool in &report.tools {
                let entry = match aggregate.iter_mut().position(|a| a.slug == tool.slug) {
                    Some(i) => &mut aggregate[i],
                    None => {
                        aggregate.push(AggregateTool {
                            slug: tool.slug.clone(),
                            name: tool.name.clone(),
                            layer: tool.layer.clone(),
                            category: tool.category.clone(),
                            repository_count: 0,
                            repositories: Vec::new(),
                            versions: Vec::new(),
                        });
                        aggregate.last_mut().expect("just pushed")
                    }
                };
                entry.repository_count += 1;
                entry.repositories.push(report.root.clone());
                entry.versions.extend(tool.versions.iter().cloned());
            }
        }
        for entry in &mut aggregate {
            sort_versions(&mut entry.versions);
        }
        aggregate.sort_by(|a, b| {
            b.repository_count.cmp(&a.repository_count).then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
        });
        MultiReport { schema_version: SCHEMA_VERSION, repositories, aggregate }
    }

    /// Warnings of all repositories together.
    pub fn warning_count(&self) -> usize {
        self.repositories.iter().map(|r| r.warnings.len()).sum()
    }
}

/// Sorts versions numerically where they are numbers (`9` before `10`), and dedups.
///
/// Written here rather than taken from a crate: the versions come from every ecosystem at once
/// (SemVer from npm and crates, PEP 440 from PyPI, Maven's qualifiers, Go's `v` prefix, Docker
/// tags), and `semver`-like crates reject most of them; all a report needs is a stable order
/// that reads naturally, not one scheme's precedence rules.
pub(crate) fn sort_versions(versions: &mut Vec<String>) {
    fn key(v: &str) -> Vec<(u64, String)> {
        v.split(['.', '-', '+'])
            .map(|part| {
                let digits: String = part.chars().take_while(char::is_ascii_digit).collect();
                (digits.parse().unwrap_or(0), part[digits.len()..].to_owned())
            })
            .collect()
    }
    versions.sort_by(|a, b| key(a).cmp(&key(b)).then_with(|| a.cmp(b)));
    versions.dedup();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_sort_as_numbers() {
        let mut v = vec!["10".to_owned(), "9.1".into(), "9.1".into(), "14.2".into()];
        sort_versions(&mut v);
        assert_eq!(v, ["9.1", "10", "14.2"]);
    }
}
