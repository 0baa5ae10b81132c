//! The browser's side of accounts and writes: log in, sign up, log out, the settings page
//! with API tokens, and the forms on tool pages (a new pro or con, votes). Every form post
//! answers with a redirect (303) on success, so reloading a page never posts twice.

use std::sync::Arc;

use askama::Template;
use axum::Router;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, FromRequest, Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use stackdex_app::sessions::{Action, Session};
use stackdex_app::{App, AppError, ReasonKind};

use crate::auth::{
    ClientAddress, MaybeSession, check_csrf, check_origin, clear_cookie, session_cookie, session_cookie_header,
};
use crate::error::PageError;
use crate::{ErrorFormat, error_response};

const HTML: ErrorFormat = ErrorFormat::Html;

pub(crate) fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/login", get(login_page).post(log_in))
        .route("/signup", get(signup_page).post(sign_up))
        .route("/logout", post(log_out))
        .route("/settings", get(settings))
        .route("/settings/tokens", post(create_token))
        .route("/settings/tokens/{id}/revoke", post(revoke_token))
        .route("/tools/{slug}/reasons", post(add_reason))
        .route("/reasons/{id}/vote", post(vote))
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginHtml<'a> {
    signup: bool,
    error: Option<&'a str>,
    username: &'a str,
    next: &'a str,
}

pub(crate) struct TokenRow {
    id: i64,
    name: String,
    prefix: String,
    created: String,
    revoked: bool,
}

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsHtml<'a> {
    user: &'a stackdex_app::User,
    csrf: &'a str,
    tokens: Vec<TokenRow>,
    new_token: Option<String>,
}

pub(crate) fn html(status: StatusCode, t: impl Template) -> Response {
    match t.render() {
        Ok(body) => (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "rendering failed");
            error_response(HTML, &AppError::BadRequest("internal error".into()), true)
        }
    }
}

/// A redirect target taken from the client: a path on this site, nothing else.
pub(crate) fn local_path(next: Option<&str>) -> &str {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') && n.len() <= 500 => n,
        _ => "/",
    }
}

/// Where an anonymous visitor goes to act: the log-in page, then back.
pub(crate) fn to_login(next: &str) -> Response {
    let next: String = url_encode(next);
    Redirect::to(&format!("/login?next={next}")).into_response()
}

pub(crate) fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
}

async fn login_page(MaybeSession(session): MaybeSession, Query(q): Query<NextQuery>) -> Response {
    let next = local_path(q.next.as_deref());
    if session.is_some() {
        return Redirect::to(next).into_response();
    }
    html(StatusCode::OK, LoginHtml { signup: false, error: None, username: "", next })
}

async fn signup_page(MaybeSession(session): MaybeSession, Query(q): Query<NextQuery>) -> Response {
    let next = local_path(q.next.as_deref());
    if session.is_some() {
        return Redirect::to(next).into_response();
    }
    html(StatusCode::OK, LoginHtml { signup: true, error: None, username: "", next })
}

#[derive(Deserialize)]
struct Credentials {
    username: String,
    password: String,
    next: Option<String>,
}

async fn log_in(
    State(app): State<Arc<App>>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    form: Result<Form<Credentials>, FormRejection>,
) -> Response {
    credentials_post(app, headers, address, form, false).await
}

async fn sign_up(
    State(app): State<Arc<App>>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    form: Result<Form<Credentials>, FormRejection>,
) -> Response {
    credentials_post(app, headers, address, form, true).await
}

/// Log in or sign up: on success a new session and a redirect to `next`; on failure the form
/// again, with what went wrong.
async fn credentials_post(
    app: Arc<App>,
    headers: HeaderMap,
    address: String,
    form: Result<Form<Credentials>, FormRejection>,
    signup: bool,
) -> Response {
    if let Err(e) = check_origin(&headers) {
        return error_response(HTML, &e, false);
    }
    let Ok(Form(form)) = form else {
        return error_response(HTML, &AppError::BadRequest("the form needs a username and a password".into()), false);
    };
    let next = local_path(form.next.as_deref()).to_owned();
    let result = async {
        if signup {
            app.rate_limit(Action::SignUp, &address).await?;
            let user = app.sign_up(&form.username, &form.password).await?;
            app.session_for(user).await
        } else {
            app.rate_limit(Action::LogIn, &address).await?;
            app.open_session(&form.username, &form.password).await
        }
    }
    .await;
    match result {
        Ok((secret, _)) => {
            let mut response = Redirect::to(&next).into_response();
            response.headers_mut().insert(header::SET_COOKIE, session_cookie_header(&secret, &headers));
            response
        }
        Err(e @ AppError::RateLimited { .. }) => error_response(HTML, &e, false),
        Err(e) => {
            let status = match &e {
                AppError::Conflict(_) => StatusCode::CONFLICT,
                AppError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
                AppError::Store(_) => return error_response(HTML, &e, false),
                _ => StatusCode::BAD_REQUEST,
            };
            let message = e.to_string();
            let username: String = form.username.chars().take(32).collect();
            html(status, LoginHtml { signup, error: Some(&message), username: &username, next: &next })
        }
    }
}

