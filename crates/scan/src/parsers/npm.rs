//! npm, yarn and pnpm: package.json (with workspaces) and the three lockfiles.

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
    let doc = json(text)?;
    // lockfileVersion 2 and 3: "packages" keyed by install path.
    for (path, entry) in jentries(&doc, "packages") {
        let Some(name) = path.rsplit("node_modules/").next().filter(|_| !path.is_empty()) else {
            continue;
        };
        if let Some(version) = entry.get("version").and_then(Json::as_str) {
            out.locked(Npm, name, version);
        }
    }
    // lockfileVersion 1: nested "dependencies".
    if doc.get("packages").is_none() {
        walk_v1(&doc, out, 0);
    }
    Ok(())
}

fn walk_v1(node: &Json, out: &mut FileFindings, depth: usize) {
    if depth > 64 {
        return;
    }
    for (name, entry) in jentries(node, "dependencies") {
        if let Some(version) = entry.get("version").and_then(Json::as_str) {
            out.locked(Npm, name, version);
        }
        walk_v1(entry, out, depth + 1);
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
