//! Files read since the packages work: Gradle version catalogs, Rails importmaps, Kustomize,
//! Skaffold, Istio, pre-commit, devcontainers, Tiltfiles, serverless.yml, App Engine, Cloud
//! Build, and runtime version files. Each fixture's expected stack is checked here.

use crate::common;

use common::*;

fn slugs(report: &stackdex_scan::Report) -> Vec<&str> {
    report.tools.iter().map(|t| t.slug.as_str()).collect()
}

#[test]
fn gradle_version_catalog_libraries_bundles_and_plugins() {
    let report = scan_fixture("android-catalog");
    for slug in ["android-room", "retrofit", "okhttp", "junit", "kotlin"] {
        assert!(has(&report, slug), "{slug}: {:?}", slugs(&report));
    }
    assert!(from_file(tool(&report, "android-room"), "gradle/libs.versions.toml"));
    assert_eq!(tool(&report, "android-room").versions, ["2.6.1"]);
    assert_eq!(tool(&report, "okhttp").versions, ["4.12.0"]);
}

#[test]
fn rails_importmap_pins_are_npm_packages() {
    let report = scan_fixture("rails-importmap");
    let stimulus = report.packages.iter().find(|p| p.name == "@hotwired/stimulus").expect("stimulus pinned");
    assert_eq!(stimulus.version.as_deref(), Some("3.2.2"));
    assert_eq!(stimulus.file, "config/importmap.rb");
    assert!(!report.packages.iter().any(|p| p.name == "application"));
    assert!(has(&report, "stimulus"), "{:?}", slugs(&report));
    assert!(has(&report, "js-chart"), "{:?}", slugs(&report));
    assert_eq!(tool(&report, "ruby").versions, ["3.3.0"]);
    assert_eq!(tool(&report, "rails").versions, ["7.1.3"]);
}

#[test]
fn kubernetes_tooling_files() {
    let report = scan_fixture("devops-configs");
    for slug in
        ["kustomize", "skaffold", "istio", "tilt", "helm", "cert-manager", "jib", "docker", "kubernetes", "redis"]
    {
        assert!(has(&report, slug), "{slug}: {:?}", slugs(&report));
    }
    assert!(from_file(tool(&report, "istio"), "deploy/istio/virtual-service.yaml"));
    assert_eq!(tool(&report, "redis").versions, ["7.2"]);
}

#[test]
fn pre_commit_hooks_devcontainers_and_version_files() {
    let report = scan_fixture("devops-configs");
    assert_eq!(tool(&report, "black").versions, ["24.2.0"]);
    assert_eq!(tool(&report, "ruff").versions, ["0.3.0"]);
    assert!(has(&report, "shellcheck") && has(&report, "pre-commit"), "{:?}", slugs(&report));
    assert!(has(&report, "devcontainers"));
    assert!(tool(&report, "nodejs").versions.contains(&"20".to_owned()));
    assert_eq!(tool(&report, "rust").versions, ["1.76.0"]);
    assert_eq!(tool(&report, "dot-net").versions, ["8.0.100"]);
    assert_eq!(tool(&report, "terraform").versions, ["1.7.4"]);
    assert!(tool(&report, "python").versions.contains(&"3.12".to_owned()));
}

#[test]
fn serverless_app_engine_and_cloud_build() {
    let report = scan_fixture("devops-configs");
    for slug in ["serverless", "aws-lambda", "amazon-dynamodb", "amazon-s3", "google-app-engine", "google-cloud-build"]
    {
        assert!(has(&report, slug), "{slug}: {:?}", slugs(&report));
    }
    assert!(tool(&report, "nodejs").versions.contains(&"18".to_owned()));
    let offline = report.packages.iter().find(|p| p.name == "serverless-offline").expect("plugin is a package");
    assert_eq!(offline.scope, stackdex_scan::Scope::Dev);
}
