//! Tool pages: a tool with its figures, pros and cons, integrations, alternatives, decisions
//! and stacks, and its alternatives page; with their JSON twins.

use std::sync::Arc;

use askama::Template;
use axum::extract::State;
use serde::Deserialize;
use stackdex_app::figures::{Date, Interval, Trend};
use stackdex_app::tools::{AlternativesPage, ToolFilter, ToolPage, ToolSort, ToolsIndex};
use stackdex_app::{App, CacheKey, Format};

use crate::charts::line::{LineChart, Series};
use crate::extract::{PageNumber, Path, Query};
use crate::openapi::{BadRequest, Moved, NotFound};
use crate::respond::{Result, cached_html, cached_json};

fn tool_key(format: Format, slug: &str) -> CacheKey {
    CacheKey::new(format, format_args!("/tools/{slug}"))
}

fn alternatives_key(format: Format, slug: &str) -> CacheKey {
    CacheKey::new(format, format_args!("/tools/{slug}/alternatives"))
}

/// `?layer=&category=&subcategory=&sort=&page=` of the tools index.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ToolsQuery {
    /// A layer's slug, e.g. `application-and-data`.
    layer: Option<String>,
    /// A category's slug, within the layer.
    category: Option<String>,
    /// A subcategory's slug, within the category.
    subcategory: Option<String>,
    /// `stacks` (the default), `followers`, `votes`, `name` or `trending`.
    #[serde(default)]
    #[param(value_type = Option<String>)]
    sort: ToolSort,
    #[serde(default)]
    #[param(value_type = Option<u32>, minimum = 1, maximum = 10000)]
    page: PageNumber,
}

impl ToolsQuery {
    fn filter(&self) -> ToolFilter {
        let given = |v: &Option<String>| v.clone().filter(|s| !s.is_empty());
        ToolFilter { layer: given(&self.layer), category: given(&self.category), subcategory: given(&self.subcategory) }
    }
}

fn index_key(format: Format, q: &ToolsQuery) -> CacheKey {
    let f = q.filter();
    let part = |v: &Option<String>| v.clone().unwrap_or_default();
    CacheKey::new(
        format,
        format_args!(
            "/tools?layer={}&category={}&subcategory={}&sort={}&page={}",
            part(&f.layer),
            part(&f.category),
            part(&f.subcategory),
            q.sort,
            q.page.0
        ),
    )
}

/// The index's order moves with every tool's figures: it is kept a minute at most.
const INDEX_KEPT: Option<std::time::Duration> = Some(std::time::Duration::from_secs(60));

#[derive(Template)]
#[template(path = "tools/index.html")]
struct ToolsIndexHtml<'a> {
    page: &'a ToolsIndex,
}

pub(crate) async fn index(State(app): State<Arc<App>>, Query(q): Query<ToolsQuery>) -> Result {
    let filter = q.filter();
    let build = app.tools_index(&filter, q.sort, q.page.0);
    cached_html(&app, index_key(Format::Html, &q), INDEX_KEPT, build, |page| ToolsIndexHtml { page }.render()).await
}

/// Every tool, a page at a time: filtered by layer, category or subcategory, ordered by stacks,
/// followers, votes, name or trending.
#[utoipa::path(get, path = "/api/v1/tools", params(ToolsQuery),
    responses((status = 200, body = ToolsIndex), BadRequest, NotFound))]
pub(crate) async fn api_index(State(app): State<Arc<App>>, Query(q): Query<ToolsQuery>) -> Result {
    let filter = q.filter();
    let build = app.tools_index(&filter, q.sort, q.page.0);
    cached_json(&app, index_key(Format::Json, &q), INDEX_KEPT, build).await
}

#[derive(Template)]
#[template(path = "tools/tool.html")]
struct ToolHtml<'a> {
    page: &'a ToolPage,
    /// Stacks and followers by month (SVG and table).
    chart: String,
}

