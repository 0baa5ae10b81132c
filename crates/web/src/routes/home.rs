//! The home page and its JSON twin.

use std::sync::Arc;
use std::time::Duration;

use askama::Template;
use axum::extract::State;
use stackdex_app::home::HomePage;
use stackdex_app::{App, CacheKey, Format};

use crate::respond::{Result, cached_html, cached_json};

/// The home page ranks every tool: it is kept for a short while rather than dropped on every
/// change anywhere.
const KEPT: Option<Duration> = Some(Duration::from_secs(30));

fn key(format: Format) -> CacheKey {
    CacheKey::new(format, "/")
}

#[derive(Template)]
#[template(path = "home/home.html")]
struct HomeHtml<'a> {
    page: &'a HomePage,
}

pub(crate) async fn page(State(app): State<Arc<App>>) -> Result {
    cached_html(&app, key(Format::Html), KEPT, app.home_page(), |page| HomeHtml { page }.render()).await
}

/// Home: trending tools and stackups, recent decisions.
#[utoipa::path(get, path = "/api/v1/home", responses((status = 200, body = HomePage)))]
pub(crate) async fn api(State(app): State<Arc<App>>) -> Result {
    cached_json(&app, key(Format::Json), KEPT, app.home_page()).await
}
