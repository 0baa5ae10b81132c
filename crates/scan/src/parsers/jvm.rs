//! Maven (pom.xml with parent, properties, dependencyManagement, modules) and Gradle (Groovy and
//! Kotlin build scripts, settings, libs.versions.toml version catalogs).

use std::collections::HashMap;

use stackdex_catalog::rules::Ecosystem::Maven;

use super::util::{quoted_strings, strip_slash_comment, tentries, toml};
use super::xml::{self, Element};
use crate::evidence::{FileFindings, Scope};

pub fn pom_xml(text: &str, out: &mut FileFindings) -> Result<(), String> {
    let project = xml::parse(text)?;
    if project.name != "project" {
        return Err(format!("pom.xml root is <{}>, not <project>", project.name));
    }
    let mut properties: HashMap<String, String> = HashMap::new();
    for prop in project.path(&["properties"]).iter().flat_map(|p| p.children.iter()) {
        properties.insert(prop.name.clone(), prop.text.trim().to_owned());
    }
    let parent = project.child("parent");
    for (key, source) in [("project.version", Some(&project)), ("project.parent.version", parent)] {
        if let Some(version) = source.and_then(|e| e.child_text("version")) {
            properties.insert(key.to_owned(), version.to_owned());
        }
    }
    let resolve = |value: &str| -> Option<String> {
        let mut v = value.trim().to_owned();
        for _ in 0..4 {
            let Some(start) = v.find("${") else { break };
            let Some(end) = v[start..].find('}') else { break };
            let key = &v[start + 2..start + end];
            let replacement = properties.get(key)?;
            v = format!("{}{}{}", &v[..start], replacement, &v[start + end + 1..]);
        }
        (!v.contains("${") && !v.is_empty()).then_some(v)
    };

    let decl = out.component(project.child_text("artifactId"));
    decl.members.extend(project.path(&["modules", "module"]).iter().map(|m| m.text.trim().to_owned()));
    if let Some(parent) = parent {
        coordinate(parent, &resolve, out, Some(Scope::Build));
    }
    for dependency in project.path(&["dependencies", "dependency"]) {
        let scope = match dependency.child_text("scope").map(str::trim) {
            Some("test") => Scope::Test,
            _ => Scope::Runtime, // compile, runtime, provided, system
        };
        coordinate(dependency, &resolve, out, Some(scope));
    }
    for plugin in project.path(&["build", "plugins", "plugin"]) {
        coordinate(plugin, &resolve, out, Some(Scope::Build));
    }
    // Managed versions pin what modules below use; an imported BOM is a dependency itself.
    for managed in project.path(&["dependencyManagement", "dependencies", "dependency"]) {
        let is_bom = managed.child_text("scope") == Some("import");
        coordinate(managed, &resolve, out, is_bom.then_some(Scope::Build));
    }
    Ok(())
}

/// One `groupId:artifactId:version` element: declared for `scope`, or (`None`) a managed
/// version only, which pins the modules below as a lockfile does.
fn coordinate(
    element: &Element,
    resolve: &dyn Fn(&str) -> Option<String>,
    out: &mut FileFindings,
    scope: Option<Scope>,
) {
    let group =
        element.child_text("groupId").and_then(resolve).unwrap_or_else(|| "org.apache.maven.plugins".to_owned());
    let Some(artifact) = element.child_text("artifactId").and_then(resolve) else {
        return;
    };
    let name = format!("{group}:{artifact}");
    let version = element.child_text("version").and_then(resolve);
    match (scope, version) {
        (None, Some(version)) => out.locked(Maven, &name, &version),
        (None, None) => {}
        (Some(scope), version) => out.declared_as(Maven, &name, version.as_deref(), scope),
    }
}

const GRADLE_CONFIGURATIONS: [&str; 14] = [
    "implementation",
    "api",
    "compile",
    "compileOnly",
    "runtimeOnly",
    "testImplementation",
    "testRuntimeOnly",
    "testCompileOnly",
    "annotationProcessor",
    "kapt",
    "ksp",
    "classpath",
    "developmentOnly",
    "androidTestImplementation",
];

/// build.gradle / build.gradle.kts, read line by line: `implementation("g:a:v")`,
/// `implementation group: 'g', name: 'a', version: 'v'`, `id("plugin") version "x"`,
/// `kotlin("jvm") version "x"`.
pub fn gradle(text: &str, out: &mut FileFindings) {
    out.component(None);
    for raw in text.lines() {
        let line = strip_slash_comment(raw).trim();
        let word: String = line.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
        let strings = quoted_strings(line);
        if GRADLE_CONFIGURATIONS.contains(&word.as_str()) || word.ends_with("Implementation") {
            let scope = configuration_scope(&word);
            if let Some(group) = named_argument(line, "group") {
                if let Some(name) = named_argument(line, "name") {
                    let version = named_argument(line, "version");
                    declare(out, &format!("{group}:{name}"), version, scope);
                }
                continue;
            }
            for s in strings {
                let parts: Vec<&str> = s.split(':').collect();
                if parts.len() >= 2 && !parts[0].is_empty() && !s.contains(' ') {
                    declare(out, &format!("{}:{}", parts[0], parts[1]), parts.get(2).copied(), scope);
                }
            }
        } else if word == "id" || word == "kotlin" {
            let Some(id) = strings.first() else { continue };
            let id = if word == "kotlin" { format!("org.jetbrains.kotlin.{id}") } else { (*id).to_owned() };
            let version = line.split_once(" version ").and_then(|(_, v)| quoted_strings(v).first().copied());
            declare(out, &format!("{id}:{id}.gradle.plugin"), version, Scope::Build);
        }
    }
}

