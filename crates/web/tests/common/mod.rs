//! Test support: an application on a fresh database of each backend, and requests through the
//! real router in-process.

#![allow(dead_code)]

pub mod xss;

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use stackdex_app::App;
use stackdex_store::Backend;
use stackdex_store::testing::{Template, TestDb, fresh_stores};
use tower::ServiceExt;

pub struct TestApp {
    pub app: Arc<App>,
    pub router: axum::Router,
    pub db: TestDb,
}

/// One application per backend; with `demo`, the demo community at scale 1 (built once per
/// backend and copied for each test).
pub async fn apps(demo: bool) -> Vec<TestApp> {
    let dbs = if demo {
        vec![demo_template(Backend::Sqlite).await.copy().await, demo_template(Backend::Postgres).await.copy().await]
    } else {
        fresh_stores().await
    };
    let mut out = Vec::new();
    for db in dbs {
        let app = App::open(db.store.clone()).await.expect("open app");
        // Rate limits are tested on their own (they would refuse the tests' many sign-ups).
        app.set_rate_limits(stackdex_app::rate_limits::RateLimits::off());
        if demo {
            let built = stackdex_app::demo::build_if_missing(&app, 1, false).await.expect("demo");
            assert!(!built, "the copy holds the demo already");
            app.poll_changes().await.unwrap();
        }
        out.push(TestApp { router: stackdex_web::router(app.clone()), app, db });
    }
    out
}

/// The demo community on `backend`, built by the first test that needs it.
async fn demo_template(backend: Backend) -> &'static Template {
    static SQLITE: tokio::sync::OnceCell<Template> = tokio::sync::OnceCell::const_new();
    static POSTGRES: tokio::sync::OnceCell<Template> = tokio::sync::OnceCell::const_new();
    let cell = match backend {
        Backend::Sqlite => &SQLITE,
        Backend::Postgres => &POSTGRES,
    };
    cell.get_or_init(|| {
        Template::build(backend, async |store| {
            let app = App::open(store).await.expect("open app");
            stackdex_app::demo::build_if_missing(&app, 1, false).await.expect("demo");
        })
    })
    .await
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub location: Option<String>,
    pub content_type: String,
    pub body: String,
}

/// A form body, `application/x-www-form-urlencoded`.
fn form_body(form: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new()).extend_pairs(form).finish()
}

/// The session cookie a response sets, if any.
pub fn session_of(reply: &Reply) -> Option<String> {
    reply
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix("sdx_session=")?.split(';').next().filter(|s| !s.is_empty()).map(str::to_owned))
}

/// The CSRF token the page's forms carry.
pub fn csrf_of(html: &str) -> Option<String> {
    let at = html.find("name=\"csrf\" value=\"")? + "name=\"csrf\" value=\"".len();
    let token: String = html[at..].chars().take_while(|c| c.is_ascii_hexdigit()).collect();
    (!token.is_empty()).then_some(token)
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
        self.finish(request.body(Body::from(body.unwrap_or("").to_owned())).unwrap()).await
    }

    async fn finish(&self, request: Request<Body>) -> Reply {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let location = response.headers().get(header::LOCATION).map(|v| v.to_str().unwrap().to_owned());
        let content_type =
            response.headers().get(header::CONTENT_TYPE).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        Reply { status, headers, location, content_type, body: String::from_utf8_lossy(&bytes).into_owned() }
    }

    /// A browser's request: the session cookie when given, `Host: stackdex.test`, and for
    /// posts an `Origin` of this site (pass `origin` to send another, or "" to send none) and a
    /// form body.
    pub async fn browse(
        &self,
        method: &str,
        uri: &str,
        cookie: Option<&str>,
        form: &[(&str, &str)],
        origin: Option<&str>,
    ) -> Reply {
        let mut request = Request::builder().method(method).uri(uri).header(header::HOST, "stackdex.test");
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, format!("sdx_session={cookie}"));
        }
        let origin = origin.unwrap_or("http://stackdex.test");
        if method != "GET" && !origin.is_empty() {
            request = request.header(header::ORIGIN, origin);
        }
        let body = if method == "GET" {
            String::new()
        } else {
            request = request.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
            form_body(form)
        };
        self.finish(request.body(Body::from(body)).unwrap()).await
    }

    /// A form post from this site, anonymous, with one extra header.
    pub async fn finish_with_header(&self, uri: &str, form: &[(&str, &str)], extra: (&str, &str)) -> Reply {
        let body = form_body(form);
        let request = Request::builder()
            .method("POST")
            .uri(uri)
            .header(header::HOST, "stackdex.test")
            .header(header::ORIGIN, "http://stackdex.test")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(extra.0, extra.1)
            .body(Body::from(body))
            .unwrap();
        self.finish(request).await
    }

    /// An API token for an existing user, through `POST /api/v1/tokens`.
    pub async fn token(&self, username: &str, password: &str) -> String {
        let body = serde_json::json!({"username": username, "password": password, "name": "test"}).to_string();
        let r = self.send("POST", "/api/v1/tokens", Some(&body), None).await;
        assert_eq!(r.status, StatusCode::CREATED, "token for {username}: {}", r.body);
        r.json()["token"].as_str().unwrap().to_owned()
    }

    /// Signs up `username` through the browser form; returns the session cookie's value.
    pub async fn browser_sign_up(&self, username: &str) -> String {
        let r = self
            .browse("POST", "/signup", None, &[("username", username), ("password", "correct horse battery")], None)
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "sign-up of {username}: {}", r.body);
        session_of(&r).expect("a session cookie")
    }

    /// Any request, as built.
    pub async fn request(&self, request: Request<Body>) -> Reply {
        self.finish(request).await
    }

    pub fn backend(&self) -> stackdex_store::Backend {
        self.db.backend
    }
}
