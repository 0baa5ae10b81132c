//! Accounts: log in, sign up, log out, the settings page with API tokens, user pages; and the
//! API's accounts and tokens. Every form post answers with a redirect (303) on success, so
//! reloading a page never posts twice.

use std::sync::Arc;

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect};
use serde::{Deserialize, Serialize};
use stackdex_app::accounts::{AccountDeletion, ProfileInput, Session, UserPage, UsersIndex};
use stackdex_app::{App, AppError, TokenId};
use utoipa::ToSchema;

use crate::extract::{AnyForm, Bearer, JsonBody, MaybeSession, Paging, Path, Query, SignedIn};
use crate::forms::{FormErrors, REFUSED};
use crate::openapi::{BadRequest, Conflict, Forbidden, NoContent, NotFound, RateLimited, TooLarge, Unauthorized};
use crate::respond::{Result, created, html, private};
use crate::session::{check_origin, clear_cookie, local_path, session_cookie, session_cookie_header, to_login};

#[derive(Template)]
#[template(path = "accounts/login.html")]
struct LoginHtml<'a> {
    signup: bool,
    errors: FormErrors,
    username: &'a str,
    next: &'a str,
}

/// A token as the settings page lists it.
struct TokenRow {
    id: TokenId,
    name: String,
    prefix: String,
    created: String,
    revoked: bool,
}

#[derive(Template)]
#[template(path = "accounts/settings.html")]
struct SettingsHtml<'a> {
    user: &'a stackdex_app::User,
    csrf: &'a str,
    tokens: Vec<TokenRow>,
    /// The profile as stored, or as typed when it was refused.
    profile: ProfileInput,
    /// What deleting the account would take with it.
    deletion: AccountDeletion,
    form: SettingsForm,
}

/// What a post of one of the settings page's forms brings back to it.
#[derive(Default)]
struct SettingsForm {
    new_token: Option<String>,
    /// The token name as typed, kept when it was refused.
    token_name: String,
    /// The profile as typed, when it was refused.
    profile: Option<ProfileInput>,
    /// Which form `errors` is about: "token", "profile" or "password".
    refused: &'static str,
    errors: FormErrors,
    /// Said at the top after a change was saved.
    saved: &'static str,
}

impl SettingsHtml<'_> {
    /// The errors of one form, none for the others.
    fn errors_of(&self, form: &str) -> &FormErrors {
        static NONE: std::sync::LazyLock<FormErrors> = std::sync::LazyLock::new(FormErrors::default);
        if self.form.refused == form { &self.form.errors } else { &NONE }
    }
}

#[derive(Template)]
#[template(path = "accounts/user.html")]
struct UserHtml<'a> {
    page: &'a UserPage,
    /// The visitor is this user (the page offers to edit the profile).
    own: bool,
}

#[derive(Deserialize)]
pub(crate) struct NextQuery {
    next: Option<String>,
}

pub(crate) async fn login_page(session: MaybeSession, Query(q): Query<NextQuery>) -> Result {
    credentials_page(session, q, false)
}

pub(crate) async fn signup_page(session: MaybeSession, Query(q): Query<NextQuery>) -> Result {
    credentials_page(session, q, true)
}

/// The log-in or sign-up form; a signed-in visitor goes on to `next`.
fn credentials_page(MaybeSession(session): MaybeSession, q: NextQuery, signup: bool) -> Result {
    let next = local_path(q.next.as_deref());
    if session.is_some() {
        return Ok(Redirect::to(next).into_response());
    }
    html(StatusCode::OK, LoginHtml { signup, errors: FormErrors::default(), username: "", next })
}

#[derive(Deserialize)]
pub(crate) struct Credentials {
    username: String,
    password: String,
    next: Option<String>,
}

pub(crate) async fn log_in(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    AnyForm(form): AnyForm<Credentials>,
) -> Result {
    credentials_post(&app, &headers, form, false).await
}

pub(crate) async fn sign_up(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    AnyForm(form): AnyForm<Credentials>,
) -> Result {
    credentials_post(&app, &headers, form, true).await
}

/// Log in or sign up: on success a new session and a redirect to `next`; on failure the form
/// again, with what went wrong and the username kept.
async fn credentials_post(app: &App, headers: &HeaderMap, form: Credentials, signup: bool) -> Result {
    check_origin(headers)?;
    let next = local_path(form.next.as_deref()).to_owned();
    let opened = if signup {
        match app.sign_up(&form.username, &form.password).await {
            Ok(user) => app.session_for(user).await,
            Err(e) => Err(e),
        }
    } else {
        app.open_session(&form.username, &form.password).await
    };
    let (status, errors) = match opened {
        Ok((secret, _)) => {
            let mut response = Redirect::to(&next).into_response();
            response.headers_mut().insert(header::SET_COOKIE, session_cookie_header(&secret, headers));
            return Ok(response);
        }
        // Not the form's fault but the credentials': say so, and keep the username.
        Err(AppError::Unauthorized(message)) => (StatusCode::UNAUTHORIZED, FormErrors::general(message)),
        Err(e) => (REFUSED, FormErrors::from(e, "username", "", "")?),
    };
    let username: String = form.username.chars().take(32).collect();
    html(status, LoginHtml { signup, errors, username: &username, next: &next })
}

