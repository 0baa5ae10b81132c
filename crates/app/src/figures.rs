//! Figures over time (docs/figures-over-time.md): a tool's trend by day, week or month, the
//! trending score (growth over the last 30 days), and keeping the daily figures (the
//! background job, and the rebuild from stored timestamps that `stackdex admin` and the demo
//! run).

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};
use stackdex_store::{DAY, Tag, ToolFigures, ToolId};
use utoipa::ToSchema;

use crate::{App, AppError, Result, Shown};

/// How a trend's points are spaced: one per calendar month, ISO week (Monday to Sunday) or day.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, strum::Display, strum::EnumString, ToSchema,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Interval {
    #[default]
    Month,
    Week,
    Day,
}

/// A calendar date, `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(transparent)]
pub struct Date(pub NaiveDate);

/// A tool's figures over time, oldest first; the last point is the tool's figures now.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Trend {
    pub slug: String,
    pub interval: Interval,
    pub points: Vec<TrendPoint>,
}

/// The figures at the end of one interval (or on the last day asked for, or today).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct TrendPoint {
    /// `YYYY-MM-DD`: the last day of the interval, or the range's end, or today.
    #[serde(serialize_with = "ymd")]
    #[schema(value_type = String, example = "2026-12-08")]
    pub date: NaiveDate,
    pub stacks: i64,
    pub followers: i64,
    pub votes: i64,
}

impl TrendPoint {
    /// The date as a chart labels it: `YYYY-MM` for a month, else `YYYY-MM-DD`.
    pub fn label(&self, interval: Interval) -> String {
        match interval {
            Interval::Month => self.date.format("%Y-%m").to_string(),
            Interval::Week | Interval::Day => self.date.format("%Y-%m-%d").to_string(),
        }
    }
}

fn ymd<S: serde::Serializer>(d: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&d.format("%Y-%m-%d"))
}

/// The window "trending" looks back over.
pub const TRENDING_DAYS: i64 = 30;

impl App {
    /// A tool's trend between `from` and `to` (default: its whole history, up to today).
    pub async fn tool_trend(
        &self,
        slug: &str,
        interval: Interval,
        from: Option<Date>,
        to: Option<Date>,
    ) -> Result<Shown<Trend>> {
        let tool = self.find_tool(slug)?;
        if tool.slug != slug {
            return Err(AppError::Moved(format!("/tools/{}/trend", tool.slug)));
        }
        let id = self.tool_id(&tool.slug).unwrap_or_default();
        let points = self.trend_points(id, interval, from, to).await?;
        Ok(Shown::new(Trend { slug: tool.slug.clone(), interval, points }, vec![Tag::Tool(id)]))
    }

    /// The points of a tool's trend (for its JSON and for the charts of pages).
    pub(crate) async fn trend_points(
        &self,
        tool: ToolId,
        interval: Interval,
        from: Option<Date>,
        to: Option<Date>,
    ) -> Result<Vec<TrendPoint>> {
        let rows = self.store.tool_figures(tool).await?;
        let now = self.store.tool_stats(tool).await?;
        let today = day_of(stackdex_store::now());
        let live =
            ToolFigures { tool_id: tool, day: 0, stacks: now.stacks, followers: now.followers, votes: now.votes };
        points(&rows, live, today, interval, from.map(|d| d.0), to.map(|d| d.0))
    }

    /// Several tools' trends by month over the same dates: from the first month any of them
    /// has a figure in, so their points line up.
    pub(crate) async fn monthly_trends(&self, tools: &[ToolId]) -> Result<Vec<Vec<TrendPoint>>> {
        let mut first: Option<NaiveDate> = None;
        for id in tools {
            let starts = self.trend_points(*id, Interval::Month, None, None).await?.first().map(|p| p.date);
            first = match (first, starts) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
        }
        let mut out = Vec::with_capacity(tools.len());
        for id in tools {
            out.push(self.trend_points(*id, Interval::Month, first.map(Date), None).await?);
        }
        Ok(out)
    }

