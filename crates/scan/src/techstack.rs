//! StackShare's Stack File format: writing `techstack.yml` + `techstack.md` from a report
//! ([`stack_file`], [`to_yaml`], [`to_markdown`]), and reading a `techstack.yml` back and matching
//! its tools to the catalog ([`parse`], [`import`]), as `stackdex import` does.

use std::fmt::Write;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use stackdex_catalog::rules::Ecosystem;
use stackdex_catalog::{Catalog, Tool};

use crate::report::Report;

/// A Stack File. Unknown keys are ignored on reading; absent ones are left out on writing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StackFile {
    /// `owner/repo`, or the folder's name.
    pub repo_name: String,
    /// Stable for the same repository and stack.
    #[serde(default)]
    pub report_id: String,
    /// The format's version (`0.1`).
    #[serde(default = "default_version")]
    pub version: serde_norway::Value,
    /// `private` or `public`, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repo_type: Option<String>,
    /// When the stack was detected, RFC 3339.
    #[serde(default)]
    pub timestamp: String,
    /// Who asked for the detection, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requested_by: Option<String>,
    /// The code host, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// The branch scanned, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branch: Option<String>,
    /// The number of `tools`.
    #[serde(default)]
    pub detected_tools_count: usize,
    /// The tools, as detected.
    #[serde(default)]
    pub tools: Vec<StackFileTool>,
}

fn default_version() -> serde_norway::Value {
    serde_norway::Value::Number(serde_norway::Number::from(0.1))
}

/// One tool of a Stack File.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StackFileTool {
    /// The tool's display name.
    pub name: String,
    /// What the tool is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The tool's website.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website_url: Option<String>,
    /// The package's page in its registry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package_url: Option<String>,
    /// The version in use (the highest found).
    #[serde(default, skip_serializing_if = "Option::is_none", with = "scalar")]
    pub version: Option<String>,
    /// The tool's licence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<String>,
    /// Whether the tool is open source.
    #[serde(default)]
    pub open_source: bool,
    /// Whether the tool is a hosted service.
    #[serde(default)]
    pub hosted_saas: bool,
    /// Display name of the tool's category.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Display name of the tool's subcategory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_category: Option<String>,
    /// The tool's logo.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
    /// A link to the file the tool was detected in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detection_source_url: Option<String>,
    /// The file of the strongest evidence, relative to the repository.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detection_source: Option<String>,
    /// Who last changed the detection source, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_updated_by: Option<String>,
    /// When the detection source last changed, when known.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "scalar")]
    pub last_updated_on: Option<String>,
}

/// Versions and dates are sometimes YAML numbers or timestamps (`version: 3.7`): read any
/// scalar as text.
mod scalar {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(value: &Option<String>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(v) => s.serialize_str(v),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        let value = Option::<serde_norway::Value>::deserialize(d)?;
        Ok(match value {
            Some(serde_norway::Value::String(s)) => Some(s),
            Some(serde_norway::Value::Number(n)) => Some(n.to_string()),
            Some(serde_norway::Value::Bool(b)) => Some(b.to_string()),
            _ => None,
        })
    }
}

/// Builds the Stack File of a report. `timestamp` is RFC 3339 (see [`rfc3339_utc`]). As
/// StackShare's app does, the tools come first, then every direct dependency as a package
/// entry with its registry page in `package_url` (once per registry and name; a package named
/// exactly like a tool listed above is that tool's entry).
pub fn stack_file(catalog: &Catalog, report: &Report, repo_name: &str, timestamp: &str) -> StackFile {
    let mut tools: Vec<StackFileTool> = report
        .tools
        .iter()
        .map(|detection| {
            let tool = catalog.tool(&detection.slug);
            let nonempty = |s: &str| (!s.is_empty()).then(|| s.to_owned());
            StackFileTool {
                name: detection.name.clone(),
                description: tool.and_then(|t| nonempty(&t.description)),
                website_url: tool.and_then(|t| nonempty(&t.website)),
                package_url: None,
                version: detection.versions.last().cloned(),
                license: tool.and_then(|t| nonempty(&t.license)),
                open_source: tool.is_some_and(|t| t.open_source),
                hosted_saas: tool.is_some_and(|t| t.hosted_saas),
                category: Some(detection.category.clone()),
                sub_category: Some(detection.subcategory.clone()),
                image_url: None,
                detection_source_url: None,
                // the strongest evidence: a dependency over a file name over an env var
                detection_source: detection
                    .sources
                    .iter()
                    .max_by(|a, b| a.confidence.total_cmp(&b.confidence).then_with(|| b.file.cmp(&a.file)))
                    .map(|s| s.file.clone()),
                last_updated_by: None,
                last_updated_on: None,
            }
        })
        .collect();
    let mut listed: std::collections::HashSet<String> = tools.iter().map(|t| t.name.to_lowercase()).collect();
    for package in &report.packages {
        let Some(ecosystem) = crate::purl::ecosystem_of_key(&package.ecosystem) else { continue };
        if !listed.insert(package.name.to_lowercase()) {
            continue;
        }
        tools.push(StackFileTool {
            name: package.name.clone(),
            package_url: crate::purl::registry_page(ecosystem, &package.name),
            version: package.version.clone(),
            category: Some("Libraries".to_owned()),
            sub_category: Some(format!("{} Packages", crate::purl::registry_name(ecosystem))),
            detection_source: Some(package.file.clone()),
            ..StackFileTool::default()
        });
    }
    StackFile {
        repo_name: repo_name.to_owned(),
        report_id: report_id(repo_name, report),
        version: default_version(),
        repo_type: None,
        timestamp: timestamp.to_owned(),
        requested_by: None,
        provider: None,
        branch: None,
        detected_tools_count: tools.len(),
        tools,
    }
}