#[derive(Deserialize)]
pub(crate) struct NoFields {}

pub(crate) async fn log_out(State(app): State<Arc<App>>, headers: HeaderMap, _: SignedIn<NoFields>) -> Result {
    if let Some(cookie) = session_cookie(&headers) {
        app.close_session(&cookie).await?;
    }
    let mut response = Redirect::to("/").into_response();
    response.headers_mut().insert(header::SET_COOKIE, clear_cookie());
    Ok(response)
}

#[derive(Deserialize)]
pub(crate) struct SettingsQuery {
    /// What was just saved: "profile" or "password".
    saved: Option<String>,
}

pub(crate) async fn settings(
    State(app): State<Arc<App>>,
    MaybeSession(session): MaybeSession,
    Query(q): Query<SettingsQuery>,
) -> Result {
    let Some(session) = session else { return Ok(to_login("/settings")) };
    let saved = match q.saved.as_deref() {
        Some("profile") => "Your profile is saved.",
        Some("password") => "Your password is changed; your other sessions are logged out.",
        _ => "",
    };
    settings_page(&app, &session, SettingsForm { saved, ..SettingsForm::default() }).await
}

async fn settings_page(app: &App, session: &Session, form: SettingsForm) -> Result {
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
    let status = match (&form.new_token, form.errors.is_empty()) {
        (Some(_), _) => StatusCode::CREATED,
        (None, false) => REFUSED,
        _ => StatusCode::OK,
    };
    let profile = match &form.profile {
        Some(typed) => typed.clone(),
        None => app.profile(&session.user).await?,
    };
    let deletion = app.account_deletion(&session.user).await?;
    let page = SettingsHtml { user: &session.user, csrf: &session.csrf, tokens, profile, deletion, form };
    Ok(private(html(status, page)?))
}

#[derive(Deserialize)]
pub(crate) struct TokenForm {
    #[serde(default)]
    name: String,
}

/// Creates a token and shows it once, on the page this post answers (not after a redirect:
/// the token must not be kept anywhere it could be shown again).
pub(crate) async fn create_token_form(
    State(app): State<Arc<App>>,
    SignedIn(session, form): SignedIn<TokenForm>,
) -> Result {
    let (new_token, errors) = match app.create_token(&session.user, &form.name).await {
        Ok(token) => (Some(token), FormErrors::default()),
        Err(e) => (None, FormErrors::from(e, "name", "", "")?),
    };
    let token_name = form.name.chars().take(200).collect();
    let form = SettingsForm { new_token, token_name, refused: "token", errors, ..SettingsForm::default() };
    let mut response = settings_page(&app, &session, form).await?;
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

pub(crate) async fn revoke_token_form(
    State(app): State<Arc<App>>,
    Path(id): Path<TokenId>,
    SignedIn(session, _): SignedIn<NoFields>,
) -> Result {
    app.revoke_token(&session.user, id).await?;
    Ok(Redirect::to("/settings#tokens").into_response())
}

/// Saves the profile: 303 to the settings page, which says so; or the page again with what to
/// fix and the input kept.
pub(crate) async fn profile_form(
    State(app): State<Arc<App>>,
    SignedIn(session, form): SignedIn<ProfileInput>,
) -> Result {
    match app.update_profile(&session.user, &form).await {
        Ok(()) => Ok(Redirect::to("/settings?saved=profile#profile").into_response()),
        Err(e) => {
            let errors = FormErrors::from(e, "", "", "")?;
            let form = SettingsForm { profile: Some(form), refused: "profile", errors, ..SettingsForm::default() };
            settings_page(&app, &session, form).await
        }
    }
}

#[derive(Deserialize)]
pub(crate) struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
}

/// Changes the password and logs out every other session; this one stays signed in.
pub(crate) async fn password_form(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    SignedIn(session, form): SignedIn<PasswordForm>,
) -> Result {
    let cookie = session_cookie(&headers);
    match app.change_password(&session.user, &form.current_password, &form.new_password, cookie.as_deref()).await {
        Ok(()) => Ok(Redirect::to("/settings?saved=password#password").into_response()),
        Err(e) => {
            let errors = FormErrors::from(e, "", "", "")?;
            settings_page(&app, &session, SettingsForm { refused: "password", errors, ..SettingsForm::default() }).await
        }
    }
}

