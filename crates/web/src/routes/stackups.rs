//! Stackups: the comparison page of 2 to 4 tools (the seed page) and its JSON twin, and the
//! "compare" box that leads to one.

use std::sync::Arc;
use std::time::Duration;

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use stackdex_app::stackups::{StackupPage, StackupsIndex};
use stackdex_app::{App, CacheKey, Format};

use crate::charts::line::{LineChart, Series};
use crate::extract::{PageNumber, Path, Query};
use crate::openapi::{BadRequest, Moved, NotFound};
use crate::respond::{Result, cached_html, cached_json, html};

/// Related comparisons move with views: a stackup page is kept a minute at most.
const KEPT: Option<Duration> = Some(Duration::from_secs(60));

fn key(format: Format, slug: &str) -> CacheKey {
    CacheKey::new(format, format_args!("/stackups/{slug}"))
}

#[derive(Template)]
#[template(path = "stackups/stackup.html")]
struct StackupHtml<'a> {
    page: &'a StackupPage,
    /// The compared tools' stacks by month on one chart (SVG and table).
    chart: String,
}

impl<'a> StackupHtml<'a> {
    fn of(page: &'a StackupPage) -> StackupHtml<'a> {
        let month = stackdex_app::figures::Interval::Month;
        let chart = LineChart {
            title: format!("Stacks using {}", in_words(page.tools.iter().map(|t| t.name.as_str()).collect())),
            by: month.to_string(),
            dates: page.trends.first().map(|t| t.iter().map(|p| p.label(month)).collect()).unwrap_or_default(),
            series: page
                .tools
                .iter()
                .zip(&page.trends)
                .map(|(t, trend)| Series { name: t.name.clone(), values: trend.iter().map(|p| p.stacks).collect() })
                .collect(),
        };
        StackupHtml { page, chart: chart.render() }
    }
}

/// "Django", "Django and Rust", "Django, Laravel and Node.js".
fn in_words(names: Vec<&str>) -> String {
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => names.concat(),
    }
}

/// The page; a successful answer counts a view.
pub(crate) async fn page(State(app): State<Arc<App>>, Path(slug): Path<String>) -> Result {
    let response = cached_html(&app, key(Format::Html, &slug), KEPT, app.stackup_page(&slug), |page| {
        StackupHtml::of(page).render()
    })
    .await?;
    app.count_stackup_view(&slug);
    Ok(response)
}

/// `?order=popular|recent&page=` of the stackups index.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct StackupsQuery {
    /// `popular` (the most viewed, the default) or `recent` (the most recently viewed).
    #[serde(default)]
    order: String,
    #[serde(default)]
    #[param(value_type = Option<u32>, minimum = 1, maximum = 10000)]
    page: PageNumber,
}

#[derive(Template)]
#[template(path = "stackups/index.html")]
struct StackupsIndexHtml<'a> {
    page: &'a StackupsIndex,
}

pub(crate) async fn index(State(app): State<Arc<App>>, Query(q): Query<StackupsQuery>) -> Result {
    html(
        axum::http::StatusCode::OK,
        StackupsIndexHtml { page: &app.stackups_index(q.order == "recent", q.page.0).await? },
    )
}

/// Stackups people compare: the most viewed, or the most recently viewed.
#[utoipa::path(get, path = "/api/v1/stackups", params(StackupsQuery),
    responses((status = 200, body = StackupsIndex), BadRequest))]
pub(crate) async fn api_index(State(app): State<Arc<App>>, Query(q): Query<StackupsQuery>) -> Result {
    Ok(axum::Json(app.stackups_index(q.order == "recent", q.page.0).await?).into_response())
}

/// The tool page's "compare with" box: `?a=django&b=rust` (up to `d`).
#[derive(Deserialize)]
pub(crate) struct CompareQuery {
    a: Option<String>,
    b: Option<String>,
    c: Option<String>,
    d: Option<String>,
}

/// Sends the box to the canonical stackup of the tools named.
pub(crate) async fn compare(State(app): State<Arc<App>>, Query(q): Query<CompareQuery>) -> Result {
    let names: Vec<&str> =
        [&q.a, &q.b, &q.c, &q.d].into_iter().flatten().map(|s| s.trim()).filter(|s| !s.is_empty()).collect();
    let link = app.compare(&names)?;
    Ok(Redirect::to(&format!("/stackups/{}", link.slug)).into_response())
}

/// A stackup (2 to 4 tools, canonical order); another order redirects (301).
#[utoipa::path(get, path = "/api/v1/stackups/{slug}", params(("slug" = String, Path, example = "django-vs-rust")),
    responses((status = 200, body = StackupPage), Moved, BadRequest, NotFound))]
pub(crate) async fn api(State(app): State<Arc<App>>, Path(slug): Path<String>) -> Result {
    cached_json(&app, key(Format::Json, &slug), KEPT, app.stackup_page(&slug)).await
}
