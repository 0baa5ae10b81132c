//! A tech radar as code: `techradar.yml`, kept in a repository, puts tools in rings (adopt,
//! trial, assess, hold). This module reads the file (YAML, or JSON, which is YAML too), resolves
//! its tools against the catalog, and checks a scan against it: which tools on hold the
//! repository uses (with the files that show it), and which tools it uses that the radar does
//! not mention.
//!
//! ```yaml
//! entries:
//!   - tool: postgresql
//!     ring: adopt
//!   - tool: Apache Kafka      # a slug, an alias or a name
//!     ring: trial
//!     quadrant: application-and-data   # optional: a taxonomy layer by default
//!     note: For event streams only.
//! ```

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use stackdex_catalog::Catalog;

use crate::Report;

/// Most entries a radar may hold.
pub const MAX_ENTRIES: usize = 2_000;

/// How far along an organisation is with a tool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Ring {
    /// Use it: the default choice.
    Adopt,
    /// Try it where the risk is low.
    Trial,
    /// Look into it; do not build on it yet.
    Assess,
    /// Do not start anything new with it.
    Hold,
}

impl Ring {
    /// The ring's name as radar files write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Ring::Adopt => "adopt",
            Ring::Trial => "trial",
            Ring::Assess => "assess",
            Ring::Hold => "hold",
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RadarFile {
    entries: Vec<EntryFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EntryFile {
    tool: String,
    ring: Ring,
    #[serde(default)]
    quadrant: Option<String>,
    #[serde(default)]
    note: Option<String>,
}

/// One tool on the radar, resolved to the catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RadarEntry {
    /// The tool's catalog slug.
    pub slug: String,
    /// The tool's display name.
    pub name: String,
    /// Its ring.
    pub ring: Ring,
    /// The quadrant given, or the tool's layer in the taxonomy.
    pub quadrant: String,
    /// Why it is where it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A radar file read: its entries the catalog knows, and the names it does not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Radar {
    /// The entries whose tool the catalog knows, in file order (a tool given twice: its last).
    pub entries: Vec<RadarEntry>,
    /// The names the catalog does not know.
    pub unknown: Vec<String>,
}

/// Why a radar file was refused.
#[derive(Debug, thiserror::Error)]
pub enum RadarError {
    /// Not YAML or JSON of the documented shape, or too many entries.
    #[error("the radar file is not valid: {0}")]
    Invalid(String),
}

/// A tool on hold that the repository uses, and the files that show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HoldUse {
    /// The tool's catalog slug.
    pub slug: String,
    /// The tool's display name.
    pub name: String,
    /// The files of the repository that show it.
    pub files: Vec<String>,
}

/// A scan checked against a radar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RadarCheck {
    /// Tools on hold that the repository uses.
    pub hold: Vec<HoldUse>,
    /// Tools the repository uses that the radar does not mention, by slug.
    pub unlisted: Vec<String>,
}

/// Reads a radar file (YAML or JSON) and resolves its tools (slugs, aliases or names, any case).
/// A tool given twice keeps its last entry.
pub fn read(catalog: &Catalog, text: &str) -> Result<Radar, RadarError> {
    let file: RadarFile = serde_norway::from_str(text).map_err(|e| RadarError::Invalid(e.to_string()))?;
    if file.entries.len() > MAX_ENTRIES {
        return Err(RadarError::Invalid(format!("at most {MAX_ENTRIES} entries")));
    }
    let mut entries: Vec<RadarEntry> = Vec::new();
    let mut unknown = Vec::new();
    for e in file.entries {
        let name = e.tool.trim();
        let found = catalog.tool(name).or_else(|| catalog.tools().iter().find(|t| t.name.eq_ignore_ascii_case(name)));
        let Some(tool) = found else {
            unknown.push(name.chars().take(100).collect());
            continue;
        };
        let quadrant =
            e.quadrant.map(|q| q.trim().to_owned()).filter(|q| !q.is_empty()).unwrap_or_else(|| tool.layer.clone());
        let note = e.note.map(|n| n.trim().chars().take(500).collect::<String>()).filter(|n| !n.is_empty());
        entries.retain(|x| x.slug != tool.slug);
        entries.push(RadarEntry { slug: tool.slug.clone(), name: tool.name.clone(), ring: e.ring, quadrant, note });
    }
    Ok(Radar { entries, unknown })
}

/// What a scan of a repository shows against a radar.
pub fn check(report: &Report, radar: &Radar) -> RadarCheck {
    let listed: BTreeSet<&str> = radar.entries.iter().map(|e| e.slug.as_str()).collect();
    let hold: Vec<HoldUse> = radar
        .entries
        .iter()
        .filter(|e| e.ring == Ring::Hold)
        .filter_map(|e| {
            let used = report.tools.iter().find(|t| t.slug == e.slug)?;
            let files: BTreeSet<String> = used.sources.iter().map(|s| s.file.clone()).collect();
            Some(HoldUse { slug: e.slug.clone(), name: e.name.clone(), files: files.into_iter().collect() })
        })
        .collect();
    let unlisted = report.tools.iter().filter(|t| !listed.contains(t.slug.as_str())).map(|t| t.slug.clone()).collect();
    RadarCheck { hold, unlisted }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_slugs_and_aliases_resolve_and_the_rest_is_reported() {
        let catalog = Catalog::builtin();
        let radar = read(
            catalog,
            "entries:\n  - {tool: PostgreSQL, ring: adopt}\n  - {tool: postgres, ring: trial, note: ' again '}\n  - {tool: Kafkaa, ring: hold}\n  - {tool: jquery, ring: hold, quadrant: legacy}\n",
        )
        .unwrap();
        let rings: Vec<(&str, Ring, &str)> =
            radar.entries.iter().map(|e| (e.slug.as_str(), e.ring, e.quadrant.as_str())).collect();
        assert_eq!(rings, [("postgresql", Ring::Trial, "application-and-data"), ("jquery", Ring::Hold, "legacy")]);
        assert_eq!(radar.entries[0].note.as_deref(), Some("again"));
        assert_eq!(radar.unknown, ["Kafkaa"]);
        for bad in [
            "entries: 3",
            "entries:\n  - {tool: x, ring: maybe}",
            "entries:\n  - {tool: x, ring: hold, colour: red}",
            "{",
        ] {
            assert!(read(catalog, bad).is_err(), "{bad}");
        }
    }
}
