//! Search: tools by name (typos forgiven), alias and description, with decisions about the
//! best matches; and its JSON twin. Not cached: the queries are endless.

use std::sync::Arc;

use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::Deserialize;
use stackdex_app::App;
use stackdex_app::search::{SearchPage, ToolSuggestions};

use crate::extract::Query;
use crate::openapi::BadRequest;
use crate::respond::{Result, html};

/// `?q=`: the search text, at most 200 characters.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct SearchQuery {
    #[serde(default)]
    #[param(max_length = 200)]
    q: String,
}

#[derive(Template)]
#[template(path = "search/search.html")]
struct SearchHtml<'a> {
    page: &'a SearchPage,
}

pub(crate) async fn page(State(app): State<Arc<App>>, Query(query): Query<SearchQuery>) -> Result {
    html(StatusCode::OK, SearchHtml { page: &app.search_page(&query.q).await? })
}

/// Full-text tool search, tolerant of typos in names.
#[utoipa::path(get, path = "/api/v1/search", params(SearchQuery), responses((status = 200, body = SearchPage), BadRequest))]
pub(crate) async fn api(State(app): State<Arc<App>>, Query(query): Query<SearchQuery>) -> Result {
    Ok(Json(app.search_page(&query.q).await?).into_response())
}

/// `?q=`: the item being typed in a tools field, at most 100 characters.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct SuggestQuery {
    #[serde(default)]
    #[param(max_length = 100)]
    q: String,
}

/// Tools for a picker: names, slugs and aliases that start with, contain or nearly spell the
/// text, the widely used first (at most 8). What `static/picker.js` asks as one types.
#[utoipa::path(get, path = "/api/v1/tools/suggest", params(SuggestQuery),
    responses((status = 200, body = ToolSuggestions), BadRequest))]
pub(crate) async fn api_suggest(State(app): State<Arc<App>>, Query(query): Query<SuggestQuery>) -> Result {
    Ok(Json(app.suggest_tools(&query.q, 8)?).into_response())
}
