//! crates: Cargo.toml (packages and workspaces) and Cargo.lock.

use stackdex_catalog::rules::Ecosystem::Crates;

use super::util::{tentries, tget, toml};
use crate::evidence::{FileFindings, Scope};

pub fn cargo_toml(text: &str, out: &mut FileFindings) -> Result<(), String> {
    let doc = toml(text)?;
    let name = tget(&doc, &["package", "name"]).and_then(toml::Value::as_str);
    let decl = out.component(name);
    if let Some(members) = tget(&doc, &["workspace", "members"]).and_then(toml::Value::as_array) {
        decl.members.extend(members.iter().filter_map(|m| m.as_str().map(str::to_owned)));
    }
    const KEYS: [(&str, Scope); 3] =
        [("dependencies", Scope::Runtime), ("dev-dependencies", Scope::Dev), ("build-dependencies", Scope::Build)];
    let mut tables: Vec<(Option<&toml::Value>, Scope)> = KEYS.iter().map(|(k, s)| (doc.get(*k), *s)).collect();
    tables.push((tget(&doc, &["workspace", "dependencies"]), Scope::Runtime));
    for (_, target) in tentries(doc.get("target")) {
        for (key, scope) in KEYS {
            tables.push((target.get(key), scope));
        }
    }
    for (table, scope) in tables {
        for (key, value) in tentries(table) {
            let (name, constraint) = match value {
                toml::Value::String(v) => (key, Some(v.as_str())),
                toml::Value::Table(t) => (
                    t.get("package").and_then(toml::Value::as_str).unwrap_or(key),
                    t.get("version").and_then(toml::Value::as_str),
                ),
                _ => (key, None),
            };
            out.declared_as(Crates, name, constraint, scope);
        }
    }
    Ok(())
}

pub fn cargo_lock(text: &str, out: &mut FileFindings) -> Result<(), String> {
    let doc = toml(text)?;
    for package in doc.get("package").and_then(toml::Value::as_array).into_iter().flatten() {
        let name = package.get("name").and_then(toml::Value::as_str);
        let version = package.get("version").and_then(toml::Value::as_str);
        if let (Some(name), Some(version)) = (name, version) {
            out.locked(Crates, name, version);
        }
    }
    Ok(())
}
