//! Languages: code by extension and by `#!` line, data and prose formats listed beside code,
//! shares of code bytes only (fixture tests/fixtures/languages-mix).

use crate::common;

use common::*;
use stackdex_scan::{LanguageKind, LanguageShare, Report};

fn language<'r>(report: &'r Report, slug: &str) -> &'r LanguageShare {
    report.languages.iter().find(|l| l.slug == slug).unwrap_or_else(|| {
        panic!("no language {slug}: {:?}", report.languages.iter().map(|l| &l.slug).collect::<Vec<_>>())
    })
}

fn size(rel: &str) -> u64 {
    std::fs::metadata(fixture("languages-mix").join(rel)).unwrap().len()
}

#[test]
fn shell_scripts_by_extension_and_by_shebang() {
    let report = scan_fixture("languages-mix");
    // `.sh` is Shell; an executable `#!/bin/sh` without an extension too.
    let shell = language(&report, "shell");
    assert_eq!((shell.files, shell.bytes), (2, size("scripts/build.sh") + size("bin/setup")));
    assert_eq!(shell.kind, LanguageKind::Programming);
    // `.bash` and `#!/usr/bin/env bash` are Bash, `.zsh` is Zsh.
    let bash = language(&report, "gnu-bash");
    assert_eq!((bash.files, bash.bytes), (2, size("scripts/release.bash") + size("bin/deploy")));
    assert_eq!(language(&report, "zsh-zshell").files, 1);
    // `#!/usr/bin/env python3` counts as Python.
    let python = language(&report, "python");
    assert_eq!((python.files, python.bytes), (2, size("app/main.py") + size("bin/manage")));
    // bin/notes starts with `#!/bin/sh` but is not executable: not a script.
    assert!(report.languages.iter().all(|l| l.files <= 2), "{:?}", report.languages);

    // Languages are tools of the stack, with the files that show them.
    let shell = tool(&report, "shell");
    assert!(shell.sources.iter().any(|s| s.file == "**/*.{sh,ksh}" && s.rule == "extension:.sh,.ksh"));
    assert!(shell.sources.iter().any(|s| s.file == "bin/setup" && s.rule == "shebang:sh"), "{:?}", shell.sources);
    let bash = tool(&report, "gnu-bash");
    assert!(bash.sources.iter().any(|s| s.file == "bin/deploy" && s.rule == "shebang:bash"));
    assert!(from_file(tool(&report, "python"), "bin/manage"));
    assert!(has(&report, "zsh-zshell"));
    assert!(has(&report, "sql"), "SQL files are code");
}

#[test]
fn data_and_prose_formats_are_listed_but_are_not_code() {
    let report = scan_fixture("languages-mix");
    let json = language(&report, "json");
    assert_eq!((json.kind, json.files, json.bytes), (LanguageKind::Data, 1, size("data/seed.json")));
    let yaml = language(&report, "yaml");
    assert_eq!((yaml.kind, yaml.files), (LanguageKind::Data, 2), "both .yml and .yaml");
    assert_eq!(language(&report, "xml-format").kind, LanguageKind::Data);
    assert_eq!(language(&report, "graphql").kind, LanguageKind::Data);
    let markdown = language(&report, "markdown");
    assert_eq!((markdown.kind, markdown.files), (LanguageKind::Prose, 2), "both .md and .markdown");
    assert_eq!(language(&report, "html5").kind, LanguageKind::Markup);
    assert_eq!(language(&report, "css-3").kind, LanguageKind::Markup);

    // The share is of code bytes: data and prose have none, code shares add up to 1.
    let code: Vec<&LanguageShare> = report.languages.iter().filter(|l| l.kind.is_code()).collect();
    let total: f64 = code.iter().map(|l| l.share).sum();
    assert!((total - 1.0).abs() < 1e-9, "{total}");
    let code_bytes: u64 = code.iter().map(|l| l.bytes).sum();
    let python = language(&report, "python");
    assert!((python.share - python.bytes as f64 / code_bytes as f64).abs() < 1e-12);
    assert!(report.languages.iter().filter(|l| !l.kind.is_code()).all(|l| l.share == 0.0));
    // Code first, largest first; then data and prose, largest first.
    let kinds: Vec<bool> = report.languages.iter().map(|l| l.kind.is_code()).collect();
    assert!(kinds.windows(2).all(|w| w[0] >= w[1]), "{:?}", report.languages);
    assert_eq!(report.languages[0].slug, "python");
    assert_eq!(report.languages[code.len()].slug, "markdown", "{:?}", report.languages);

    // Data and prose formats are in nearly every repository: not tools of the stack.
    for slug in ["json", "yaml", "xml-format", "markdown"] {
        assert!(!has(&report, slug), "{slug} listed as a tool");
    }
}

#[test]
fn kind_is_in_the_json_schema_and_optional_when_read_back() {
    let report = scan_fixture("languages-mix");
    let json: serde_json::Value = serde_json::from_str(&stackdex_scan::render::json(&report)).unwrap();
    let languages = json["languages"].as_array().unwrap();
    let yaml = languages.iter().find(|l| l["slug"] == "yaml").unwrap();
    assert_eq!(yaml["kind"], "data");
    assert_eq!(yaml["share"], 0.0);
    let markdown = languages.iter().find(|l| l["slug"] == "markdown").unwrap();
    assert_eq!(markdown["kind"], "prose");
    // A report written before `kind` existed still reads (as programming).
    let old: LanguageShare =
        serde_json::from_str(r#"{"slug":"rust","name":"Rust","bytes":1,"files":1,"share":1.0}"#).unwrap();
    assert_eq!(old.kind, LanguageKind::Programming);
    // The table and Markdown show the kind instead of a share for data and prose.
    assert!(stackdex_scan::render::table(&report).contains("YAML"));
    assert!(stackdex_scan::render::markdown(&report).contains("| YAML | (data) |"));
}

#[cfg(unix)]
#[test]
fn only_executable_files_are_sniffed_for_a_shebang() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("run");
    std::fs::write(&script, "#!/usr/bin/env bash\necho hi\n").unwrap();
    std::fs::write(dir.path().join("LICENSE"), "#!/bin/sh is not how a licence starts\n").unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o644)).unwrap();
    assert!(scan_path(dir.path()).languages.is_empty());
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let report = scan_path(dir.path());
    assert_eq!(report.languages.len(), 1, "{:?}", report.languages);
    assert_eq!(report.languages[0].slug, "gnu-bash");
    assert_eq!(report.languages[0].share, 1.0);
    // A script known only by its `#!` line has no `**/*.bash` source.
    assert_eq!(tool(&report, "gnu-bash").sources.len(), 1);
}
