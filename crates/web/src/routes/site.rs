//! The site around the resources: the "share your stack" page, the style sheet, the favicon,
//! the operator's pages (about, contact, privacy, terms), `robots.txt` and the sitemap, the
//! health check, the OpenAPI document and its browsable page, and the answer to unknown
//! addresses.

use std::sync::Arc;

use askama::Template;
use axum::Json;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use stackdex_app::site::{SITE_KEPT, SitePage, SitePageView, Sitemap};
use stackdex_app::{App, AppError, CacheKey, Format};
use utoipa::openapi::OpenApi;

use crate::conditional::tagged;
use crate::extract::Path;
use crate::respond::{Result, cached_html, error_response, html};

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

/// The site's icon, for `<link rel="icon">`.
pub(crate) async fn favicon_svg() -> Response {
    favicon()
}

/// `/favicon.ico`, which browsers and crawlers ask for whatever the page says: the same icon.
pub(crate) async fn favicon_ico() -> Response {
    favicon()
}

fn favicon() -> Response {
    (
        [(header::CONTENT_TYPE, "image/svg+xml"), (header::CACHE_CONTROL, "public, max-age=86400")],
        include_str!("../../static/favicon.svg"),
    )
        .into_response()
}

#[derive(Template)]
#[template(path = "site/page.html")]
struct SitePageHtml<'a> {
    page: &'a SitePageView,
}

pub(crate) async fn about(State(app): State<Arc<App>>) -> Result {
    site_page(&app, SitePage::About).await
}

pub(crate) async fn contact(State(app): State<Arc<App>>) -> Result {
    site_page(&app, SitePage::Contact).await
}

pub(crate) async fn privacy(State(app): State<Arc<App>>) -> Result {
    site_page(&app, SitePage::Privacy).await
}

pub(crate) async fn terms(State(app): State<Arc<App>>) -> Result {
    site_page(&app, SitePage::Terms).await
}

/// An operator's page, read again from its file at most every [`SITE_KEPT`].
async fn site_page(app: &App, page: SitePage) -> Result {
    let key = CacheKey::new(Format::Html, format_args!("/{}", page.slug()));
    cached_html(app, key, Some(SITE_KEPT), app.site_page(page), |page| SitePageHtml { page }.render()).await
}

/// `robots.txt`: everything public may be crawled but the forms, personal pages, the API and
/// search results; where the sitemap is.
pub(crate) async fn robots(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    let mut text = String::from(
        "User-agent: *\n\
         Disallow: /api/\n\
         Disallow: /search\n\
         Disallow: /compare\n\
         Disallow: /feed\n\
         Disallow: /settings\n\
         Disallow: /login\n\
         Disallow: /signup\n\
         Disallow: /share\n\
         Disallow: /stacks/new\n\
         Disallow: /decisions/new\n\
         Disallow: /organisations/new\n\
         Disallow: /*/edit\n\
         Disallow: /*/diff\n",
    );
    if let Some(base) = public_base(&app, &headers) {
        text.push_str(&format!("\nSitemap: {base}/sitemap.xml\n"));
    }
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")], text)
        .into_response()
}

/// `/sitemap.xml`: every address of tools, stackups, stacks and decisions, or, past the
/// configured limit per file, the index of its parts.
pub(crate) async fn sitemap(State(app): State<Arc<App>>, headers: HeaderMap) -> Result {
    sitemap_file(&app, &headers, None).await
}

/// `/sitemaps/{n}.xml`: one part of a sitemap split in many.
pub(crate) async fn sitemap_part(State(app): State<Arc<App>>, headers: HeaderMap, Path(file): Path<String>) -> Result {
    let part = file
        .strip_suffix(".xml")
        .and_then(|n| n.parse::<usize>().ok())
        .filter(|n| *n >= 1)
        .ok_or_else(|| AppError::not_found("that part of the sitemap"))?;
    sitemap_file(&app, &headers, Some(part)).await
}

async fn sitemap_file(app: &App, headers: &HeaderMap, part: Option<usize>) -> Result {
    // Sitemaps hold absolute addresses; without a configured public address, the one the
    // request was sent to (part of the cache key, as it varies).
    let base = public_base(app, headers).ok_or_else(|| AppError::BadRequest("no Host header".into()))?;
    let limit = app.site().sitemap_limit;
    let key =
        CacheKey::new(Format::Html, format_args!("/sitemap.xml?base={base}&limit={limit}&part={}", part.unwrap_or(0)));
    let page = app.cached(key, Some(SITE_KEPT), app.sitemap(limit, part), |map| Ok(sitemap_xml(&base, map))).await?;
    Ok(tagged("application/xml; charset=utf-8", page))
}

fn sitemap_xml(base: &str, map: &Sitemap) -> String {
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    match map {
        Sitemap::Urls(urls) => {
            xml.push_str("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
            for url in urls {
                xml.push_str("<url><loc>");
                xml.push_str(&xml_text(&format!("{base}{}", url.path)));
                xml.push_str("</loc>");
                if let Some(day) = &url.lastmod {
                    xml.push_str(&format!("<lastmod>{day}</lastmod>"));
                }
                xml.push_str("</url>\n");
            }
            xml.push_str("</urlset>\n");
        }
        Sitemap::Index { parts } => {
            xml.push_str("<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
            for n in 1..=*parts {
                xml.push_str(&format!(
                    "<sitemap><loc>{}</loc></sitemap>\n",
                    xml_text(&format!("{base}/sitemaps/{n}.xml"))
                ));
            }
            xml.push_str("</sitemapindex>\n");
        }
    }
    xml
}

fn xml_text(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&apos;")
}

/// The site's public address: the configured one, else `http(s)://` and the request's `Host`
/// (when it is a plain host name and port), `https` when a proxy says so.
fn public_base(app: &App, headers: &HeaderMap) -> Option<String> {
    if let Some(url) = app.site().public_url {
        return Some(url);
    }
    let host = headers.get(header::HOST)?.to_str().ok()?;
    let plain = !host.is_empty()
        && host.len() <= 255
        && host.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
    if !plain {
        return None;
    }
    let https = headers.get("x-forwarded-proto").and_then(|v| v.to_str().ok()) == Some("https");
    Some(format!("{}://{host}", if https { "https" } else { "http" }))
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
