//! A stack's timeline: when each of its tools came and went, read from its snapshots (pushed
//! one by one, or from git history at once), and what each snapshot added and removed.

use std::collections::{BTreeSet, HashMap};

use serde::Serialize;
use stackdex_store::{SnapshotMembership, ToolId};
use utoipa::ToSchema;

use crate::views::NameLink;
use crate::{App, format};

/// A point of the timeline: a snapshot's number and day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct TimelinePoint {
    /// The snapshot's number (v1, v2, …).
    pub number: i64,
    /// Its date, seconds since the epoch.
    pub at: i64,
}

/// A stretch of snapshots in a row that held a tool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Span {
    /// The first snapshot that held it.
    pub from: TimelinePoint,
    /// The snapshot that no longer held it; none while the latest holds it.
    pub to: Option<TimelinePoint>,
}

/// One tool's presence over the stack's history.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ToolSpans {
    pub slug: String,
    pub name: String,
    /// Oldest first; a tool removed and added again has several.
    pub spans: Vec<Span>,
}

impl ToolSpans {
    /// Whether the latest snapshot holds it.
    pub fn present(&self) -> bool {
        self.spans.last().is_some_and(|s| s.to.is_none())
    }
}

/// What one snapshot changed against the one before it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TimelineChange {
    pub number: i64,
    pub at: i64,
    pub added: Vec<NameLink>,
    pub removed: Vec<NameLink>,
}

/// The whole timeline, from the first snapshot to the latest.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct StackTimeline {
    /// The first snapshot's date (none for a stack without snapshots).
    pub start: Option<i64>,
    /// The latest snapshot's date.
    pub end: Option<i64>,
    /// Every tool the stack ever held, by the day it first came (then by name).
    pub tools: Vec<ToolSpans>,
    /// Snapshots that added or removed a tool, newest first.
    pub changes: Vec<TimelineChange>,
}

/// Most rows the drawing has; past it, tools held from the first snapshot to now are left
/// to the table (their rows say the least).
pub const MAX_ROWS: usize = 60;

/// One bar of the drawn timeline: where it starts and how wide it is, in per cent of the
/// width, and its dates in words.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub x: f64,
    pub width: f64,
    pub label: String,
}

impl StackTimeline {
    /// Built from the memberships of a stack's snapshots in order; `tool` names a tool id
    /// (tools the catalog no longer has are left out).
    pub fn of(rows: &[SnapshotMembership], tool: impl Fn(ToolId) -> Option<NameLink>) -> StackTimeline {
        // Snapshots in order, each with the set of tools it held.
        let mut snapshots: Vec<(TimelinePoint, BTreeSet<ToolId>)> = Vec::new();
        for row in rows {
            let point = TimelinePoint { number: row.number, at: row.created_at };
            if snapshots.last().is_none_or(|(p, _)| p.number != row.number) {
                snapshots.push((point, BTreeSet::new()));
            }
            if let (Some(id), Some((_, set))) = (row.tool_id, snapshots.last_mut()) {
                set.insert(id);
            }
        }
        let mut names: HashMap<ToolId, Option<NameLink>> = HashMap::new();
        let mut name = |id: ToolId| names.entry(id).or_insert_with(|| tool(id)).clone();
        let mut spans: HashMap<ToolId, Vec<Span>> = HashMap::new();
        let mut changes = Vec::new();
        let empty = BTreeSet::new();
        for (i, (point, set)) in snapshots.iter().enumerate() {
            let before = if i == 0 { &empty } else { &snapshots[i - 1].1 };
            let mut change = TimelineChange { number: point.number, at: point.at, added: vec![], removed: vec![] };
            for &id in set.difference(before) {
                spans.entry(id).or_default().push(Span { from: *point, to: None });
                change.added.extend(name(id));
            }
            for &id in before.difference(set) {
                if let Some(open) = spans.get_mut(&id).and_then(|s| s.last_mut()) {
                    open.to = Some(*point);
                }
                change.removed.extend(name(id));
            }
            if !change.added.is_empty() || !change.removed.is_empty() {
                change.added.sort_by_key(|t| t.name.to_lowercase());
                change.removed.sort_by_key(|t| t.name.to_lowercase());
                changes.push(change);
            }
        }
        changes.reverse();
        let mut tools: Vec<ToolSpans> = spans
            .into_iter()
            .filter_map(|(id, spans)| {
                let link = name(id)?;
                Some(ToolSpans { slug: link.slug, name: link.name, spans })
            })
            .collect();
        tools.sort_by(|a, b| {
            (a.spans[0].from.number, a.name.to_lowercase()).cmp(&(b.spans[0].from.number, b.name.to_lowercase()))
        });
        StackTimeline {
            start: snapshots.first().map(|(p, _)| p.at),
            end: snapshots.last().map(|(p, _)| p.at),
            tools,
            changes,
        }
    }

