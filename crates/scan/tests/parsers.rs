//! Parser details not covered by the fixture repositories: other lockfile versions and formats.

use stackdex_catalog::rules::Ecosystem;
use stackdex_scan::{Evidence, FileKind, parse_manifest};

/// (name, version, locked) triples of a parse, in order.
fn deps(path: &str, text: &str) -> Vec<(String, Option<String>, bool)> {
    let kind = FileKind::of(path).unwrap_or_else(|| panic!("{path}"));
    parse_manifest(kind, text)
        .unwrap_or_else(|e| panic!("{path}: {e}"))
        .evidence
        .into_iter()
        .filter_map(|e| match e {
            Evidence::Dependency { name, version, locked, .. } => Some((name, version, locked)),
            _ => None,
        })
        .collect()
}

fn has(found: &[(String, Option<String>, bool)], name: &str, version: Option<&str>) -> bool {
    found.iter().any(|(n, v, _)| n == name && v.as_deref() == version)
}

#[test]
fn npm_lockfiles_v1_and_v3() {
    let v3 = r#"{"lockfileVersion": 3, "packages": {"": {"name": "x"},
        "node_modules/react": {"version": "18.2.0"},
        "node_modules/a/node_modules/@scope/b": {"version": "1.0.0"}}}"#;
    let found = deps("package-lock.json", v3);
    assert!(has(&found, "react", Some("18.2.0")));
    assert!(has(&found, "@scope/b", Some("1.0.0")));
    assert_eq!(found.len(), 2, "the root entry is not a package");
    let v1 = r#"{"lockfileVersion": 1, "dependencies": {"vue": {"version": "2.7.16",
        "dependencies": {"inner": {"version": "0.1.0"}}}}}"#;
    let found = deps("package-lock.json", v1);
    assert!(has(&found, "vue", Some("2.7.16")) && has(&found, "inner", Some("0.1.0")));
}

/// Regression: entries of "packages" list their own dependencies as constraints
/// (`"dependencies": {"loose-envify": "^1.1.0"}`), which the typed reader took for nested
/// entries, so every real v2/v3 lockfile was rejected ("expected struct LockEntry") and its
/// versions fell back to the manifests' constraints.
#[test]
fn npm_lockfile_v2_v3_package_entries_with_their_own_dependencies() {
    let v3 = r#"{"name": "x", "lockfileVersion": 3, "requires": true, "packages": {
        "": {"name": "x", "version": "1.0.0", "dependencies": {"react": "^18.2.0"}, "devDependencies": {"vite": "^5"}},
        "node_modules/react": {"version": "18.2.0", "dependencies": {"loose-envify": "^1.1.0"},
            "peerDependencies": {"x": "*"}, "engines": {"node": ">=0.10.0"}, "bin": {"r": "cli.js"}},
        "node_modules/loose-envify": {"version": "1.4.0", "dev": true, "license": "MIT"},
        "node_modules/linked": {"resolved": "packages/linked", "link": true},
        "node_modules/esc\u0061ped": {"version": "2.0.0"}}}"#;
    let found = deps("package-lock.json", v3);
    assert!(has(&found, "react", Some("18.2.0")), "{found:?}");
    assert!(has(&found, "loose-envify", Some("1.4.0")));
    assert!(has(&found, "escaped", Some("2.0.0")), "escaped keys are read too: {found:?}");
    assert_eq!(found.len(), 3, "{found:?}");
    assert!(found.iter().all(|(_, _, locked)| *locked));

    // v2 keeps the v1 tree beside "packages": read once, from "packages".
    let v2 = r#"{"lockfileVersion": 2, "packages": {"node_modules/vue": {"version": "3.4.0"}},
        "dependencies": {"vue": {"version": "3.4.0", "requires": {"x": "^1"}}, "old": {"version": "0.0.1"}}}"#;
    let found = deps("package-lock.json", v2);
    assert_eq!(found, [("vue".to_owned(), Some("3.4.0".to_owned()), true)]);
    // ... whichever comes first in the file.
    let v2_reordered =
        r#"{"dependencies": {"old": {"version": "0.0.1"}}, "packages": {"node_modules/vue": {"version": "3.4.0"}}}"#;
    assert_eq!(deps("package-lock.json", v2_reordered), found);

    // `null` sections, non-string versions and an empty object are no error.
    let odd =
        r#"{"packages": null, "dependencies": {"a": {"version": 1, "dependencies": null}, "b": {"version": "2"}}}"#;
    assert_eq!(deps("package-lock.json", odd), [("b".to_owned(), Some("2".to_owned()), true)]);
    assert!(deps("package-lock.json", "{}").is_empty());
    // Malformed lockfiles are errors, not panics.
    for bad in [
        "[]",
        "{\"packages\": []}",
        "{\"packages\": {\"a\": 1}}",
        "{} x",
        "{\"dependencies\": {\"a\": {\"version\": \"1\", \"version\": \"2\"}}}",
    ] {
        assert!(parse_manifest(FileKind::PackageLock, bad).is_err(), "{bad}");
    }
}

