//! Reading real techstack.yml files (quoted keys, folded descriptions, packages with
//! package_url, tools without a category) for `stackdex import`.

use crate::common;

use stackdex_catalog::Catalog;
use stackdex_scan::techstack;

fn read(name: &str) -> techstack::StackFile {
    let text = std::fs::read_to_string(common::fixture("stack-files").join(name)).unwrap();
    techstack::parse(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn real_stack_files_parse_with_their_counts() {
    for (name, repo) in [
        ("Ackee.techstack.yml", "2lambda123/Ackee"),
        ("koel.techstack.yml", "13alinskyi/koel"),
        ("sqlmodel-controller.techstack.yml", "thiagofmart/sqlmodel-controller"),
    ] {
        let file = read(name);
        assert_eq!(file.repo_name, repo);
        assert_eq!(file.tools.len(), file.detected_tools_count, "{name}");
        assert!(file.tools.iter().all(|t| !t.name.is_empty()));
    }
}

#[test]
fn packages_keep_their_versions_and_urls() {
    let file = read("Ackee.techstack.yml");
    let apollo = file.tools.iter().find(|t| t.name == "@apollo/client").unwrap();
    assert_eq!(apollo.version.as_deref(), Some("3.7.2"));
    assert_eq!(apollo.package_url.as_deref(), Some("https://www.npmjs.com/@apollo/client"));
}

#[test]
fn import_matches_tools_to_the_catalog() {
    let catalog = Catalog::builtin();
    let file = read("koel.techstack.yml");
    let stack = techstack::import(catalog, &file);
    let slugs: Vec<&str> = stack.tools.iter().filter_map(|t| t.slug.as_deref()).collect();
    for expected in ["javascript", "php", "laravel", "redis", "webpack"] {
        assert!(slugs.contains(&expected), "{expected} in {slugs:?}");
    }
    // StackShare's services (entries without a package_url) are nearly all in the catalog;
    // packages mostly are not. Unmatched tools are reported, not dropped.
    let services: Vec<&str> = file.tools.iter().filter(|t| t.package_url.is_none()).map(|t| t.name.as_str()).collect();
    let matched = stack.tools.iter().filter(|t| services.contains(&t.name.as_str()) && t.slug.is_some()).count();
    assert!(matched * 10 >= services.len() * 8, "{matched} of {} services", services.len());
    assert_eq!(stack.unmatched().count() + slugs.len(), stack.tools.len());
}

#[test]
fn malformed_stack_files_are_errors_not_panics() {
    assert!(techstack::parse("tools: [").is_err());
    assert!(techstack::parse("repo_name: ''\ntools: []").is_err());
    assert!(techstack::parse("- just\n- a list").is_err());
}
