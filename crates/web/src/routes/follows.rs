//! Follows and the feed: the follow buttons of tool, stack and organisation pages, the feed
//! page, and their JSON API. One handler per method serves every kind of target.

use std::sync::Arc;

use askama::Template;
use axum::Json;
use axum::extract::RawPathParams;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect};
use serde::{Deserialize, Serialize};
use stackdex_app::follows::{FeedPage, FollowState, TargetView};
use stackdex_app::{App, AppError, TargetKind, User};
use utoipa::ToSchema;

use crate::extract::{Bearer, MaybeSession, Query, SignedIn};
use crate::openapi::{BadRequest, NotFound, RateLimited, Unauthorized};
use crate::respond::{Error, Result, html, private};
use crate::session::{local_path, to_login};

#[derive(Template)]
#[template(path = "follows/feed.html")]
struct FeedHtml<'a> {
    user: &'a User,
    page: &'a FeedPage,
}

#[derive(Deserialize)]
pub(crate) struct FollowForm {
    kind: TargetKind,
    /// A slug, or `owner/name` for a stack.
    target: String,
    /// `follow` (the default) or `unfollow`.
    #[serde(default)]
    action: FollowAction,
    /// Where to go afterwards (a path on this site); the target's page by default.
    next: Option<String>,
}

#[derive(Deserialize, Default, Clone, Copy)]
#[serde(rename_all = "lowercase")]
enum FollowAction {
    #[default]
    Follow,
    Unfollow,
}

/// Follows or unfollows from a button; back to the page it was on.
pub(crate) async fn follow_form(State(app): State<Arc<App>>, SignedIn(session, form): SignedIn<FollowForm>) -> Result {
    let on = matches!(form.action, FollowAction::Follow);
    let state = app.set_follow(&session.user, form.kind, &form.target, on).await?;
    let back = match &form.next {
        Some(next) => local_path(Some(next)).to_owned(),
        None => state.target.url,
    };
    Ok(Redirect::to(&back).into_response())
}

/// Which part of the feed: `?before=` and `?kind=`.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct FeedQuery {
    /// The `next_before` of the page before (`{unix time}.{event id}`).
    #[param(example = "1764000000.41", pattern = "^[0-9]+\\.[0-9]+$")]
    before: Option<String>,
    /// Only these kinds, comma-separated: `decision`, `comment`, `reason`, `stack`.
    #[param(example = "decision,comment")]
    kind: Option<String>,
}

impl FeedQuery {
    fn parse(&self) -> Result<stackdex_app::follows::FeedQuery> {
        Ok(stackdex_app::follows::FeedQuery::parse(self.before.as_deref(), self.kind.as_deref())?)
    }
}

/// The signed-in visitor's feed.
pub(crate) async fn feed_page(
    State(app): State<Arc<App>>,
    MaybeSession(session): MaybeSession,
    Query(q): Query<FeedQuery>,
) -> Result {
    let Some(session) = session else { return Ok(to_login("/feed")) };
    let page = app.feed(&session.user, &q.parse()?).await?;
    Ok(private(html(StatusCode::OK, FeedHtml { user: &session.user, page: &page })?))
}

#[derive(Serialize, ToSchema)]
pub(crate) struct Following {
    following: Vec<TargetView>,
}

/// What the token's user follows, most recent first.
#[utoipa::path(get, path = "/api/v1/follows", responses((status = 200, body = Following), Unauthorized),
    security(("bearer" = [])))]
pub(crate) async fn api_following(State(app): State<Arc<App>>, Bearer(user): Bearer) -> Result {
    Ok(Json(Following { following: app.following(&user).await? }).into_response())
}

/// A followed target as its address names it: `/api/v1/follows/{kind}/{key}`, where the key
/// of a stack is `owner/name` (so its address has one segment more).
pub(crate) struct FollowTarget {
    kind: TargetKind,
    key: String,
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for FollowTarget {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> std::result::Result<Self, Error> {
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|e| Error(AppError::BadRequest(e.body_text())))?;
        let mut values = params.iter().map(|(_, v)| v);
        let kind = values.next().unwrap_or_default();
        // Only tools, stacks and organisations are followed: at any other kind's address there
        // is nothing, as at any address no route names.
        let kind: TargetKind = kind.parse().map_err(|_| Error(AppError::not_found(format!("a {kind:?} to follow"))))?;
        let key = values.collect::<Vec<_>>().join("/");
        Ok(FollowTarget { kind, key })
    }
}

/// Whether you follow a tool, a stack or an organisation, and how many do.
#[utoipa::path(get, path = "/api/v1/follows/{kind}/{key}",
    params(("kind" = String, Path, description = "tool, stack or organisation", example = "tool"),
        ("key" = String, Path, description = "a tool's or organisation's slug, or a stack's owner/name", example = "django")),
    responses((status = 200, body = FollowState), BadRequest, Unauthorized, NotFound), security(("bearer" = [])))]
pub(crate) async fn api_state(State(app): State<Arc<App>>, target: FollowTarget, Bearer(user): Bearer) -> Result {
    Ok(Json(app.follow_state(&user, target.kind, &target.key).await?).into_response())
}

/// Follow a tool, a stack or an organisation (following twice changes nothing). What you
/// follow shows in your feed: decisions and pros and cons about a tool, a stack's changes, an
/// organisation's decisions and stack changes.
#[utoipa::path(put, path = "/api/v1/follows/{kind}/{key}",
    params(("kind" = String, Path, description = "tool, stack or organisation", example = "tool"),
        ("key" = String, Path, description = "a tool's or organisation's slug, or a stack's owner/name", example = "django")),
    responses((status = 200, body = FollowState), BadRequest, Unauthorized, NotFound, RateLimited),
    security(("bearer" = [])))]
pub(crate) async fn api_follow(State(app): State<Arc<App>>, target: FollowTarget, Bearer(user): Bearer) -> Result {
    Ok(Json(app.set_follow(&user, target.kind, &target.key, true).await?).into_response())
}

/// Stop following.
#[utoipa::path(delete, path = "/api/v1/follows/{kind}/{key}",
    params(("kind" = String, Path, description = "tool, stack or organisation", example = "tool"),
        ("key" = String, Path, description = "a tool's or organisation's slug, or a stack's owner/name", example = "django")),
    responses((status = 200, body = FollowState), BadRequest, Unauthorized, NotFound, RateLimited),
    security(("bearer" = [])))]
pub(crate) async fn api_unfollow(State(app): State<Arc<App>>, target: FollowTarget, Bearer(user): Bearer) -> Result {
    Ok(Json(app.set_follow(&user, target.kind, &target.key, false).await?).into_response())
}

/// Your feed: new decisions, pros and cons, and stack changes on what you follow, newest
/// first, 20 a page; pass `next_before` back as `?before=` for older ones.
#[utoipa::path(get, path = "/api/v1/feed", params(FeedQuery),
    responses((status = 200, body = FeedPage), BadRequest, Unauthorized), security(("bearer" = [])))]
pub(crate) async fn api_feed(State(app): State<Arc<App>>, Bearer(user): Bearer, Query(q): Query<FeedQuery>) -> Result {
    Ok(Json(app.feed(&user, &q.parse()?).await?).into_response())
}
