//! Markdown: a section per layer with a table of tools, then languages and components.

use std::fmt::Write;

use super::{aggregate_line, by_layer, source_files};
use crate::report::{MultiReport, Report};

/// One report in Markdown: a section per layer with a table of tools, then languages and
/// components.
pub fn markdown(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Stack of {}\n", escape(&report.root));
    let _ = writeln!(out, "{} tools detected by `stackdex scan`.", report.tools.len());
    for (layer, tools) in by_layer(report) {
        let _ = writeln!(out, "\n## {layer}\n");
        let _ = writeln!(out, "| Tool | Category | Versions | Found in |");
        let _ = writeln!(out, "| --- | --- | --- | --- |");
        for tool in tools {
            let _ = writeln!(
                out,
                "| {} | {} > {} | {} | {} |",
                escape(&tool.name),
                escape(&tool.category),
                escape(&tool.subcategory),
                escape(&tool.versions.join(", ")),
                escape(&source_files(tool, 3)),
            );
        }
    }
    if !report.languages.is_empty() {
        let _ = writeln!(out, "\n## Languages\n");
        let _ = writeln!(out, "| Language | Share | Bytes |");
        let _ = writeln!(out, "| --- | ---: | ---: |");
        for l in &report.languages {
            let share =
                if l.kind.is_code() { format!("{:.1}%", l.share * 100.0) } else { format!("({})", l.kind.as_str()) };
            let _ = writeln!(out, "| {} | {share} | {} |", escape(&l.name), l.bytes);
        }
    }
    if report.components.len() > 1 {
        let _ = writeln!(out, "\n## Components\n");
        for c in &report.components {
            let _ = writeln!(out, "- `{}` ({}): {}", c.path, escape(&c.name), escape(&c.tools.join(", ")));
        }
    }
    if !report.warnings.is_empty() {
        let _ = writeln!(out, "\n## Warnings\n");
        for w in &report.warnings {
            let _ = writeln!(out, "- `{}`: {}", w.file, escape(&w.message));
        }
    }
    out
}

/// Several reports in Markdown: each repository's sections, then what they share.
pub fn markdown_multi(multi: &MultiReport) -> String {
    let mut out = String::new();
    for report in &multi.repositories {
        out.push_str(&markdown(report));
        out.push('\n');
    }
    let _ = writeln!(out, "# Across {} repositories\n", multi.repositories.len());
    for i in 0..multi.aggregate.len() {
        let _ = writeln!(out, "- {}", escape(&aggregate_line(multi, i)));
    }
    out
}

fn escape(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}
