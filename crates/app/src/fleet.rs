//! The fleet of an organisation: each tool across its stacks, with the versions each stack is
//! on now (its latest snapshot), how many are behind the newest major version, which versions are
//! past their end of life (release cycles imported from endoflife.date's JSON), and, per tool,
//! the share of stacks on the newest major month by month, read from the snapshots.
//!
//! Versions are compared by their numeric parts (`1.10.2` after `1.9`); the major version is
//! the first part. A version belongs to the release cycle that is its longest prefix at a dot
//! (`16.2` to `16`, `3.11.4` to `3.11`). A stack whose scan found no version of a tool counts
//! in `stacks` but neither in `versions` nor in `behind`.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};
use stackdex_store::{FleetRow, ReleaseCycle, StackId, ToolId};
use utoipa::ToSchema;

use crate::views::NameLink;
use crate::{App, AppError, Result};

/// Days before an end of life from which a version is flagged as near it.
pub const EOL_WARNING_DAYS: i64 = 90;
/// Most release cycles one import may hold.
const MAX_CYCLES: usize = 1_000;

/// One version of a tool in the fleet, and the stacks on it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FleetVersion {
    pub version: String,
    /// `owner/name` of each stack on it.
    pub stacks: Vec<String>,
    /// The end of life of its release cycle (YYYY-MM-DD), when one is known and set.
    pub eol: Option<String>,
    pub past_eol: bool,
    /// Its end of life is within [`EOL_WARNING_DAYS`] days.
    pub eol_soon: bool,
}

/// One tool across an organisation's stacks.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FleetTool {
    pub slug: String,
    pub name: String,
    /// Stacks that hold it now.
    pub stacks: usize,
    /// Newest first.
    pub versions: Vec<FleetVersion>,
    pub newest: Option<String>,
    pub oldest: Option<String>,
    /// Stacks whose newest version of it is not on the newest major version.
    pub behind: usize,
}

impl FleetTool {
    /// Stacks on a version past its end of life.
    pub fn past_eol_stacks(&self) -> usize {
        self.versions.iter().filter(|v| v.past_eol).map(|v| v.stacks.len()).sum()
    }
}

/// An organisation's tools across its stacks, the most used first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Fleet {
    pub organisation: NameLink,
    /// How many stacks the organisation has with at least one snapshot.
    pub stack_count: usize,
    pub tools: Vec<FleetTool>,
}

/// One month of a tool's upgrade progress.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UpgradeMonth {
    /// YYYY-MM.
    pub month: String,
    /// Stacks holding a version of the tool at the end of that month.
    pub stacks: usize,
    /// Of those, the ones on today's newest major version.
    pub on_newest: usize,
}

impl UpgradeMonth {
    /// The share on the newest major, in percent.
    pub fn percent(&self) -> u32 {
        (self.on_newest * 100).checked_div(self.stacks).unwrap_or(0) as u32
    }
}

/// One tool of an organisation's fleet, with its upgrade progress month by month.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FleetToolPage {
    pub organisation: NameLink,
    pub tool: FleetTool,
    /// Oldest month first, up to the current month.
    pub progress: Vec<UpgradeMonth>,
}

/// A release cycle as endoflife.date's API gives it (`/api/{product}.json`).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CycleJson {
    cycle: serde_json::Value,
    #[serde(default)]
    release_date: Option<String>,
    /// A date, or `false` when no end is set (or `true` when it ended on an unknown day).
    #[serde(default)]
    eol: serde_json::Value,
    #[serde(default)]
    latest: Option<serde_json::Value>,
}

/// The numeric parts of a version (`v1.10.2-rc1` → [1, 10, 2]); empty when it has none.
fn parts(version: &str) -> Vec<u64> {
    let v = version.trim().trim_start_matches(['v', 'V', '^', '~', '=', '>', '<', ' ']);
    v.split(['.', '-', '+', '_'])
        .map_while(|p| {
            let digits: String = p.chars().take_while(char::is_ascii_digit).collect();
            digits.parse().ok()
        })
        .collect()
}

/// Newer first; versions without numbers after those with.
fn newer_first(a: &str, b: &str) -> Ordering {
    let (pa, pb) = (parts(a), parts(b));
    match (pa.is_empty(), pb.is_empty()) {
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        _ => pb.cmp(&pa).then_with(|| a.cmp(b)),
    }
}

pub(crate) fn major(version: &str) -> Option<u64> {
    parts(version).first().copied()
}

