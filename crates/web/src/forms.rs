//! The browser's side of accounts and writes: log in, sign up, log out, the settings page
//! with API tokens, and the forms on tool pages (a new pro or con, votes). Every form post
//! answers with a redirect (303) on success, so reloading a page never posts twice.

use std::sync::Arc;

use askama::Template;
use axum::Router;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use stackdex_app::sessions::{Action, Session};
use stackdex_app::{App, AppError, ReasonKind};

use crate::auth::{
    ClientAddress, MaybeSession, check_csrf, check_origin, clear_cookie, session_cookie, session_cookie_header,
};
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

#[derive(Deserialize)]
struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

/// The session a form post acts for, after its CSRF checks; or the response to give instead
/// (to the log-in page when there is none).
#[allow(clippy::result_large_err)]
pub(crate) fn acting(
    session: Option<Session>,
    headers: &HeaderMap,
    csrf: &str,
    back: &str,
) -> Result<Session, Response> {
    let Some(session) = session else { return Err(to_login(back)) };
    check_csrf(headers, &session, csrf).map_err(|e| error_response(HTML, &e, false))?;
    Ok(session)
}

async fn log_out(
    State(app): State<Arc<App>>,
    MaybeSession(session): MaybeSession,
    headers: HeaderMap,
    form: Result<Form<CsrfOnly>, FormRejection>,
) -> Response {
    let csrf = form.map(|Form(f)| f.csrf).unwrap_or_default();
    if let Err(r) = acting(session, &headers, &csrf, "/") {
        return r;
    }
    if let Some(cookie) = session_cookie(&headers)
        && let Err(e) = app.close_session(&cookie).await
    {
        return error_response(HTML, &e, false);
    }
    let mut response = Redirect::to("/").into_response();
    response.headers_mut().insert(header::SET_COOKIE, clear_cookie());
    response
}

async fn settings(State(app): State<Arc<App>>, MaybeSession(session): MaybeSession) -> Response {
    let Some(session) = session else { return to_login("/settings") };
    settings_page(&app, &session, None).await
}

async fn settings_page(app: &App, session: &Session, new_token: Option<String>) -> Response {
    let tokens = match app.tokens(&session.user).await {
        Ok(t) => t,
        Err(e) => return error_response(HTML, &e, false),
    };
    let tokens = tokens
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
    html(status, SettingsHtml { user: &session.user, csrf: &session.csrf, tokens, new_token })
}

#[derive(Deserialize)]
struct TokenForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
}

/// Creates a token and shows it once, on the page this post answers (not after a redirect:
/// the token must not be kept anywhere it could be shown again).
async fn create_token(
    State(app): State<Arc<App>>,
    MaybeSession(session): MaybeSession,
    headers: HeaderMap,
    form: Result<Form<TokenForm>, FormRejection>,
) -> Response {
    let Ok(Form(form)) = form else { return bad_form() };
    let session = match acting(session, &headers, &form.csrf, "/settings") {
        Ok(s) => s,
        Err(r) => return r,
    };
    match app.create_token(&session.user, &form.name).await {
        Ok(token) => {
            let mut response = settings_page(&app, &session, Some(token)).await;
            response.headers_mut().insert(header::CACHE_CONTROL, "no-store".parse().expect("valid"));
            response
        }
        Err(e) => error_response(HTML, &e, false),
    }
}

async fn revoke_token(
    State(app): State<Arc<App>>,
    MaybeSession(session): MaybeSession,
    Path(id): Path<i64>,
    headers: HeaderMap,
    form: Result<Form<CsrfOnly>, FormRejection>,
) -> Response {
    let Ok(Form(form)) = form else { return bad_form() };
    let session = match acting(session, &headers, &form.csrf, "/settings") {
        Ok(s) => s,
        Err(r) => return r,
    };
    match app.revoke_token(&session.user, id).await {
        Ok(()) => Redirect::to("/settings#tokens").into_response(),
        Err(e) => error_response(HTML, &e, false),
    }
}

pub(crate) fn bad_form() -> Response {
    error_response(HTML, &AppError::BadRequest("this form could not be read".into()), false)
}

#[derive(Deserialize)]
struct ReasonForm {
    #[serde(default)]
    csrf: String,
    kind: String,
    text: String,
}

async fn add_reason(
    State(app): State<Arc<App>>,
    MaybeSession(session): MaybeSession,
    Path(slug): Path<String>,
    headers: HeaderMap,
    form: Result<Form<ReasonForm>, FormRejection>,
) -> Response {
    let back = format!("/tools/{}", url_encode(&slug));
    let Ok(Form(form)) = form else { return bad_form() };
    let session = match acting(session, &headers, &form.csrf, &back) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let result = async {
        let kind = match form.kind.as_str() {
            "pro" => ReasonKind::Pro,
            "con" => ReasonKind::Con,
            _ => return Err(AppError::BadRequest("a reason is a pro or a con".into())),
        };
        app.rate_limit(Action::Post, &session.user.id.to_string()).await?;
        app.add_reason(&session.user, &slug, kind, &form.text).await
    }
    .await;
    match result {
        Ok(id) => Redirect::to(&format!("{back}#reason-{id}")).into_response(),
        Err(e) => error_response(HTML, &e, false),
    }
}

#[derive(Deserialize)]
struct VoteForm {
    #[serde(default)]
    csrf: String,
    /// "cast" (the default) or "retract".
    #[serde(default)]
    action: String,
}

async fn vote(
    State(app): State<Arc<App>>,
    MaybeSession(session): MaybeSession,
    Path(id): Path<i64>,
    headers: HeaderMap,
    form: Result<Form<VoteForm>, FormRejection>,
) -> Response {
    let Ok(Form(form)) = form else { return bad_form() };
    let back = match app.reason_tool(id).await {
        Ok(slug) => format!("/tools/{slug}"),
        Err(e) => return error_response(HTML, &e, false),
    };
    let session = match acting(session, &headers, &form.csrf, &back) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let result = async {
        app.rate_limit(Action::Vote, &session.user.id.to_string()).await?;
        match form.action.as_str() {
            "retract" => app.retract_vote(&session.user, id).await,
            "" | "cast" => app.vote(&session.user, id).await,
            _ => Err(AppError::BadRequest("action is \"cast\" or \"retract\"".into())),
        }
    }
    .await;
    match result {
        Ok(()) => Redirect::to(&format!("{back}#reason-{id}")).into_response(),
        Err(e) => error_response(HTML, &e, false),
    }
}
