//! What parsers find in one file, before any rule is applied.

use stackdex_catalog::rules::Ecosystem;

/// One fact read from a file.
#[derive(Debug, Clone, PartialEq)]
pub enum Evidence {
    /// A declared dependency (from a manifest) with its constraint, or a resolved one (from a
    /// lockfile) with its exact version.
    Dependency {
        /// Where the name comes from.
        ecosystem: Ecosystem,
        /// The package name as written.
        name: String,
        /// The version a constraint points at, or the locked version.
        version: Option<String>,
        /// Whether this is a lockfile's resolved entry rather than a declaration.
        locked: bool,
        /// What the dependency is for, as the manifest says (a declaration only); `None` for
        /// lockfile entries and for names that are no package of the project (npm's
        /// `packageManager`, an SDK such as `flutter: {sdk: flutter}`).
        scope: Option<Scope>,
    },
    /// A container image reference (Dockerfile, compose, CI services, Kubernetes, Helm values).
    Image {
        /// The reference as written (`postgres:16-alpine`).
        image: String,
    },
    /// A tool a file names directly, by catalog slug or alias: a runtime's version file
    /// (`.nvmrc`, `.python-version`, the `go` line of go.mod), a pre-commit hook, a
    /// devcontainer feature, a function of a Tiltfile, an Istio resource.
    Tool {
        /// The catalog slug or alias (`node-js`, `python`, `istio`).
        name: String,
        /// The tool's own version, when the file gives one.
        version: Option<String>,
        /// How the file names it, for the source's rule (`version_file:.nvmrc`,
        /// `pre_commit:black`).
        rule: String,
    },
    /// An env-var name from a `.env.example`-style file.
    EnvVar {
        /// The variable's name.
        name: String,
    },
}

/// What a declared dependency is for. Each ecosystem's own words map onto these four
/// (docs/scan.md, "Packages").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// Needed when the project runs (npm `dependencies`, Maven `compile`, Gradle
    /// `implementation`).
    #[default]
    Runtime,
    /// Needed while developing only (npm `devDependencies`, Poetry's `dev` group, Cargo
    /// `dev-dependencies`, Composer `require-dev`).
    Dev,
    /// Needed to build or package (Cargo `build-dependencies`, `build-system.requires`, Maven
    /// and Gradle plugins, annotation processors).
    Build,
    /// Needed by the tests (Maven `test`, Gradle `testImplementation`, a `test` group).
    Test,
}

impl Scope {
    /// The scope's name in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Runtime => "runtime",
            Scope::Dev => "dev",
            Scope::Build => "build",
            Scope::Test => "test",
        }
    }

    /// The scope a group or configuration name says: `test`, `dev`, `build`, else runtime.
    pub(crate) fn of_group(name: &str) -> Scope {
        let lower = name.to_ascii_lowercase();
        if lower.contains("test") {
            Scope::Test
        } else if lower.contains("dev") || lower.contains("lint") || lower.contains("doc") || lower.contains("typing") {
            Scope::Dev
        } else if lower.contains("build") {
            Scope::Build
        } else {
            Scope::Runtime
        }
    }
}

/// What one file says about its folder as a component of a monorepo.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ComponentDecl {
    /// The name the manifest gives (package name, module path, artifactId), if any.
    pub name: Option<String>,
    /// Workspace member patterns declared by this manifest, relative to its folder.
    pub members: Vec<String>,
}

/// Everything one parser run produced.
#[derive(Debug, Clone, Default)]
pub struct FileFindings {
    /// The facts, in file order.
    pub evidence: Vec<Evidence>,
    /// What the file says about its folder as a component, if it is a manifest that does.
    pub component: Option<ComponentDecl>,
    /// Other files this one pulls in (`-r base.txt`), relative to its folder.
    pub includes: Vec<String>,
    /// Problems that did not stop the parse (a skipped entry, say).
    pub notes: Vec<String>,
}

impl FileFindings {
    pub(crate) fn dependency(
        &mut self,
        ecosystem: Ecosystem,
        name: &str,
        version: Option<String>,
        locked: bool,
        scope: Option<Scope>,
    ) {
        let name = name.trim();
        if name.is_empty() {
            return;
        }
        self.evidence.push(Evidence::Dependency { ecosystem, name: name.to_owned(), version, locked, scope });
    }