/// The release cycle a version belongs to: the longest cycle that is the version or a prefix of
/// it at a dot.
fn cycle_of<'a>(version: &str, cycles: &'a [&'a ReleaseCycle]) -> Option<&'a ReleaseCycle> {
    let v = version.trim().trim_start_matches(['v', 'V']);
    cycles
        .iter()
        .filter(|c| v == c.cycle || v.strip_prefix(c.cycle.as_str()).is_some_and(|rest| rest.starts_with('.')))
        .max_by_key(|c| c.cycle.len())
        .copied()
}

/// YYYY-MM-DD of a Unix time.
fn day(unix: i64) -> String {
    chrono::DateTime::from_timestamp(unix, 0).map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default()
}

fn split_versions(versions: &str) -> impl Iterator<Item = &str> {
    versions.split(',').map(str::trim).filter(|v| !v.is_empty())
}

/// Each stack's rows at its latest snapshot taken no later than `until`.
pub(crate) fn latest_until(rows: &[FleetRow], until: i64) -> HashMap<StackId, Vec<&FleetRow>> {
    let mut latest: HashMap<StackId, i64> = HashMap::new();
    for r in rows.iter().filter(|r| r.created_at <= until) {
        let at = latest.entry(r.stack_id).or_insert(r.snapshot_id.get());
        *at = (*at).max(r.snapshot_id.get());
    }
    let mut out: HashMap<StackId, Vec<&FleetRow>> = HashMap::new();
    for r in rows {
        if latest.get(&r.stack_id) == Some(&r.snapshot_id.get()) {
            out.entry(r.stack_id).or_default().push(r);
        }
    }
    out
}

impl App {
    /// An organisation's fleet: each tool its stacks hold now, the most used first.
    pub async fn fleet(&self, organisation: &str) -> Result<Fleet> {
        let org = self.find_organisation(organisation).await?;
        let rows = self.store.fleet_rows(&org.slug).await?;
        let now = latest_until(&rows, i64::MAX);
        let mut per_tool: BTreeMap<ToolId, Vec<(String, &str)>> = BTreeMap::new();
        for tool_rows in now.values() {
            for r in tool_rows {
                per_tool.entry(r.tool_id).or_default().push((format!("{}/{}", org.slug, r.stack), &r.versions));
            }
        }
        let tools: Vec<ToolId> = per_tool.keys().copied().collect();
        let cycles = self.store.release_cycles(&tools).await?;
        let today = day(stackdex_store::now());
        let soon = day(stackdex_store::now() + EOL_WARNING_DAYS * 86_400);
        let mut out: Vec<FleetTool> = per_tool
            .into_iter()
            .filter_map(|(tool, held)| {
                let t = self.tool_by_id(tool)?;
                let cycles: Vec<&ReleaseCycle> = cycles.iter().filter(|c| c.tool_id == tool).collect();
                Some(fleet_tool(&t.slug, &t.name, &held, &cycles, &today, &soon))
            })
            .collect();
        out.sort_by(|a, b| b.stacks.cmp(&a.stacks).then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase())));
        Ok(Fleet { organisation: NameLink::new(org.slug, org.name), stack_count: now.len(), tools: out })
    }

    /// One tool of an organisation's fleet, with the share of its stacks on today's newest
    /// major version at the end of each month since its first snapshot.
    pub async fn fleet_tool(&self, organisation: &str, tool: &str) -> Result<FleetToolPage> {
        let fleet = self.fleet(organisation).await?;
        let (_, tool_id) = self.known_tool(tool)?;
        let slug = self.tool_by_id(tool_id).map(|t| t.slug.clone()).unwrap_or_default();
        let Some(found) = fleet.tools.into_iter().find(|t| t.slug == slug) else {
            return Err(AppError::not_found(format!("{slug} in the stacks of {}", fleet.organisation.slug)));
        };
        let rows: Vec<FleetRow> = self
            .store
            .fleet_rows(&fleet.organisation.slug)
            .await?
            .into_iter()
            .filter(|r| r.tool_id == tool_id)
            .collect();
        let newest_major = found.newest.as_deref().and_then(major);
        let progress = match (rows.first(), newest_major) {
            (Some(first), Some(newest)) => upgrade_months(&rows, first.created_at, stackdex_store::now(), newest),
            _ => Vec::new(),
        };
        Ok(FleetToolPage { organisation: fleet.organisation, tool: found, progress })
    }

    /// Replaces a tool's release cycles with those of endoflife.date's JSON (an array of
    /// `{"cycle", "releaseDate", "eol", "latest"}`); returns how many were read.
    pub async fn import_release_cycles(&self, tool: &str, json: &str) -> Result<usize> {
        let (_, tool_id) = self.known_tool(tool)?;
        let read: Vec<CycleJson> = serde_json::from_str(json)
            .map_err(|e| AppError::BadRequest(format!("not endoflife.date's JSON (an array of cycles): {e}")))?;
        if read.len() > MAX_CYCLES {
            return Err(AppError::BadRequest(format!("at most {MAX_CYCLES} release cycles")));
        }
        let date = |v: &str, what: &str| -> Result<String> {
            chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d")
                .map(|d| d.format("%Y-%m-%d").to_string())
                .map_err(|_| AppError::BadRequest(format!("{what} {v:?} is not a date (YYYY-MM-DD)")))
        };
        let mut cycles = Vec::with_capacity(read.len());
        let mut seen = BTreeSet::new();
        for c in read {
            let cycle = match &c.cycle {
                serde_json::Value::String(s) => s.trim().to_owned(),
                serde_json::Value::Number(n) => n.to_string(),
                other => return Err(AppError::BadRequest(format!("a cycle is a string or a number, not {other}"))),
            };
            if cycle.is_empty() || cycle.len() > 40 || !seen.insert(cycle.clone()) {
                return Err(AppError::BadRequest(format!("cycle {cycle:?} is empty, too long or given twice")));
            }
            let eol = match &c.eol {
                serde_json::Value::String(s) => Some(date(s, "eol")?),
                // `true`: ended, on a day endoflife.date does not give: stored as a day long past.
                serde_json::Value::Bool(true) => Some("1970-01-01".to_owned()),
                serde_json::Value::Bool(false) | serde_json::Value::Null => None,
                other => return Err(AppError::BadRequest(format!("eol is a date or a boolean, not {other}"))),
            };
            let release_date = c.release_date.as_deref().map(|d| date(d, "releaseDate")).transpose()?;
            let latest = c.latest.map(|l| match l {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            });
            cycles.push(ReleaseCycle { tool_id, cycle, release_date, eol, latest });
        }
        self.store.replace_release_cycles(tool_id, &cycles).await?;
        Ok(cycles.len())
    }
}

