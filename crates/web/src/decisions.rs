//! Decisions, follows and the feed, from the browser and from the JSON API: the decision pages
//! (list, detail with comments, the "post a decision" form), their forms (post, upvote,
//! comment, follow), the feed page, and their twins under `/api/v1`. Browser forms act for the
//! session after its CSRF checks and answer 303; the API acts for a Bearer token.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use askama::Template;
use axum::Json;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use stackdex_app::decisions::{DecisionDraft, DecisionList, DecisionPage};
use stackdex_app::feed::{FeedPage, FollowState, TargetView};
use stackdex_app::sessions::{Action, Session};
use stackdex_app::views::NameLink;
use stackdex_app::{App, AppError, User};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api_write::{Bearer, JsonBody, created};
use crate::auth::{ClientAddress, MaybeSession};
use crate::error::{ApiError, PageError};
use crate::forms::{SignedIn, html, local_path, to_login, url_encode};
use crate::{ErrorFormat, cached, error_response};

const HTML: ErrorFormat = ErrorFormat::Html;
const JSON: ErrorFormat = ErrorFormat::Json;

/// Pages and browser forms.
pub(crate) fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/decisions", get(list_page).post(post_decision_form))
        .route("/decisions/new", get(new_decision_page))
        .route("/decisions/{id}", get(decision_page))
        .route("/decisions/{id}/upvote", post(upvote_form))
        .route("/decisions/{id}/comments", post(comment_form))
        .route("/follows", post(follow_form))
        .route("/feed", get(feed_page))
}

/// The JSON API, listed in the OpenAPI document.
pub(crate) fn api_routes() -> OpenApiRouter<Arc<App>> {
    OpenApiRouter::new()
        .routes(routes!(api_list, api_post_decision))
        .routes(routes!(api_decision))
        .routes(routes!(api_upvote, api_retract_upvote))
        .routes(routes!(api_comment))
        .routes(routes!(api_following))
        .routes(routes!(api_tool_follow_state, api_follow_tool, api_unfollow_tool))
        .routes(routes!(api_stack_follow_state, api_follow_stack, api_unfollow_stack))
        .routes(routes!(api_org_follow_state, api_follow_org, api_unfollow_org))
        .routes(routes!(api_feed))
}

// ---------------------------------------------------------------------------------------------
// Pages

#[derive(Template)]
#[template(path = "decision.html")]
struct DecisionHtml<'a> {
    page: &'a DecisionPage,
}

#[derive(Template)]
#[template(path = "decisions.html")]
struct DecisionsHtml<'a> {
    page: &'a DecisionList,
}

#[derive(Template)]
#[template(path = "new_decision.html")]
struct NewDecisionHtml<'a> {
    csrf: &'a str,
    draft: &'a DecisionDraft,
    organisations: &'a [NameLink],
    error: Option<&'a str>,
}

#[derive(Template)]
#[template(path = "feed.html")]
struct FeedHtml<'a> {
    user: &'a User,
    page: &'a FeedPage,
}

fn render<T: Template>(t: T) -> Result<String, String> {
    t.render().map_err(|e| e.to_string())
}

/// A decision id from the path: a positive number, or the client's mistake.
fn decision_id(raw: &str) -> Result<i64, AppError> {
    raw.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| AppError::BadRequest("a decision id is a positive number".into()))
}

async fn list_page(State(app): State<Arc<App>>, Query(query): Query<HashMap<String, String>>) -> Response {
    let page = match crate::pages::page_number(&query) {
        Ok(p) => p,
        Err(e) => return error_response(HTML, &e, false),
    };
    cached(&app, format!("html:/decisions?{page}"), HTML, Some(Duration::from_secs(60)), app.decision_list(page), |p| {
        render(DecisionsHtml { page: p })
    })
    .await
}

/// The decision with its comments. The page is cached for everybody; the view is counted
/// apart from serving it (see `stackdex_app::decisions` for the rule).
async fn decision_page(
    State(app): State<Arc<App>>,
    MaybeSession(session): MaybeSession,
    ClientAddress(address): ClientAddress,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let id = match decision_id(&id) {
        Ok(id) => id,
        Err(e) => return error_response(HTML, &e, false),
    };
    let response = cached(
        &app,
        format!("html:/decisions/{id}"),
        HTML,
        Some(Duration::from_secs(60)),
        app.decision_page(id),
        |p| render(DecisionHtml { page: p }),
    )
    .await;
    if response.status().is_success() {
        let agent = headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or("");
        app.count_decision_view(id, session.as_ref().map(|s| &s.user), &address, agent);
    }
    response
}

