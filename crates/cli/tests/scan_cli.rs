//! `stackdex scan` run as a process: its output formats, several repositories at once, and
//! `--strict`. The repositories are the scanner's fixtures (crates/scan/tests/fixtures).

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use stackdex_catalog::Catalog;
use stackdex_scan::{MultiReport, ScanOptions, render, techstack};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../scan/tests/fixtures").join(name)
}

/// `stackdex scan ARGS...`, run to its end.
fn stackdex_scan(args: &[&str]) -> assert_cmd::assert::Assert {
    Command::cargo_bin("stackdex").expect("the stackdex binary is built").arg("scan").args(args).assert()
}

#[test]
fn json_output_has_the_documented_shape() {
    let out = tempfile::tempdir().unwrap();
    let path = fixture("node-monorepo");
    stackdex_scan(&[path.to_str().unwrap(), "--format", "json", "--output", out.path().to_str().unwrap()]).success();
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("stack.json")).unwrap()).unwrap();
    let react = json["tools"].as_array().unwrap().iter().find(|t| t["slug"] == "react").unwrap();
    for key in ["slug", "name", "layer", "category", "subcategory", "versions", "sources"] {
        assert!(!react[key].is_null(), "tools[].{key}");
    }
    assert_eq!(react["versions"][0], "18.2.0");
    assert!(react["sources"][0]["file"].is_string() && react["sources"][0]["rule"].is_string());
    let component = &json["components"][0];
    assert!(component["path"].is_string() && component["tools"].is_array());
    let language = &json["languages"][0];
    assert!(language["name"].is_string() && language["bytes"].is_u64() && language["share"].is_f64());
}

#[test]
fn yaml_and_markdown_outputs() {
    let out = tempfile::tempdir().unwrap();
    let path = fixture("ruby-app");
    let dir = out.path().to_str().unwrap();
    stackdex_scan(&[path.to_str().unwrap(), "-f", "yaml", "-o", dir]).success();
    stackdex_scan(&[path.to_str().unwrap(), "-f", "markdown", "-o", dir]).success();
    // The YAML is the report the library gives, field for field.
    let report = stackdex_scan::scan(Catalog::builtin(), &path, &ScanOptions::default()).unwrap();
    let yaml = std::fs::read_to_string(out.path().join("stack.yaml")).unwrap();
    assert_eq!(yaml, render::yaml(&report));
    assert!(report.tools.iter().any(|t| t.slug == "rails" && t.versions == ["7.1.3"]));
    let md = std::fs::read_to_string(out.path().join("stack.md")).unwrap();
    assert!(md.contains("## Application & Data"), "{md}");
    assert!(md.contains("| Rails | Languages & Frameworks > Frameworks | 7.1.3 | Gemfile |"), "{md}");
}

#[test]
fn techstack_pair_round_trips_through_import() {
    let out = tempfile::tempdir().unwrap();
    let path = fixture("php-app");
    stackdex_scan(&[path.to_str().unwrap(), "--format", "techstack", "--output", out.path().to_str().unwrap()])
        .success();
    let yml = std::fs::read_to_string(out.path().join("techstack.yml")).unwrap();
    let md = std::fs::read_to_string(out.path().join("techstack.md")).unwrap();
    let file = techstack::parse(&yml).unwrap();
    assert_eq!(file.repo_name, "php-app");
    assert_eq!(file.detected_tools_count, file.tools.len());
    let laravel = file.tools.iter().find(|t| t.name == "Laravel").unwrap();
    assert_eq!(laravel.version.as_deref(), Some("10.48.2"));
    assert_eq!(laravel.detection_source.as_deref(), Some("composer.json"));
    assert_eq!(laravel.category.as_deref(), Some("Languages & Frameworks"));
    assert!(md.contains("Laravel"));
    let stack = techstack::import(Catalog::builtin(), &file);
    assert!(stack.tools.iter().any(|t| t.slug.as_deref() == Some("laravel")));
    // every tool is known; only package entries (with a package_url) may be unknown
    let packages: Vec<&str> = file.tools.iter().filter(|t| t.package_url.is_some()).map(|t| t.name.as_str()).collect();
    assert!(
        stack.unmatched().all(|t| packages.contains(&t.name.as_str())),
        "{:?}",
        stack.unmatched().collect::<Vec<_>>()
    );
}

#[test]
fn several_repositories_and_recursive_discovery() {
    let tree = tempfile::tempdir().unwrap();
    for (name, source) in [("one", "ruby-app"), ("nested/two", "php-app")] {
        let dir = tree.path().join(name);
        std::fs::create_dir_all(dir.join(".git")).unwrap();
        for file in std::fs::read_dir(fixture(source)).unwrap() {
            let file = file.unwrap();
            if file.file_type().unwrap().is_file() {
                std::fs::copy(file.path(), dir.join(file.file_name())).unwrap();
            }
        }
    }
    let found = stackdex_scan::find_repositories(tree.path()).unwrap();
    assert_eq!(found.len(), 2);
    let out = tempfile::tempdir().unwrap();
    stackdex_scan(&["--recursive", tree.path().to_str().unwrap(), "-f", "json", "-o", out.path().to_str().unwrap()])
        .success();
    let multi: MultiReport =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("stack.json")).unwrap()).unwrap();
    assert_eq!(multi.repositories.len(), 2);
    // the Gemfile has `gem 'pg'`, composer.json no database: one repository uses PostgreSQL
    let postgres = multi.aggregate.iter().find(|a| a.slug == "postgresql").unwrap();
    assert_eq!(postgres.repository_count, 1);
    let text = render::table_multi(&multi);
    assert!(text.contains("Across 2 repositories"), "{text}");
    assert!(text.contains("Rails: 1 repository, versions 7.1.3"), "{text}");
}

