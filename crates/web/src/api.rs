//! The JSON API: a twin of every page under `/api/v1`, and the OpenAPI document built from
//! this same route table.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use stackdex_app::App;
use stackdex_app::views::*;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::{ErrorFormat, cached, category_response, error_response};

const JSON: ErrorFormat = ErrorFormat::Json;

#[derive(OpenApi)]
#[openapi(info(title = "stackdex", description = "Discover, compare and share technology stacks."))]
struct ApiDoc;

pub(crate) fn routes() -> OpenApiRouter<Arc<App>> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(home))
        .routes(routes!(tool))
        .routes(routes!(alternatives))
        .routes(routes!(category))
        .routes(routes!(subcategory))
        .routes(routes!(search))
        .routes(routes!(stackup))
        .routes(routes!(stack))
}

fn json<T: serde::Serialize>(v: &T) -> Result<String, String> {
    serde_json::to_string(v).map_err(|e| e.to_string())
}

/// Home: trending tools and stackups, recent decisions.
#[utoipa::path(get, path = "/api/v1/home", responses((status = 200, body = HomePage)))]
async fn home(State(app): State<Arc<App>>) -> Response {
    cached(&app, "json:/".into(), JSON, Some(Duration::from_secs(30)), app.home_page(), json).await
}

/// A tool with its statistics, pros and cons, integrations, alternatives, decisions and stacks.
#[utoipa::path(get, path = "/api/v1/tools/{slug}", params(("slug" = String, Path)),
    responses((status = 200, body = ToolPage), (status = 404, description = "unknown tool")))]
async fn tool(State(app): State<Arc<App>>, Path(slug): Path<String>) -> Response {
    cached(&app, format!("json:/tools/{slug}"), JSON, None, app.tool_page(&slug), json).await
}

/// Alternatives to a tool.
#[utoipa::path(get, path = "/api/v1/tools/{slug}/alternatives", params(("slug" = String, Path)),
    responses((status = 200, body = AlternativesPage), (status = 404, description = "unknown tool")))]
async fn alternatives(State(app): State<Arc<App>>, Path(slug): Path<String>) -> Response {
    cached(&app, format!("json:/tools/{slug}/alternatives"), JSON, None, app.alternatives_page(&slug), json).await
}

/// Tools of a category, ranked by stacks.
#[utoipa::path(get, path = "/api/v1/categories/{layer}/{category}",
    params(("layer" = String, Path), ("category" = String, Path), ("page" = Option<usize>, Query)),
    responses((status = 200, body = CategoryPage), (status = 404, description = "unknown category")))]
async fn category(
    State(app): State<Arc<App>>,
    Path((layer, category)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    category_response(&app, (layer, category, None), &query, JSON, json).await
}

/// Tools of a subcategory, ranked by stacks.
#[utoipa::path(get, path = "/api/v1/categories/{layer}/{category}/{subcategory}",
    params(("layer" = String, Path), ("category" = String, Path), ("subcategory" = String, Path), ("page" = Option<usize>, Query)),
    responses((status = 200, body = CategoryPage), (status = 404, description = "unknown category")))]
async fn subcategory(
    State(app): State<Arc<App>>,
    Path((layer, category, sub)): Path<(String, String, String)>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    category_response(&app, (layer, category, Some(sub)), &query, JSON, json).await
}

/// Full-text tool search, tolerant of typos in names.
#[utoipa::path(get, path = "/api/v1/search", params(("q" = String, Query)), responses((status = 200, body = SearchPage)))]
async fn search(State(app): State<Arc<App>>, Query(query): Query<HashMap<String, String>>) -> Response {
    let q = query.get("q").map(String::as_str).unwrap_or("");
    match app.search_page(q).await {
        Ok(page) => axum::Json(page).into_response(),
        Err(e) => error_response(JSON, &e, false),
    }
}

/// A stackup (2 to 4 tools, canonical order); another order redirects (301).
#[utoipa::path(get, path = "/api/v1/stackups/{slug}", params(("slug" = String, Path, example = "django-vs-rust")),
    responses((status = 200, body = StackupPage), (status = 301, description = "not the canonical order"),
        (status = 404, description = "unknown tool")))]
async fn stackup(State(app): State<Arc<App>>, Path(slug): Path<String>) -> Response {
    cached(&app, format!("json:/stackups/{slug}"), JSON, Some(Duration::from_secs(60)), app.stackup_page(&slug), json)
        .await
}

/// A stack with its current tools grouped by layer, and its history (newest first).
#[utoipa::path(get, path = "/api/v1/stacks/{owner}/{name}", params(("owner" = String, Path), ("name" = String, Path)),
    responses((status = 200, body = StackPage), (status = 404, description = "no such stack")))]
async fn stack(State(app): State<Arc<App>>, Path((owner, name)): Path<(String, String)>) -> Response {
    match app.stack_page(&owner, &name).await {
        Ok(page) => axum::Json(page).into_response(),
        Err(e) => error_response(JSON, &e, false),
    }
}
