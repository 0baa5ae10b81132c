//! The first write endpoints of the JSON API (accounts, tokens, pros and cons, votes), all
//! authenticated with `Authorization: Bearer <token>` where they act for a user.

use std::sync::Arc;

use axum::Json;
use axum::extract::{FromRequest, FromRequestParts, Path, Request, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use stackdex_app::sessions::Action;
use stackdex_app::{App, AppError};
use stackdex_app::{ReasonKind, User};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::ClientAddress;
use crate::error::ApiError;
use crate::{ErrorFormat, error_response};

const JSON: ErrorFormat = ErrorFormat::Json;

pub(crate) fn routes() -> OpenApiRouter<Arc<App>> {
    OpenApiRouter::new()
        .routes(routes!(sign_up))
        .routes(routes!(create_token))
        .routes(routes!(add_reason))
        .routes(routes!(vote, retract_vote))
        .routes(routes!(delete_reason))
        .routes(routes!(push_stack))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct SignUp {
    username: String,
    password: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct NewToken {
    username: String,
    password: String,
    name: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct NewReason {
    /// "pro" or "con".
    kind: String,
    text: String,
}

/// A JSON body, or the client's mistake as a JSON error (413 over the body limit).
pub(crate) struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Response> {
        match Json::<T>::from_request(request, state).await {
            Ok(Json(v)) => Ok(JsonBody(v)),
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                let error =
                    serde_json::json!({"error": {"code": "too_large", "message": "the request body is over 1 MiB"}});
                Err((StatusCode::PAYLOAD_TOO_LARGE, Json(error)).into_response())
            }
            Err(e) => Err(error_response(JSON, &AppError::BadRequest(e.body_text()), false)),
        }
    }
}

/// The user an `Authorization: Bearer` token stands for, or a JSON 401.
pub(crate) struct Bearer(pub User);

impl FromRequestParts<Arc<App>> for Bearer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Self, Response> {
        bearer(app, &parts.headers).await.map(Bearer)
    }
}

/// The user a bearer token stands for (for handlers that read headers themselves).
pub(crate) async fn bearer(app: &App, headers: &axum::http::HeaderMap) -> Result<User, Response> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(|| {
            error_response(JSON, &AppError::Unauthorized("send Authorization: Bearer <token>".into()), false)
        })?;
    app.authenticate(token.trim()).await.map_err(|e| error_response(JSON, &e, false))
}

/// A numeric id from the path, or a JSON 400.
pub(crate) fn id(raw: &str) -> Result<i64, ApiError> {
    raw.parse().map_err(|_| ApiError(AppError::BadRequest(format!("{raw:?} is not an id"))))
}

pub(crate) fn created(value: serde_json::Value) -> Response {
    (StatusCode::CREATED, Json(value)).into_response()
}

type ApiResult = Result<Response, ApiError>;

/// Create an account.
#[utoipa::path(post, path = "/api/v1/users", request_body = SignUp,
    responses((status = 201, description = "{\"id\", \"username\"}"), (status = 400), (status = 409, description = "username taken"), (status = 429, description = "too many sign-ups")))]
async fn sign_up(
    State(app): State<Arc<App>>,
    ClientAddress(address): ClientAddress,
    JsonBody(input): JsonBody<SignUp>,
) -> ApiResult {
    app.rate_limit(Action::SignUp, &address).await?;
    let user = app.sign_up(&input.username, &input.password).await?;
    Ok(created(serde_json::json!({"id": user.id, "username": user.username})))
}

/// Create an API token from a username and password; the token is shown once.
#[utoipa::path(post, path = "/api/v1/tokens", request_body = NewToken,
    responses((status = 201, description = "{\"token\"}"), (status = 401, description = "wrong username or password")))]
async fn create_token(
    State(app): State<Arc<App>>,
    ClientAddress(address): ClientAddress,
    JsonBody(input): JsonBody<NewToken>,
) -> ApiResult {
    app.rate_limit(Action::LogIn, &address).await?;
    let user = app.log_in(&input.username, &input.password).await?;
    let token = app.create_token(&user, &input.name).await?;
    Ok(created(serde_json::json!({"token": token})))
}

