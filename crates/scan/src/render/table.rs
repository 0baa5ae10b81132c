//! The terminal table: tools grouped by layer, then languages, components and warnings.

use std::fmt::Write;

use super::{aggregate_line, by_layer, source_files};
use crate::report::{MultiReport, Report};

/// The terminal table of one report: tools grouped by layer, then languages, components and
/// warnings.
pub fn table(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Stack of {} ({} tools)", report.root, report.tools.len());
    let name_width = report.tools.iter().map(|t| t.name.len()).max().unwrap_or(4).clamp(4, 32);
    let place_width = report.tools.iter().map(|t| t.subcategory.len()).max().unwrap_or(8).clamp(8, 36);
    for (layer, tools) in by_layer(report) {
        let _ = writeln!(out, "\n{layer}");
        for tool in tools {
            let versions = if tool.versions.is_empty() { "-".to_owned() } else { tool.versions.join(", ") };
            let weak = if tool.confidence < 0.75 { " (weak)" } else { "" };
            let _ = writeln!(
                out,
                "  {:name_width$}  {:place_width$}  {:14}  {}{weak}",
                truncate(&tool.name, name_width),
                truncate(&tool.subcategory, place_width),
                truncate(&versions, 14),
                source_files(tool, 3),
            );
        }
    }
    if !report.packages.is_empty() {
        let mapped = report.packages.iter().filter(|p| p.tool.is_some()).count();
        let _ = writeln!(
            out,
            "\nPackages: {} direct dependencies, {mapped} of them mapped to tools above (--packages lists them)",
            report.packages.len()
        );
    }
    if !report.languages.is_empty() {
        let _ = writeln!(out, "\nLanguages");
        for language in &report.languages {
            let share = if language.kind.is_code() {
                format!("{:6.2}%", language.share * 100.0)
            } else {
                format!("{:>7}", language.kind.as_str())
            };
            let _ =
                writeln!(out, "  {:16} {share}  {} bytes in {} files", language.name, language.bytes, language.files);
        }
    }
    if report.components.len() > 1 {
        let _ = writeln!(out, "\nComponents");
        for component in &report.components {
            let workspace = component.workspace.as_ref().map(|w| format!(" [workspace {w}]")).unwrap_or_default();
            let _ =
                writeln!(out, "  {} ({}){workspace}: {}", component.path, component.name, component.tools.join(", "));
        }
    }
    if !report.warnings.is_empty() {
        let _ = writeln!(out, "\nWarnings");
        for warning in &report.warnings {
            let _ = writeln!(out, "  {}: {}", warning.file, warning.message);
        }
    }
    out
}

/// Every package of a report, one line each: name, version, scope, ecosystem, the tool it maps
/// to, and the manifest.
pub fn packages_table(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Packages of {} ({})", report.root, report.packages.len());
    let name_width = report.packages.iter().map(|p| p.name.chars().count()).max().unwrap_or(4).clamp(4, 40);
    for package in &report.packages {
        let _ = writeln!(
            out,
            "  {:name_width$}  {:16}  {:7}  {:9}  {:16}  {}",
            truncate(&package.name, name_width),
            truncate(package.version.as_deref().unwrap_or("-"), 16),
            package.scope.as_str(),
            package.ecosystem,
            truncate(package.tool.as_deref().unwrap_or("-"), 16),
            package.file,
        );
    }
    out
}

/// The terminal table of several reports: each repository's table, then what they share.
pub fn table_multi(multi: &MultiReport) -> String {
    let mut out = String::new();
    for report in &multi.repositories {
        out.push_str(&table(report));
        out.push('\n');
    }
    let _ = writeln!(out, "Across {} repositories", multi.repositories.len());
    for i in 0..multi.aggregate.len() {
        let _ = writeln!(out, "  {}", aggregate_line(multi, i));
    }
    out
}

fn truncate(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_owned()
    } else {
        let mut t: String = text.chars().take(width.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}
