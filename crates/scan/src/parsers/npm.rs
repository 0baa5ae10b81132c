//! npm, yarn and pnpm: package.json (with workspaces) and the three lockfiles.

use std::borrow::Cow;

use serde_json::Value as Json;
use stackdex_catalog::rules::Ecosystem::Npm;

use super::util::{jentries, json, yaml, yentries, ykey, yscalar};
use crate::evidence::{FileFindings, Scope};

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
        let scope = if key == "devDependencies" { Scope::Dev } else { Scope::Runtime };
        for (name, constraint) in jentries(&doc, key) {
            out.declared_as(Npm, name, constraint.as_str(), scope);
        }
    }
    // `"packageManager": "pnpm@9.1.0"` names the package manager and its version.
    if let Some((manager, version)) = doc.get("packageManager").and_then(Json::as_str).and_then(|s| s.split_once('@')) {
        out.declared_tool(Npm, manager, Some(version));
    }
    Ok(())
}

pub fn package_lock(text: &str, out: &mut FileFindings) -> Result<(), String> {
    // Streamed: lockfiles run to megabytes and only names and versions matter, so entries are
    // read one by one, borrowed, without building a tree or a map of them; the rest is skipped.
    use serde::de::DeserializeSeed;
    let mut de = serde_json::Deserializer::from_str(text.trim_start_matches('\u{feff}'));
    let lock = LockSeed.deserialize(&mut de).and_then(|lock| de.end().map(|()| lock));
    let lock = lock.map_err(|e| format!("invalid JSON: {e}"))?;
    // lockfileVersion 2 and 3: "packages" keyed by install path (v2 also keeps the v1 tree,
    // which is skipped); lockfileVersion 1: the nested "dependencies".
    for (name, version) in lock.packages.unwrap_or(lock.dependencies) {
        out.locked(Npm, &name, &version);
    }
    Ok(())
}

/// The (name, version) pairs of a package-lock.json: from "packages" when it is there (`None`
/// when absent or null), and from the v1 "dependencies" tree.
#[derive(Default)]
struct LockPairs<'a> {
    packages: Option<Vec<(Cow<'a, str>, Cow<'a, str>)>>,
    dependencies: Vec<(Cow<'a, str>, Cow<'a, str>)>,
}

/// The top-level object.
struct LockSeed;

impl<'de> serde::de::DeserializeSeed<'de> for LockSeed {
    type Value = LockPairs<'de>;

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> serde::de::Visitor<'de> for LockSeed {
    type Value = LockPairs<'de>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a package-lock.json object")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        use serde::de::{Error, IgnoredAny};
        let mut pairs = LockPairs::default();
        let (mut seen_packages, mut seen_dependencies) = (false, false);
        while let Some(key) = map.next_key::<Text<'de>>()? {
            match key.as_str() {
                Some("packages") => {
                    if std::mem::replace(&mut seen_packages, true) {
                        return Err(A::Error::duplicate_field("packages"));
                    }
                    let mut packages = Vec::new();
                    if map.next_value_seed(Nullable(PackagesSeed(&mut packages)))? {
                        pairs.packages = Some(packages);
                    }
                }
                Some("dependencies") => {
                    if std::mem::replace(&mut seen_dependencies, true) {
                        return Err(A::Error::duplicate_field("dependencies"));
                    }
                    if pairs.packages.is_some() {
                        map.next_value::<IgnoredAny>()?;
                    } else {
                        map.next_value_seed(Nullable(V1Seed(&mut pairs.dependencies)))?;
                    }
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if pairs.packages.is_some() {
            pairs.dependencies.clear();
        }
        Ok(pairs)
    }
}

/// An optional object: `null` reads as absent (`false`).
struct Nullable<S>(S);

impl<'de, S: serde::de::DeserializeSeed<'de, Value = ()>> serde::de::DeserializeSeed<'de> for Nullable<S> {
    type Value = bool;

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_option(self)
    }
}

impl<'de, S: serde::de::DeserializeSeed<'de, Value = ()>> serde::de::Visitor<'de> for Nullable<S> {
    type Value = bool;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an object or null")
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_some<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        self.0.deserialize(deserializer).map(|()| true)
    }
}

/// "packages": `{"node_modules/a/node_modules/@s/b": {"version": "1.0.0", ...}, "": {...}}`.
struct PackagesSeed<'p, 'de>(&'p mut Vec<(Cow<'de, str>, Cow<'de, str>)>);

impl<'de> serde::de::DeserializeSeed<'de> for PackagesSeed<'_, 'de> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> serde::de::Visitor<'de> for PackagesSeed<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an object of packages")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(path) = map.next_key::<Text<'de>>()? {
            let entry: PackageEntry<'de> = map.next_value()?;
            let (Text::Str(path), Some(Text::Str(version))) = (path, entry.version) else { continue };
            if path.is_empty() {
                continue; // the root project
            }
            let name = match path {
                Cow::Borrowed(p) => Cow::Borrowed(p.rsplit("node_modules/").next().unwrap_or(p)),
                Cow::Owned(p) => Cow::Owned(p.rsplit("node_modules/").next().unwrap_or(&p).to_owned()),
            };
            self.0.push((name, version));
        }
        Ok(())
    }
}

