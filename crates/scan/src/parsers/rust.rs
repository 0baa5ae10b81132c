//! crates: Cargo.toml (packages and workspaces) and Cargo.lock.

use stackdex_catalog::rules::Ecosystem::Crates;

use super::util::{tentries, tget, toml};
use crate::evidence::FileFindings;

pub fn cargo_toml(text: &str, out: &mut FileFindings) -> Result<(), String> {
    let doc = toml(text)?;
    let name = tget(&doc, &["package", "name"]).and_then(toml::Value::as_str);
    let decl = out.component(name);
    if let Some(members) = tget(&doc, &["workspace", "members"]).and_then(toml::Value::as_array) {
        decl.members.extend(members.iter().filter_map(|m| m.as_str().map(str::to_owned)));
    }
    let mut tables = vec![
        doc.get("dependencies"),
        doc.get("dev-dependencies"),
        doc.get("build-dependencies"),
        tget(&doc, &["workspace", "dependencies"]),
    ];
    for (_, target) in tentries(doc.get("target")) {
        for key in ["dependencies", "dev-dependencies", "build-dependencies"] {
            tables.push(target.get(key));
        }
    }
    for table in tables {
        for (key, value) in tentries(table) {
            let (name, constraint) = match value {
                toml::Value::String(v) => (key, Some(v.as_str())),
                toml::Value::Table(t) => (
                    t.get("package").and_then(toml::Value::as_str).unwrap_or(key),
                    t.get("version").and_then(toml::Value::as_str),
                ),
                _ => (key, None),
            };
            out.declared(Crates, name, constraint);
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
