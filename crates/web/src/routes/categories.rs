//! Category pages: a category's or subcategory's tools ranked by stacks, a page at a time,
//! with their JSON twins.

use std::sync::Arc;

use askama::Template;
use axum::extract::State;
use serde::Deserialize;
use stackdex_app::categories::{CategoryPage, LayerPage};
use stackdex_app::{App, CacheKey, Format};

use crate::extract::{Paging, Path, Query};
use crate::openapi::{BadRequest, NotFound};
use crate::respond::{Result, cached_html, cached_json};

/// `/categories/{layer}/{category}[/{subcategory}]`.
#[derive(Deserialize)]
pub(crate) struct CategoryPath {
    layer: String,
    category: String,
    subcategory: Option<String>,
}

fn key(format: Format, at: &CategoryPath, page: usize) -> CacheKey {
    let sub = at.subcategory.as_deref().unwrap_or("");
    CacheKey::new(format, format_args!("/categories/{}/{}/{sub}?page={page}", at.layer, at.category))
}

fn layer_key(format: Format, layer: &str) -> CacheKey {
    CacheKey::new(format, format_args!("/categories/{layer}"))
}

#[derive(Template)]
#[template(path = "categories/layer.html")]
struct LayerHtml<'a> {
    page: &'a LayerPage,
}

/// A layer's page: its categories with their subcategories and most used tools.
pub(crate) async fn layer_page(State(app): State<Arc<App>>, Path(layer): Path<String>) -> Result {
    cached_html(&app, layer_key(Format::Html, &layer), None, app.layer_page(&layer), |page| LayerHtml { page }.render())
        .await
}

/// A layer with its categories, their subcategories and most used tools.
#[utoipa::path(get, path = "/api/v1/categories/{layer}", params(("layer" = String, Path, example = "devops")),
    responses((status = 200, body = LayerPage), NotFound))]
pub(crate) async fn api_layer(State(app): State<Arc<App>>, Path(layer): Path<String>) -> Result {
    cached_json(&app, layer_key(Format::Json, &layer), None, app.layer_page(&layer)).await
}

#[derive(Template)]
#[template(path = "categories/category.html")]
struct CategoryHtml<'a> {
    page: &'a CategoryPage,
}

pub(crate) async fn page(State(app): State<Arc<App>>, Path(at): Path<CategoryPath>, Query(q): Query<Paging>) -> Result {
    let build = app.category_page(&at.layer, &at.category, at.subcategory.as_deref(), q.page.0);
    cached_html(&app, key(Format::Html, &at, q.page.0), None, build, |page| CategoryHtml { page }.render()).await
}

/// Tools of a category, ranked by stacks.
#[utoipa::path(get, path = "/api/v1/categories/{layer}/{category}",
    params(("layer" = String, Path, example = "application-and-data"), ("category" = String, Path, example = "languages-and-frameworks"), Paging),
    responses((status = 200, body = CategoryPage), BadRequest, NotFound))]
pub(crate) async fn api(State(app): State<Arc<App>>, Path(at): Path<CategoryPath>, Query(q): Query<Paging>) -> Result {
    let build = app.category_page(&at.layer, &at.category, at.subcategory.as_deref(), q.page.0);
    cached_json(&app, key(Format::Json, &at, q.page.0), None, build).await
}

/// Tools of a subcategory, ranked by stacks.
#[utoipa::path(get, path = "/api/v1/categories/{layer}/{category}/{subcategory}",
    params(("layer" = String, Path), ("category" = String, Path), ("subcategory" = String, Path), Paging),
    responses((status = 200, body = CategoryPage), BadRequest, NotFound))]
pub(crate) async fn api_subcategory(state: State<Arc<App>>, at: Path<CategoryPath>, paging: Query<Paging>) -> Result {
    api(state, at, paging).await
}
