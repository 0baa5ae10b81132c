//! Hex (mix.exs, mix.lock), pub (pubspec.yaml, pubspec.lock), CocoaPods (Podfile, Podfile.lock)
//! and SwiftPM (Package.swift, Package.resolved).

use serde_json::Value as Json;
use stackdex_catalog::rules::Ecosystem::{Cocoapods, Hex, Pub, Swiftpm};

use super::util::{json, quoted_strings, strip_hash_comment, strip_slash_comment, yaml, yentries, ykey, yscalar};
use crate::evidence::{FileFindings, Scope};

/// mix.exs: `app: :name` and `{:dep, "~> 1.0"}` tuples.
pub fn mix_exs(text: &str, out: &mut FileFindings) {
    let app = text.split("app:").nth(1).and_then(|rest| {
        let rest = rest.trim_start().strip_prefix(':')?;
        let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))?;
        Some(rest[..end].to_owned())
    });
    out.component(app.as_deref());
    for raw in text.lines() {
        let line = strip_hash_comment(raw);
        let mut rest = line;
        while let Some(start) = rest.find("{:") {
            let tuple = &rest[start + 2..];
            let end = tuple.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(tuple.len());
            let name = &tuple[..end];
            let after = &tuple[end..];
            let closing = after.find('}').unwrap_or(after.len());
            let constraint = quoted_strings(&after[..closing]).first().copied();
            if !name.is_empty() && after.trim_start().starts_with(',') {
                let options = &after[..closing];
                let scope = match options.split_once("only:") {
                    Some((_, only)) if only.trim_start().trim_start_matches('[').starts_with(":test") => {
                        if only.contains(":dev") { Scope::Dev } else { Scope::Test }
                    }
                    Some(_) => Scope::Dev,
                    None => Scope::Runtime,
                };
                out.declared_as(Hex, name, constraint, scope);
            }
            rest = after;
        }
    }
}

/// mix.lock: `"name": {:hex, :name, "1.2.3", ...}`.
pub fn mix_lock(text: &str, out: &mut FileFindings) {
    for line in text.lines() {
        let Some((_, tuple)) = line.split_once("{:hex, :") else {
            continue;
        };
        let mut parts = tuple.split(',');
        let name = parts.next().unwrap_or_default().trim();
        let version = parts.next().unwrap_or_default().trim().trim_matches('"');
        if !name.is_empty() && !version.is_empty() {
            out.locked(Hex, name, version);
        }
    }
}

pub fn pubspec(text: &str, out: &mut FileFindings) -> Result<(), String> {
    let doc = yaml(text)?;
    out.component(ykey(&doc, "name").and_then(|v| v.as_str()));
    for (key, scope) in [("dependencies", Scope::Runtime), ("dev_dependencies", Scope::Dev)] {
        for (name, spec) in yentries(ykey(&doc, key)) {
            if let Some(sdk) = ykey(spec, "sdk").and_then(|v| v.as_str()) {
                out.declared_tool(Pub, sdk, None); // `flutter: {sdk: flutter}`
                continue;
            }
            let constraint = yscalar(spec).or_else(|| ykey(spec, "version").and_then(yscalar));
            out.declared_as(Pub, name, constraint.as_deref(), scope);
        }
    }
    Ok(())
}

pub fn pubspec_lock(text: &str, out: &mut FileFindings) -> Result<(), String> {
    let doc = yaml(text)?;
    for (name, entry) in yentries(ykey(&doc, "packages")) {
        if let Some(version) = ykey(entry, "version").and_then(yscalar) {
            out.locked(Pub, name, &version);
        }
    }
    Ok(())
}

pub fn podfile(text: &str, out: &mut FileFindings) {
    out.component(None);
    for raw in text.lines() {
        let line = strip_hash_comment(raw).trim();
        let Some(rest) = line.strip_prefix("pod ") else { continue };
        let strings = quoted_strings(rest);
        let Some(name) = strings.first() else { continue };
        let constraint = strings
            .get(1)
            .filter(|s| s.trim_start().starts_with(|c: char| c.is_ascii_digit() || "~>=<".contains(c)))
            .copied();
        out.declared(Cocoapods, name, constraint);
    }
}

/// Podfile.lock: `  - Name (1.2.3)` or `  - Name/Subspec (1.2.3):` under `PODS:`.
pub fn podfile_lock(text: &str, out: &mut FileFindings) {
    let mut in_pods = false;
    for line in text.lines() {
        if !line.starts_with(' ') {
            in_pods = line.trim() == "PODS:";
            continue;
        }
        if !in_pods || !line.starts_with("  - ") {
            continue;
        }
        let entry = line.trim_start_matches("  - ").trim_end_matches(':').trim_matches('"');
        if let Some((name, version)) = entry.split_once(" (") {
            out.locked(Cocoapods, name, version.trim_end_matches(')'));
        }
    }
}

/// Package.swift: `.package(url: "https://github.com/owner/repo.git", from: "1.2.3")`.
pub fn package_swift(text: &str, out: &mut FileFindings) {
    let name = text
        .split("Package(")
        .nth(1)
        .and_then(|rest| rest.split("name:").nth(1))
        .and_then(|rest| quoted_strings(rest).first().map(|s| s.to_string()));
    out.component(name.as_deref());
    for raw in text.lines() {
        let line = strip_slash_comment(raw);
        if !line.contains(".package(") {
            continue;
        }
        let strings = quoted_strings(line);
        let Some(url) = strings.iter().find(|s| s.contains("://") || s.starts_with("git@")) else {
            continue;
        };
        let version = strings
            .iter()
            .skip_while(|s| *s != url)
            .skip(1)
            .find(|s| s.starts_with(|c: char| c.is_ascii_digit()))
            .copied();
        out.declared(Swiftpm, &repository_path(url), version);
    }
}

/// `https://github.com/Alamofire/Alamofire.git` -> `github.com/alamofire/alamofire`.
fn repository_path(url: &str) -> String {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let rest = rest.strip_prefix("git@").unwrap_or(rest).replacen(':', "/", 1);
    rest.trim_end_matches('/').trim_end_matches(".git").to_ascii_lowercase()
}

pub fn package_resolved(text: &str, out: &mut FileFindings) -> Result<(), String> {
    let doc = json(text)?;
    let pins = doc.get("pins").or_else(|| doc.get("object").and_then(|o| o.get("pins"))).and_then(Json::as_array);
    for pin in pins.into_iter().flatten() {
        let url = pin.get("location").or_else(|| pin.get("repositoryURL")).and_then(Json::as_str);
        let version = pin.get("state").and_then(|s| s.get("version")).and_then(Json::as_str);
        if let (Some(url), Some(version)) = (url, version) {
            out.locked(Swiftpm, &repository_path(url), version);
        }
    }
    Ok(())
}
