//! Conditional requests: every page and JSON answer that is the same for everybody carries a
//! weak `ETag`, and a `GET` whose `If-None-Match` names it is answered `304 Not Modified`
//! without a body. Cached pages bring the tag computed when they were rendered; anything else
//! is tagged here from its bytes. Personal pages (`no-store`) carry none.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use stackdex_app::{Rendered, entity_tag};

/// Bodies larger than this are sent without a tag rather than held in memory to hash.
const MAX_TAGGED: usize = 4 * 1024 * 1024;

/// A cached body with its type and tag.
pub(crate) fn tagged(content_type: &'static str, page: Rendered) -> Response {
    let mut response = ([(header::CONTENT_TYPE, content_type)], page.body).into_response();
    if let Ok(etag) = HeaderValue::from_maybe_shared(page.etag) {
        response.headers_mut().insert(header::ETAG, etag);
    }
    response
}

/// Middleware: tags shared `200` answers to `GET` and `HEAD` and answers `304` when the
/// client has that version. A page with no freshness of its own is to be checked on each use
/// (`no-cache`): pages change with every vote.
pub(crate) async fn conditional(request: Request, next: Next) -> Response {
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        return next.run(request).await;
    }
    let if_none_match = request.headers().get(header::IF_NONE_MATCH).cloned();
    let response = next.run(request).await;
    if response.status() != StatusCode::OK || is_no_store(response.headers()) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let etag = match parts.headers.get(header::ETAG) {
        Some(etag) => etag.clone(),
        None => {
            let Ok(bytes) = axum::body::to_bytes(body, MAX_TAGGED).await else {
                return Response::from_parts(parts, Body::empty());
            };
            let etag = HeaderValue::from_maybe_shared(entity_tag(&bytes)).expect("hex in quotes is a header value");
            parts.headers.insert(header::ETAG, etag.clone());
            return finish(parts, Body::from(bytes), etag, if_none_match);
        }
    };
    finish(parts, body, etag, if_none_match)
}

fn finish(
    mut parts: axum::http::response::Parts,
    body: Body,
    etag: HeaderValue,
    if_none_match: Option<HeaderValue>,
) -> Response {
    parts.headers.entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static("no-cache"));
    if if_none_match.is_some_and(|v| matches(&v, &etag)) {
        parts.status = StatusCode::NOT_MODIFIED;
        parts.headers.remove(header::CONTENT_LENGTH);
        parts.headers.remove(header::CONTENT_TYPE);
        return Response::from_parts(parts, Body::empty());
    }
    Response::from_parts(parts, body)
}

fn is_no_store(headers: &HeaderMap) -> bool {
    headers.get(header::CACHE_CONTROL).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("no-store"))
}

/// Whether an `If-None-Match` list names `etag` (weak comparison, as RFC 9110 asks for it).
fn matches(if_none_match: &HeaderValue, etag: &HeaderValue) -> bool {
    let Ok(list) = if_none_match.to_str() else { return false };
    let opaque = |tag: &str| tag.trim().trim_start_matches("W/").to_owned();
    let ours = opaque(etag.to_str().unwrap_or(""));
    list.split(',').any(|tag| tag.trim() == "*" || opaque(tag) == ours)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_none_match_compares_weakly_and_in_lists() {
        let etag = HeaderValue::from_static("W/\"abc\"");
        for yes in ["W/\"abc\"", "\"abc\"", "\"x\", W/\"abc\"", "*"] {
            assert!(matches(&HeaderValue::from_static(yes), &etag), "{yes}");
        }
        for no in ["W/\"abd\"", "", "abc"] {
            assert!(!matches(&HeaderValue::from_static(no), &etag), "{no}");
        }
    }
}