#[derive(Deserialize)]
struct NewDecisionQuery {
    #[serde(default)]
    tools: String,
    #[serde(default)]
    kind: String,
}

/// The "post a decision" form, with `?tools=django,rust` (and `?kind=needs_advice`) filled in.
async fn new_decision_page(
    State(app): State<Arc<App>>,
    MaybeSession(session): MaybeSession,
    Query(q): Query<NewDecisionQuery>,
) -> Response {
    let Some(session) = session else {
        return to_login(&format!("/decisions/new?tools={}&kind={}", url_encode(&q.tools), url_encode(&q.kind)));
    };
    let kind = if q.kind == "needs_advice" { "needs_advice" } else { "decided" };
    let draft = DecisionDraft {
        kind: kind.into(),
        body: String::new(),
        tools: q.tools.chars().take(500).collect(),
        organisation: String::new(),
    };
    decision_form(&app, &session, &draft, None).await
}

async fn decision_form(app: &App, session: &Session, draft: &DecisionDraft, error: Option<&AppError>) -> Response {
    let organisations = match app.organisations_for_posting(&session.user).await {
        Ok(o) => o,
        Err(e) => return error_response(HTML, &e, false),
    };
    let status = match error {
        None => StatusCode::OK,
        Some(AppError::Forbidden(_)) => StatusCode::FORBIDDEN,
        Some(AppError::NotFound { .. }) => StatusCode::NOT_FOUND,
        Some(AppError::RateLimited { .. }) => StatusCode::TOO_MANY_REQUESTS,
        Some(_) => StatusCode::BAD_REQUEST,
    };
    let message = error.map(ToString::to_string);
    let mut response = html(
        status,
        NewDecisionHtml { csrf: &session.csrf, draft, organisations: &organisations, error: message.as_deref() },
    );
    response.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("private, no-store"));
    response
}

#[derive(Deserialize)]
struct DecisionFormInput {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    body: String,
    /// Slugs separated by commas or spaces.
    #[serde(default)]
    tools: String,
    #[serde(default)]
    organisation: String,
}

/// Posts a decision from the form: 303 to its page, or the form again with what went wrong
/// (and the text kept).
async fn post_decision_form(
    State(app): State<Arc<App>>,
    SignedIn(session, form): SignedIn<DecisionFormInput>,
) -> Response {
    let tools: Vec<String> = form
        .tools
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    let result = async {
        app.rate_limit(Action::Post, &session.user.id.to_string()).await?;
        app.post_decision(&session.user, &form.kind, &form.body, &tools, Some(&form.organisation)).await
    }
    .await;
    match result {
        Ok(id) => Redirect::to(&format!("/decisions/{id}")).into_response(),
        Err(e @ AppError::Store(_)) => error_response(HTML, &e, false),
        Err(e) => {
            let draft = DecisionDraft {
                kind: form.kind.clone(),
                body: form.body.chars().take(stackdex_app::decisions::MAX_BODY + 1).collect(),
                tools: form.tools.chars().take(500).collect(),
                organisation: form.organisation.clone(),
            };
            decision_form(&app, &session, &draft, Some(&e)).await
        }
    }
}

#[derive(Deserialize)]
struct UpvoteForm {
    /// "cast" (the default) or "retract".
    #[serde(default)]
    action: String,
}

async fn upvote_form(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    SignedIn(session, form): SignedIn<UpvoteForm>,
) -> Result<Response, PageError> {
    let id = decision_id(&id)?;
    let cast = match form.action.as_str() {
        "" | "cast" => true,
        "retract" => false,
        _ => return Err(AppError::BadRequest("action is \"cast\" or \"retract\"".into()).into()),
    };
    app.rate_limit(Action::Vote, &session.user.id.to_string()).await?;
    app.upvote_decision(&session.user, id, cast).await?;
    Ok(Redirect::to(&format!("/decisions/{id}#decision")).into_response())
}

#[derive(Deserialize)]
struct CommentForm {
    #[serde(default)]
    body: String,
}

async fn comment_form(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    SignedIn(session, form): SignedIn<CommentForm>,
) -> Result<Response, PageError> {
    let id = decision_id(&id)?;
    app.rate_limit(Action::Post, &session.user.id.to_string()).await?;
    let comment = app.comment_on_decision(&session.user, id, &form.body).await?;
    Ok(Redirect::to(&format!("/decisions/{id}#comment-{comment}")).into_response())
}