    /// Whether there is a history to draw: more than one snapshot, over more than a moment.
    pub fn drawable(&self) -> bool {
        matches!((self.start, self.end), (Some(a), Some(b)) if b > a) && !self.tools.is_empty()
    }

    /// The bars of one tool, placed on the time axis from the first snapshot to the latest.
    /// A tool still present runs to the end.
    pub fn bars(&self, tool: &ToolSpans) -> Vec<Bar> {
        let (Some(start), Some(end)) = (self.start, self.end) else { return vec![] };
        let range = (end - start).max(1) as f64;
        let at = |t: i64| ((t - start) as f64 / range * 100.0).clamp(0.0, 100.0);
        tool.spans
            .iter()
            .map(|span| {
                let x = at(span.from.at);
                let to = span.to.map_or(100.0, |p| at(p.at));
                // At least a sliver, so a tool held for one snapshot shows.
                let width = (to - x).max(0.6).min(100.0 - x.min(99.4));
                let label = match span.to {
                    Some(p) => format!("{} to {}", format::date(span.from.at), format::date(p.at)),
                    None => format!("since {}", format::date(span.from.at)),
                };
                Bar { x: round(x), width: round(width), label }
            })
            .collect()
    }

    /// The axis's year marks: each January 1st within the range, in per cent of the width.
    pub fn years(&self) -> Vec<(f64, i32)> {
        use chrono::{Datelike, TimeZone, Utc};
        let (Some(start), Some(end)) = (self.start, self.end) else { return vec![] };
        let range = (end - start).max(1) as f64;
        let (Some(first), Some(last)) = (Utc.timestamp_opt(start, 0).single(), Utc.timestamp_opt(end, 0).single())
        else {
            return vec![];
        };
        (first.year() + 1..=last.year())
            .filter_map(|y| Utc.with_ymd_and_hms(y, 1, 1, 0, 0, 0).single())
            .map(|d| (round((d.timestamp() - start) as f64 / range * 100.0), d.year()))
            .collect()
    }

    /// The tools the drawing has a row for: all of them up to [`MAX_ROWS`]; past it, those
    /// that came or went first, then those held all along, in the timeline's order.
    pub fn drawn(&self) -> Vec<&ToolSpans> {
        if self.tools.len() <= MAX_ROWS {
            return self.tools.iter().collect();
        }
        let all_along = |t: &ToolSpans| t.spans.len() == 1 && t.present() && Some(t.spans[0].from.at) == self.start;
        let changed = self.tools.iter().filter(|t| !all_along(t)).count();
        let mut room = MAX_ROWS.saturating_sub(changed);
        self.tools
            .iter()
            .filter(|t| {
                if !all_along(t) {
                    return true;
                }
                let keep = room > 0;
                room = room.saturating_sub(1);
                keep
            })
            .take(MAX_ROWS)
            .collect()
    }

    /// How many tools the drawing leaves to the table.
    pub fn undrawn(&self) -> usize {
        self.tools.len() - self.drawn().len()
    }

    /// The year marks that have room for their label (not at the right edge).
    pub fn year_labels(&self) -> Vec<(f64, i32)> {
        self.years().into_iter().filter(|(x, _)| *x <= 92.0).collect()
    }

    /// What snapshot `number` added and removed, when it changed the tools.
    pub fn change_of(&self, number: &i64) -> Option<&TimelineChange> {
        self.changes.iter().find(|c| c.number == *number)
    }

    /// A tool's spans in words: "Mar 1, 2021 to Jun 2, 2022; since Jan 5, 2023".
    pub fn spans_text(&self, tool: &ToolSpans) -> String {
        self.bars(tool).into_iter().map(|b| b.label).collect::<Vec<_>>().join("; ")
    }

    /// What the drawing shows, in one sentence (the chart's accessible name).
    pub fn summary(&self) -> String {
        let (Some(start), Some(end)) = (self.start, self.end) else {
            return "No history".into();
        };
        let present = self.tools.iter().filter(|t| t.present()).count();
        format!(
            "Timeline of {} tools from {} to {}: {} present now, {} removed",
            self.tools.len(),
            format::date(start),
            format::date(end),
            present,
            self.tools.len() - present
        )
    }
}

