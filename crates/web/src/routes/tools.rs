//! Tool pages: a tool with its figures, pros and cons, integrations, alternatives, decisions
//! and stacks, and its alternatives page; with their JSON twins.

use std::sync::Arc;

use askama::Template;
use axum::extract::State;
use stackdex_app::tools::{AlternativesPage, ToolPage};
use stackdex_app::{App, CacheKey, Format};

use crate::extract::Path;
use crate::openapi::{Moved, NotFound};
use crate::respond::{Result, cached_html, cached_json};

fn tool_key(format: Format, slug: &str) -> CacheKey {
    CacheKey::new(format, format_args!("/tools/{slug}"))
}

fn alternatives_key(format: Format, slug: &str) -> CacheKey {
    CacheKey::new(format, format_args!("/tools/{slug}/alternatives"))
}

#[derive(Template)]
#[template(path = "tools/tool.html")]
struct ToolHtml<'a> {
    page: &'a ToolPage,
}

#[derive(Template)]
#[template(path = "tools/alternatives.html")]
struct AlternativesHtml<'a> {
    page: &'a AlternativesPage,
}

pub(crate) async fn page(State(app): State<Arc<App>>, Path(slug): Path<String>) -> Result {
    cached_html(&app, tool_key(Format::Html, &slug), None, app.tool_page(&slug), |page| ToolHtml { page }.render())
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
