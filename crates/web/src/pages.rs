//! HTML pages.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use stackdex_app::views::*;
use stackdex_app::{App, AppError};

use crate::{ErrorFormat, cached, category_response, error_response};

const HTML: ErrorFormat = ErrorFormat::Html;

#[derive(Template)]
#[template(path = "stackup.html")]
struct StackupHtml<'a> {
    page: &'a StackupPage,
}

#[derive(Template)]
#[template(path = "tool.html")]
struct ToolHtml<'a> {
    page: &'a ToolPage,
}

#[derive(Template)]
#[template(path = "alternatives.html")]
struct AlternativesHtml<'a> {
    page: &'a AlternativesPage,
}

#[derive(Template)]
#[template(path = "category.html")]
struct CategoryHtml<'a> {
    page: &'a CategoryPage,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomeHtml<'a> {
    page: &'a HomePage,
}

#[derive(Template)]
#[template(path = "stack.html")]
struct StackHtml<'a> {
    page: &'a StackPage,
    followers: i64,
    /// `owner/slug`, what the follow form names.
    key: String,
}

#[derive(Template)]
#[template(path = "share.html")]
struct ShareHtml;

#[derive(Template)]
#[template(path = "search.html")]
struct SearchHtml<'a> {
    page: &'a SearchPage,
}

pub(crate) struct Operation {
    pub method: String,
    pub path: String,
    pub summary: String,
}

#[derive(Template)]
#[template(path = "docs.html")]
struct DocsHtml {
    operations: Vec<Operation>,
}

fn render<T: Template>(t: T) -> Result<String, String> {
    t.render().map_err(|e| e.to_string())
}

pub(crate) fn routes(openapi: Arc<utoipa::openapi::OpenApi>) -> Router<Arc<App>> {
    let spec = openapi.clone();
    Router::new()
        .route("/", get(home))
        .route("/tools/{slug}", get(tool))
        .route("/tools/{slug}/alternatives", get(alternatives))
        .route("/categories/{layer}/{category}", get(category))
        .route("/categories/{layer}/{category}/{subcategory}", get(subcategory))
        .route("/search", get(search))
        .route("/compare", get(compare))
        .route("/stackups/{slug}", get(stackup))
        .route("/stacks/{owner}/{slug}", get(stack))
        .route("/share", get(share))
        .route("/static/app.css", get(css))
        .route("/healthz", get(|| async { "ok" }))
        .route("/api/openapi.json", get(move || async move { axum::Json(spec.as_ref().clone()) }))
        .route("/api/docs", get(move || async move { docs(&openapi) }))
        .fallback(|| async { error_response(HTML, &not_found("page"), false) })
}

fn not_found(what: &str) -> AppError {
    AppError::NotFound { what: what.into(), suggestions: Vec::new() }
}

async fn home(State(app): State<Arc<App>>) -> Response {
    cached(&app, "html:/".into(), HTML, Some(Duration::from_secs(30)), app.home_page(), |p| {
        render(HomeHtml { page: p })
    })
    .await
}

async fn stackup(State(app): State<Arc<App>>, Path(slug): Path<String>) -> Response {
    let response = cached(
        &app,
        format!("html:/stackups/{slug}"),
        HTML,
        Some(Duration::from_secs(60)),
        app.stackup_page(&slug),
        |p| render(StackupHtml { page: p }),
    )
    .await;
    if response.status().is_success() {
        app.count_stackup_view(&slug);
    }
    response
}

async fn tool(State(app): State<Arc<App>>, Path(slug): Path<String>) -> Response {
    cached(&app, format!("html:/tools/{slug}"), HTML, None, app.tool_page(&slug), |p| render(ToolHtml { page: p }))
        .await
}

async fn alternatives(State(app): State<Arc<App>>, Path(slug): Path<String>) -> Response {
    cached(&app, format!("html:/tools/{slug}/alternatives"), HTML, None, app.alternatives_page(&slug), |p| {
        render(AlternativesHtml { page: p })
    })
    .await
}

/// `?page=N`, 1 when absent; anything else is the client's mistake.
pub(crate) fn page_number(query: &HashMap<String, String>) -> Result<usize, AppError> {
    match query.get("page") {
        None => Ok(1),
        Some(p) => p
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=10_000).contains(n))
            .ok_or_else(|| AppError::BadRequest("page must be a whole number from 1".into())),
    }
}

async fn category(
    State(app): State<Arc<App>>,
    Path((layer, category)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    category_response(&app, (layer, category, None), &query, HTML, |p| render(CategoryHtml { page: p })).await
}

async fn subcategory(
    State(app): State<Arc<App>>,
    Path((layer, category, sub)): Path<(String, String, String)>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    category_response(&app, (layer, category, Some(sub)), &query, HTML, |p| render(CategoryHtml { page: p })).await
}

async fn search(State(app): State<Arc<App>>, Query(query): Query<HashMap<String, String>>) -> Response {
    let q = query.get("q").map(String::as_str).unwrap_or("").to_owned();
    match app.search_page(&q).await {
        Ok(page) => html_response(render(SearchHtml { page: &page })),
        Err(e) => error_response(HTML, &e, false),
    }
}

/// The tool page's "compare with" box: `?a=django&b=rust` -> the canonical stackup.
async fn compare(State(app): State<Arc<App>>, Query(query): Query<HashMap<String, String>>) -> Response {
    let names: Vec<&str> =
        ["a", "b", "c", "d"].iter().filter_map(|k| query.get(*k)).map(|s| s.trim()).filter(|s| !s.is_empty()).collect();
    match stackdex_app::stackup::canonical(app.catalog, &names) {
        Ok(link) => Redirect::to(&format!("/stackups/{}", link.slug)).into_response(),
        Err(e) => error_response(HTML, &e, false),
    }
}

async fn stack(State(app): State<Arc<App>>, Path((owner, slug)): Path<(String, String)>) -> Response {
    let result = async {
        let page = app.stack_page(&owner, &slug).await?;
        let key = format!("{owner}/{slug}");
        let followers = app.followers_of("stack", &key).await?;
        Ok::<_, AppError>((page, followers, key))
    }
    .await;
    match result {
        Ok((page, followers, key)) => html_response(render(StackHtml { page: &page, followers, key })),
        Err(e) => error_response(HTML, &e, false),
    }
}

async fn share() -> Response {
    html_response(render(ShareHtml))
}

fn html_response(rendered: Result<String, String>) -> Response {
    match rendered {
        Ok(html) => ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "rendering failed");
            error_response(HTML, &AppError::BadRequest("internal error".into()), true)
        }
    }
}

async fn css() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")],
        include_str!("../static/app.css"),
    )
        .into_response()
}

fn docs(openapi: &utoipa::openapi::OpenApi) -> Response {
    let mut operations = Vec::new();
    for (path, item) in &openapi.paths.paths {
        for (method, op) in [("GET", &item.get), ("POST", &item.post), ("PUT", &item.put), ("DELETE", &item.delete)] {
            if let Some(op) = op {
                operations.push(Operation {
                    method: method.into(),
                    path: path.clone(),
                    summary: op.summary.clone().or_else(|| op.description.clone()).unwrap_or_default(),
                });
            }
        }
    }
    html_response(render(DocsHtml { operations }))
}
