//! Decisions: the list, one decision with its comments, the "post a decision" form; posting,
//! upvoting and commenting from the browser and from the JSON API.

use std::sync::Arc;
use std::time::Duration;

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use stackdex_app::accounts::Session;
use stackdex_app::decisions::{DecisionDraft, DecisionList, DecisionPage, MAX_BODY, parse_kind};
use stackdex_app::views::NameLink;
use stackdex_app::{App, CacheKey, CommentId, DecisionId, DecisionKind, Format};
use utoipa::ToSchema;

use crate::extract::{Bearer, ClientAddress, JsonBody, MaybeSession, Paging, Path, Query, SignedIn};
use crate::forms::{FormErrors, REFUSED};
use crate::openapi::{
    BadRequest, Created, CreatedAt, Forbidden, NoContent, NotFound, RateLimited, TooLarge, Unauthorized,
};
use crate::respond::{Result, cached_html, cached_json, created, html, private};
use crate::session::{encode, to_login};

/// Views and upvotes move without a change-log entry of their own: decision pages are kept
/// a minute at most.
const KEPT: Option<Duration> = Some(Duration::from_secs(60));

fn list_key(format: Format, page: usize) -> CacheKey {
    CacheKey::new(format, format_args!("/decisions?page={page}"))
}

fn decision_key(format: Format, id: DecisionId) -> CacheKey {
    CacheKey::new(format, format_args!("/decisions/{id}"))
}

#[derive(Template)]
#[template(path = "decisions/decision.html")]
struct DecisionHtml<'a> {
    page: &'a DecisionPage,
    /// The comment being written, kept when it was refused.
    comment: &'a str,
    errors: FormErrors,
}

#[derive(Template)]
#[template(path = "decisions/list.html")]
struct DecisionsHtml<'a> {
    page: &'a DecisionList,
}

#[derive(Template)]
#[template(path = "decisions/new.html")]
struct NewDecisionHtml<'a> {
    csrf: &'a str,
    draft: &'a DecisionDraft,
    organisations: &'a [NameLink],
    errors: FormErrors,
}

pub(crate) async fn list_page(State(app): State<Arc<App>>, Query(q): Query<Paging>) -> Result {
    let build = app.decision_list(q.page.0);
    cached_html(&app, list_key(Format::Html, q.page.0), KEPT, build, |page| DecisionsHtml { page }.render()).await
}

/// The decision with its comments. The page is cached for everybody; the view is counted
/// apart from serving it (see `stackdex_app::decisions` for the rule).
pub(crate) async fn page(
    State(app): State<Arc<App>>,
    MaybeSession(session): MaybeSession,
    ClientAddress(address): ClientAddress,
    Path(id): Path<DecisionId>,
    headers: HeaderMap,
) -> Result {
    let build = app.decision_page(id);
    let response = cached_html(&app, decision_key(Format::Html, id), KEPT, build, |page| {
        DecisionHtml { page, comment: "", errors: FormErrors::default() }.render()
    })
    .await?;
    let agent = headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or("");
    app.count_decision_view(id, session.as_ref().map(|s| &s.user), &address, agent);
    Ok(response)
}

#[derive(Deserialize)]
pub(crate) struct NewDecisionQuery {
    #[serde(default)]
    tools: String,
    #[serde(default)]
    kind: String,
}

/// The "post a decision" form, with `?tools=django,rust` (and `?kind=needs_advice`) filled in.
pub(crate) async fn new_page(
    State(app): State<Arc<App>>,
    MaybeSession(session): MaybeSession,
    Query(q): Query<NewDecisionQuery>,
) -> Result {
    let Some(session) = session else {
        return Ok(to_login(&format!("/decisions/new?tools={}&kind={}", encode(&q.tools), encode(&q.kind))));
    };
    let kind = if q.kind == "needs_advice" { "needs_advice" } else { "decided" };
    let draft = DecisionDraft {
        kind: kind.into(),
        body: String::new(),
        tools: q.tools.chars().take(500).collect(),
        organisation: String::new(),
    };
    decision_form(&app, &session, &draft, StatusCode::OK, FormErrors::default()).await
}

/// The form, blank or again after a refusal (with what to fix, and the input kept).
async fn decision_form(
    app: &App,
    session: &Session,
    draft: &DecisionDraft,
    status: StatusCode,
    errors: FormErrors,
) -> Result {
    let organisations = app.organisations_for_posting(&session.user).await?;
    let form = NewDecisionHtml { csrf: &session.csrf, draft, organisations: &organisations, errors };
    Ok(private(html(status, form)?))
}

