//! Test support: an application on a fresh database of each backend, and requests through the
//! real router in-process.

#![allow(dead_code)]

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use stackdex_app::App;
use stackdex_store::testing::{TestDb, fresh_stores};
use tower::ServiceExt;

pub struct TestApp {
    pub app: Arc<App>,
    pub router: axum::Router,
    pub db: TestDb,
}

/// One application per backend; with `demo`, the demo community at scale 1.
pub async fn apps(demo: bool) -> Vec<TestApp> {
    let mut out = Vec::new();
    for db in fresh_stores().await {
        let app = App::open(db.store.clone()).await.expect("open app");
        // Rate limits are tested on their own (they would refuse the tests' many sign-ups).
        app.set_rate_limits(stackdex_app::sessions::RateLimits::off());
        if demo {
            stackdex_app::demo::build_if_missing(&app, 1, false).await.expect("demo");
            app.poll_changes().await.unwrap();
        }
        out.push(TestApp { router: stackdex_web::router(app.clone()), app, db });
    }
    out
}

pub struct Reply {
    pub status: StatusCode,
    pub location: Option<String>,
    pub content_type: String,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

impl TestApp {
    pub async fn get(&self, uri: &str) -> Reply {
        self.send("GET", uri, None, None).await
    }

    /// Sends a request with an optional JSON body and bearer token.
    pub async fn send(&self, method: &str, uri: &str, body: Option<&str>, token: Option<&str>) -> Reply {
        let mut request = Request::builder().method(method).uri(uri);
        if body.is_some() {
            request = request.header(header::CONTENT_TYPE, "application/json");
        }
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let request = request.body(Body::from(body.unwrap_or("").to_owned())).unwrap();
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let location = response.headers().get(header::LOCATION).map(|v| v.to_str().unwrap().to_owned());
        let content_type =
            response.headers().get(header::CONTENT_TYPE).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        Reply { status, location, content_type, body: String::from_utf8_lossy(&bytes).into_owned() }
    }

    pub fn backend(&self) -> stackdex_store::Backend {
        self.db.backend
    }
}