/// Add a pro or a con to a tool (near-duplicates are refused with 409).
#[utoipa::path(post, path = "/api/v1/tools/{slug}/reasons", request_body = NewReason, params(("slug" = String, Path)),
    responses((status = 201, description = "{\"id\"}"), (status = 401), (status = 404), (status = 409)),
    security(("bearer" = [])))]
async fn add_reason(
    State(app): State<Arc<App>>,
    Path(slug): Path<String>,
    Bearer(user): Bearer,
    JsonBody(input): JsonBody<NewReason>,
) -> ApiResult {
    let kind = match input.kind.as_str() {
        "pro" => ReasonKind::Pro,
        "con" => ReasonKind::Con,
        _ => return Err(ApiError(AppError::BadRequest("kind is \"pro\" or \"con\"".into()))),
    };
    app.rate_limit(Action::Post, &user.id.to_string()).await?;
    let id = app.add_reason(&user, &slug, kind, &input.text).await?;
    Ok(created(serde_json::json!({"id": id})))
}

/// Delete a pro or con (its author, or an admin), with its votes.
#[utoipa::path(delete, path = "/api/v1/reasons/{id}", params(("id" = i64, Path)),
    responses((status = 204), (status = 401), (status = 403, description = "not the author, not an admin"), (status = 404)),
    security(("bearer" = [])))]
async fn delete_reason(State(app): State<Arc<App>>, Path(raw): Path<String>, Bearer(user): Bearer) -> ApiResult {
    app.delete_reason(&user, id(&raw)?).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Vote for a pro or con (one vote per user; voting twice changes nothing).
#[utoipa::path(post, path = "/api/v1/reasons/{id}/vote", params(("id" = i64, Path)),
    responses((status = 204), (status = 401), (status = 404)), security(("bearer" = [])))]
async fn vote(State(app): State<Arc<App>>, Path(raw): Path<String>, Bearer(user): Bearer) -> ApiResult {
    app.rate_limit(Action::Vote, &user.id.to_string()).await?;
    app.vote(&user, id(&raw)?).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Take a vote back.
#[utoipa::path(delete, path = "/api/v1/reasons/{id}/vote", params(("id" = i64, Path)),
    responses((status = 204), (status = 401), (status = 404)), security(("bearer" = [])))]
async fn retract_vote(State(app): State<Arc<App>>, Path(raw): Path<String>, Bearer(user): Bearer) -> ApiResult {
    app.rate_limit(Action::Vote, &user.id.to_string()).await?;
    app.retract_vote(&user, id(&raw)?).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Push a scan report (`stackdex scan --format json`) as a new snapshot of a stack; the stack
/// is created on first push. Answers the snapshot and the stack as it now is.
#[utoipa::path(put, path = "/api/v1/stacks/{owner}/{name}", request_body = stackdex_app::accounts::PushReport,
    params(("owner" = String, Path), ("name" = String, Path)),
    responses((status = 200, description = "{\"snapshot\": {\"id\", \"unknown_tools\"}, \"stack\": StackPage}"),
        (status = 401), (status = 403, description = "not your stack")),
    security(("bearer" = [])))]
async fn push_stack(
    State(app): State<Arc<App>>,
    Path((owner, name)): Path<(String, String)>,
    Bearer(user): Bearer,
    JsonBody(report): JsonBody<stackdex_app::accounts::PushReport>,
) -> ApiResult {
    app.rate_limit(Action::Push, &user.id.to_string()).await?;
    let (id, unknown) = app.push_report(&user, &owner, &name, &report).await?;
    let stack = app.stack_page(&owner, &name).await?;
    Ok(Json(serde_json::json!({"snapshot": {"id": id, "unknown_tools": unknown}, "stack": stack})).into_response())
}
