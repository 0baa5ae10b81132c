//! PyPI: requirements files (with includes), pyproject.toml (PEP 621, Poetry, uv, dependency
//! groups), Pipfile, setup.cfg, and the poetry.lock / uv.lock / Pipfile.lock lockfiles.

use serde_json::Value as Json;
use stackdex_catalog::rules::Ecosystem::Pypi;

use super::util::{jentries, json, tentries, tget, toml};
use crate::evidence::{FileFindings, Scope};

pub fn requirements(text: &str, out: &mut FileFindings) {
    out.component(None);
    for line in logical_lines(text) {
        let line = line.split(" #").next().unwrap_or_default().trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(include) =
            ["-r", "--requirement", "-c", "--constraint"].iter().find_map(|flag| line.strip_prefix(flag))
        {
            let include = include.trim_start_matches('=').trim();
            if !include.is_empty() && !include.contains("://") {
                out.includes.push(include.to_owned());
            }
            continue;
        }
        if line.starts_with('-') || line.contains("://") {
            continue;
        }
        pep508(line, Scope::Runtime, out);
    }
}

/// Joins backslash-continued lines.
fn logical_lines(text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    for raw in text.lines() {
        if let Some(head) = raw.strip_suffix('\\') {
            current.push_str(head);
            current.push(' ');
        } else {
            current.push_str(raw);
            lines.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
}

/// A PEP 508 requirement: `name[extra1,extra2] (op version, ...) ; marker`.
fn pep508(spec: &str, scope: Scope, out: &mut FileFindings) {
    let spec = spec.split(';').next().unwrap_or_default().trim();
    let end = spec.find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))).unwrap_or(spec.len());
    let name = &spec[..end];
    if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return;
    }
    let mut rest = spec[end..].trim_start();
    if rest.starts_with('[') {
        rest = rest.split_once(']').map(|(_, r)| r).unwrap_or_default();
    }
    if rest.trim_start().starts_with('@') {
        out.declared_as(Pypi, name, None, scope); // a direct URL reference
        return;
    }
    let constraint = rest.trim().trim_start_matches('(');
    out.declared_as(Pypi, name, Some(constraint), scope);
}

pub fn pyproject(text: &str, out: &mut FileFindings) -> Result<(), String> {
    let doc = toml(text)?;
    let name = tget(&doc, &["project", "name"])
        .or_else(|| tget(&doc, &["tool", "poetry", "name"]))
        .and_then(toml::Value::as_str);
    let decl = out.component(name);
    if let Some(members) = tget(&doc, &["tool", "uv", "workspace", "members"]).and_then(toml::Value::as_array) {
        decl.members.extend(members.iter().filter_map(|m| m.as_str().map(str::to_owned)));
    }
    let mut lists: Vec<(&toml::Value, Scope)> = [
        (tget(&doc, &["project", "dependencies"]), Scope::Runtime),
        (tget(&doc, &["build-system", "requires"]), Scope::Build),
        (tget(&doc, &["tool", "uv", "dev-dependencies"]), Scope::Dev),
    ]
    .into_iter()
    .filter_map(|(list, scope)| Some((list?, scope)))
    .collect();
    // Extras are installed with the package: runtime unless named for tests or development.
    lists.extend(tentries(tget(&doc, &["project", "optional-dependencies"])).map(|(n, l)| (l, Scope::of_group(n))));
    // Dependency groups (PEP 735) are never installed with the package: development by default.
    lists.extend(tentries(tget(&doc, &["dependency-groups"])).map(|(n, l)| (l, non_runtime_group(n))));
    for (list, scope) in lists {
        for item in list.as_array().into_iter().flatten() {
            if let Some(spec) = item.as_str() {
                pep508(spec, scope, out);
            }
        }
    }
    let mut poetry_tables = vec![
        (tget(&doc, &["tool", "poetry", "dependencies"]), Scope::Runtime),
        (tget(&doc, &["tool", "poetry", "dev-dependencies"]), Scope::Dev),
    ];
    for (name, group) in tentries(tget(&doc, &["tool", "poetry", "group"])) {
        let scope = if name == "main" { Scope::Runtime } else { non_runtime_group(name) };
        poetry_tables.push((group.get("dependencies"), scope));
    }
    for (table, scope) in poetry_tables {
        poetry_dependencies(table, scope, out);
    }
    Ok(())
}

/// A group that is not installed with the package: `test`, `build`, else development.
fn non_runtime_group(name: &str) -> Scope {
    match Scope::of_group(name) {
        Scope::Runtime => Scope::Dev,
        scope => scope,
    }
}

/// Poetry and Pipfile dependency tables: `name = "^1.2"` or `name = { version = "^1.2", ... }`.
fn poetry_dependencies(table: Option<&toml::Value>, scope: Scope, out: &mut FileFindings) {
    for (name, value) in tentries(table) {
        if name.eq_ignore_ascii_case("python") {
            continue;
        }
        let constraint = match value {
            toml::Value::String(s) => Some(s.as_str()),
            toml::Value::Table(t) => t.get("version").and_then(toml::Value::as_str),
            _ => None,
        };
        out.declared_as(Pypi, name, constraint, scope);
    }
}

pub fn pipfile(text: &str, out: &mut FileFindings) -> Result<(), String> {
    let doc = toml(text)?;
    out.component(None);
    poetry_dependencies(doc.get("packages"), Scope::Runtime, out);
    poetry_dependencies(doc.get("dev-packages"), Scope::Dev, out);
    Ok(())
}

pub fn pipfile_lock(text: &str, out: &mut FileFindings) -> Result<(), String> {
    let doc = json(text)?;
    for section in ["default", "develop"] {
        for (name, entry) in jentries(&doc, section) {
            if let Some(version) = entry.get("version").and_then(Json::as_str) {
                out.locked(Pypi, name, version);
            }
        }
    }
    Ok(())
}

/// setup.cfg: `install_requires` (and `extras_require` values) under `[options]`.
pub fn setup_cfg(text: &str, out: &mut FileFindings) {
    let mut section = String::new();
    let mut in_list = false;
    for raw in text.lines() {
        let line = raw.trim();
        if line.starts_with('[') {
            section = line.trim_matches(['[', ']']).trim().to_owned();
            in_list = false;
            if section == "metadata" {
                out.component(None);
            }
            continue;
        }
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        let indented = raw.starts_with([' ', '\t']);
        if !indented {
            in_list = false;
            if let Some((key, value)) = line.split_once('=') {
                let key = key.trim();
                if section == "metadata" && key == "name" {
                    out.component(Some(value.trim()));
                }
                if (section == "options" && key == "install_requires") || section == "options.extras_require" {
                    in_list = true;
                    if !value.trim().is_empty() {
                        pep508(value.trim(), Scope::Runtime, out);
                    }
                }
            }
        } else if in_list {
            pep508(line, Scope::Runtime, out);
        }
    }
}

/// poetry.lock and uv.lock: `[[package]]` with `name` and `version`.
pub fn toml_lock(text: &str, out: &mut FileFindings) -> Result<(), String> {
    let doc = toml(text)?;
    for package in doc.get("package").and_then(toml::Value::as_array).into_iter().flatten() {
        let name = package.get("name").and_then(toml::Value::as_str);
        let version = package.get("version").and_then(toml::Value::as_str);
        if let (Some(name), Some(version)) = (name, version) {
            out.locked(Pypi, name, version);
        }
    }
    Ok(())
}
