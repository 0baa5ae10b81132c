//! The first write endpoints of the JSON API (accounts, tokens, pros and cons, votes), all
//! authenticated with `Authorization: Bearer <token>` where they act for a user.

use std::sync::Arc;

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use stackdex_app::sessions::Action;
use stackdex_app::{App, AppError};
use stackdex_app::{ReasonKind, User};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::ClientAddress;
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

/// The body as JSON, or the client's mistake as a JSON error.
// The error is the finished response, returned at once by the handler: its size is no concern.
#[allow(clippy::result_large_err)]
pub(crate) fn body<T>(parsed: Result<Json<T>, JsonRejection>) -> Result<T, Response> {
    parsed.map(|Json(v)| v).map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            let error =
                serde_json::json!({"error": {"code": "too_large", "message": "the request body is over 1 MiB"}});
            (StatusCode::PAYLOAD_TOO_LARGE, Json(error)).into_response()
        } else {
            error_response(JSON, &AppError::BadRequest(e.body_text()), false)
        }
    })
}

/// The user a bearer token stands for.
pub(crate) async fn bearer(app: &App, headers: &HeaderMap) -> Result<User, Response> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(|| {
            error_response(JSON, &AppError::Unauthorized("send Authorization: Bearer <token>".into()), false)
        })?;
    app.authenticate(token.trim()).await.map_err(|e| error_response(JSON, &e, false))
}

pub(crate) fn created(value: serde_json::Value) -> Response {
    (StatusCode::CREATED, Json(value)).into_response()
}

/// Create an account.
#[utoipa::path(post, path = "/api/v1/users", request_body = SignUp,
    responses((status = 201, description = "{\"id\", \"username\"}"), (status = 400), (status = 409, description = "username taken"), (status = 429, description = "too many sign-ups")))]
async fn sign_up(
    State(app): State<Arc<App>>,
    ClientAddress(address): ClientAddress,
    parsed: Result<Json<SignUp>, JsonRejection>,
) -> Response {
    let input = match body(parsed) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let result = async {
        app.rate_limit(Action::SignUp, &address).await?;
        app.sign_up(&input.username, &input.password).await
    }
    .await;
    match result {
        Ok(user) => created(serde_json::json!({"id": user.id, "username": user.username})),
        Err(e) => error_response(JSON, &e, false),
    }
}

/// Create an API token from a username and password; the token is shown once.
#[utoipa::path(post, path = "/api/v1/tokens", request_body = NewToken,
    responses((status = 201, description = "{\"token\"}"), (status = 401, description = "wrong username or password")))]
async fn create_token(
    State(app): State<Arc<App>>,
    ClientAddress(address): ClientAddress,
    parsed: Result<Json<NewToken>, JsonRejection>,
) -> Response {
    let input = match body(parsed) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let result = async {
        app.rate_limit(Action::LogIn, &address).await?;
        let user = app.log_in(&input.username, &input.password).await?;
        app.create_token(&user, &input.name).await
    }
    .await;
    match result {
        Ok(token) => created(serde_json::json!({"token": token})),
        Err(e) => error_response(JSON, &e, false),
    }
}

/// Add a pro or a con to a tool (near-duplicates are refused with 409).
#[utoipa::path(post, path = "/api/v1/tools/{slug}/reasons", request_body = NewReason, params(("slug" = String, Path)),
    responses((status = 201, description = "{\"id\"}"), (status = 401), (status = 404), (status = 409)),
    security(("bearer" = [])))]
async fn add_reason(
    State(app): State<Arc<App>>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    parsed: Result<Json<NewReason>, JsonRejection>,
) -> Response {
    let user = match bearer(&app, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let input = match body(parsed) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let kind = match input.kind.as_str() {
        "pro" => ReasonKind::Pro,
        "con" => ReasonKind::Con,
        _ => return error_response(JSON, &AppError::BadRequest("kind is \"pro\" or \"con\"".into()), false),
    };
    let result = async {
        app.rate_limit(Action::Post, &user.id.to_string()).await?;
        app.add_reason(&user, &slug, kind, &input.text).await
    }
    .await;
    match result {
        Ok(id) => created(serde_json::json!({"id": id})),
        Err(e) => error_response(JSON, &e, false),
    }
}

/// Vote for a pro or con (one vote per user; voting twice changes nothing).
#[utoipa::path(post, path = "/api/v1/reasons/{id}/vote", params(("id" = i64, Path)),
    responses((status = 204), (status = 401), (status = 404)), security(("bearer" = [])))]
async fn vote(State(app): State<Arc<App>>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    vote_action(&app, &id, &headers, true).await
}

/// Delete a pro or con (its author, or an admin), with its votes.
#[utoipa::path(delete, path = "/api/v1/reasons/{id}", params(("id" = i64, Path)),
    responses((status = 204), (status = 401), (status = 403, description = "not the author, not an admin"), (status = 404)),
    security(("bearer" = [])))]
async fn delete_reason(State(app): State<Arc<App>>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    let user = match bearer(&app, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let Ok(id) = id.parse::<i64>() else {
        return error_response(JSON, &AppError::BadRequest("a reason id is a number".into()), false);
    };
    match app.delete_reason(&user, id).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => error_response(JSON, &e, false),
    }
}

/// Take a vote back.
#[utoipa::path(delete, path = "/api/v1/reasons/{id}/vote", params(("id" = i64, Path)),
    responses((status = 204), (status = 401), (status = 404)), security(("bearer" = [])))]
async fn retract_vote(State(app): State<Arc<App>>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    vote_action(&app, &id, &headers, false).await
}

async fn vote_action(app: &App, id: &str, headers: &HeaderMap, cast: bool) -> Response {
    let user = match bearer(app, headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let Ok(id) = id.parse::<i64>() else {
        return error_response(JSON, &AppError::BadRequest("a reason id is a number".into()), false);
    };
    let result = async {
        app.rate_limit(Action::Vote, &user.id.to_string()).await?;
        if cast { app.vote(&user, id).await } else { app.retract_vote(&user, id).await }
    }
    .await;
    match result {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => error_response(JSON, &e, false),
    }
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
    headers: HeaderMap,
    parsed: Result<Json<stackdex_app::accounts::PushReport>, JsonRejection>,
) -> Response {
    let user = match bearer(&app, &headers).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let report = match body(parsed) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let result = async {
        app.rate_limit(Action::Push, &user.id.to_string()).await?;
        let (id, unknown) = app.push_report(&user, &owner, &name, &report).await?;
        let stack = app.stack_page(&owner, &name).await?;
        Ok::<_, AppError>(serde_json::json!({"snapshot": {"id": id, "unknown_tools": unknown}, "stack": stack}))
    }
    .await;
    match result {
        Ok(v) => Json(v).into_response(),
        Err(e) => error_response(JSON, &e, false),
    }
}