/// A form post from a signed-in browser, after its CSRF checks (this site's origin and the
/// session's token in the field `csrf`). Without a session the rejection sends the visitor to
/// log in and back to the page the form was on.
pub(crate) struct SignedIn<T>(pub Session, pub T);

#[derive(Deserialize)]
struct WithCsrf<T> {
    #[serde(default)]
    csrf: String,
    #[serde(flatten)]
    fields: T,
}

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequest<S> for SignedIn<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Response> {
        let headers = request.headers().clone();
        let Some(session) = request.extensions().get::<Session>().cloned() else {
            return Err(to_login(&came_from(&headers)));
        };
        let Form(form) = Form::<WithCsrf<T>>::from_request(request, state)
            .await
            .map_err(|e| error_response(HTML, &AppError::BadRequest(e.body_text()), false))?;
        check_csrf(&headers, &session, &form.csrf).map_err(|e| error_response(HTML, &e, false))?;
        Ok(SignedIn(session, form.fields))
    }
}

/// The page of this site a request came from (its `Referer`), else the home page.
fn came_from(headers: &HeaderMap) -> String {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
    headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| r.strip_prefix("http://").or_else(|| r.strip_prefix("https://")))
        .and_then(|r| r.strip_prefix(host).filter(|_| !host.is_empty()))
        .filter(|path| path.starts_with('/'))
        .map(|path| local_path(Some(path)).to_owned())
        .unwrap_or_else(|| "/".to_owned())
}

type PageResult = Result<Response, PageError>;

#[derive(Deserialize)]
struct NoFields {}

async fn log_out(State(app): State<Arc<App>>, headers: HeaderMap, _: SignedIn<NoFields>) -> PageResult {
    if let Some(cookie) = session_cookie(&headers) {
        app.close_session(&cookie).await?;
    }
    let mut response = Redirect::to("/").into_response();
    response.headers_mut().insert(header::SET_COOKIE, clear_cookie());
    Ok(response)
}

async fn settings(State(app): State<Arc<App>>, MaybeSession(session): MaybeSession) -> PageResult {
    let Some(session) = session else { return Ok(to_login("/settings")) };
    settings_page(&app, &session, None).await
}

async fn settings_page(app: &App, session: &Session, new_token: Option<String>) -> PageResult {
    let tokens = app
        .tokens(&session.user)
        .await?
        .into_iter()
        .map(|t| TokenRow {
            id: t.id,
            name: t.name,
            prefix: t.prefix,
            created: stackdex_app::format::date(t.created_at),
            revoked: t.revoked_at.is_some(),
        })
        .collect();
    let status = if new_token.is_some() { StatusCode::CREATED } else { StatusCode::OK };
    Ok(html(status, SettingsHtml { user: &session.user, csrf: &session.csrf, tokens, new_token }))
}

#[derive(Deserialize)]
struct TokenForm {
    #[serde(default)]
    name: String,
}

/// Creates a token and shows it once, on the page this post answers (not after a redirect:
/// the token must not be kept anywhere it could be shown again).
async fn create_token(State(app): State<Arc<App>>, SignedIn(session, form): SignedIn<TokenForm>) -> PageResult {
    let token = app.create_token(&session.user, &form.name).await?;
    let mut response = settings_page(&app, &session, Some(token)).await?;
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

async fn revoke_token(
    State(app): State<Arc<App>>,
    Path(id): Path<i64>,
    SignedIn(session, _): SignedIn<NoFields>,
) -> PageResult {
    app.revoke_token(&session.user, id).await?;
    Ok(Redirect::to("/settings#tokens").into_response())
}

#[derive(Deserialize)]
struct ReasonForm {
    kind: String,
    text: String,
}

async fn add_reason(
    State(app): State<Arc<App>>,
    Path(slug): Path<String>,
    SignedIn(session, form): SignedIn<ReasonForm>,
) -> PageResult {
    let kind = match form.kind.as_str() {
        "pro" => ReasonKind::Pro,
        "con" => ReasonKind::Con,
        _ => return Err(AppError::BadRequest("a reason is a pro or a con".into()).into()),
    };
    app.rate_limit(Action::Post, &session.user.id.to_string()).await?;
    let id = app.add_reason(&session.user, &slug, kind, &form.text).await?;
    Ok(Redirect::to(&format!("/tools/{}#reason-{id}", url_encode(&slug))).into_response())
}

#[derive(Deserialize)]
struct VoteForm {
    /// "cast" (the default) or "retract".
    #[serde(default)]
    action: String,
}

async fn vote(
    State(app): State<Arc<App>>,
    Path(id): Path<i64>,
    SignedIn(session, form): SignedIn<VoteForm>,
) -> PageResult {
    let slug = app.reason_tool(id).await?;
    app.rate_limit(Action::Vote, &session.user.id.to_string()).await?;
    match form.action.as_str() {
        "retract" => app.retract_vote(&session.user, id).await?,
        "" | "cast" => app.vote(&session.user, id).await?,
        _ => return Err(AppError::BadRequest("action is \"cast\" or \"retract\"".into()).into()),
    }
    Ok(Redirect::to(&format!("/tools/{slug}#reason-{id}")).into_response())
}
