//! Bad input never stops a scan: each problem is a warning naming the file, and the rest of
//! the repository is still read.

use crate::common;

use std::fs;
use std::path::Path;

use common::{has, scan_path};
use stackdex_catalog::Catalog;
use stackdex_scan::{Report, ScanOptions, scan};

fn write(root: &Path, rel: &str, contents: impl AsRef<[u8]>) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, contents).unwrap();
}

fn warning<'r>(report: &'r Report, file: &str) -> &'r str {
    report
        .warnings
        .iter()
        .find(|w| w.file == file)
        .map(|w| w.message.as_str())
        .unwrap_or_else(|| panic!("no warning for {file}: {:?}", report.warnings))
}

/// A healthy manifest beside the bad ones, to show the scan went on.
fn with_healthy_gemfile(root: &Path) {
    write(root, "Gemfile", "gem 'rails', '7.1.3'\n");
}

#[test]
fn malformed_json_toml_yaml_and_xml() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    with_healthy_gemfile(root);
    write(root, "web/package.json", "{ \"dependencies\": { \"react\": ");
    write(root, "cli/Cargo.toml", "[dependencies\nserde = 1");
    write(root, "docker-compose.yml", "services:\n  db:\n    image: [unclosed");
    write(root, "java/pom.xml", "<project><dependencies><dependency></project>");
    write(root, "app/app.csproj", "<Project><ItemGroup>");
    write(root, "pyproject.toml", "[project\nname=");
    let report = scan_path(root);
    assert!(warning(&report, "web/package.json").contains("invalid JSON"));
    assert!(warning(&report, "cli/Cargo.toml").contains("invalid TOML"));
    assert!(warning(&report, "docker-compose.yml").contains("invalid YAML"));
    assert!(warning(&report, "java/pom.xml").contains("XML"));
    assert!(warning(&report, "app/app.csproj").contains("XML"));
    assert!(warning(&report, "pyproject.toml").contains("TOML"));
    assert!(has(&report, "rails"), "the healthy Gemfile is still read");
}

#[test]
fn wrong_shapes_are_not_errors_of_ours() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "a/package.json", "[1, 2, 3]");
    write(root, "b/package.json", "{\"dependencies\": [\"react\"], \"workspaces\": 7}");
    write(root, "c/pubspec.yaml", "- a\n- b\n");
    write(root, "d/composer.json", "\"just a string\"");
    write(root, "e/Chart.yaml", "dependencies: {name: x}");
    write(root, "f/pom.xml", "<notaproject/>");
    let report = scan_path(root);
    assert!(warning(&report, "a/package.json").contains("not a JSON object"));
    assert!(warning(&report, "f/pom.xml").contains("<project>"));
    // Valid documents of an unexpected shape simply yield nothing.
    assert!(!has(&report, "react"));
}

#[test]
fn binary_files_with_manifest_names() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    with_healthy_gemfile(root);
    write(root, "package.json", b"\x7fELF\x02\x01\x01\x00\x00\x00binary");
    write(root, "Cargo.lock", [0u8; 4096]);
    let report = scan_path(root);
    assert!(warning(&report, "package.json").contains("binary"));
    assert!(warning(&report, "Cargo.lock").contains("binary"));
    assert!(has(&report, "rails"));
}

#[test]
fn huge_files_are_skipped_or_never_opened() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    with_healthy_gemfile(root);
    // A manifest over the limit is skipped with a warning...
    write(root, "go.mod", format!("module x\n{}", "// padding\n".repeat(400)));
    // ...and a 4 GiB source file (sparse) is counted from its metadata, never read.
    let big = fs::File::create(root.join("huge.js")).unwrap();
    big.set_len(4 << 30).unwrap();
    let options = ScanOptions { max_file_bytes: 1024, ..ScanOptions::default() };
    let started = std::time::Instant::now();
    let report = scan(Catalog::builtin(), root, &options).unwrap();
    assert!(started.elapsed().as_secs() < 5);
    assert!(warning(&report, "go.mod").contains("over the 1024-byte limit"));
    let js = report.languages.iter().find(|l| l.slug == "javascript").unwrap();
    assert_eq!(js.bytes, 4 << 30);
    assert!(has(&report, "rails"));
}

#[cfg(unix)]
#[test]
fn symlink_loops_and_dangling_links() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    with_healthy_gemfile(root);
    fs::create_dir_all(root.join("a/b")).unwrap();
    symlink("../..", root.join("a/b/up")).unwrap(); // a folder loop
    symlink("package.json", root.join("package.json")).unwrap(); // a link to itself
    symlink("missing/requirements.txt", root.join("requirements.txt")).unwrap();
    let report = scan_path(root);
    assert!(warning(&report, "package.json").contains("symlink"));
    assert!(warning(&report, "requirements.txt").contains("symlink"));
    assert!(has(&report, "rails"));
    // Following links finds the loop and says so, and still ends.
    let options = ScanOptions { follow_links: true, ..ScanOptions::default() };
    let report = scan(Catalog::builtin(), root, &options).unwrap();
    assert!(report.warnings.iter().any(|w| w.message.contains("loop")), "{:?}", report.warnings);
    assert!(has(&report, "rails"));
}

#[cfg(unix)]
#[test]
fn unreadable_files() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    with_healthy_gemfile(root);
    write(root, "sub/package.json", "{\"dependencies\": {\"react\": \"18\"}}");
    let path = root.join("sub/package.json");
    fs::set_permissions(&path, fs::Permissions::from_mode(0o000)).unwrap();
    let readable_anyway = fs::File::open(&path).is_ok(); // root reads anything
    let report = scan_path(root);
    if readable_anyway {
        assert!(has(&report, "react"));
    } else {
        assert!(warning(&report, "sub/package.json").contains("cannot open"));
        assert!(!has(&report, "react"));
    }
    assert!(has(&report, "rails"));
    fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
}

