//! Composer: composer.json and composer.lock.

use serde_json::Value as Json;
use stackdex_catalog::rules::Ecosystem::Composer;

use super::util::{jentries, json};
use crate::evidence::{FileFindings, Scope};

pub fn composer_json(text: &str, out: &mut FileFindings) -> Result<(), String> {
    let doc = json(text)?;
    if !doc.is_object() {
        return Err("composer.json is not a JSON object".into());
    }
    out.component(doc.get("name").and_then(Json::as_str));
    for (key, scope) in [("require", Scope::Runtime), ("require-dev", Scope::Dev)] {
        for (name, constraint) in jentries(&doc, key) {
            // Platform requirements (php, ext-*, lib-*) are not packages.
            if !name.contains('/') {
                continue;
            }
            out.declared_as(Composer, name, constraint.as_str(), scope);
        }
    }
    Ok(())
}

pub fn composer_lock(text: &str, out: &mut FileFindings) -> Result<(), String> {
    let doc = json(text)?;
    for key in ["packages", "packages-dev"] {
        for package in doc.get(key).and_then(Json::as_array).into_iter().flatten() {
            let name = package.get("name").and_then(Json::as_str);
            let version = package.get("version").and_then(Json::as_str);
            if let (Some(name), Some(version)) = (name, version) {
                out.locked(Composer, name, version);
            }
        }
    }
    Ok(())
}
