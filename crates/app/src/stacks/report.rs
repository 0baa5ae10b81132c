//! What a push or an upload sends, and how it becomes a snapshot: the scanner's JSON report
//! (tools, languages, components, and the git checkout `stackdex push` adds), or a StackShare
//! Stack File (techstack.yml) read into the same shape.

use std::collections::HashSet;

use serde::Serialize;
use stackdex_catalog::Catalog;
use stackdex_store::{Origin, SnapshotComponent, SnapshotDetails, SnapshotLanguage, SnapshotTool};
use utoipa::ToSchema;

use super::Pushed;
use crate::{App, AppError, Result};

/// What `stackdex push` sends: the scanner's JSON report (see docs/scan.md) and the git
/// checkout it was made in; other fields are ignored.
#[derive(Debug, Clone, Default, serde::Deserialize, ToSchema)]
pub struct PushReport {
    /// At most 5,000.
    #[schema(max_items = 5000)]
    pub tools: Vec<PushTool>,
    /// Languages by share of code bytes (at most 200; those with no share are not kept).
    #[serde(default)]
    #[schema(max_items = 200)]
    pub languages: Vec<PushLanguage>,
    /// The folders with a manifest of their own (at most 500).
    #[serde(default)]
    #[schema(max_items = 500)]
    pub components: Vec<PushComponent>,
    /// The git checkout the scan was made in.
    #[serde(default)]
    pub git: Option<PushGit>,
}

#[derive(Debug, Clone, serde::Deserialize, ToSchema)]
pub struct PushTool {
    pub slug: String,
    #[serde(default)]
    pub versions: Vec<String>,
    #[serde(default)]
    pub sources: Vec<PushSource>,
}

#[derive(Debug, Clone, serde::Deserialize, ToSchema)]
pub struct PushSource {
    pub file: String,
}

/// A language of the scan, as the report gives it.
#[derive(Debug, Clone, serde::Deserialize, ToSchema)]
pub struct PushLanguage {
    pub slug: String,
    pub name: String,
    #[serde(default)]
    pub bytes: u64,
    /// Of the code bytes, 0 to 1.
    #[serde(default)]
    pub share: f64,
}

/// A component of the scan, as the report gives it.
#[derive(Debug, Clone, serde::Deserialize, ToSchema)]
pub struct PushComponent {
    pub path: String,
    #[serde(default)]
    pub name: String,
    /// Catalog slugs of the tools in its own files.
    #[serde(default)]
    pub tools: Vec<String>,
}

/// The git checkout a scan was made in.
#[derive(Debug, Clone, Default, serde::Deserialize, ToSchema)]
pub struct PushGit {
    /// The full commit hash (40 or 64 hex digits).
    pub commit: Option<String>,
    pub branch: Option<String>,
    /// The remote's URL; credentials in it are dropped.
    pub repository: Option<String>,
}

/// What an uploaded Stack File became.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StackFileImport {
    pub snapshot: Pushed,
    /// The file's names that map to no catalog tool (not recorded).
    pub unknown: Vec<String>,
}

/// Most tools one snapshot may hold.
const MAX_REPORT_TOOLS: usize = 5_000;
const MAX_LANGUAGES: usize = 200;
const MAX_COMPONENTS: usize = 500;
/// Most unknown names an answer lists.
const MAX_UNKNOWN: usize = 1_000;

/// A report as a snapshot's tools and details, with the slugs the catalog does not know.
pub(super) fn snapshot_of(app: &App, report: &PushReport) -> Result<(Vec<SnapshotTool>, SnapshotDetails, Vec<String>)> {
    if report.tools.len() > MAX_REPORT_TOOLS {
        return Err(AppError::BadRequest("a report holds at most 5,000 tools".into()));
    }
    if report.languages.len() > MAX_LANGUAGES || report.components.len() > MAX_COMPONENTS {
        return Err(AppError::BadRequest("a report holds at most 200 languages and 500 components".into()));
    }
    let mut unknown_tools = Vec::new();
    let mut tools: Vec<SnapshotTool> = Vec::new();
    for tool in &report.tools {
        let Some(id) = app.catalog.tool(&tool.slug).and_then(|t| app.tool_id(&t.slug)) else {
            if unknown_tools.len() < MAX_UNKNOWN {
                unknown_tools.push(clip(&tool.slug, 100));
            }
            continue;
        };
        if tools.iter().any(|t| t.tool_id == id) {
            continue;
        }
        tools.push(SnapshotTool {
            tool_id: id,
            versions: list(tool.versions.iter().map(String::as_str)),
            sources: list(tool.sources.iter().map(|s| s.file.as_str())),
        });
    }
    let languages = report
        .languages
        .iter()
        .filter(|l| l.share > 0.0 && l.share.is_finite())
        .map(|l| SnapshotLanguage {
            slug: clip(&l.slug, 100),
            name: clip(&l.name, 100),
            bytes: l.bytes,
            share: l.share.min(1.0),
        })
        .collect();
    let components = report
        .components
        .iter()
        .map(|c| {
            let mut slugs: Vec<String> =
                c.tools.iter().filter_map(|t| app.catalog.tool(t)).map(|t| t.slug.clone()).collect();
            slugs.sort();
            slugs.dedup();
            SnapshotComponent { path: clip(&c.path, 300), name: clip(&c.name, 200), tools: slugs }
        })
        .collect();
    let origin = match &report.git {
        Some(git) => origin_of(git)?,
        None => Origin::default(),
    };
    Ok((tools, SnapshotDetails { origin, languages, components }, unknown_tools))
}