/// Scanning a repository with a v3 lockfile resolves the declared range to the locked version.
#[test]
fn npm_lockfile_v3_resolves_versions_in_a_scan() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("package.json"), r#"{"name": "x", "dependencies": {"react": "^18.0.0"}}"#).unwrap();
    std::fs::write(
        dir.path().join("package-lock.json"),
        r#"{"lockfileVersion": 3, "packages": {"": {"name": "x", "dependencies": {"react": "^18.0.0"}},
            "node_modules/react": {"version": "18.2.0", "dependencies": {"loose-envify": "^1.1.0"}}}}"#,
    )
    .unwrap();
    let report = stackdex_scan::scan(stackdex_catalog::Catalog::builtin(), dir.path(), &Default::default()).unwrap();
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    let react = report.tools.iter().find(|t| t.slug == "react").unwrap();
    assert_eq!(react.versions, ["18.2.0"]);
}

#[test]
fn yarn_berry_and_pnpm_lockfiles() {
    let berry = "__metadata:\n  version: 6\n\n\"react@npm:^18.2.0, react@npm:^18.0.0\":\n  version: 18.2.0\n  resolution: \"react@npm:18.2.0\"\n\n\"@babel/core@npm:^7.0.0\":\n  version: 7.23.9\n";
    let found = deps("yarn.lock", berry);
    assert!(has(&found, "react", Some("18.2.0")));
    assert!(has(&found, "@babel/core", Some("7.23.9")));
    let pnpm9 = "lockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies:\n      next:\n        specifier: ^14.0.0\n        version: 14.1.0(react@18.2.0)\n  packages/ui:\n    devDependencies:\n      vite:\n        specifier: ^5\n        version: 5.1.4\n";
    let found = deps("pnpm-lock.yaml", pnpm9);
    assert!(has(&found, "next", Some("14.1.0")), "peer suffix dropped: {found:?}");
    assert!(has(&found, "vite", Some("5.1.4")));
    let pnpm5 = "lockfileVersion: 5.4\ndependencies:\n  express: 4.18.2\n";
    assert!(has(&deps("pnpm-lock.yaml", pnpm5), "express", Some("4.18.2")));
    let workspace = parse_manifest(FileKind::PnpmWorkspace, "packages:\n  - 'apps/*'\n  - '!apps/legacy'\n").unwrap();
    assert_eq!(workspace.component.unwrap().members, ["apps/*", "!apps/legacy"]);
}

#[test]
fn pipfile_setup_cfg_and_uv_lock() {
    let pipfile = "[packages]\nflask = \"==3.0.2\"\nrequests = {version = \">=2.31\", extras = [\"socks\"]}\nanything = \"*\"\n\n[dev-packages]\npytest = \"*\"\n";
    let found = deps("Pipfile", pipfile);
    assert!(has(&found, "flask", Some("3.0.2")) && has(&found, "requests", Some("2.31")));
    assert!(has(&found, "anything", None) && has(&found, "pytest", None));
    let lock = r#"{"default": {"flask": {"version": "==3.0.2"}}, "develop": {"pytest": {"version": "==8.0.1"}}}"#;
    let found = deps("Pipfile.lock", lock);
    assert!(has(&found, "flask", Some("3.0.2")) && found.iter().all(|d| d.2));
    let cfg = "[metadata]\nname = legacy\n\n[options]\ninstall_requires =\n    numpy>=1.24\n    pandas[excel]==2.1.4 ; python_version>'3.8'\npython_requires = >=3.8\n\n[options.extras_require]\ntest = pytest\n";
    let found = deps("setup.cfg", cfg);
    assert!(has(&found, "numpy", Some("1.24")) && has(&found, "pandas", Some("2.1.4")));
    assert!(has(&found, "pytest", None));
    assert!(!found.iter().any(|d| d.0 == "python_requires"));
    let uv = "version = 1\n\n[[package]]\nname = \"httpx\"\nversion = \"0.27.0\"\nsource = { registry = \"https://pypi.org/simple\" }\n";
    assert!(has(&deps("uv.lock", uv), "httpx", Some("0.27.0")));
}