#[derive(Deserialize)]
pub(crate) struct DecisionForm {
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
pub(crate) async fn post_form(State(app): State<Arc<App>>, SignedIn(session, form): SignedIn<DecisionForm>) -> Result {
    let tools = app.tool_list(&form.tools);
    let posted = match parse_kind(&form.kind) {
        Ok(kind) => app.post_decision(&session.user, kind, &form.body, &tools, Some(&form.organisation)).await,
        Err(e) => Err(e),
    };
    match posted {
        Ok(id) => Ok(Redirect::to(&format!("/decisions/{id}")).into_response()),
        Err(e) => {
            let errors = FormErrors::from(e, "tools", "organisation", "organisation")?;
            let draft = DecisionDraft {
                kind: form.kind.clone(),
                body: form.body.chars().take(MAX_BODY + 1).collect(),
                tools: form.tools.chars().take(500).collect(),
                organisation: form.organisation.clone(),
            };
            decision_form(&app, &session, &draft, REFUSED, errors).await
        }
    }
}

#[derive(Deserialize)]
pub(crate) struct UpvoteForm {
    /// `cast` (the default) or `retract`.
    #[serde(default)]
    action: UpvoteAction,
}

#[derive(Deserialize, Default, Clone, Copy)]
#[serde(rename_all = "lowercase")]
enum UpvoteAction {
    #[default]
    Cast,
    Retract,
}

pub(crate) async fn upvote_form(
    State(app): State<Arc<App>>,
    Path(id): Path<DecisionId>,
    SignedIn(session, form): SignedIn<UpvoteForm>,
) -> Result {
    app.upvote_decision(&session.user, id, matches!(form.action, UpvoteAction::Cast)).await?;
    Ok(Redirect::to(&format!("/decisions/{id}#decision")).into_response())
}

#[derive(Deserialize)]
pub(crate) struct CommentForm {
    #[serde(default)]
    body: String,
}

pub(crate) async fn comment_form(
    State(app): State<Arc<App>>,
    Path(id): Path<DecisionId>,
    SignedIn(session, form): SignedIn<CommentForm>,
) -> Result {
    let e = match app.comment_on_decision(&session.user, id, &form.body).await {
        Ok(comment) => return Ok(Redirect::to(&format!("/decisions/{id}#comment-{comment}")).into_response()),
        Err(e) => e,
    };
    let errors = FormErrors::from(e, "", "", "")?;
    let page = app.decision_page(id).await?;
    Ok(private(html(REFUSED, DecisionHtml { page: &page.view, comment: &form.body, errors })?))
}

/// Recent decisions, newest first, 20 a page.
#[utoipa::path(get, path = "/api/v1/decisions", params(Paging),
    responses((status = 200, body = DecisionList), BadRequest))]
pub(crate) async fn api_list(State(app): State<Arc<App>>, Query(q): Query<Paging>) -> Result {
    cached_json(&app, list_key(Format::Json, q.page.0), KEPT, app.decision_list(q.page.0)).await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewDecision {
    #[schema(value_type = String, example = "decided")]
    kind: DecisionKind,
    /// Markdown, 1 to 20,000 characters.
    #[schema(min_length = 1, max_length = 20000)]
    body: String,
    /// 1 to 10 tool slugs (or aliases).
    #[schema(min_items = 1, max_items = 10)]
    tools: Vec<String>,
    /// Post for this organisation (its slug); you must be a member.
    #[serde(default)]
    organisation: Option<String>,
}

/// Post a decision ("decided") or ask for advice ("needs_advice") about 1 to 10 tools.
#[utoipa::path(post, path = "/api/v1/decisions", request_body = NewDecision,
    responses((status = 201, body = CreatedAt, description = "url is /decisions/{id}"), BadRequest, Unauthorized,
        Forbidden, NotFound, TooLarge, RateLimited),
    security(("bearer" = [])))]
pub(crate) async fn api_post(
    State(app): State<Arc<App>>,
    Bearer(user): Bearer,
    JsonBody(input): JsonBody<NewDecision>,
) -> Result {
    let id = app.post_decision(&user, input.kind, &input.body, &input.tools, input.organisation.as_deref()).await?;
    Ok(created(CreatedAt { id: id.get(), url: format!("/decisions/{id}") }))
}

/// A decision with its comments (oldest first). Reading it here does not count a view.
#[utoipa::path(get, path = "/api/v1/decisions/{id}", params(("id" = i64, Path, minimum = 1)),
    responses((status = 200, body = DecisionPage), BadRequest, NotFound))]