impl<'a> ToolHtml<'a> {
    fn of(page: &'a ToolPage) -> ToolHtml<'a> {
        let chart = LineChart {
            title: format!("Stacks and followers of {}", page.name),
            by: Interval::Month.to_string(),
            dates: page.trend.iter().map(|p| p.label(Interval::Month)).collect(),
            series: vec![
                Series { name: "Stacks".into(), values: page.trend.iter().map(|p| p.stacks).collect() },
                Series { name: "Followers".into(), values: page.trend.iter().map(|p| p.followers).collect() },
            ],
        };
        ToolHtml { page, chart: chart.render() }
    }
}

#[derive(Template)]
#[template(path = "tools/alternatives.html")]
struct AlternativesHtml<'a> {
    page: &'a AlternativesPage,
}

pub(crate) async fn page(State(app): State<Arc<App>>, Path(slug): Path<String>) -> Result {
    cached_html(&app, tool_key(Format::Html, &slug), None, app.tool_page(&slug), |page| ToolHtml::of(page).render())
        .await
}

pub(crate) async fn alternatives_page(State(app): State<Arc<App>>, Path(slug): Path<String>) -> Result {
    let build = app.alternatives_page(&slug);
    cached_html(&app, alternatives_key(Format::Html, &slug), None, build, |page| AlternativesHtml { page }.render())
        .await
}

/// A tool with its statistics, pros and cons, integrations, alternatives, decisions and stacks.
/// An alias answers 301 to the tool's own slug.
#[utoipa::path(get, path = "/api/v1/tools/{slug}", params(("slug" = String, Path, example = "django")),
    responses((status = 200, body = ToolPage), Moved, NotFound))]
pub(crate) async fn api(State(app): State<Arc<App>>, Path(slug): Path<String>) -> Result {
    cached_json(&app, tool_key(Format::Json, &slug), None, app.tool_page(&slug)).await
}

/// Alternatives to a tool.
#[utoipa::path(get, path = "/api/v1/tools/{slug}/alternatives", params(("slug" = String, Path, example = "django")),
    responses((status = 200, body = AlternativesPage), Moved, NotFound))]
pub(crate) async fn api_alternatives(State(app): State<Arc<App>>, Path(slug): Path<String>) -> Result {
    cached_json(&app, alternatives_key(Format::Json, &slug), None, app.alternatives_page(&slug)).await
}

/// `?interval=&from=&to=` of a tool's trend.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct TrendQuery {
    /// `month` (the default), `week` (ISO weeks, Monday to Sunday) or `day`.
    #[serde(default)]
    #[param(value_type = Option<String>, example = "month")]
    interval: Interval,
    /// The first day, `YYYY-MM-DD` (default: the tool's first figure).
    #[param(value_type = Option<String>, example = "2019-01-01")]
    from: Option<Date>,
    /// The last day, `YYYY-MM-DD` (default, and at the latest: today).
    #[param(value_type = Option<String>, example = "2026-12-31")]
    to: Option<Date>,
}

fn trend_key(format: Format, slug: &str, q: &TrendQuery) -> CacheKey {
    let day = |d: &Option<Date>| d.map(|d| d.0.to_string()).unwrap_or_default();
    CacheKey::new(
        format,
        format_args!("/tools/{slug}/trend?interval={}&from={}&to={}", q.interval, day(&q.from), day(&q.to)),
    )
}

/// A tool's stacks, followers and votes over time, oldest first: one point per month, week or
/// day, each the figures at the end of its interval; the last point is the tool's figures now
/// (as `GET /api/v1/tools/{slug}` gives them).
#[utoipa::path(get, path = "/api/v1/tools/{slug}/trend", params(("slug" = String, Path, example = "django"), TrendQuery),
    responses((status = 200, body = Trend), Moved, BadRequest, NotFound))]
pub(crate) async fn api_trend(
    State(app): State<Arc<App>>,
    Path(slug): Path<String>,
    Query(q): Query<TrendQuery>,
) -> Result {
    let build = app.tool_trend(&slug, q.interval, q.from, q.to);
    cached_json(&app, trend_key(Format::Json, &slug, &q), None, build).await
}