#[derive(Deserialize)]
struct FollowForm {
    /// "tool", "stack" or "organisation".
    #[serde(default)]
    kind: String,
    /// A slug, or `owner/name` for a stack.
    #[serde(default)]
    target: String,
    /// "follow" (the default) or "unfollow".
    #[serde(default)]
    action: String,
    /// Where to go afterwards (a path on this site); the target's page by default.
    next: Option<String>,
}

/// Follows or unfollows from a button; back to the page it was on.
async fn follow_form(
    State(app): State<Arc<App>>,
    SignedIn(session, form): SignedIn<FollowForm>,
) -> Result<Response, PageError> {
    let back = match &form.next {
        Some(next) => local_path(Some(next)).to_owned(),
        None => app.resolve_target(&form.kind, &form.target).await?.1.url,
    };
    let on = match form.action.as_str() {
        "" | "follow" => true,
        "unfollow" => false,
        _ => return Err(AppError::BadRequest("action is \"follow\" or \"unfollow\"".into()).into()),
    };
    app.rate_limit(Action::Vote, &session.user.id.to_string()).await?;
    app.set_follow(&session.user, &form.kind, &form.target, on).await?;
    Ok(Redirect::to(&back).into_response())
}

/// `?before=ID` of the feed: a positive event id.
fn before_param(query: &HashMap<String, String>) -> Result<Option<i64>, AppError> {
    match query.get("before") {
        None => Ok(None),
        Some(b) => b
            .parse::<i64>()
            .ok()
            .filter(|b| *b > 0)
            .map(Some)
            .ok_or_else(|| AppError::BadRequest("before is a positive event id".into())),
    }
}

async fn feed_page(
    State(app): State<Arc<App>>,
    MaybeSession(session): MaybeSession,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let Some(session) = session else { return to_login("/feed") };
    let before = match before_param(&query) {
        Ok(b) => b,
        Err(e) => return error_response(HTML, &e, false),
    };
    match app.feed(&session.user, before).await {
        Ok(page) => {
            let mut response = html(StatusCode::OK, FeedHtml { user: &session.user, page: &page });
            response.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("private, no-store"));
            response
        }
        Err(e) => error_response(HTML, &e, false),
    }
}

// ---------------------------------------------------------------------------------------------
// JSON API

fn json_result<T: serde::Serialize>(result: Result<T, AppError>) -> Result<Response, ApiError> {
    Ok(Json(result?).into_response())
}

/// Recent decisions, newest first, 20 a page.
#[utoipa::path(get, path = "/api/v1/decisions", params(("page" = Option<usize>, Query)),
    responses((status = 200, body = DecisionList), (status = 400, description = "no such page")))]
async fn api_list(State(app): State<Arc<App>>, Query(query): Query<HashMap<String, String>>) -> Response {
    let page = match crate::pages::page_number(&query) {
        Ok(p) => p,
        Err(e) => return error_response(JSON, &e, false),
    };
    let json = |v: &DecisionList| serde_json::to_string(v).map_err(|e| e.to_string());
    cached(&app, format!("json:/decisions?{page}"), JSON, Some(Duration::from_secs(60)), app.decision_list(page), json)
        .await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct NewDecision {
    /// "decided" or "needs_advice".
    kind: String,
    /// Markdown, 1 to 20,000 characters.
    body: String,
    /// 1 to 10 tool slugs (or aliases).
    tools: Vec<String>,
    /// Post for this organisation (its slug); you must be a member.
    #[serde(default)]
    organisation: Option<String>,
}

/// Post a decision ("decided") or ask for advice ("needs_advice") about 1 to 10 tools.
#[utoipa::path(post, path = "/api/v1/decisions", request_body = NewDecision,
    responses((status = 201, description = "{\"id\", \"url\"}; url is /decisions/{id}"),
        (status = 400, description = "bad kind, empty or over-long body, unknown tools"), (status = 401),
        (status = 403, description = "not a member of the organisation"), (status = 429)),
    security(("bearer" = [])))]
async fn api_post_decision(
    State(app): State<Arc<App>>,
    Bearer(user): Bearer,
    JsonBody(input): JsonBody<NewDecision>,
) -> Result<Response, ApiError> {
    app.rate_limit(Action::Post, &user.id.to_string()).await?;
    let id = app.post_decision(&user, &input.kind, &input.body, &input.tools, input.organisation.as_deref()).await?;
    Ok(created(serde_json::json!({"id": id, "url": format!("/decisions/{id}")})))
}