/// A Gradle configuration's scope: `test*` and `androidTest*` serve the tests; annotation
/// processors, `compileOnly` and `classpath` the build; `developmentOnly` development.
fn configuration_scope(configuration: &str) -> Scope {
    let lower = configuration.to_ascii_lowercase();
    if lower.contains("test") {
        Scope::Test
    } else if matches!(lower.as_str(), "annotationprocessor" | "kapt" | "ksp" | "classpath" | "compileonly") {
        Scope::Build
    } else if lower == "developmentonly" {
        Scope::Dev
    } else {
        Scope::Runtime
    }
}

fn declare(out: &mut FileFindings, name: &str, version: Option<&str>, scope: Scope) {
    let version = version.filter(|v| !v.contains('$'));
    out.declared_as(Maven, name, version, scope);
}

/// `group: 'x'` or `group = "x"` inside a Gradle call.
fn named_argument<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let at = line.find(&format!("{key}:")).or_else(|| line.find(&format!("{key} =")))?;
    quoted_strings(&line[at..]).first().copied()
}

/// settings.gradle(.kts): `include ':app', ':lib:core'` are the build's projects.
pub fn gradle_settings(text: &str, out: &mut FileFindings) {
    let mut members = Vec::new();
    let mut name = None;
    for raw in text.lines() {
        let line = strip_slash_comment(raw).trim();
        if line.starts_with("include") {
            for project in quoted_strings(line) {
                let path = project.trim_start_matches(':').replace(':', "/");
                if !path.is_empty() {
                    members.push(path);
                }
            }
        } else if line.starts_with("rootProject.name") {
            name = quoted_strings(line).first().map(|s| s.to_string());
        }
    }
    let decl = out.component(name.as_deref());
    decl.members.extend(members);
}

/// libs.versions.toml: `[libraries]` entries as `"g:a:v"`, `{ module = "g:a", version.ref = "x" }`
/// or `{ group, name, version }`; `[plugins]` as `{ id, version }`.
pub fn version_catalog(text: &str, out: &mut FileFindings) -> Result<(), String> {
    let doc = toml(text)?;
    let versions: HashMap<&str, &str> = tentries(doc.get("versions"))
        .filter_map(|(k, v)| Some((k, v.as_str().or_else(|| v.get("strictly")?.as_str())?)))
        .collect();
    let version_of = |entry: &toml::Value| -> Option<String> {
        match entry.get("version")? {
            toml::Value::String(s) => Some(s.clone()),
            toml::Value::Table(t) => {
                if let Some(r) = t.get("ref").and_then(toml::Value::as_str) {
                    versions.get(r).map(|v| (*v).to_owned())
                } else {
                    t.get("strictly")
                        .or_else(|| t.get("require"))
                        .or_else(|| t.get("prefer"))
                        .and_then(toml::Value::as_str)
                        .map(str::to_owned)
                }
            }
            _ => None,
        }
    };
    for (_, entry) in tentries(doc.get("libraries")) {
        match entry {
            toml::Value::String(s) => {
                let parts: Vec<&str> = s.split(':').collect();
                if parts.len() >= 2 {
                    declare(out, &format!("{}:{}", parts[0], parts[1]), parts.get(2).copied(), Scope::Runtime);
                }
            }
            toml::Value::Table(t) => {
                let module = t.get("module").and_then(toml::Value::as_str).map(str::to_owned).or_else(|| {
                    let group = t.get("group")?.as_str()?;
                    let name = t.get("name")?.as_str()?;
                    Some(format!("{group}:{name}"))
                });
                if let Some(module) = module {
                    declare(out, &module, version_of(entry).as_deref(), Scope::Runtime);
                }
            }
            _ => {}
        }
    }
    for (_, entry) in tentries(doc.get("plugins")) {
        let (id, version) = match entry {
            toml::Value::String(s) => {
                let (id, v) = s.split_once(':').unwrap_or((s, ""));
                (id.to_owned(), Some(v.to_owned()).filter(|v| !v.is_empty()))
            }
            toml::Value::Table(t) => match t.get("id").and_then(toml::Value::as_str) {
                Some(id) => (id.to_owned(), version_of(entry)),
                None => continue,
            },
            _ => continue,
        };
        declare(out, &format!("{id}:{id}.gradle.plugin"), version.as_deref(), Scope::Build);
    }
    Ok(())
}