fn round(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

impl App {
    /// The timeline of a stack's tools over all its snapshots.
    pub(crate) async fn stack_timeline(&self, stack: stackdex_store::StackId) -> crate::Result<StackTimeline> {
        let rows = self.store.snapshot_memberships(stack).await?;
        Ok(StackTimeline::of(&rows, |id| self.tool_by_id(id).map(NameLink::of)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(snapshots: &[(i64, i64, &[i64])]) -> Vec<SnapshotMembership> {
        let mut out = Vec::new();
        for &(number, at, tools) in snapshots {
            if tools.is_empty() {
                out.push(SnapshotMembership { number, created_at: at, tool_id: None });
            }
            for &t in tools {
                out.push(SnapshotMembership { number, created_at: at, tool_id: Some(ToolId(t)) });
            }
        }
        out
    }

    fn named(id: ToolId) -> Option<NameLink> {
        (id.0 != 99).then(|| NameLink::new(format!("t{}", id.0), format!("Tool {}", id.0)))
    }

    #[test]
    fn spans_follow_tools_in_and_out_and_changes_name_them() {
        let day = 86_400;
        let timeline = StackTimeline::of(
            &rows(&[(1, 0, &[1, 2]), (2, 10 * day, &[1, 2, 3]), (3, 20 * day, &[1, 3]), (4, 40 * day, &[1, 2, 99])]),
            named,
        );
        assert_eq!(timeline.start, Some(0));
        assert_eq!(timeline.end, Some(40 * day));
        let names: Vec<&str> = timeline.tools.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["Tool 1", "Tool 2", "Tool 3"], "by first seen; an unknown tool left out");
        let two = &timeline.tools[1];
        assert_eq!(two.spans.len(), 2, "removed in v3, back in v4");
        assert_eq!(two.spans[0].to.map(|p| p.number), Some(3));
        assert!(two.present());
        let three = &timeline.tools[2];
        assert_eq!(three.spans[0].to.map(|p| p.number), Some(4));
        assert!(!three.present());
        let bars = timeline.bars(three);
        assert_eq!(bars, [Bar { x: 25.0, width: 75.0, label: "Jan 11, 1970 to Feb 10, 1970".into() }]);
        let changes: Vec<(i64, usize, usize)> =
            timeline.changes.iter().map(|c| (c.number, c.added.len(), c.removed.len())).collect();
        assert_eq!(changes, [(4, 1, 1), (3, 0, 1), (2, 1, 0), (1, 2, 0)], "newest first; v4's unknown tool unnamed");
        assert_eq!(
            timeline.summary(),
            "Timeline of 3 tools from Jan 1, 1970 to Feb 10, 1970: 2 present now, 1 removed"
        );
        assert!(timeline.drawable());
    }

    #[test]
    fn past_the_row_limit_tools_held_all_along_are_left_to_the_table() {
        let all: Vec<i64> = (1..=70).collect();
        let later: Vec<i64> = (1..=70).chain([71, 72]).collect();
        let timeline = StackTimeline::of(&rows(&[(1, 0, &all), (2, 10, &later[2..])]), named);
        let drawn: Vec<&str> = timeline.drawn().iter().map(|t| t.slug.as_str()).collect();
        assert_eq!(drawn.len(), MAX_ROWS);
        assert!(drawn.contains(&"t1") && drawn.contains(&"t2"), "removed ones are drawn");
        assert!(drawn.contains(&"t71") && drawn.contains(&"t72"), "added ones are drawn");
        assert_eq!(timeline.undrawn(), 72 - MAX_ROWS);
    }

    #[test]
    fn one_snapshot_or_none_draws_nothing() {
        assert!(!StackTimeline::of(&rows(&[(1, 5, &[1])]), named).drawable());
        let none = StackTimeline::of(&[], named);
        assert!(
            !none.drawable() && none.bars(&ToolSpans { slug: "x".into(), name: "X".into(), spans: vec![] }).is_empty()
        );
        let empty = StackTimeline::of(&rows(&[(1, 5, &[]), (2, 9, &[])]), named);
        assert!(empty.tools.is_empty() && empty.changes.is_empty());
    }

    #[test]
    fn year_marks_fall_on_new_years_days() {
        // 2023-07-01 to 2025-07-01.
        let timeline = StackTimeline::of(&rows(&[(1, 1_688_169_600, &[1]), (2, 1_751_328_000, &[1])]), named);
        let years: Vec<i32> = timeline.years().iter().map(|(_, y)| *y).collect();
        assert_eq!(years, [2024, 2025]);
        assert!((timeline.years()[0].0 - 25.17).abs() < 0.1, "{:?}", timeline.years());
    }
}