#[derive(Deserialize)]
pub(crate) struct DeleteAccountForm {
    #[serde(default)]
    password: String,
}

/// Deletes the account (its password again, as a check) and logs out; to the home page.
pub(crate) async fn delete_account_form(
    State(app): State<Arc<App>>,
    SignedIn(session, form): SignedIn<DeleteAccountForm>,
) -> Result {
    match app.delete_account(&session.user, &form.password).await {
        Ok(()) => {
            let mut response = Redirect::to("/").into_response();
            response.headers_mut().insert(header::SET_COOKIE, clear_cookie());
            Ok(response)
        }
        Err(e) => {
            let errors = FormErrors::from(e, "", "", "")?;
            settings_page(&app, &session, SettingsForm { refused: "delete", errors, ..SettingsForm::default() }).await
        }
    }
}

#[derive(Template)]
#[template(path = "accounts/users.html")]
struct UsersHtml<'a> {
    page: &'a UsersIndex,
}

pub(crate) async fn users_page(State(app): State<Arc<App>>, Query(q): Query<Paging>) -> Result {
    html(StatusCode::OK, UsersHtml { page: &app.users_index(q.page.0).await? })
}

/// People, by username.
#[utoipa::path(get, path = "/api/v1/users", params(Paging), responses((status = 200, body = UsersIndex), BadRequest))]
pub(crate) async fn api_users(State(app): State<Arc<App>>, Query(q): Query<Paging>) -> Result {
    Ok(axum::Json(app.users_index(q.page.0).await?).into_response())
}

pub(crate) async fn user_page(
    State(app): State<Arc<App>>,
    MaybeSession(session): MaybeSession,
    Path(username): Path<String>,
) -> Result {
    let own = session.is_some_and(|s| s.user.username == username);
    let page = html(StatusCode::OK, UserHtml { page: &app.user_page(&username).await?, own })?;
    Ok(if own { private(page) } else { page })
}

/// A person: their profile, stacks, organisations, newest decisions and follows.
#[utoipa::path(get, path = "/api/v1/users/{username}", params(("username" = String, Path)),
    responses((status = 200, body = UserPage), NotFound))]
pub(crate) async fn api_user(State(app): State<Arc<App>>, Path(username): Path<String>) -> Result {
    Ok(axum::Json(app.user_page(&username).await?).into_response())
}

/// Replace your profile (display name, title, company, bio, website).
#[utoipa::path(put, path = "/api/v1/users/{username}", params(("username" = String, Path)), request_body = ProfileInput,
    responses(NoContent, BadRequest, Unauthorized, Forbidden, TooLarge), security(("bearer" = [])))]
pub(crate) async fn api_update_profile(
    State(app): State<Arc<App>>,
    Path(username): Path<String>,
    Bearer(user): Bearer,
    JsonBody(input): JsonBody<ProfileInput>,
) -> Result {
    if user.username != username {
        return Err(AppError::Forbidden("you can change only your own profile".into()).into());
    }
    app.update_profile(&user, &input).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SignUp {
    /// 3 to 32 of a-z, 0-9, '-' and '_', starting with a letter or a digit.
    #[schema(pattern = "^[a-z0-9][a-z0-9_-]{2,31}$")]
    username: String,
    /// 8 to 200 characters.
    #[schema(min_length = 8, max_length = 200)]
    password: String,
}

/// A new account.
#[derive(Serialize, ToSchema)]
pub(crate) struct NewAccount {
    id: i64,
    username: String,
}

/// Create an account.
#[utoipa::path(post, path = "/api/v1/users", request_body = SignUp,
    responses((status = 201, body = NewAccount), BadRequest, Conflict, TooLarge, RateLimited))]
pub(crate) async fn api_sign_up(State(app): State<Arc<App>>, JsonBody(input): JsonBody<SignUp>) -> Result {
    let user = app.sign_up(&input.username, &input.password).await?;
    Ok(created(NewAccount { id: user.id.get(), username: user.username }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewToken {
    username: String,
    password: String,
    /// 1 to 64 characters, to tell tokens apart.
    #[schema(min_length = 1, max_length = 64)]
    name: String,
}

/// A token, shown this once.
#[derive(Serialize, ToSchema)]
pub(crate) struct TokenCreated {
    token: String,
}

/// Create an API token from a username and password; the token is shown once.
#[utoipa::path(post, path = "/api/v1/tokens", request_body = NewToken,
    responses((status = 201, body = TokenCreated), BadRequest, Unauthorized, TooLarge, RateLimited))]
pub(crate) async fn api_create_token(State(app): State<Arc<App>>, JsonBody(input): JsonBody<NewToken>) -> Result {
    let user = app.log_in(&input.username, &input.password).await?;
    let token = app.create_token(&user, &input.name).await?;
    Ok(created(TokenCreated { token }))
}