    /// A runtime dependency declared by a manifest.
    pub(crate) fn declared(&mut self, ecosystem: Ecosystem, name: &str, constraint: Option<&str>) {
        self.declared_as(ecosystem, name, constraint, Scope::Runtime);
    }

    /// A dependency declared by a manifest, for `scope`.
    pub(crate) fn declared_as(&mut self, ecosystem: Ecosystem, name: &str, constraint: Option<&str>, scope: Scope) {
        let version = constraint.and_then(version_of_constraint);
        self.dependency(ecosystem, name, version, false, Some(scope));
    }

    /// A name a manifest declares that is no package of the project (a package manager, an
    /// SDK): matched by rules, not listed among the packages.
    pub(crate) fn declared_tool(&mut self, ecosystem: Ecosystem, name: &str, constraint: Option<&str>) {
        let version = constraint.and_then(version_of_constraint);
        self.dependency(ecosystem, name, version, false, None);
    }

    pub(crate) fn locked(&mut self, ecosystem: Ecosystem, name: &str, version: &str) {
        let version = version_of_constraint(version);
        self.dependency(ecosystem, name, version, true, None);
    }

    pub(crate) fn image(&mut self, image: &str) {
        let image = image.trim().trim_matches(|c| c == '"' || c == '\'');
        if !image.is_empty() && !image.contains(char::is_whitespace) {
            self.evidence.push(Evidence::Image { image: image.to_owned() });
        }
    }

    /// A tool the file names (see [`Evidence::Tool`]); `version` as written (`v20.11.0`,
    /// `3.12`, `lts/iron` gives none).
    pub(crate) fn tool(&mut self, name: &str, version: Option<&str>, rule: String) {
        let name = name.trim();
        if name.is_empty() {
            return;
        }
        let version = version.and_then(version_of_constraint);
        self.evidence.push(Evidence::Tool { name: name.to_owned(), version, rule });
    }

    pub(crate) fn component(&mut self, name: Option<&str>) -> &mut ComponentDecl {
        let decl = self.component.get_or_insert_with(ComponentDecl::default);
        if decl.name.is_none() {
            decl.name = name.map(str::trim).filter(|n| !n.is_empty()).map(str::to_owned);
        }
        decl
    }
}

/// The version a constraint points at: its first version number (`~=4.2` -> `4.2`,
/// `^18.2.0` -> `18.2.0`, `>= 1.0, < 2` -> `1.0`, `v1.2.3` -> `1.2.3`); `None` for `*`,
/// `latest`, paths, URLs and git references.
pub(crate) fn version_of_constraint(constraint: &str) -> Option<String> {
    let c = constraint.trim();
    // (`contains(':')` first: a substring search costs more than a byte search, per lockfile entry)
    if c.is_empty()
        || (c.contains(':') && c.contains("://"))
        || c.starts_with("file:")
        || c.starts_with("link:")
        || c.starts_with("workspace:")
        || c.starts_with("git")
        || c.starts_with("npm:")
        || c.starts_with('.')
        || c.starts_with('/')
    {
        return None;
    }
    let bytes = c.as_bytes();
    let start = bytes.iter().position(u8::is_ascii_digit)?;
    // A digit deep inside a word (`abc1`) is not a version.
    if start > 0 && bytes[start - 1].is_ascii_alphabetic() && bytes[start - 1] != b'v' {
        return None;
    }
    let rest = &c[start..];
    let end = rest
        .find(|ch: char| !(ch.is_ascii_alphanumeric() || matches!(ch, '.' | '-' | '+' | '_')))
        .unwrap_or(rest.len());
    let version = rest[..end].trim_end_matches(['.', '-', '+']);
    let version = version.trim_end_matches(".*");
    (!version.is_empty()).then(|| version.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constraint_versions() {
        let v = |s| version_of_constraint(s);
        assert_eq!(v("~=4.2").as_deref(), Some("4.2"));
        assert_eq!(v("^18.2.0").as_deref(), Some("18.2.0"));
        assert_eq!(v(">= 1.0, < 2").as_deref(), Some("1.0"));
        assert_eq!(v("v1.2.3").as_deref(), Some("1.2.3"));
        assert_eq!(v("==2.31.*").as_deref(), Some("2.31"));
        assert_eq!(v("16-alpine").as_deref(), Some("16-alpine"));
        assert_eq!(v("*"), None);
        assert_eq!(v("latest"), None);
        assert_eq!(v("workspace:*"), None);
        assert_eq!(v("git+https://x/y.git#1.0"), None);
    }
}