#[cfg(unix)]
#[test]
fn non_utf8_paths_and_contents() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let odd = root.join(OsStr::from_bytes(b"caf\xe9"));
    fs::create_dir_all(&odd).unwrap();
    fs::write(odd.join("package.json"), "{\"name\": \"odd\", \"dependencies\": {\"react\": \"18.2.0\"}}").unwrap();
    // Latin-1 in a comment: read with a replacement character, and said so.
    write(root, "Gemfile", b"# caf\xe9\ngem 'rails', '7.1.3'\n");
    let report = scan_path(root);
    let react = common::tool(&report, "react");
    assert_eq!(react.sources[0].file, "caf\u{fffd}/package.json");
    assert!(warning(&report, "Gemfile").contains("UTF-8"));
    assert_eq!(common::tool(&report, "rails").versions, ["7.1.3"]);
}

#[test]
fn vendored_folders_and_gitignore() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    with_healthy_gemfile(root);
    write(root, "node_modules/left-pad/package.json", "{\"dependencies\": {\"react\": \"1\"}}");
    write(root, "vendor/bundle/Gemfile", "gem 'sidekiq'\n");
    write(root, ".gitignore", "generated/\n");
    write(root, "generated/package.json", "{\"dependencies\": {\"vue\": \"3\"}}");
    let report = scan_path(root);
    assert!(!has(&report, "react") && !has(&report, "sidekiq") && !has(&report, "vuejs"));
    assert_eq!(report.components.len(), 1);
    let options = ScanOptions { include_vendored: true, ..ScanOptions::default() };
    let report = scan(Catalog::builtin(), root, &options).unwrap();
    assert!(has(&report, "react") && has(&report, "sidekiq"));
}

#[test]
fn a_missing_root_is_an_error_not_a_panic() {
    let err = scan(Catalog::builtin(), Path::new("/no/such/folder"), &ScanOptions::default()).unwrap_err();
    assert!(err.to_string().contains("no such folder"));
}

#[test]
fn every_parser_survives_arbitrary_bytes() {
    use stackdex_scan::{FileKind, parse_manifest};
    let samples: [&[u8]; 6] = [b"", b"\xff\xfe\x00", b"{{{{[[[[", b"<a><b><c>", b"- - - :\n  ? x", b"\"\\u{0}\" = '"];
    let deep = "[".repeat(100_000);
    for path in [
        "package.json",
        "package-lock.json",
        "yarn.lock",
        "pnpm-lock.yaml",
        "pnpm-workspace.yaml",
        "requirements.txt",
        "pyproject.toml",
        "Pipfile",
        "Pipfile.lock",
        "setup.cfg",
        "poetry.lock",
        "Cargo.toml",
        "Cargo.lock",
        "go.mod",
        "go.work",
        "Gemfile",
        "Gemfile.lock",
        "composer.json",
        "composer.lock",
        "pom.xml",
        "build.gradle",
        "settings.gradle",
        "gradle/libs.versions.toml",
        "a.csproj",
        "packages.config",
        "mix.exs",
        "mix.lock",
        "pubspec.yaml",
        "pubspec.lock",
        "Podfile",
        "Podfile.lock",
        "Package.swift",
        "Package.resolved",
        "Dockerfile",
        "docker-compose.yml",
        ".github/workflows/ci.yml",
        ".gitlab-ci.yml",
        "main.tf",
        "Chart.yaml",
        "k8s/app.yaml",
        ".env.example",
    ] {
        let kind = FileKind::of(path).unwrap_or_else(|| panic!("{path} is not a manifest"));
        for sample in samples {
            let _ = parse_manifest(kind, &String::from_utf8_lossy(sample));
        }
        let _ = parse_manifest(kind, &deep);
    }
}

#[test]
fn malformed_tool_files_are_warnings_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    with_healthy_gemfile(root);
    write(root, ".pre-commit-config.yaml", "repos: [unclosed");
    write(root, ".devcontainer/devcontainer.json", "{ \"image\": ");
    write(root, "mise.toml", "[tools\nnode =");
    write(root, "rust-toolchain.toml", "[toolchain\nchannel");
    write(root, "k8s/kustomization.yaml", "- just\n- a list\n");
    write(root, "serverless.yml", "provider: [");
    write(root, "global.json", "not json");
    write(root, ".nvmrc", "\u{0}\u{1}binary");
    write(root, "config/importmap.rb", "pin \"unterminated");
    write(root, "Tiltfile", "docker_build(");
    let report = scan_path(root);
    assert!(warning(&report, ".pre-commit-config.yaml").contains("YAML"));
    assert!(warning(&report, ".devcontainer/devcontainer.json").contains("JSON"));
    assert!(warning(&report, "mise.toml").contains("TOML"));
    assert!(warning(&report, "rust-toolchain.toml").contains("TOML"));
    assert!(warning(&report, "k8s/kustomization.yaml").contains("not a mapping"));
    assert!(warning(&report, "serverless.yml").contains("YAML"));
    assert!(warning(&report, "global.json").contains("JSON"));
    assert!(has(&report, "rails"), "the healthy Gemfile is still read");
    assert!(has(&report, "tilt"), "a half-written Tiltfile still names Tilt");
}