#[test]
fn strict_turns_warnings_into_a_failure() {
    let repo = tempfile::tempdir().unwrap();
    std::fs::write(repo.path().join("package.json"), "{ not json").unwrap();
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().to_str().unwrap();
    let path = repo.path().to_str().unwrap();
    stackdex_scan(&[path, "-f", "json", "-o", dir]).success();
    stackdex_scan(&[path, "-f", "json", "-o", dir, "--strict"]).code(1);
}

#[test]
fn packages_are_counted_in_the_table_listed_with_a_flag_and_written_to_stack_files() {
    let path = fixture("js-graphql");
    let table = stackdex_scan(&[path.to_str().unwrap(), "--no-progress"]).success();
    let text = String::from_utf8_lossy(&table.get_output().stdout).into_owned();
    assert!(text.contains("Packages: 11 direct dependencies"), "{text}");
    assert!(!text.contains("pkg:npm"), "{text}");
    let listed = stackdex_scan(&[path.to_str().unwrap(), "--packages"]).success();
    let text = String::from_utf8_lossy(&listed.get_output().stdout).into_owned();
    assert!(text.contains("Packages of"), "{text}");
    assert!(text.lines().any(|l| l.contains("@apollo/client") && l.contains("3.7.2") && l.contains("dev")), "{text}");

    let out = tempfile::tempdir().unwrap();
    stackdex_scan(&[path.to_str().unwrap(), "-f", "json", "-o", out.path().to_str().unwrap()]).success();
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("stack.json")).unwrap()).unwrap();
    let apollo = json["packages"].as_array().unwrap().iter().find(|p| p["name"] == "@apollo/client").unwrap();
    for key in ["name", "ecosystem", "purl", "version", "scope", "file", "tool"] {
        assert!(apollo.get(key).is_some(), "packages[].{key}");
    }
    assert_eq!(apollo["purl"], "pkg:npm/%40apollo/client@3.7.2");

    stackdex_scan(&[path.to_str().unwrap(), "-f", "techstack", "-o", out.path().to_str().unwrap()]).success();
    let file = techstack::parse(&std::fs::read_to_string(out.path().join("techstack.yml")).unwrap()).unwrap();
    let entry = file.tools.iter().find(|t| t.name == "@apollo/client").expect("a package entry");
    assert_eq!(entry.package_url.as_deref(), Some("https://www.npmjs.com/@apollo/client"));
    assert_eq!(entry.version.as_deref(), Some("3.7.2"));
    // a package named like a tool already listed is that tool's entry
    assert_eq!(file.tools.iter().filter(|t| t.name.eq_ignore_ascii_case("mongoose")).count(), 1);
    assert_eq!(file.detected_tools_count, file.tools.len());
}

/// `stackdex radar check` against a radar written to a temporary file.
fn radar_check(radar: &str, extra: &[&str]) -> assert_cmd::assert::Assert {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("techradar.yml");
    std::fs::write(&file, radar).unwrap();
    let repo = fixture("python-app");
    Command::cargo_bin("stackdex")
        .unwrap()
        .args(["radar", "check", repo.to_str().unwrap(), "--radar", file.to_str().unwrap()])
        .args(extra)
        .assert()
}

#[test]
fn radar_check_fails_on_a_tool_on_hold_naming_its_file() {
    let on_hold = "entries:\n  - {tool: Django, ring: hold}\n  - {tool: postgresql, ring: adopt}\n  - {tool: Kafkaa, ring: trial}\n";
    let out = radar_check(on_hold, &[]).code(1);
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(stdout.contains("hold: Django (django) is used in pyproject.toml"), "{stdout}");
    assert!(stdout.contains("not on the radar:") && stdout.contains("celery"), "{stdout}");
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.contains("\"Kafkaa\" is not a tool the catalog knows (did you mean kafka"), "{stderr}");

    let out = radar_check(on_hold, &["--format", "json"]).code(1);
    let json: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(json["hold"], serde_json::json!(["django"]));
    assert!(json["unlisted"].as_array().unwrap().iter().any(|s| s == "celery"));
    assert!(!json["unlisted"].as_array().unwrap().iter().any(|s| s == "django"), "it is on the radar");

    let fine = "entries:\n  - {tool: django, ring: adopt}\n  - {tool: jquery, ring: hold}\n";
    let out = radar_check(fine, &["--format", "json"]).success();
    let json: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(json["hold"], serde_json::json!([]), "jQuery is on hold but not used");

    for broken in ["entries: [", "entries:\n  - {tool: django, ring: someday}", "{\"entries\": 5}"] {
        let out = radar_check(broken, &[]).code(2);
        assert!(String::from_utf8_lossy(&out.get_output().stderr).contains("the radar file is not valid"), "{broken}");
    }
}
