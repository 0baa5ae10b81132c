//! The report's `packages`: every direct dependency of every manifest, with its purl, scope,
//! resolved version and the tool it maps to; and tool versions that belong to the tool.

use crate::common;

use common::*;
use stackdex_scan::{Package, Report, Scope};

fn package<'r>(report: &'r Report, name: &str) -> &'r Package {
    report.packages.iter().find(|p| p.name == name).unwrap_or_else(|| {
        panic!("no package {name}: {:?}", report.packages.iter().map(|p| &p.name).collect::<Vec<_>>())
    })
}

#[test]
fn every_npm_dependency_is_a_package_with_purl_scope_and_locked_version() {
    let report = scan_fixture("js-graphql");
    assert_eq!(report.packages.len(), 11, "{:#?}", report.packages);
    let apollo = package(&report, "@apollo/client");
    assert_eq!(apollo.purl, "pkg:npm/%40apollo/client@3.7.2");
    assert_eq!(apollo.version.as_deref(), Some("3.7.2"));
    assert_eq!(apollo.scope, Scope::Dev);
    assert_eq!(apollo.ecosystem, "npm");
    assert_eq!(apollo.file, "package.json");
    assert_eq!(apollo.component, ".");
    assert_eq!(apollo.tool.as_deref(), Some("apollo"));
    // the lockfile resolves the constraint; of two locked chalks, the direct one's major
    assert_eq!(package(&report, "apollo-server-micro").version.as_deref(), Some("3.13.0"));
    assert_eq!(package(&report, "chalk").version.as_deref(), Some("2.4.2"));
    assert_eq!(package(&report, "mongoose").scope, Scope::Runtime);
    // a package no rule knows is still listed, mapped to no tool
    let react = package(&report, "react");
    assert_eq!(react.version.as_deref(), Some("18"));
    assert_eq!(package(&report, "@codemirror/view").purl, "pkg:npm/%40codemirror/view@6.22.1");
}

#[test]
fn a_javascript_graphql_stack_gives_graphql_apollo_mongoose_and_mongodb() {
    let report = scan_fixture("js-graphql");
    for slug in ["graphql", "apollo", "mongoose", "mongodb", "nodejs", "yarn"] {
        tool(&report, slug);
    }
    assert_eq!(tool(&report, "mongoose").versions, ["6.11.3"]);
    // MongoDB's version is the image's, never the driver's or the ODM's
    assert_eq!(tool(&report, "mongodb").versions, ["6.0"]);
    // Node.js from .nvmrc, saying where it came from
    let node = tool(&report, "nodejs");
    assert_eq!(node.versions, ["20.11.0"]);
    assert_eq!(node.version_sources[0].files, [".nvmrc"]);
}

#[test]
fn packages_of_one_tool_give_one_version_line_or_a_range() {
    let report = scan_fixture("js-graphql");
    let codemirror = tool(&report, "codemirror");
    assert_eq!(codemirror.versions, ["6.2.1 - 6.22.1"], "{:#?}", codemirror.version_sources);
    assert_eq!(codemirror.version_sources.len(), 1);
    assert_eq!(codemirror.version_sources[0].from.len(), 3);
    // a plugin's version is not ESLint's
    assert!(tool(&report, "eslint").versions.is_empty());
}

#[test]
fn drivers_and_sdks_do_not_give_their_server_a_version() {
    let report = scan_fixture("devops-configs");
    assert!(tool(&report, "mysql").versions.is_empty(), "{:?}", tool(&report, "mysql").versions);
    assert!(tool(&report, "sqlite").versions.is_empty());
    assert_eq!(tool(&report, "gin-gonic").versions, ["1.9.1"]);
    let go = tool(&report, "golang");
    assert_eq!(go.versions, ["1.22", "1.22.1"]);
    assert!(go.version_sources.iter().any(|v| v.files == ["go.mod"] && v.from == ["go_mod:go"]));
    let mysql = package(&report, "github.com/go-sql-driver/mysql");
    assert_eq!(mysql.purl, "pkg:golang/github.com/go-sql-driver/mysql@v1.10.0");
    // indirect requirements are no direct dependencies
    assert!(!report.packages.iter().any(|p| p.name == "golang.org/x/text"));
}

#[test]
fn scopes_follow_each_ecosystems_words() {
    let uv = scan_fixture("uv-project");
    assert_eq!(package(&uv, "fastapi").scope, Scope::Runtime);
    assert_eq!(package(&uv, "fastapi").version.as_deref(), Some("0.111.0"));
    assert_eq!(package(&uv, "pytest").scope, Scope::Test);
    assert_eq!(package(&uv, "ruff").scope, Scope::Dev);
    assert_eq!(package(&uv, "hatchling").scope, Scope::Build);
    assert_eq!(package(&uv, "sqlalchemy").purl, "pkg:pypi/sqlalchemy@2.0.30");
    assert_eq!(tool(&uv, "python").versions, ["3.12.3"]);

    let rails = scan_fixture("rails-importmap");
    assert_eq!(package(&rails, "rails").scope, Scope::Runtime);
    assert_eq!(package(&rails, "debug").scope, Scope::Dev);
    assert_eq!(package(&rails, "capybara").scope, Scope::Test);
    assert_eq!(package(&rails, "rubocop").scope, Scope::Dev);
    assert_eq!(package(&rails, "rails").purl, "pkg:gem/rails@7.1.3");

    let android = scan_fixture("android-catalog");
    assert_eq!(package(&android, "junit:junit").scope, Scope::Test);
    let compiler = android.packages.iter().find(|p| p.name == "androidx.room:room-compiler").unwrap();
    assert_eq!(compiler.purl, "pkg:maven/androidx.room/room-compiler@2.6.1");
    let plugin = package(&android, "com.android.application:com.android.application.gradle.plugin");
    assert_eq!(plugin.scope, Scope::Build);

    let maven = scan_fixture("maven-multi");
    assert!(maven.packages.iter().any(|p| p.scope == Scope::Test), "{:#?}", maven.packages);
}

#[test]
fn components_keep_their_own_packages() {
    let report = scan_fixture("node-monorepo");
    let components: std::collections::BTreeSet<&str> = report.packages.iter().map(|p| p.component.as_str()).collect();
    assert!(components.len() > 1, "{components:?}");
    for package in &report.packages {
        assert!(report.components.iter().any(|c| c.path == package.component));
        assert!(package.file.starts_with(package.component.trim_start_matches('.')));
    }
}