/// One entry of "packages": only its version matters; its "dependencies" are constraints.
#[derive(serde::Deserialize)]
struct PackageEntry<'a> {
    #[serde(default, borrow)]
    version: Option<Text<'a>>,
}

/// lockfileVersion 1 "dependencies": `{"name": {"version": "1.0.0", "dependencies": {...}}}`,
/// nested to any depth (within the JSON reader's own depth limit).
struct V1Seed<'p, 'de>(&'p mut Vec<(Cow<'de, str>, Cow<'de, str>)>);

impl<'de> serde::de::DeserializeSeed<'de> for V1Seed<'_, 'de> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> serde::de::Visitor<'de> for V1Seed<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an object of dependencies")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(name) = map.next_key::<Text<'de>>()? {
            map.next_value_seed(V1EntrySeed { name, out: &mut *self.0 })?;
        }
        Ok(())
    }
}

/// One v1 entry: its name and version (when the version is a string), then its nested
/// dependencies.
struct V1EntrySeed<'p, 'de> {
    name: Text<'de>,
    out: &'p mut Vec<(Cow<'de, str>, Cow<'de, str>)>,
}

impl<'de> serde::de::DeserializeSeed<'de> for V1EntrySeed<'_, 'de> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> serde::de::Visitor<'de> for V1EntrySeed<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a dependency entry")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        use serde::de::{Error, IgnoredAny};
        let (mut seen_version, mut seen_dependencies, mut version) = (false, false, None);
        let mut nested = Vec::new();
        while let Some(key) = map.next_key::<Text<'de>>()? {
            match key.as_str() {
                Some("version") => {
                    if std::mem::replace(&mut seen_version, true) {
                        return Err(A::Error::duplicate_field("version"));
                    }
                    if let Text::Str(v) = map.next_value::<Text<'de>>()? {
                        version = Some(v);
                    }
                }
                Some("dependencies") => {
                    if std::mem::replace(&mut seen_dependencies, true) {
                        return Err(A::Error::duplicate_field("dependencies"));
                    }
                    map.next_value_seed(Nullable(V1Seed(&mut nested)))?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if let (Text::Str(name), Some(version)) = (self.name, version) {
            self.out.push((name, version));
        }
        self.out.extend(nested);
        Ok(())
    }
}

/// A value that is kept when it is a string (borrowed from the text when it has no escapes)
/// and ignored otherwise.
enum Text<'a> {
    Str(Cow<'a, str>),
    Other,
}

impl Text<'_> {
    fn as_str(&self) -> Option<&str> {
        match self {
            Text::Str(s) => Some(s),
            Text::Other => None,
        }
    }
}

impl<'de: 'a, 'a> serde::Deserialize<'de> for Text<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::IgnoredAny;
        struct TextVisitor<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> serde::de::Visitor<'de> for TextVisitor<'a> {
            type Value = Text<'a>;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("any value")
            }

            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Text<'a>, E> {
                Ok(Text::Str(Cow::Borrowed(v)))
            }

            fn visit_str<E>(self, v: &str) -> Result<Text<'a>, E> {
                Ok(Text::Str(Cow::Owned(v.to_owned())))
            }

            fn visit_string<E>(self, v: String) -> Result<Text<'a>, E> {
                Ok(Text::Str(Cow::Owned(v)))
            }

            fn visit_bool<E>(self, _: bool) -> Result<Text<'a>, E> {
                Ok(Text::Other)
            }

            fn visit_i64<E>(self, _: i64) -> Result<Text<'a>, E> {
                Ok(Text::Other)
            }

            fn visit_u64<E>(self, _: u64) -> Result<Text<'a>, E> {
                Ok(Text::Other)
            }

            fn visit_f64<E>(self, _: f64) -> Result<Text<'a>, E> {
                Ok(Text::Other)
            }

            fn visit_unit<E>(self) -> Result<Text<'a>, E> {
                Ok(Text::Other)
            }

            fn visit_none<E>(self) -> Result<Text<'a>, E> {
                Ok(Text::Other)
            }

            fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Text<'a>, D::Error> {
                <IgnoredAny as serde::Deserialize>::deserialize(d).map(|_| Text::Other)
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, seq: A) -> Result<Text<'a>, A::Error> {
                IgnoredAny.visit_seq(seq).map(|_| Text::Other)
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Text<'a>, A::Error> {
                IgnoredAny.visit_map(map).map(|_| Text::Other)
            }
        }
        deserializer.deserialize_any(TextVisitor(std::marker::PhantomData))
    }
}

/// yarn.lock, both the classic format (`version "1.2.3"`) and Berry (`version: 1.2.3`).
pub fn yarn_lock(text: &str, out: &mut FileFindings) {
    let mut names: Vec<&str> = Vec::new();
    for line in text.lines() {
        // Most lines are indented fields of an entry: only `version` matters among them.
        if line.starts_with(' ') {
            let Some(rest) = line.trim_start().strip_prefix("version") else { continue };
            let version = rest.trim_start_matches(':').trim().trim_matches('"');
            for name in &names {
                out.locked(Npm, name, version);
            }
            names.clear();
            continue;
        }
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        names.clear();
        names.extend(line.trim_end_matches(':').split(", ").filter_map(|spec| {
            let spec = spec.trim().trim_matches('"');
            let at = spec.get(1..)?.find('@')? + 1;
            Some(&spec[..at])
        }));
        names.dedup();
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