/// A tool's fleet entry from the versions each stack holds now.
fn fleet_tool(
    slug: &str,
    name: &str,
    held: &[(String, &str)],
    cycles: &[&ReleaseCycle],
    today: &str,
    soon: &str,
) -> FleetTool {
    let mut by_version: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (stack, versions) in held {
        for v in split_versions(versions) {
            by_version.entry(v.to_owned()).or_default().push(stack.clone());
        }
    }
    let mut versions: Vec<FleetVersion> = by_version
        .into_iter()
        .map(|(version, mut stacks)| {
            stacks.sort();
            stacks.dedup();
            let eol = cycle_of(&version, cycles).and_then(|c| c.eol.clone());
            let past_eol = eol.as_deref().is_some_and(|e| e <= today);
            let eol_soon = !past_eol && eol.as_deref().is_some_and(|e| e <= soon);
            FleetVersion { version, stacks, eol, past_eol, eol_soon }
        })
        .collect();
    versions.sort_by(|a, b| newer_first(&a.version, &b.version));
    let newest = versions.first().map(|v| v.version.clone());
    let oldest = versions.last().map(|v| v.version.clone());
    let newest_major = newest.as_deref().and_then(major);
    let behind = held
        .iter()
        .filter(|(_, versions)| {
            let top = split_versions(versions).min_by(|a, b| newer_first(a, b));
            top.is_some_and(|v| major(v) != newest_major)
        })
        .count();
    FleetTool { slug: slug.to_owned(), name: name.to_owned(), stacks: held.len(), versions, newest, oldest, behind }
}

/// At the end of each month from `from`'s to `to`'s, how many stacks held a version of the tool
/// and how many of them were on `newest` major.
fn upgrade_months(rows: &[FleetRow], from: i64, to: i64, newest: u64) -> Vec<UpgradeMonth> {
    use chrono::{Datelike, TimeZone};
    let start = chrono::Utc.timestamp_opt(from, 0).single().unwrap_or_default();
    let end = chrono::Utc.timestamp_opt(to, 0).single().unwrap_or_default();
    let (mut y, mut m) = (start.year(), start.month());
    let mut out = Vec::new();
    while (y, m) <= (end.year(), end.month()) && out.len() < 240 {
        let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        let month_end =
            chrono::Utc.with_ymd_and_hms(ny, nm, 1, 0, 0, 0).single().map_or(i64::MAX, |d| d.timestamp() - 1);
        let held = latest_until(rows, month_end);
        let mut stacks = 0;
        let mut on_newest = 0;
        for tool_rows in held.values() {
            let top = tool_rows.iter().flat_map(|r| split_versions(&r.versions)).min_by(|a, b| newer_first(a, b));
            if let Some(v) = top {
                stacks += 1;
                if major(v) == Some(newest) {
                    on_newest += 1;
                }
            }
        }
        out.push(UpgradeMonth { month: format!("{y:04}-{m:02}"), stacks, on_newest });
        (y, m) = (ny, nm);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_by_their_numbers() {
        let mut v = vec!["1.9", "1.10.2", "v2.0.0-rc1", "latest", "1.10"];
        v.sort_by(|a, b| newer_first(a, b));
        assert_eq!(v, ["v2.0.0-rc1", "1.10.2", "1.10", "1.9", "latest"]);
        assert_eq!(major("^16.2"), Some(16));
        assert_eq!(major("latest"), None);
    }

    #[test]
    fn a_version_belongs_to_its_longest_cycle_at_a_dot() {
        let cycle =
            |c: &str| ReleaseCycle { tool_id: ToolId(1), cycle: c.into(), release_date: None, eol: None, latest: None };
        let (c3, c311, c31) = (cycle("3"), cycle("3.11"), cycle("3.1"));
        let cycles = [&c3, &c311, &c31];
        assert_eq!(cycle_of("3.11.4", &cycles).map(|c| c.cycle.as_str()), Some("3.11"));
        assert_eq!(cycle_of("3.1.2", &cycles).map(|c| c.cycle.as_str()), Some("3.1"), "not 3.11");
        assert_eq!(cycle_of("3.12", &cycles).map(|c| c.cycle.as_str()), Some("3"));
        assert!(cycle_of("31", &cycles).is_none());
    }
}
