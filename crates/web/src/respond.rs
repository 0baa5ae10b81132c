//! Answers: every handler returns `Result<Response, Error>`; an [`Error`] carries the use
//! case's [`AppError`] out of the handler (or out of an extractor's rejection), and the route
//! group it was raised in renders it ([`html_errors`] for pages, [`json_errors`] for the API):
//! an HTML page, or `{"error": {"code", "message"}}`. 4xx are the client's mistakes; a 5xx is
//! logged with its cause and answered without it.

use std::sync::Arc;

use askama::Template;
use axum::Json;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use stackdex_app::views::Suggestion;
use stackdex_app::{App, AppError, CacheKey, Format, Shown};

use crate::conditional::tagged;
use crate::openapi::{ErrorBody, ErrorDetail};

/// A use case's error on its way out of a handler.
#[derive(Debug)]
pub(crate) struct Error(pub AppError);

impl From<AppError> for Error {
    fn from(e: AppError) -> Self {
        Error(e)
    }
}

pub(crate) type Result<T = Response, E = Error> = std::result::Result<T, E>;

/// The error, kept in the response until its route group renders it.
#[derive(Clone)]
struct Failure(Arc<AppError>);

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let mut response = status_of(&self.0).into_response();
        response.extensions_mut().insert(Failure(Arc::new(self.0)));
        response
    }
}

fn status_of(err: &AppError) -> StatusCode {
    match err {
        AppError::NotFound { .. } => StatusCode::NOT_FOUND,
        AppError::Moved(_) => StatusCode::MOVED_PERMANENTLY,
        AppError::BadRequest(_) | AppError::Invalid { .. } => StatusCode::BAD_REQUEST,
        AppError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
        AppError::Forbidden(_) => StatusCode::FORBIDDEN,
        AppError::Conflict(_) => StatusCode::CONFLICT,
        AppError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
        AppError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
        AppError::Internal(_) | AppError::Store(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// Middleware of the page routes: errors as HTML pages.
pub(crate) async fn html_errors(request: Request, next: Next) -> Response {
    render_failure(Format::Html, next.run(request).await)
}

/// Middleware of the API routes: errors as JSON.
pub(crate) async fn json_errors(request: Request, next: Next) -> Response {
    render_failure(Format::Json, next.run(request).await)
}

fn render_failure(format: Format, response: Response) -> Response {
    match response.extensions().get::<Failure>() {
        Some(Failure(err)) => error_response(format, err),
        None => response,
    }
}

#[derive(Template)]
#[template(path = "site/error.html")]
struct ErrorPage<'a> {
    title: &'a str,
    message: &'a str,
    suggestions: &'a [Suggestion],
}

/// The answer to an error, in a format.
pub(crate) fn error_response(format: Format, err: &AppError) -> Response {
    let status = status_of(err);
    let (code, message, suggestions): (&str, String, &[Suggestion]) = match err {
        AppError::Moved(to) => {
            let to = match format {
                Format::Html => to.clone(),
                Format::Json => format!("/api/v1{to}"),
            };
            // 301, as links and bookmarks to a non-canonical address should be rewritten.
            return (status, [(header::LOCATION, to)]).into_response();
        }
        AppError::NotFound { what, suggestions } => ("not_found", format!("We could not find {what}."), suggestions),
        AppError::BadRequest(m) | AppError::Invalid { message: m, .. } => ("bad_request", m.clone(), &[]),
        AppError::Unauthorized(m) => ("unauthorized", m.clone(), &[]),
        AppError::Forbidden(m) => ("forbidden", m.clone(), &[]),
        AppError::Conflict(m) => ("conflict", m.clone(), &[]),
        AppError::TooLarge(m) => ("too_large", m.clone(), &[]),
        AppError::RateLimited { message, .. } => ("rate_limited", message.clone(), &[]),
        AppError::Internal(_) | AppError::Store(_) => {
            tracing::error!(error = %err, "request failed");
            ("internal", "Something went wrong on our side.".into(), &[])
        }
    };
    let mut response = match format {
        Format::Json => {
            let suggestions = (!suggestions.is_empty()).then(|| suggestions.to_vec());
            let body = ErrorBody { error: ErrorDetail { code: code.to_owned(), message, suggestions } };
            (status, Json(body)).into_response()
        }
        Format::Html => {
            let title = match status {
                StatusCode::NOT_FOUND => "Not found",
                StatusCode::BAD_REQUEST => "Bad request",
                StatusCode::UNAUTHORIZED => "Please log in",
                StatusCode::CONFLICT => "Already there",
                StatusCode::FORBIDDEN => "Not allowed",
                StatusCode::TOO_MANY_REQUESTS => "Slow down",
                StatusCode::PAYLOAD_TOO_LARGE => "Too large",
                _ => "Server error",
            };
            let html = ErrorPage { title, message: &message, suggestions }
                .render()
                .unwrap_or_else(|_| format!("<h1>{title}</h1>"));
            (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response()
        }
    };
    if let AppError::RateLimited { retry_after, .. } = err {
        response.headers_mut().insert(header::RETRY_AFTER, (*retry_after).into());
    }
    response
}

/// Middleware: after a write (any method but GET and HEAD), applies the change log to this
/// server's page cache at once, so the page the browser is sent to next already shows the
/// write (other servers catch up within their next poll).
pub(crate) async fn read_own_writes(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let write = !matches!(*request.method(), Method::GET | Method::HEAD);
    let response = next.run(request).await;
    if write && let Err(e) = app.poll_changes().await {
        tracing::warn!(error = %e, "reading the change log after a write failed");
    }
    response
}

/// A page rendered now (not cached), with a status.
pub(crate) fn html(status: StatusCode, page: impl Template) -> Result {
    let body = page.render().map_err(|e| AppError::Internal(format!("rendering a page: {e}")))?;
    Ok((status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response())
}

/// A page only its visitor may see: never kept by a browser or a proxy cache.
pub(crate) fn private(mut response: Response) -> Response {
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    response
}

/// `201 Created` with a JSON body.
pub(crate) fn created(value: impl Serialize) -> Response {
    (StatusCode::CREATED, Json(value)).into_response()
}

/// A page served from the page cache, or built, rendered and cached under the tags its use
/// case returned.
pub(crate) async fn cached_html<T>(
    app: &App,
    key: CacheKey,
    ttl: Option<std::time::Duration>,
    build: impl Future<Output = stackdex_app::Result<Shown<T>>>,
    page: impl FnOnce(&T) -> std::result::Result<String, askama::Error>,
) -> Result {
    let page = app.cached(key, ttl, build, |view| page(view).map_err(|e| e.to_string())).await?;
    Ok(tagged("text/html; charset=utf-8", page))
}

/// A page's JSON twin, from the page cache likewise.
pub(crate) async fn cached_json<T: Serialize>(
    app: &App,
    key: CacheKey,
    ttl: Option<std::time::Duration>,
    build: impl Future<Output = stackdex_app::Result<Shown<T>>>,
) -> Result {
    let page = app.cached(key, ttl, build, |view| serde_json::to_string(view).map_err(|e| e.to_string())).await?;
    Ok(tagged("application/json", page))
}
