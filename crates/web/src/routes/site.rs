//! The site around the resources: the "share your stack" page, the style sheet, the health
//! check, the OpenAPI document and its browsable page, and the answer to unknown addresses.

use std::sync::Arc;

use askama::Template;
use axum::Json;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use stackdex_app::{AppError, Format};
use utoipa::openapi::OpenApi;

use crate::extract::Path;
use crate::respond::{Result, error_response, html};

#[derive(Template)]
#[template(path = "site/share.html")]
struct ShareHtml;

/// One operation of the API docs page.
struct Operation {
    method: &'static str,
    path: String,
    summary: String,
}

#[derive(Template)]
#[template(path = "site/docs.html")]
struct DocsHtml {
    operations: Vec<Operation>,
}

pub(crate) async fn share() -> Result {
    html(StatusCode::OK, ShareHtml)
}

pub(crate) async fn css() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")],
        include_str!("../../static/app.css"),
    )
        .into_response()
}

/// The tool picker's script (the only script the pages load; see `static/picker.js`).
pub(crate) async fn picker_js() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")],
        include_str!("../../static/picker.js"),
    )
        .into_response()
}

/// A tool's logo, `/static/logos/{slug}.{fingerprint}.svg`: kept by browsers for good (the
/// fingerprint changes with the file); under an old fingerprint, the current file for a day.
pub(crate) async fn logo(State(app): State<Arc<stackdex_app::App>>, Path(file): Path<String>) -> Result {
    let (slug, fingerprint) =
        file.strip_suffix(".svg").and_then(|f| f.rsplit_once('.')).ok_or_else(|| AppError::not_found("that logo"))?;
    let (svg, current) = app.logo(slug, fingerprint).ok_or_else(|| AppError::not_found("that logo"))?;
    let cache = if current { "public, max-age=31536000, immutable" } else { "public, max-age=86400" };
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, cache),
            // An image never runs anything, whatever it holds.
            (header::CONTENT_SECURITY_POLICY, "default-src 'none'; style-src 'unsafe-inline'; sandbox"),
        ],
        svg,
    )
        .into_response())
}

pub(crate) async fn health() -> &'static str {
    "ok"
}

pub(crate) async fn openapi_json(State(doc): State<Arc<OpenApi>>) -> Response {
    Json(doc.as_ref().clone()).into_response()
}

/// The API's operations as a page, from the same document (nothing loaded from elsewhere).
pub(crate) async fn docs(State(doc): State<Arc<OpenApi>>) -> Result {
    let mut operations = Vec::new();
    for (path, item) in &doc.paths.paths {
        for (method, op) in [("GET", &item.get), ("POST", &item.post), ("PUT", &item.put), ("DELETE", &item.delete)] {
            if let Some(op) = op {
                operations.push(Operation {
                    method,
                    path: path.clone(),
                    summary: op.summary.clone().or_else(|| op.description.clone()).unwrap_or_default(),
                });
            }
        }
    }
    html(StatusCode::OK, DocsHtml { operations })
}

/// An address nothing answers: a JSON 404 under `/api/`, else the HTML one.
pub(crate) async fn not_found(request: Request) -> Response {
    let format = if request.uri().path().starts_with("/api/") { Format::Json } else { Format::Html };
    error_response(format, &AppError::not_found("that page"))
}
