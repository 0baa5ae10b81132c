//! The web edge: the axum router with the HTML pages and their JSON twins under `/api/v1`, and
//! the OpenAPI document built from the same route table.
//!
//! Where things are: the route table is `routes/mod.rs`; a resource's handlers (page, form
//! and API) are `routes/<resource>.rs`; extractors are `extract.rs`, answers and errors
//! `respond.rs`, `ETag` and `304` `conditional.rs`, forms shown again with what to fix `forms.rs`, sessions and CSRF
//! `session.rs`, rate limits `limits.rs`, the OpenAPI document's shared parts `openapi.rs`.
//! Handlers parse (through extractors), call a use case of `stackdex_app`, and render; pages
//! are cached by the application, under the tags each use case returns.

mod charts;
mod conditional;
mod extract;
mod forms;
mod instance;
mod limits;
mod openapi;
mod respond;
mod routes;
mod session;

use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;
use stackdex_app::{App, AppError, Format};
use tower_http::CompressionLevel;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;

/// The largest request body: a pushed scan report is the largest there is.
const BODY_LIMIT: usize = 1024 * 1024;

/// The whole application router.
pub fn router(app: Arc<App>) -> Router {
    let site = Arc::new(app.site());
    instance::set(site.clone());
    routes::table(&app)
        .layer(axum::middleware::from_fn_with_state(app.clone(), respond::read_own_writes))
        .layer(axum::middleware::from_fn_with_state(app.clone(), session::sessions))
        .layer(axum::middleware::from_fn(conditional::conditional))
        .with_state(app)
        .layer(axum::middleware::from_fn_with_state(site, instance::scope))
        // Anything larger is refused before it is read.
        .layer(axum::extract::DefaultBodyLimit::max(BODY_LIMIT))
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
            respond::error_response(Format::Html, &AppError::Internal("a handler panicked".into())).into_response()
        }))
        // Brotli or gzip as the client accepts, at a level that costs little time per answer.
        .layer(CompressionLayer::new().quality(CompressionLevel::Precise(4)))
}