/// The git checkout of a report, checked: a full hash, a branch and a URL of sane length.
fn origin_of(git: &PushGit) -> Result<Origin> {
    let commit = git.commit.as_deref().map(str::trim).filter(|c| !c.is_empty());
    if let Some(c) = commit
        && !(matches!(c.len(), 40 | 64) && c.bytes().all(|b| b.is_ascii_hexdigit()))
    {
        return Err(AppError::BadRequest("git.commit must be a full commit hash (40 or 64 hex digits)".into()));
    }
    let text = |value: Option<&str>, field: &str, max: usize| -> Result<Option<String>> {
        let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) else { return Ok(None) };
        if v.chars().count() > max || v.chars().any(char::is_control) {
            return Err(AppError::BadRequest(format!("git.{field} must be at most {max} characters, on one line")));
        }
        Ok(Some(v.to_owned()))
    };
    Ok(Origin {
        commit_sha: commit.map(str::to_ascii_lowercase),
        branch: text(git.branch.as_deref(), "branch", 255)?,
        repository_url: text(git.repository.as_deref(), "repository", 500)?
            .map(|url| stackdex_scan::git::without_credentials(&url)),
    })
}

/// A Stack File as a report, and the names of its entries that map to no catalog tool. Entries
/// naming one tool (`babel-core` and `@babel/core`) become one, with the versions of both.
pub(super) fn read_stack_file(catalog: &Catalog, yaml: &str) -> Result<(PushReport, Vec<String>)> {
    let file = stackdex_scan::techstack::parse(yaml)
        .map_err(|e| AppError::BadRequest(format!("this is not a StackShare Stack File (techstack.yml): {e}")))?;
    if file.tools.len() > MAX_REPORT_TOOLS {
        return Err(AppError::BadRequest("a Stack File holds at most 5,000 tools".into()));
    }
    let imported = stackdex_scan::techstack::import(catalog, &file);
    let mut tools: Vec<PushTool> = Vec::new();
    let mut unknown: Vec<String> = Vec::new();
    let mut seen_unknown = HashSet::new();
    for t in &imported.tools {
        let Some(slug) = &t.slug else {
            let name = clip(&t.name, 100);
            if unknown.len() < MAX_UNKNOWN && seen_unknown.insert(name.clone()) {
                unknown.push(name);
            }
            continue;
        };
        let entry = match tools.iter().position(|p| &p.slug == slug) {
            Some(i) => &mut tools[i],
            None => {
                tools.push(PushTool { slug: slug.clone(), versions: Vec::new(), sources: Vec::new() });
                tools.last_mut().expect("just pushed")
            }
        };
        if let Some(v) = &t.version
            && !entry.versions.contains(v)
        {
            entry.versions.push(v.clone());
        }
        if let Some(file) = &t.detection_source
            && !entry.sources.iter().any(|s| &s.file == file)
        {
            entry.sources.push(PushSource { file: file.clone() });
        }
    }
    Ok((PushReport { tools, ..PushReport::default() }, unknown))
}

/// Values joined with `, `, each once and clipped, at most 50.
fn list<'a>(values: impl Iterator<Item = &'a str>) -> String {
    let mut seen = HashSet::new();
    values
        .map(str::trim)
        .filter(|v| !v.is_empty() && seen.insert(*v))
        .take(50)
        .map(|v| clip(v, 200))
        .collect::<Vec<_>>()
        .join(", ")
}

fn clip(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}
