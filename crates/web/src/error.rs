//! Errors at the edge: HTML pages for pages, `{"error": {"code", "message"}}` for the API;
//! 4xx for the client's mistakes, 5xx logged with detail and shown without it.

use askama::Template;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use stackdex_app::AppError;
use stackdex_app::views::NameLink;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorFormat {
    Html,
    Json,
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    title: &'a str,
    message: &'a str,
    suggestions: &'a [NameLink],
}

/// The response for an error; `internal` forces a 500 whatever the error says.
pub fn error_response(format: ErrorFormat, err: &AppError, internal: bool) -> Response {
    let (status, code, message, suggestions): (StatusCode, &str, String, &[NameLink]) = match err {
        _ if internal => {
            (StatusCode::INTERNAL_SERVER_ERROR, "internal", "Something went wrong on our side.".into(), &[])
        }
        AppError::Moved(to) => {
            let to = match format {
                ErrorFormat::Html => to.clone(),
                ErrorFormat::Json => format!("/api/v1{to}"),
            };
            // 301, as links and bookmarks to a non-canonical stackup should be rewritten.
            return (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, to)]).into_response();
        }
        AppError::NotFound { what, suggestions } => {
            (StatusCode::NOT_FOUND, "not_found", format!("We could not find {what}."), suggestions.as_slice())
        }
        AppError::BadRequest(message) => (StatusCode::BAD_REQUEST, "bad_request", message.clone(), &[]),
        AppError::Unauthorized(message) => (StatusCode::UNAUTHORIZED, "unauthorized", message.clone(), &[]),
        AppError::Forbidden(message) => (StatusCode::FORBIDDEN, "forbidden", message.clone(), &[]),
        AppError::Conflict(message) => (StatusCode::CONFLICT, "conflict", message.clone(), &[]),
        AppError::RateLimited { message, .. } => (StatusCode::TOO_MANY_REQUESTS, "rate_limited", message.clone(), &[]),
        AppError::Store(e) => {
            tracing::error!(error = %e, "storage failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal", "Something went wrong on our side.".into(), &[])
        }
    };
    let mut response = match format {
        ErrorFormat::Json => {
            let mut body = serde_json::json!({"error": {"code": code, "message": message}});
            if !suggestions.is_empty() {
                body["error"]["suggestions"] = serde_json::to_value(suggestions).unwrap_or_default();
            }
            (status, axum::Json(body)).into_response()
        }
        ErrorFormat::Html => {
            let title = match status {
                StatusCode::NOT_FOUND => "Not found",
                StatusCode::BAD_REQUEST => "Bad request",
                StatusCode::UNAUTHORIZED => "Please log in",
                StatusCode::CONFLICT => "Already there",
                StatusCode::FORBIDDEN => "Not allowed",
                StatusCode::TOO_MANY_REQUESTS => "Slow down",
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

/// An error that answers as JSON: API handlers return `Result<Response, ApiError>` and use `?`.
pub(crate) struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        error_response(ErrorFormat::Json, &self.0, false)
    }
}

/// The same for pages: the error as an HTML page.
pub(crate) struct PageError(pub AppError);

impl From<AppError> for PageError {
    fn from(e: AppError) -> Self {
        PageError(e)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        error_response(ErrorFormat::Html, &self.0, false)
    }
}