pub(crate) async fn api(State(app): State<Arc<App>>, Path(id): Path<DecisionId>) -> Result {
    cached_json(&app, decision_key(Format::Json, id), KEPT, app.decision_page(id)).await
}

/// Upvote a decision (one upvote per user; upvoting twice changes nothing).
#[utoipa::path(post, path = "/api/v1/decisions/{id}/upvote", params(("id" = i64, Path, minimum = 1)),
    responses(NoContent, BadRequest, Unauthorized, NotFound, RateLimited), security(("bearer" = [])))]
pub(crate) async fn api_upvote(
    State(app): State<Arc<App>>,
    Path(id): Path<DecisionId>,
    Bearer(user): Bearer,
) -> Result {
    app.upvote_decision(&user, id, true).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Take an upvote back.
#[utoipa::path(delete, path = "/api/v1/decisions/{id}/upvote", params(("id" = i64, Path, minimum = 1)),
    responses(NoContent, BadRequest, Unauthorized, NotFound, RateLimited), security(("bearer" = [])))]
pub(crate) async fn api_retract_upvote(
    State(app): State<Arc<App>>,
    Path(id): Path<DecisionId>,
    Bearer(user): Bearer,
) -> Result {
    app.upvote_decision(&user, id, false).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewComment {
    /// Markdown, 1 to 5,000 characters.
    #[schema(min_length = 1, max_length = 5000)]
    body: String,
}

/// Comment on a decision.
#[utoipa::path(post, path = "/api/v1/decisions/{id}/comments", params(("id" = i64, Path, minimum = 1)), request_body = NewComment,
    responses((status = 201, body = Created), BadRequest, Unauthorized, NotFound, TooLarge, RateLimited),
    security(("bearer" = [])))]
pub(crate) async fn api_comment(
    State(app): State<Arc<App>>,
    Path(id): Path<DecisionId>,
    Bearer(user): Bearer,
    JsonBody(input): JsonBody<NewComment>,
) -> Result {
    let comment = app.comment_on_decision(&user, id, &input.body).await?;
    Ok(created(Created { id: comment.get() }))
}

#[derive(Template)]
#[template(path = "decisions/edit.html")]
struct EditHtml<'a> {
    csrf: &'a str,
    /// "decision" or "comment".
    what: &'static str,
    /// Where the form posts, and where the delete form posts (`{action}/delete` is beside it).
    action: String,
    /// Where "Cancel" goes.
    back: String,
    body: &'a str,
    max: usize,
    errors: FormErrors,
}

/// The form that edits a decision or a comment, blank (with its text) or after a refusal.
fn edit_form(session: &Session, what: &'static str, id: i64, back: String, body: &str, errors: FormErrors) -> Result {
    let (action, max) = match what {
        "decision" => (format!("/decisions/{id}"), MAX_BODY),
        _ => (format!("/comments/{id}"), stackdex_app::decisions::MAX_COMMENT),
    };
    let status = if errors.is_empty() { StatusCode::OK } else { REFUSED };
    let page = EditHtml { csrf: &session.csrf, what, action, back, body, max, errors };
    Ok(private(html(status, page)?))
}

#[derive(Deserialize)]
pub(crate) struct EditForm {
    #[serde(default)]
    body: String,
}

/// The author's (or an admin's) form to change or delete a decision.
pub(crate) async fn edit_page(
    State(app): State<Arc<App>>,
    MaybeSession(session): MaybeSession,
    Path(id): Path<DecisionId>,
) -> Result {
    let Some(session) = session else { return Ok(to_login(&format!("/decisions/{id}/edit"))) };
    let decision = app.decision_to_edit(&session.user, id).await?;
    edit_form(&session, "decision", id.get(), format!("/decisions/{id}"), &decision.body, FormErrors::default())
}

pub(crate) async fn edit_form_post(
    State(app): State<Arc<App>>,
    Path(id): Path<DecisionId>,
    SignedIn(session, form): SignedIn<EditForm>,
) -> Result {
    match app.edit_decision(&session.user, id, &form.body).await {
        Ok(()) => Ok(Redirect::to(&format!("/decisions/{id}")).into_response()),
        Err(e) => {
            let errors = FormErrors::from(e, "", "", "")?;
            let body: String = form.body.chars().take(MAX_BODY + 1).collect();
            edit_form(&session, "decision", id.get(), format!("/decisions/{id}"), &body, errors)
        }
    }
}

