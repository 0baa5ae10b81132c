//! The stack report: what `stackdex scan` found, in the documented JSON shape (docs/scan.md).
//! Field names and meanings are stable; new fields may be added.

use serde::{Deserialize, Serialize};

pub use crate::language::LanguageKind;

/// Bumped only when a field changes meaning or disappears.
pub const SCHEMA_VERSION: u32 = 1;

/// The stack of one repository.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
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
    /// Files that could not be read or parsed; the scan went on without them.
    pub warnings: Vec<Warning>,
    pub stats: ScanStats,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolDetection {
    pub slug: String,
    pub name: String,
    /// Display names of the tool's place in the taxonomy.
    pub layer: String,
    pub category: String,
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
}

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
    pub confidence: f32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Component {
    pub path: String,
    pub name: String,
    /// The manifest files that make the folder a component.
    pub manifests: Vec<String>,
    /// The path of the workspace that lists this component as a member, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace: Option<String>,
    /// Slugs of the tools found in this component's own files.
    pub tools: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LanguageShare {
    pub slug: String,
    pub name: String,
    pub bytes: u64,
    pub files: u64,
    /// `bytes` over the bytes of all code (languages of kind `programming` or `markup`), 0 to
    /// 1; 0 for data and prose formats, which are listed but are not code.
    pub share: f64,
    /// `programming`, `markup`, `data` (JSON, YAML, XML, ...) or `prose` (Markdown).
    #[serde(default)]
    pub kind: LanguageKind,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    pub file: String,
    pub message: String,
}

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
    pub schema_version: u32,
    pub repositories: Vec<Report>,
    pub aggregate: Vec<AggregateTool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AggregateTool {
    pub slug: String,
    pub name: String,
    pub layer: String,
    pub category: String,
    /// How many repositories use the tool, and which (their roots).
    pub repository_count: usize,
    pub repositories: Vec<String>,
    pub versions: Vec<String>,
}

impl MultiReport {
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
            crate::detect::sort_versions(&mut entry.versions);
        }
        aggregate.sort_by(|a, b| {
            b.repository_count.cmp(&a.repository_count).then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
        });
        MultiReport { schema_version: SCHEMA_VERSION, repositories, aggregate }
    }

    pub fn warning_count(&self) -> usize {
        self.repositories.iter().map(|r| r.warnings.len()).sum()
    }
}