#[test]
fn requirement_lines_that_are_not_packages() {
    let text = "--index-url https://example.invalid/simple\n-e git+https://x/y.git#egg=y\n./local/pkg\nhttps://x/z.whl\nDjango>=4.2,<5 # pinned\nuvicorn[standard]\n";
    let found = deps("requirements.txt", text);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(has(&found, "Django", Some("4.2")) && has(&found, "uvicorn", None));
}

#[test]
fn apple_and_elixir_lockfiles() {
    let pods = "PODS:\n  - Firebase/Core (10.20.0):\n    - FirebaseAnalytics (= 10.20.0)\n  - \"GoogleUtilities/Environment (7.12.0)\"\n\nDEPENDENCIES:\n  - Firebase/Core\n";
    let found = deps("Podfile.lock", pods);
    assert!(has(&found, "Firebase/Core", Some("10.20.0")));
    assert!(has(&found, "GoogleUtilities/Environment", Some("7.12.0")));
    assert!(!found.iter().any(|d| d.0 == "FirebaseAnalytics"), "nested lines are requirements, not pods");
    let resolved_v1 = r#"{"object": {"pins": [{"package": "Kingfisher", "repositoryURL": "https://github.com/onevcat/Kingfisher.git", "state": {"version": "7.10.2"}}]}, "version": 1}"#;
    assert!(has(&deps("Package.resolved", resolved_v1), "github.com/onevcat/kingfisher", Some("7.10.2")));
    let swift = ".package(url: \"git@github.com:apple/swift-nio.git\", exact: \"2.62.0\"),";
    assert!(has(&deps("Package.swift", swift), "github.com/apple/swift-nio", Some("2.62.0")));
}

#[test]
fn gradle_and_terraform_odds() {
    let gradle = "dependencies {\n  // implementation 'com.example:commented:1.0'\n  implementation \"org.example:lib:$libVersion\"\n  api(\"com.google.guava:guava:33.0.0-jre\")\n  classpath 'com.android.tools.build:gradle:8.2.2'\n}\n";
    let found = deps("build.gradle", gradle);
    assert!(!found.iter().any(|d| d.0.contains("commented")));
    assert!(has(&found, "org.example:lib", None), "interpolated versions are dropped");
    assert!(has(&found, "com.google.guava:guava", Some("33.0.0-jre")));
    let tf = "provider \"google\" {\n  project = \"x\"\n}\nterraform {\n  required_providers {\n    cloudflare = {\n      source = \"cloudflare/cloudflare\"\n    }\n  }\n}\ndata \"aws_iam_policy_document\" \"p\" {}\n";
    let found = deps("main.tf", tf);
    assert!(has(&found, "hashicorp/google", None));
    assert!(has(&found, "cloudflare/cloudflare", None), "{found:?}");
    assert!(has(&found, "aws_iam_policy_document", None));
    let kinds: Vec<_> = parse_manifest(FileKind::Terraform, tf)
        .unwrap()
        .evidence
        .into_iter()
        .filter_map(|e| match e {
            Evidence::Dependency { ecosystem, .. } => Some(ecosystem),
            _ => None,
        })
        .collect();
    assert!(kinds.contains(&Ecosystem::TerraformProviders) && kinds.contains(&Ecosystem::TerraformResources));
}

#[test]
fn file_kinds_by_path() {
    assert_eq!(FileKind::of("requirements/dev.txt"), Some(FileKind::Requirements));
    assert_eq!(FileKind::of("docs/notes.txt"), None);
    assert_eq!(FileKind::of("deploy/docker-compose.prod.yaml"), Some(FileKind::Compose));
    assert_eq!(FileKind::of("build/Dockerfile.api"), Some(FileKind::Dockerfile));
    assert_eq!(FileKind::of("x/.github/workflows/ci.yaml"), Some(FileKind::GithubWorkflow));
    assert_eq!(FileKind::of(".github/dependabot.yml"), None);
    assert_eq!(FileKind::of("gradle/libs.versions.toml"), Some(FileKind::GradleVersionCatalog));
    assert_eq!(FileKind::of("src/App/App.fsproj"), Some(FileKind::MsbuildProject));
    assert_eq!(FileKind::of(".env"), None, ".env may hold secrets and is never read");
}
