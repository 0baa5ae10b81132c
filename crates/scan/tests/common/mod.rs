//! Shared helpers: scan a fixture and look tools up in the report.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use stackdex_catalog::Catalog;
use stackdex_scan::{Component, Report, ScanOptions, ToolDetection, scan};

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

pub fn scan_fixture(name: &str) -> Report {
    scan_path(&fixture(name))
}

pub fn scan_path(path: &Path) -> Report {
    scan(Catalog::builtin(), path, &ScanOptions::default()).expect("scan runs")
}

pub fn tool<'r>(report: &'r Report, slug: &str) -> &'r ToolDetection {
    report.tools.iter().find(|t| t.slug == slug).unwrap_or_else(|| {
        panic!("{slug} not detected; found: {:?}", report.tools.iter().map(|t| &t.slug).collect::<Vec<_>>())
    })
}

pub fn has(report: &Report, slug: &str) -> bool {
    report.tools.iter().any(|t| t.slug == slug)
}

pub fn from_file(tool: &ToolDetection, file: &str) -> bool {
    tool.sources.iter().any(|s| s.file == file)
}

pub fn component<'r>(report: &'r Report, path: &str) -> &'r Component {
    report
        .components
        .iter()
        .find(|c| c.path == path)
        .unwrap_or_else(|| panic!("no component {path}: {:?}", report.components))
}
