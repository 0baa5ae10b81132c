//! Renderings of a report: a table grouped by layer (the default of `stackdex scan`), JSON,
//! YAML and Markdown, for one repository ([`Report`]) or several ([`MultiReport`]). StackShare's
//! Stack File pair is written by [`crate::techstack`].

mod history;
mod markdown;
mod table;

pub use history::history_table;
pub use markdown::{markdown, markdown_multi};
pub use table::{packages_table, table, table_multi};

use crate::report::{MultiReport, Report, ToolDetection};

/// A report (or several) as the documented JSON (docs/scan.md), pretty-printed, with a final
/// newline.
pub fn json<T: serde::Serialize>(value: &T) -> String {
    // Serialising these plain structs cannot fail.
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

/// A report (or several) as YAML, with the same fields as the JSON.
pub fn yaml<T: serde::Serialize>(value: &T) -> String {
    serde_norway::to_string(value).unwrap_or_default()
}

/// Groups a report's tools by layer, in the report's order.
pub(crate) fn by_layer(report: &Report) -> Vec<(&str, Vec<&ToolDetection>)> {
    let mut groups: Vec<(&str, Vec<_>)> = Vec::new();
    for tool in &report.tools {
        match groups.last_mut() {
            Some((layer, tools)) if *layer == tool.layer => tools.push(tool),
            _ => groups.push((&tool.layer, vec![tool])),
        }
    }
    groups
}

/// The files a tool was found in, shortest list first, for one-line displays.
pub(crate) fn source_files(tool: &ToolDetection, max: usize) -> String {
    let mut files: Vec<&str> = Vec::new();
    for source in &tool.sources {
        if !files.contains(&source.file.as_str()) {
            files.push(&source.file);
        }
    }
    let more = files.len().saturating_sub(max);
    let mut text = files.into_iter().take(max).collect::<Vec<_>>().join(", ");
    if more > 0 {
        text.push_str(&format!(" (+{more})"));
    }
    text
}

pub(crate) fn aggregate_line(multi: &MultiReport, i: usize) -> String {
    let tool = &multi.aggregate[i];
    let mut line = format!(
        "{}: {} repositor{}",
        tool.name,
        tool.repository_count,
        if tool.repository_count == 1 { "y" } else { "ies" }
    );
    if !tool.versions.is_empty() {
        line.push_str(&format!(", versions {}", tool.versions.join(", ")));
    }
    line
}