    /// Each tool's trending score: its growth over the last [`TRENDING_DAYS`] days.
    pub(crate) async fn trending_scores(&self, stats: &crate::tools::StatsMap) -> Result<HashMap<ToolId, f64>> {
        let cutoff = (stackdex_store::now().div_euclid(DAY) - TRENDING_DAYS) * DAY;
        let then: HashMap<ToolId, ToolFigures> =
            self.store.all_tool_figures_on(cutoff).await?.into_iter().map(|f| (f.tool_id, f)).collect();
        Ok(stats
            .iter()
            .map(|(id, now)| {
                let (s, f, v) = then.get(id).map_or((0, 0, 0), |t| (t.stacks, t.followers, t.votes));
                (*id, trending_score((s, f, v), (now.stacks, now.followers, now.votes)))
            })
            .collect())
    }

    /// Rewrites every daily figure from the stored timestamps (`stackdex admin figures`, the
    /// demo build, and a first start after the upgrade that brought them).
    pub async fn rebuild_figures(&self) -> Result<()> {
        self.store.rebuild_figures().await?;
        self.store.announce_change(&[Tag::Everything]).await?;
        Ok(())
    }

    /// Writes the figures of the day `at` falls in, from the kept counters.
    pub async fn record_figures(&self, at: i64) -> Result<()> {
        self.store.record_figures(at).await?;
        // Charts end at today: a new day moves their last point.
        self.store.announce_change(&[Tag::Everything]).await?;
        Ok(())
    }

    /// The daily job: at start, the whole history when none is kept yet, else today's figures
    /// so far; then, just after each UTC midnight, the figures of the day that ended.
    pub fn spawn_daily_figures(self: &Arc<Self>) {
        let app = Arc::clone(self);
        tokio::spawn(async move {
            let first = match app.store.has_figures().await {
                Ok(false) => app.rebuild_figures().await,
                Ok(true) => app.record_figures(stackdex_store::now()).await,
                Err(e) => Err(e.into()),
            };
            if let Err(e) = first {
                tracing::warn!(error = %e, "writing the daily figures failed");
            }
            loop {
                let now = stackdex_store::now();
                let next_midnight = (now.div_euclid(DAY) + 1) * DAY;
                tokio::time::sleep(std::time::Duration::from_secs((next_midnight - now + 5) as u64)).await;
                // The counters now are the figures at the end of the day that has just ended.
                if let Err(e) = app.record_figures(next_midnight - 1).await {
                    tracing::warn!(error = %e, "writing the daily figures failed");
                }
            }
        });
    }
}

/// Growth, relative and absolute: the weighted gain (stacks, then followers at half and votes
/// at a quarter) times one plus the gain relative to where the tool stood, that base damped by
/// 100 so a tiny tool's first few stacks do not outrank a large tool's hundreds.
pub fn trending_score(then: (i64, i64, i64), now: (i64, i64, i64)) -> f64 {
    let weigh = |(s, f, v): (i64, i64, i64)| s as f64 + f as f64 / 2.0 + v as f64 / 4.0;
    let gain = weigh(now) - weigh(then);
    gain * (1.0 + gain.max(0.0) / (weigh(then) + 100.0))
}

/// The UTC date of a Unix second.
pub fn day_of(at: i64) -> NaiveDate {
    chrono::DateTime::from_timestamp(at.div_euclid(DAY) * DAY, 0).map_or(NaiveDate::MIN, |d| d.date_naive())
}

fn seconds_of(day: NaiveDate) -> i64 {
    day.and_hms_opt(0, 0, 0).map_or(0, |t| t.and_utc().timestamp())
}

