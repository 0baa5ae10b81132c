//! The terminal summary of a history: per tool, when it was first seen, last seen (or
//! "present") and its versions over time.

use std::fmt::Write;

use crate::history::{CommitMark, History};

/// One line per tool (first seen, last seen or present), its version changes below it, then
/// the warnings.
pub fn history_table(history: &History) -> String {
    let mut out = String::new();
    let since = history.since.as_deref().map(|s| format!(" since {}", day(s))).unwrap_or_default();
    let _ = writeln!(
        out,
        "History of {} ({} commits{since}, HEAD {}; {} tools, {} changes)",
        history.repository,
        history.commits_scanned,
        short(&history.head),
        history.tools.len(),
        history.snapshots.len()
    );
    let width = history.tools.iter().map(|t| t.name.len()).max().unwrap_or(4).clamp(4, 32);
    for tool in &history.tools {
        let last = match &tool.last_seen {
            None => "present".to_owned(),
            Some(mark) => format!("last seen {}", at(mark)),
        };
        let _ = writeln!(out, "  {:width$}  first seen {}  {last}", tool.name, at(&tool.first_seen));
        for version in &tool.versions {
            let _ = writeln!(
                out,
                "  {:width$}    {} from {} {}",
                "",
                version.version,
                day(&version.date),
                short(&version.commit)
            );
        }
    }
    if !history.warnings.is_empty() {
        let _ = writeln!(out, "\nWarnings");
        for warning in &history.warnings {
            let _ = writeln!(out, "  {} {}: {}", short(&warning.commit), warning.file, warning.message);
        }
    }
    out
}

fn at(mark: &CommitMark) -> String {
    format!("{} {}", day(&mark.date), short(&mark.commit))
}

/// The date part of an RFC 3339 date.
fn day(date: &str) -> &str {
    date.get(..10).unwrap_or(date)
}

fn short(commit: &str) -> &str {
    commit.get(..8).unwrap_or(commit)
}