/// techstack.yml: the Stack File as YAML.
pub fn to_yaml(file: &StackFile) -> String {
    serde_norway::to_string(file).unwrap_or_default()
}

/// techstack.md: the "main stack" snippet for a README, then every tool by category.
pub fn to_markdown(file: &StackFile) -> String {
    let mut out = String::new();
    let link = |t: &StackFileTool| match t.website_url.as_deref().or(t.package_url.as_deref()) {
        Some(url) => format!("[{}]({url})", t.name),
        None => t.name.clone(),
    };
    let _ = writeln!(out, "<!--\n## Tech Stack\n{} is built on the following main stack:\n", file.repo_name);
    for tool in file.tools.iter().take(20) {
        let _ = writeln!(out, "- {} – {}", link(tool), tool.sub_category.as_deref().unwrap_or("Other"));
    }
    let _ = writeln!(out, "\nFull tech stack [here](/techstack.md)\n-->");
    let _ = writeln!(out, "\n# Tech Stack File\n");
    let _ = writeln!(
        out,
        "[{}](https://example.invalid/{}) is built on the following stack ({} tools, detected {}):\n",
        file.repo_name, file.repo_name, file.detected_tools_count, file.timestamp
    );
    let mut categories: Vec<&str> = Vec::new();
    for tool in &file.tools {
        let category = tool.category.as_deref().unwrap_or("Other");
        if !categories.contains(&category) {
            categories.push(category);
        }
    }
    for category in categories {
        let _ = writeln!(out, "## {category}\n");
        let _ = writeln!(out, "| Tool | Subcategory | Version | Detected in |");
        let _ = writeln!(out, "| --- | --- | --- | --- |");
        for tool in file.tools.iter().filter(|t| t.category.as_deref().unwrap_or("Other") == category) {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                link(tool),
                tool.sub_category.as_deref().unwrap_or(""),
                tool.version.as_deref().unwrap_or(""),
                tool.detection_source.as_deref().unwrap_or(""),
            );
        }
        out.push('\n');
    }
    out
}

/// Reads a techstack.yml; an `Err` says why it is no Stack File.
pub fn parse(text: &str) -> Result<StackFile, String> {
    let file: StackFile = serde_norway::from_str(text).map_err(|e| e.to_string())?;
    if file.repo_name.trim().is_empty() {
        return Err("repo_name is empty".into());
    }
    Ok(file)
}

/// One tool of an imported Stack File, with the catalog tool it names (if the catalog has it).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImportedTool {
    /// The name the Stack File gives.
    pub name: String,
    /// The catalog slug of the tool it names, if the catalog has it.
    pub slug: Option<String>,
    /// The version the Stack File gives.
    pub version: Option<String>,
    /// The file the tool was detected in, as the Stack File says.
    pub detection_source: Option<String>,
}

/// The stack a Stack File describes: its tools, matched to the catalog by slug, alias or name.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImportedStack {
    /// The Stack File's `repo_name`.
    pub repo_name: String,
    /// The Stack File's `timestamp`.
    pub timestamp: String,
    /// Its tools, in the file's order.
    pub tools: Vec<ImportedTool>,
}

impl ImportedStack {
    /// The tools the catalog does not know.
    pub fn unmatched(&self) -> impl Iterator<Item = &ImportedTool> {
        self.tools.iter().filter(|t| t.slug.is_none())
    }
}