/// A decision with its comments (oldest first). Reading it here does not count a view.
#[utoipa::path(get, path = "/api/v1/decisions/{id}", params(("id" = i64, Path)),
    responses((status = 200, body = DecisionPage), (status = 404)))]
async fn api_decision(State(app): State<Arc<App>>, Path(id): Path<String>) -> Response {
    let id = match decision_id(&id) {
        Ok(id) => id,
        Err(e) => return error_response(JSON, &e, false),
    };
    let json = |v: &DecisionPage| serde_json::to_string(v).map_err(|e| e.to_string());
    cached(&app, format!("json:/decisions/{id}"), JSON, Some(Duration::from_secs(60)), app.decision_page(id), json)
        .await
}

/// Upvote a decision (one upvote per user; upvoting twice changes nothing).
#[utoipa::path(post, path = "/api/v1/decisions/{id}/upvote", params(("id" = i64, Path)),
    responses((status = 204), (status = 401), (status = 404)), security(("bearer" = [])))]
async fn api_upvote(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    Bearer(user): Bearer,
) -> Result<Response, ApiError> {
    upvote_action(&app, &id, &user, true).await
}

/// Take an upvote back.
#[utoipa::path(delete, path = "/api/v1/decisions/{id}/upvote", params(("id" = i64, Path)),
    responses((status = 204), (status = 401), (status = 404)), security(("bearer" = [])))]
async fn api_retract_upvote(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    Bearer(user): Bearer,
) -> Result<Response, ApiError> {
    upvote_action(&app, &id, &user, false).await
}

async fn upvote_action(app: &App, id: &str, user: &User, cast: bool) -> Result<Response, ApiError> {
    let id = decision_id(id)?;
    app.rate_limit(Action::Vote, &user.id.to_string()).await?;
    app.upvote_decision(user, id, cast).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct NewComment {
    /// Markdown, 1 to 5,000 characters.
    body: String,
}

/// Comment on a decision.
#[utoipa::path(post, path = "/api/v1/decisions/{id}/comments", params(("id" = i64, Path)), request_body = NewComment,
    responses((status = 201, description = "{\"id\"}"), (status = 400), (status = 401), (status = 404), (status = 429)),
    security(("bearer" = [])))]
async fn api_comment(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    Bearer(user): Bearer,
    JsonBody(input): JsonBody<NewComment>,
) -> Result<Response, ApiError> {
    let id = decision_id(&id)?;
    app.rate_limit(Action::Post, &user.id.to_string()).await?;
    let comment = app.comment_on_decision(&user, id, &input.body).await?;
    Ok(created(serde_json::json!({"id": comment})))
}

#[derive(serde::Serialize, ToSchema)]
struct Following {
    following: Vec<TargetView>,
}

/// What the token's user follows, most recent first.
#[utoipa::path(get, path = "/api/v1/follows", responses((status = 200, body = Following), (status = 401)),
    security(("bearer" = [])))]
async fn api_following(State(app): State<Arc<App>>, Bearer(user): Bearer) -> Result<Response, ApiError> {
    json_result(app.following(&user).await.map(|following| Following { following }))
}

/// GET (state), PUT (follow) or DELETE (unfollow) one target for the token's user.
async fn follow_action(app: &App, user: &User, kind: &str, key: &str, on: Option<bool>) -> Result<Response, ApiError> {
    let state: FollowState = match on {
        None => app.follow_state(user, kind, key).await?,
        Some(on) => {
            app.rate_limit(Action::Vote, &user.id.to_string()).await?;
            app.set_follow(user, kind, key, on).await?
        }
    };
    Ok(Json(state).into_response())
}

/// Whether you follow a tool, and how many do.
#[utoipa::path(get, path = "/api/v1/follows/tool/{slug}", params(("slug" = String, Path)),
    responses((status = 200, body = FollowState), (status = 401), (status = 404)), security(("bearer" = [])))]
async fn api_tool_follow_state(
    State(app): State<Arc<App>>,
    Path(slug): Path<String>,
    Bearer(user): Bearer,
) -> Result<Response, ApiError> {
    follow_action(&app, &user, "tool", &slug, None).await
}

/// Follow a tool (following twice changes nothing).
#[utoipa::path(put, path = "/api/v1/follows/tool/{slug}", params(("slug" = String, Path)),
    responses((status = 200, body = FollowState), (status = 401), (status = 404)), security(("bearer" = [])))]
async fn api_follow_tool(
    State(app): State<Arc<App>>,
    Path(slug): Path<String>,
    Bearer(user): Bearer,
) -> Result<Response, ApiError> {
    follow_action(&app, &user, "tool", &slug, Some(true)).await
}

