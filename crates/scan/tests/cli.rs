//! The `stackdex scan` command (crates/cli/src/scan_cmd.rs), driven through its clap arguments.

#[path = "../../cli/src/scan_cmd.rs"]
#[allow(dead_code)]
mod scan_cmd;

mod common;

use clap::Parser;
use common::fixture;
use std::process::ExitCode;

#[derive(Parser)]
struct Cli {
    #[command(flatten)]
    args: scan_cmd::ScanArgs,
}

fn run(args: &[&str]) -> ExitCode {
    let mut argv = vec!["stackdex-scan"];
    argv.extend_from_slice(args);
    scan_cmd::run(&Cli::parse_from(argv).args).expect("command runs")
}

#[test]
fn json_output_has_the_documented_shape() {
    let out = tempfile::tempdir().unwrap();
    let path = fixture("node-monorepo");
    let code = run(&[path.to_str().unwrap(), "--format", "json", "--output", out.path().to_str().unwrap()]);
    assert_eq!(code, ExitCode::SUCCESS);
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
    run(&[path.to_str().unwrap(), "-f", "yaml", "-o", dir]);
    run(&[path.to_str().unwrap(), "-f", "markdown", "-o", dir]);
    let yaml: stackdex_scan::Report =
        serde_norway::from_str(&std::fs::read_to_string(out.path().join("stack.yaml")).unwrap()).unwrap();
    assert!(yaml.tools.iter().any(|t| t.slug == "rails" && t.versions == ["7.1.3"]));
    let md = std::fs::read_to_string(out.path().join("stack.md")).unwrap();
    assert!(md.contains("## Application & Data"), "{md}");
    assert!(md.contains("| Rails | Languages & Frameworks > Frameworks | 7.1.3 | Gemfile |"), "{md}");
}

#[test]
fn techstack_pair_round_trips_through_import() {
    let out = tempfile::tempdir().unwrap();
    let path = fixture("php-app");
    run(&[path.to_str().unwrap(), "--format", "techstack", "--output", out.path().to_str().unwrap()]);
    let yml = std::fs::read_to_string(out.path().join("techstack.yml")).unwrap();
    let md = std::fs::read_to_string(out.path().join("techstack.md")).unwrap();
    let file = stackdex_scan::techstack::parse(&yml).unwrap();
    assert_eq!(file.repo_name, "php-app");
    assert_eq!(file.detected_tools_count, file.tools.len());
    let laravel = file.tools.iter().find(|t| t.name == "Laravel").unwrap();
    assert_eq!(laravel.version.as_deref(), Some("10.48.2"));
    assert_eq!(laravel.detection_source.as_deref(), Some("composer.json"));
    assert_eq!(laravel.category.as_deref(), Some("Languages & Frameworks"));
    assert!(md.contains("Laravel"));
    let stack = stackdex_scan::techstack::import(stackdex_catalog::Catalog::builtin(), &file);
    assert!(stack.tools.iter().any(|t| t.slug.as_deref() == Some("laravel")));
    assert_eq!(stack.unmatched().count(), 0);
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
    let code = run(&["--recursive", tree.path().to_str().unwrap(), "-f", "json", "-o", out.path().to_str().unwrap()]);
    assert_eq!(code, ExitCode::SUCCESS);
    let multi: stackdex_scan::MultiReport =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("stack.json")).unwrap()).unwrap();
    assert_eq!(multi.repositories.len(), 2);
    // the Gemfile has `gem 'pg'`, composer.json no database: one repository uses PostgreSQL
    let postgres = multi.aggregate.iter().find(|a| a.slug == "postgresql").unwrap();
    assert_eq!(postgres.repository_count, 1);
    let text = stackdex_scan::render::table_multi(&multi);
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
    assert_eq!(run(&[path, "-f", "json", "-o", dir]), ExitCode::SUCCESS);
    assert_eq!(run(&[path, "-f", "json", "-o", dir, "--strict"]), ExitCode::from(1));
}
