//! The web edge: the axum router with the HTML pages and their JSON twins under `/api/v1`, the
//! OpenAPI document built from the same route table, and errors turned into responses. Pages
//! are served from the application's page cache; a miss builds the page's data once, renders
//! it, and caches the bytes under the tags of the data it used.

mod api;
mod api_write;
mod auth;
mod decisions;
mod error;
mod forms;
mod orgs;
mod pages;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use serde::Serialize;
use stackdex_app::{App, AppError};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::set_header::SetResponseHeaderLayer;

pub use error::{ErrorFormat, error_response};

/// The whole application router.
pub fn router(app: Arc<App>) -> Router {
    let (api_router, openapi) =
        api::routes().merge(api_write::routes()).merge(orgs::api()).merge(decisions::api_routes()).split_for_parts();
    let openapi = Arc::new(openapi);
    pages::routes(openapi.clone())
        .merge(forms::routes())
        .merge(orgs::pages())
        .merge(decisions::routes())
        .merge(api_router)
        .layer(axum::middleware::from_fn_with_state(app.clone(), auth::sessions))
        .with_state(app)
        // Requests carry JSON bodies (a pushed scan report is the largest); anything larger is
        // refused before it is read.
        .layer(axum::extract::DefaultBodyLimit::max(1024 * 1024))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::if_not_present(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
            ),
        ))
        .layer(CatchPanicLayer::custom(|_| {
            error_response(ErrorFormat::Html, &AppError::BadRequest("internal error".into()), true)
        }))
}

/// Serves `key` from the page cache, or builds, renders and caches it.
pub(crate) async fn cached<T, F>(
    app: &App,
    key: String,
    format: ErrorFormat,
    ttl: Option<Duration>,
    build: F,
    render: impl FnOnce(&T) -> Result<String, String>,
) -> Response
where
    T: Serialize,
    F: Future<Output = stackdex_app::Result<T>>,
{
    let content_type = match format {
        ErrorFormat::Html => "text/html; charset=utf-8",
        ErrorFormat::Json => "application/json",
    };
    if let Some(body) = app.cache.get(&key) {
        return ([(header::CONTENT_TYPE, content_type)], body).into_response();
    }
    let generation = app.cache.generation();
    let view = match build.await {
        Ok(view) => view,
        Err(e) => return error_response(format, &e, false),
    };
    let body = match render(&view) {
        Ok(body) => Bytes::from(body),
        Err(e) => {
            tracing::error!(error = %e, key, "rendering failed");
            return error_response(format, &AppError::BadRequest("internal error".into()), true);
        }
    };
    app.cache.put_if_current(key, body.clone(), tags_of(app, &view), ttl, Some(generation));
    ([(header::CONTENT_TYPE, content_type)], body).into_response()
}

/// A category (or subcategory) page, `?page=N`, in either format.
pub(crate) async fn category_response(
    app: &App,
    (layer, category, sub): (String, String, Option<String>),
    query: &std::collections::HashMap<String, String>,
    format: ErrorFormat,
    render: impl FnOnce(&stackdex_app::views::CategoryPage) -> Result<String, String>,
) -> Response {
    let page = match pages::page_number(query) {
        Ok(p) => p,
        Err(e) => return error_response(format, &e, false),
    };
    let prefix = if format == ErrorFormat::Html { "html" } else { "json" };
    let key = format!("{prefix}:/categories/{layer}/{category}/{}?{page}", sub.as_deref().unwrap_or(""));
    cached(app, key, format, None, app.category_page(&layer, &category, sub.as_deref(), page), render).await
}

/// The tags a view was built from: every tool it names (by slug), and decisions.
fn tags_of<T: Serialize>(app: &App, view: &T) -> Vec<String> {
    fn walk(v: &serde_json::Value, out: &mut Vec<String>, app: &App) {
        match v {
            serde_json::Value::Object(map) => {
                for (k, v) in map {
                    if k == "slug"
                        && let Some(id) = v.as_str().and_then(|s| app.tool_id(s))
                    {
                        out.push(format!("tool:{id}"));
                    }
                    walk(v, out, app);
                }
            }
            serde_json::Value::Array(items) => items.iter().for_each(|i| walk(i, out, app)),
            _ => {}
        }
    }
    let mut tags = vec!["decisions".to_owned()];
    if let Ok(value) = serde_json::to_value(view) {
        walk(&value, &mut tags, app);
    }
    tags.sort();
    tags.dedup();
    tags
}