/// Stop following a tool.
#[utoipa::path(delete, path = "/api/v1/follows/tool/{slug}", params(("slug" = String, Path)),
    responses((status = 200, body = FollowState), (status = 401), (status = 404)), security(("bearer" = [])))]
async fn api_unfollow_tool(
    State(app): State<Arc<App>>,
    Path(slug): Path<String>,
    Bearer(user): Bearer,
) -> Result<Response, ApiError> {
    follow_action(&app, &user, "tool", &slug, Some(false)).await
}

/// Whether you follow a stack, and how many do.
#[utoipa::path(get, path = "/api/v1/follows/stack/{owner}/{name}", params(("owner" = String, Path), ("name" = String, Path)),
    responses((status = 200, body = FollowState), (status = 401), (status = 404)), security(("bearer" = [])))]
async fn api_stack_follow_state(
    State(app): State<Arc<App>>,
    Path((owner, name)): Path<(String, String)>,
    Bearer(user): Bearer,
) -> Result<Response, ApiError> {
    follow_action(&app, &user, "stack", &format!("{owner}/{name}"), None).await
}

/// Follow a stack: its changes (tools added or removed) show in your feed.
#[utoipa::path(put, path = "/api/v1/follows/stack/{owner}/{name}", params(("owner" = String, Path), ("name" = String, Path)),
    responses((status = 200, body = FollowState), (status = 401), (status = 404)), security(("bearer" = [])))]
async fn api_follow_stack(
    State(app): State<Arc<App>>,
    Path((owner, name)): Path<(String, String)>,
    Bearer(user): Bearer,
) -> Result<Response, ApiError> {
    follow_action(&app, &user, "stack", &format!("{owner}/{name}"), Some(true)).await
}

/// Stop following a stack.
#[utoipa::path(delete, path = "/api/v1/follows/stack/{owner}/{name}", params(("owner" = String, Path), ("name" = String, Path)),
    responses((status = 200, body = FollowState), (status = 401), (status = 404)), security(("bearer" = [])))]
async fn api_unfollow_stack(
    State(app): State<Arc<App>>,
    Path((owner, name)): Path<(String, String)>,
    Bearer(user): Bearer,
) -> Result<Response, ApiError> {
    follow_action(&app, &user, "stack", &format!("{owner}/{name}"), Some(false)).await
}

/// Whether you follow an organisation, and how many do.
#[utoipa::path(get, path = "/api/v1/follows/organisation/{slug}", params(("slug" = String, Path)),
    responses((status = 200, body = FollowState), (status = 401), (status = 404)), security(("bearer" = [])))]
async fn api_org_follow_state(
    State(app): State<Arc<App>>,
    Path(slug): Path<String>,
    Bearer(user): Bearer,
) -> Result<Response, ApiError> {
    follow_action(&app, &user, "organisation", &slug, None).await
}

/// Follow an organisation: its decisions and its stacks' changes show in your feed.
#[utoipa::path(put, path = "/api/v1/follows/organisation/{slug}", params(("slug" = String, Path)),
    responses((status = 200, body = FollowState), (status = 401), (status = 404)), security(("bearer" = [])))]
async fn api_follow_org(
    State(app): State<Arc<App>>,
    Path(slug): Path<String>,
    Bearer(user): Bearer,
) -> Result<Response, ApiError> {
    follow_action(&app, &user, "organisation", &slug, Some(true)).await
}

/// Stop following an organisation.
#[utoipa::path(delete, path = "/api/v1/follows/organisation/{slug}", params(("slug" = String, Path)),
    responses((status = 200, body = FollowState), (status = 401), (status = 404)), security(("bearer" = [])))]
async fn api_unfollow_org(
    State(app): State<Arc<App>>,
    Path(slug): Path<String>,
    Bearer(user): Bearer,
) -> Result<Response, ApiError> {
    follow_action(&app, &user, "organisation", &slug, Some(false)).await
}

/// Your feed: new decisions, pros and cons, and stack changes on what you follow, newest
/// first, 20 a page; pass `next_before` back as `?before=` for older ones.
#[utoipa::path(get, path = "/api/v1/feed", params(("before" = Option<i64>, Query)),
    responses((status = 200, body = FeedPage), (status = 400), (status = 401)), security(("bearer" = [])))]
async fn api_feed(
    State(app): State<Arc<App>>,
    Bearer(user): Bearer,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let before = before_param(&query)?;
    json_result(app.feed(&user, before).await)
}