/// Matches a Stack File's tools to the catalog: a package entry (one with a registry page in
/// `package_url`, or a `<registry> Packages` subcategory) through the scanner's package rules,
/// as a scan would map the dependency (`phpunit/phpunit` is PHPUnit); any other entry, or a
/// package no rule knows, by slug, alias or name.
pub fn import(catalog: &Catalog, file: &StackFile) -> ImportedStack {
    let tools = file
        .tools
        .iter()
        .map(|t| ImportedTool {
            name: t.name.clone(),
            slug: package_ecosystem(t)
                .and_then(|ecosystem| catalog.rules().match_dependency(ecosystem, &t.name).first().map(|m| m.tool))
                .and_then(|slug| catalog.tool(slug))
                .or_else(|| find_tool(catalog, &t.name))
                .map(|tool| tool.slug.clone()),
            version: t.version.clone(),
            detection_source: t.detection_source.clone(),
        })
        .collect();
    ImportedStack { repo_name: file.repo_name.clone(), timestamp: file.timestamp.clone(), tools }
}

/// The registry of a package entry: from its `package_url` (as [`stack_file`] and StackShare
/// write it), else from its `<registry> Packages` subcategory.
fn package_ecosystem(tool: &StackFileTool) -> Option<Ecosystem> {
    let packages = Ecosystem::ALL.into_iter().filter(|e| crate::purl::purl_type(*e).is_some());
    if let Some(url) = tool.package_url.as_deref() {
        let host = |u: &str| u.split("://").nth(1).and_then(|r| r.split('/').next()).map(str::to_ascii_lowercase);
        let found = packages.clone().find(|e| {
            let page = crate::purl::registry_page(*e, "x").unwrap_or_default();
            host(&page).is_some_and(|h| h != "x" && Some(h) == host(url))
        });
        if found.is_some() {
            return found;
        }
    }
    let registry = tool.sub_category.as_deref()?.strip_suffix(" Packages")?;
    packages.clone().find(|e| crate::purl::registry_name(*e).eq_ignore_ascii_case(registry))
}

fn find_tool<'c>(catalog: &'c Catalog, name: &str) -> Option<&'c Tool> {
    catalog
        .tool(name)
        .or_else(|| catalog.tool(&slugify(name)))
        .or_else(|| catalog.tools().iter().find(|t| t.name.eq_ignore_ascii_case(name.trim())))
}

fn slugify(name: &str) -> String {
    let mut slug = String::new();
    for c in name.trim().to_ascii_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_owned()
}

/// A stable id for a report: the same repository and stack give the same id.
fn report_id(repo_name: &str, report: &Report) -> String {
    let mut text = repo_name.to_owned();
    for tool in &report.tools {
        text.push('|');
        text.push_str(&tool.slug);
        text.push_str(&tool.versions.join(","));
    }
    let a = fnv1a(text.as_bytes(), 0xcbf2_9ce4_8422_2325);
    let b = fnv1a(text.as_bytes(), a ^ 0x9e37_79b9_7f4a_7c15);
    format!("{a:016x}{b:016x}")
}

fn fnv1a(bytes: &[u8], seed: u64) -> u64 {
    bytes.iter().fold(seed, |hash, &b| (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// `2024-01-31T09:12:29+00:00`, as Stack Files write it.
pub fn rfc3339_utc(time: SystemTime) -> String {
    let secs = time.duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}+00:00", rem / 3600, rem % 3600 / 60, rem % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        let t = UNIX_EPOCH + std::time::Duration::from_secs(1_706_692_349);
        assert_eq!(rfc3339_utc(t), "2024-01-31T09:12:29+00:00");
    }

    #[test]
    fn package_entries_map_through_the_package_rules() {
        let yaml = "repo_name: koel/koel\ntools:\n\
            - name: phpunit/phpunit\n  package_url: https://packagist.org/phpunit/phpunit\n  sub_category: Packagist Packages\n\
            - name: babel-core\n  package_url: https://www.npmjs.com/babel-core\n\
            - name: babel-core\n  sub_category: npm Packages\n\
            - name: Laravel\n\
            - name: left-pad-of-nobody\n  package_url: https://www.npmjs.com/left-pad-of-nobody\n";
        let file = parse(yaml).unwrap();
        let imported = import(Catalog::builtin(), &file);
        let slugs: Vec<Option<&str>> = imported.tools.iter().map(|t| t.slug.as_deref()).collect();
        assert_eq!(slugs, [Some("phpunit"), Some("babel"), Some("babel"), Some("laravel"), None]);
        assert_eq!(imported.unmatched().map(|t| t.name.as_str()).collect::<Vec<_>>(), ["left-pad-of-nobody"]);
    }

    #[test]
    fn slugs() {
        assert_eq!(slugify("Node.js"), "node-js");
        assert_eq!(slugify(" @apollo/client "), "apollo-client");
    }
}
