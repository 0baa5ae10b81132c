//! npm, yarn and pnpm: package.json (with workspaces) and the three lockfiles.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde_json::Value as Json;
use stackdex_catalog::rules::Ecosystem::Npm;

use super::util::{jentries, json, yaml, yentries, ykey, yscalar};
use crate::evidence::FileFindings;

const DEPENDENCY_KEYS: [&str; 4] = ["dependencies", "devDependencies", "peerDependencies", "optionalDependencies"];

pub fn package_json(text: &str, out: &mut FileFindings) -> Result<(), String> {
    let doc = json(text)?;
    if !doc.is_object() {
        return Err("package.json is not a JSON object".into());
    }
    let decl = out.component(doc.get("name").and_then(Json::as_str));
    let members = match doc.get("workspaces") {
        Some(Json::Array(list)) => list.iter().filter_map(Json::as_str).collect(),
        Some(Json::Object(obj)) => obj
            .get("packages")
            .and_then(Json::as_array)
            .map(|l| l.iter().filter_map(Json::as_str).collect())
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    decl.members.extend(members.into_iter().map(str::to_owned));
    for key in DEPENDENCY_KEYS {
        for (name, constraint) in jentries(&doc, key) {
            out.declared(Npm, name, constraint.as_str());
        }
    }
    // `"packageManager": "pnpm@9.1.0"` names the package manager and its version.
    if let Some((manager, version)) = doc.get("packageManager").and_then(Json::as_str).and_then(|s| s.split_once('@')) {
        out.declared(Npm, manager, Some(version));
    }
    Ok(())
}

pub fn package_lock(text: &str, out: &mut FileFindings) -> Result<(), String> {
    // Typed and borrowed: lockfiles run to megabytes, and only names and versions matter, so
    // the rest is skipped without building a tree of values.
    let lock: Lock<'_> =
        serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| format!("invalid JSON: {e}"))?;
    match (lock.packages, lock.dependencies) {
        // lockfileVersion 2 and 3: "packages" keyed by install path.
        (Some(packages), _) => {
            for (path, entry) in &packages {
                let Some(name) = path.rsplit("node_modules/").next().filter(|_| !path.is_empty()) else {
                    continue;
                };
                if let Some(Text::Str(version)) = &entry.version {
                    out.locked(Npm, name, version);
                }
            }
        }
        // lockfileVersion 1: nested "dependencies".
        (None, Some(dependencies)) => walk_v1(&dependencies, out),
        (None, None) => {}
    }
    Ok(())
}

#[derive(serde::Deserialize)]
struct Lock<'a> {
    #[serde(default, borrow)]
    packages: Option<BTreeMap<Cow<'a, str>, LockEntry<'a>>>,
    #[serde(default, borrow)]
    dependencies: Option<BTreeMap<Cow<'a, str>, LockEntry<'a>>>,
}

#[derive(serde::Deserialize)]
struct LockEntry<'a> {
    #[serde(default, borrow)]
    version: Option<Text<'a>>,
    #[serde(default, borrow)]
    dependencies: Option<BTreeMap<Cow<'a, str>, LockEntry<'a>>>,
}

/// A value that is kept when it is a string and ignored otherwise.
#[derive(serde::Deserialize)]
#[serde(untagged)]
enum Text<'a> {
    Str(#[serde(borrow)] Cow<'a, str>),
    #[allow(dead_code)]
    Other(serde::de::IgnoredAny),
}

fn walk_v1(dependencies: &BTreeMap<Cow<'_, str>, LockEntry<'_>>, out: &mut FileFindings) {
    for (name, entry) in dependencies {
        if let Some(Text::Str(version)) = &entry.version {
            out.locked(Npm, name, version);
        }
        if let Some(nested) = &entry.dependencies {
            walk_v1(nested, out);
        }
    }
}

/// yarn.lock, both the classic format (`version "1.2.3"`) and Berry (`version: 1.2.3`).
pub fn yarn_lock(text: &str, out: &mut FileFindings) {
    let mut names: Vec<String> = Vec::new();
    for line in text.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if !line.starts_with(' ') {
            names = line
                .trim_end_matches(':')
                .split(", ")
                .filter_map(|spec| {
                    let spec = spec.trim().trim_matches('"');
                    let at = spec.get(1..)?.find('@')? + 1;
                    Some(spec[..at].to_owned())
                })
                .collect();
            names.dedup();
        } else if let Some(rest) = line.trim_start().strip_prefix("version") {
            let version = rest.trim_start_matches(':').trim().trim_matches('"');
            for name in &names {
                out.locked(Npm, name, version);
            }
            names.clear();
        }
    }
}

pub fn pnpm_lock(text: &str, out: &mut FileFindings) -> Result<(), String> {
    let doc = yaml(text)?;
    let mut importers: Vec<&serde_norway::Value> = yentries(ykey(&doc, "importers")).map(|(_, v)| v).collect();
    importers.push(&doc); // lockfile v5 keeps the root's dependencies at the top
    for importer in importers {
        for key in DEPENDENCY_KEYS {
            for (name, entry) in yentries(ykey(importer, key)) {
                let version = match ykey(entry, "version") {
                    Some(v) => yscalar(v),
                    None => yscalar(entry),
                };
                if let Some(version) = version {
                    // `1.2.3(react@18.2.0)`: peer suffixes are not part of the version
                    let version = version.split('(').next().unwrap_or_default();
                    if !version.starts_with("link:") {
                        out.locked(Npm, name, version);
                    }
                }
            }
        }
    }
    Ok(())
}

pub fn pnpm_workspace(text: &str, out: &mut FileFindings) -> Result<(), String> {
    let doc = yaml(text)?;
    let members: Vec<String> = ykey(&doc, "packages")
        .and_then(|p| p.as_sequence())
        .map(|l| l.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
        .unwrap_or_default();
    out.component(None).members.extend(members);
    Ok(())
}