/// Deletes a decision, then shows the author's page.
pub(crate) async fn delete_form(
    State(app): State<Arc<App>>,
    Path(id): Path<DecisionId>,
    SignedIn(session, _): SignedIn<crate::routes::accounts::NoFields>,
) -> Result {
    app.delete_decision(&session.user, id).await?;
    Ok(Redirect::to(&format!("/users/{}#decisions", session.user.username)).into_response())
}

/// The author's (or an admin's) form to change or delete a comment.
pub(crate) async fn comment_edit_page(
    State(app): State<Arc<App>>,
    MaybeSession(session): MaybeSession,
    Path(id): Path<CommentId>,
) -> Result {
    let Some(session) = session else { return Ok(to_login(&format!("/comments/{id}/edit"))) };
    let comment = app.comment_to_edit(&session.user, id).await?;
    let back = format!("/decisions/{}#comment-{id}", comment.decision_id);
    edit_form(&session, "comment", id.get(), back, &comment.body, FormErrors::default())
}

pub(crate) async fn comment_edit_post(
    State(app): State<Arc<App>>,
    Path(id): Path<CommentId>,
    SignedIn(session, form): SignedIn<EditForm>,
) -> Result {
    match app.edit_comment(&session.user, id, &form.body).await {
        Ok(decision) => Ok(Redirect::to(&format!("/decisions/{decision}#comment-{id}")).into_response()),
        Err(e) => {
            let errors = FormErrors::from(e, "", "", "")?;
            let comment = app.comment_to_edit(&session.user, id).await?;
            let back = format!("/decisions/{}#comment-{id}", comment.decision_id);
            let body: String = form.body.chars().take(stackdex_app::decisions::MAX_COMMENT + 1).collect();
            edit_form(&session, "comment", id.get(), back, &body, errors)
        }
    }
}

pub(crate) async fn comment_delete_form(
    State(app): State<Arc<App>>,
    Path(id): Path<CommentId>,
    SignedIn(session, _): SignedIn<crate::routes::accounts::NoFields>,
) -> Result {
    let decision = app.delete_comment(&session.user, id).await?;
    Ok(Redirect::to(&format!("/decisions/{decision}#comments")).into_response())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewBody {
    /// Markdown: 1 to 20,000 characters for a decision, 1 to 5,000 for a comment.
    #[schema(min_length = 1, max_length = 20000)]
    body: String,
}

/// Change a decision's text (its author, or an admin); the decision is then shown as edited.
#[utoipa::path(patch, path = "/api/v1/decisions/{id}", params(("id" = i64, Path, minimum = 1)), request_body = NewBody,
    responses(NoContent, BadRequest, Unauthorized, Forbidden, NotFound, TooLarge, RateLimited),
    security(("bearer" = [])))]
pub(crate) async fn api_edit(
    State(app): State<Arc<App>>,
    Path(id): Path<DecisionId>,
    Bearer(user): Bearer,
    JsonBody(input): JsonBody<NewBody>,
) -> Result {
    app.edit_decision(&user, id, &input.body).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Delete a decision with its comments and upvotes (its author, or an admin).
#[utoipa::path(delete, path = "/api/v1/decisions/{id}", params(("id" = i64, Path, minimum = 1)),
    responses(NoContent, BadRequest, Unauthorized, Forbidden, NotFound, RateLimited), security(("bearer" = [])))]
pub(crate) async fn api_delete(
    State(app): State<Arc<App>>,
    Path(id): Path<DecisionId>,
    Bearer(user): Bearer,
) -> Result {
    app.delete_decision(&user, id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Change a comment (its author, or an admin); it is then shown as edited.
#[utoipa::path(patch, path = "/api/v1/comments/{id}", params(("id" = i64, Path, minimum = 1)), request_body = NewBody,
    responses(NoContent, BadRequest, Unauthorized, Forbidden, NotFound, TooLarge, RateLimited),
    security(("bearer" = [])))]
pub(crate) async fn api_edit_comment(
    State(app): State<Arc<App>>,
    Path(id): Path<CommentId>,
    Bearer(user): Bearer,
    JsonBody(input): JsonBody<NewBody>,
) -> Result {
    app.edit_comment(&user, id, &input.body).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Delete a comment (its author, or an admin).
#[utoipa::path(delete, path = "/api/v1/comments/{id}", params(("id" = i64, Path, minimum = 1)),
    responses(NoContent, BadRequest, Unauthorized, Forbidden, NotFound, RateLimited), security(("bearer" = [])))]
pub(crate) async fn api_delete_comment(
    State(app): State<Arc<App>>,
    Path(id): Path<CommentId>,
    Bearer(user): Bearer,
) -> Result {
    app.delete_comment(&user, id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
