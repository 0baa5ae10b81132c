//! Pros and cons: adding one to a tool, voting for one and taking the vote back, deleting one;
//! from the tool page's forms and from the JSON API.

use std::sync::Arc;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use stackdex_app::views::NameLink;
use stackdex_app::{App, ReasonId, ReasonKind};
use utoipa::ToSchema;

use crate::extract::{Bearer, JsonBody, Path, SignedIn};
use crate::forms::{FormErrors, REFUSED};
use crate::openapi::{
    BadRequest, Conflict, Created, Forbidden, NoContent, NotFound, RateLimited, TooLarge, Unauthorized,
};
use crate::respond::{Result, created, html, private};
use crate::session::encode;

/// A new pro or con.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewReason {
    #[schema(value_type = String, example = "pro")]
    kind: ReasonKind,
    /// 3 to 120 characters on one line.
    #[schema(min_length = 3, max_length = 120)]
    text: String,
}

/// The tool page's "add a pro / con" form.
#[derive(Deserialize)]
pub(crate) struct ReasonForm {
    kind: ReasonKind,
    text: String,
}

#[derive(Template)]
#[template(path = "reasons/form.html")]
struct ReasonFormHtml<'a> {
    tool: NameLink,
    kind: &'a str,
    text: &'a str,
    errors: FormErrors,
}

/// Adds a pro or con from the tool page: back to it, at the new reason; or the form again with
/// what to fix (for a near-duplicate, a way to the one that exists).
pub(crate) async fn add_form(
    State(app): State<Arc<App>>,
    Path(slug): Path<String>,
    SignedIn(session, form): SignedIn<ReasonForm>,
) -> Result {
    let e = match app.add_reason(&session.user, &slug, form.kind, &form.text).await {
        Ok(id) => return Ok(Redirect::to(&format!("/tools/{}#reason-{id}", encode(&slug))).into_response()),
        Err(e) => e,
    };
    let mut errors = FormErrors::from(e, "text", "", "")?;
    let tool = app.tool_link(&slug)?;
    if errors.field() == "text"
        && let Some(existing) = app.similar_reason(&tool.slug, form.kind, &form.text).await?
    {
        let href = format!("/tools/{}#reason-{}", encode(&tool.slug), existing.id);
        errors = errors.with_remedy(href, &format!("Vote for “{}” instead", existing.text));
    }
    let text: String = form.text.chars().take(200).collect();
    Ok(private(html(REFUSED, ReasonFormHtml { tool, kind: form.kind.as_str(), text: &text, errors })?))
}

#[derive(Deserialize)]
pub(crate) struct VoteForm {
    /// `cast` (the default) or `retract`.
    #[serde(default)]
    action: VoteAction,
}

#[derive(Deserialize, Default, Clone, Copy)]
#[serde(rename_all = "lowercase")]
enum VoteAction {
    #[default]
    Cast,
    Retract,
}

/// A vote from the tool page (or its retraction); back to the reason.
pub(crate) async fn vote_form(
    State(app): State<Arc<App>>,
    Path(id): Path<ReasonId>,
    SignedIn(session, form): SignedIn<VoteForm>,
) -> Result {
    let slug = app.reason_tool(id).await?;
    match form.action {
        VoteAction::Cast => app.vote(&session.user, id).await?,
        VoteAction::Retract => app.retract_vote(&session.user, id).await?,
    }
    Ok(Redirect::to(&format!("/tools/{}#reason-{id}", encode(&slug))).into_response())
}

/// Add a pro or a con to a tool (near-duplicates are refused with 409).
#[utoipa::path(post, path = "/api/v1/tools/{slug}/reasons", request_body = NewReason, params(("slug" = String, Path)),
    responses((status = 201, body = Created), BadRequest, Unauthorized, NotFound, Conflict, TooLarge, RateLimited),
    security(("bearer" = [])))]
pub(crate) async fn api_add(
    State(app): State<Arc<App>>,
    Path(slug): Path<String>,
    Bearer(user): Bearer,
    JsonBody(input): JsonBody<NewReason>,
) -> Result {
    let id = app.add_reason(&user, &slug, input.kind, &input.text).await?;
    Ok(created(Created { id: id.get() }))
}

/// Deletes a pro or con from its tool's page (its author, or an admin); back to that page.
pub(crate) async fn delete_form(
    State(app): State<Arc<App>>,
    Path(id): Path<ReasonId>,
    SignedIn(session, _): SignedIn<crate::routes::accounts::NoFields>,
) -> Result {
    let tool = app.reason_tool(id).await?;
    app.delete_reason(&session.user, id).await?;
    Ok(Redirect::to(&format!("/tools/{tool}#pros-and-cons")).into_response())
}

/// Delete a pro or con (its author, or an admin), with its votes.
#[utoipa::path(delete, path = "/api/v1/reasons/{id}", params(("id" = i64, Path, minimum = 1)),
    responses(NoContent, BadRequest, Unauthorized, Forbidden, NotFound), security(("bearer" = [])))]
pub(crate) async fn api_delete(State(app): State<Arc<App>>, Path(id): Path<ReasonId>, Bearer(user): Bearer) -> Result {
    app.delete_reason(&user, id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Vote for a pro or con (one vote per user; voting twice changes nothing).
#[utoipa::path(post, path = "/api/v1/reasons/{id}/vote", params(("id" = i64, Path, minimum = 1)),
    responses(NoContent, BadRequest, Unauthorized, NotFound, RateLimited), security(("bearer" = [])))]
pub(crate) async fn api_vote(State(app): State<Arc<App>>, Path(id): Path<ReasonId>, Bearer(user): Bearer) -> Result {
    app.vote(&user, id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Take a vote back.
#[utoipa::path(delete, path = "/api/v1/reasons/{id}/vote", params(("id" = i64, Path, minimum = 1)),
    responses(NoContent, BadRequest, Unauthorized, NotFound, RateLimited), security(("bearer" = [])))]
pub(crate) async fn api_retract_vote(
    State(app): State<Arc<App>>,
    Path(id): Path<ReasonId>,
    Bearer(user): Bearer,
) -> Result {
    app.retract_vote(&user, id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