/// The last day of the interval `day` falls in.
fn interval_end(interval: Interval, day: NaiveDate) -> NaiveDate {
    match interval {
        Interval::Day => day,
        Interval::Week => day + Duration::days(6 - day.weekday().num_days_from_monday() as i64),
        Interval::Month => {
            let (y, m) = if day.month() == 12 { (day.year() + 1, 1) } else { (day.year(), day.month() + 1) };
            NaiveDate::from_ymd_opt(y, m, 1).map_or(day, |d| d - Duration::days(1))
        }
    }
}

/// The points of a trend from the stored rows (oldest first) and the figures now (`live`, the
/// figures of `today`): one per interval from `from`'s to `to`'s, each the figures at the end of
/// its interval, the last one at `to` (today when not given or later).
fn points(
    rows: &[ToolFigures],
    live: ToolFigures,
    today: NaiveDate,
    interval: Interval,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<Vec<TrendPoint>> {
    let to = to.map_or(today, |t| t.min(today));
    let first_kept = rows.first().map_or(today, |r| day_of(r.day).min(today));
    let from = from.unwrap_or(first_kept);
    if from > to {
        return Err(AppError::BadRequest(format!(
            "from ({from}) is after to ({to}); figures go up to today ({today})"
        )));
    }
    let today_starts = seconds_of(today);
    let mut kept: Vec<ToolFigures> = rows.iter().copied().filter(|r| r.day < today_starts).collect();
    kept.push(ToolFigures { day: today_starts, ..live });
    let mut out = Vec::new();
    let mut at = 0;
    let mut current = (0, 0, 0);
    let mut start = from;
    loop {
        let end = interval_end(interval, start).min(to);
        let end_seconds = seconds_of(end);
        while at < kept.len() && kept[at].day <= end_seconds {
            current = (kept[at].stacks, kept[at].followers, kept[at].votes);
            at += 1;
        }
        out.push(TrendPoint { date: end, stacks: current.0, followers: current.1, votes: current.2 });
        if end >= to {
            break;
        }
        start = end + Duration::days(1);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn row(day: &str, stacks: i64) -> ToolFigures {
        ToolFigures { tool_id: ToolId::default(), day: seconds_of(d(day)), stacks, followers: 0, votes: 0 }
    }

    fn shown(p: &[TrendPoint]) -> Vec<(String, i64)> {
        p.iter().map(|p| (p.date.to_string(), p.stacks)).collect()
    }

    #[test]
    fn points_end_each_interval_and_the_last_is_now() {
        let rows = [row("2026-01-05", 1), row("2026-01-20", 3), row("2026-03-02", 4)];
        let live = row("2026-03-10", 6);
        let today = d("2026-03-10");
        let months = points(&rows, live, today, Interval::Month, None, None).unwrap();
        assert_eq!(shown(&months), [("2026-01-31".into(), 3), ("2026-02-28".into(), 3), ("2026-03-10".into(), 6)]);
        let weeks = points(&rows, live, today, Interval::Week, Some(d("2026-02-25")), Some(d("2026-03-05"))).unwrap();
        assert_eq!(shown(&weeks), [("2026-03-01".into(), 3), ("2026-03-05".into(), 4)]);
        let days = points(&rows, live, today, Interval::Day, Some(d("2026-03-08")), None).unwrap();
        assert_eq!(days.len(), 3);
        assert_eq!(days[2].stacks, 6);
        assert!(points(&rows, live, today, Interval::Day, Some(d("2026-03-09")), Some(d("2026-03-01"))).is_err());
    }

    #[test]
    fn growth_beats_size() {
        let small_growing = trending_score((20, 0, 0), (60, 0, 0));
        let big_still = trending_score((38_000, 30_000, 4_000), (38_000, 30_000, 4_000));
        let big_growing = trending_score((38_000, 0, 0), (38_300, 0, 0));
        let tiny_first = trending_score((0, 0, 0), (3, 0, 0));
        assert!(small_growing > big_still);
        assert!(big_growing > small_growing, "hundreds of stacks outweigh tens");
        assert!(small_growing > tiny_first, "relative growth is damped for tiny tools");
    }
}
