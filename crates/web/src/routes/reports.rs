//! Reports: the "report" form on user content, and the admins' queue at `/admin/reports`
//! where each report is resolved (the content removed, or the report dismissed); their JSON
//! twins under `/api/v1/reports` and `/api/v1/admin/reports`.

use std::sync::Arc;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use stackdex_app::accounts::Session;
use stackdex_app::reports::{MAX_REASON, ReportQueue, ReportedContent, parse_report_kind};
use stackdex_app::{App, AppError, ReportId, ReportKind};
use utoipa::ToSchema;

use crate::extract::{Bearer, JsonBody, MaybeSession, Path, Query, SignedIn};
use crate::forms::{FormErrors, REFUSED};
use crate::openapi::{BadRequest, Conflict, Forbidden, NoContent, NotFound, RateLimited, TooLarge, Unauthorized};
use crate::respond::{Result, html, private};
use crate::routes::accounts::NoFields;
use crate::session::{encode, to_login};

#[derive(Template)]
#[template(path = "reports/new.html")]
struct ReportHtml<'a> {
    csrf: &'a str,
    content: &'a ReportedContent,
    reason: &'a str,
    sent: bool,
    max: usize,
    errors: FormErrors,
}

#[derive(Template)]
#[template(path = "reports/queue.html")]
struct QueueHtml<'a> {
    csrf: &'a str,
    queue: &'a ReportQueue,
}

#[derive(Deserialize)]
pub(crate) struct ReportQuery {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    id: i64,
    /// Set after the report was sent.
    #[serde(default)]
    sent: bool,
}

fn report_form(session: &Session, content: &ReportedContent, reason: &str, sent: bool, errors: FormErrors) -> Result {
    let status = if errors.is_empty() { StatusCode::OK } else { REFUSED };
    let page = ReportHtml { csrf: &session.csrf, content, reason, sent, max: MAX_REASON, errors };
    Ok(private(html(status, page)?))
}

/// The form to report a decision, comment or pro/con: `?kind=comment&id=12`.
pub(crate) async fn new_page(
    State(app): State<Arc<App>>,
    MaybeSession(session): MaybeSession,
    Query(q): Query<ReportQuery>,
) -> Result {
    let Some(session) = session else {
        return Ok(to_login(&format!("/reports/new?kind={}&id={}", encode(&q.kind), q.id)));
    };
    let content = app.reported_content(parse_report_kind(&q.kind)?, q.id).await?;
    report_form(&session, &content, "", q.sent, FormErrors::default())
}

#[derive(Deserialize)]
pub(crate) struct ReportForm {
    #[serde(default)]
    kind: String,
    /// A number; text, as forms are read field by field as text.
    #[serde(default)]
    id: String,
    #[serde(default)]
    reason: String,
}

/// Sends a report: 303 back to the form, which then says it was sent; or the form again with
/// what to fix and the reason kept.
pub(crate) async fn post_form(State(app): State<Arc<App>>, SignedIn(session, form): SignedIn<ReportForm>) -> Result {
    let kind = parse_report_kind(&form.kind)?;
    let id: i64 = form.id.trim().parse().map_err(|_| AppError::BadRequest("id is a positive whole number".into()))?;
    match app.report_content(&session.user, kind, id, &form.reason).await {
        Ok(()) => Ok(Redirect::to(&format!("/reports/new?kind={kind}&id={id}&sent=true")).into_response()),
        Err(e) => {
            let errors = FormErrors::from(e, "", "", "")?;
            let content = app.reported_content(kind, id).await?;
            let reason: String = form.reason.chars().take(MAX_REASON + 1).collect();
            report_form(&session, &content, &reason, false, errors)
        }
    }
}

/// The admins' queue of open reports (others get 403).
pub(crate) async fn queue_page(State(app): State<Arc<App>>, MaybeSession(session): MaybeSession) -> Result {
    let Some(session) = session else { return Ok(to_login("/admin/reports")) };
    let queue = app.report_queue(&session.user).await?;
    Ok(private(html(StatusCode::OK, QueueHtml { csrf: &session.csrf, queue: &queue })?))
}

pub(crate) async fn remove_form(
    State(app): State<Arc<App>>,
    Path(id): Path<ReportId>,
    SignedIn(session, _): SignedIn<NoFields>,
) -> Result {
    app.resolve_report(&session.user, id, true).await?;
    Ok(Redirect::to("/admin/reports").into_response())
}

pub(crate) async fn dismiss_form(
    State(app): State<Arc<App>>,
    Path(id): Path<ReportId>,
    SignedIn(session, _): SignedIn<NoFields>,
) -> Result {
    app.resolve_report(&session.user, id, false).await?;
    Ok(Redirect::to("/admin/reports").into_response())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewReport {
    /// What is reported.
    #[schema(value_type = String, example = "comment")]
    kind: ReportKind,
    /// Its id.
    #[schema(minimum = 1)]
    id: i64,
    /// What is wrong with it: 1 to 500 characters.
    #[schema(min_length = 1, max_length = 500)]
    reason: String,
}

/// Report a decision, comment or pro/con to the admins. Reporting the same content again while
/// your report is open changes nothing.
#[utoipa::path(post, path = "/api/v1/reports", request_body = NewReport,
    responses(NoContent, BadRequest, Unauthorized, NotFound, TooLarge, RateLimited), security(("bearer" = [])))]
pub(crate) async fn api_report(
    State(app): State<Arc<App>>,
    Bearer(user): Bearer,
    JsonBody(input): JsonBody<NewReport>,
) -> Result {
    app.report_content(&user, input.kind, input.id, &input.reason).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// The open reports, oldest first, each with what it is about (admins only).
#[utoipa::path(get, path = "/api/v1/admin/reports",
    responses((status = 200, body = ReportQueue), Unauthorized, Forbidden), security(("bearer" = [])))]
pub(crate) async fn api_queue(State(app): State<Arc<App>>, Bearer(user): Bearer) -> Result {
    Ok(private(axum::Json(app.report_queue(&user).await?).into_response()))
}

#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum ReportAction {
    /// Delete the reported content.
    Remove,
    /// Keep the content.
    Dismiss,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Resolve {
    action: ReportAction,
}

/// Resolve a report (admins only): remove the content, or dismiss the report. Every open
/// report of the same content is resolved with it.
#[utoipa::path(post, path = "/api/v1/admin/reports/{id}", params(("id" = i64, Path, minimum = 1)), request_body = Resolve,
    responses(NoContent, BadRequest, Unauthorized, Forbidden, NotFound, Conflict, TooLarge, RateLimited),
    security(("bearer" = [])))]
pub(crate) async fn api_resolve(
    State(app): State<Arc<App>>,
    Path(id): Path<ReportId>,
    Bearer(user): Bearer,
    JsonBody(input): JsonBody<Resolve>,
) -> Result {
    app.resolve_report(&user, id, matches!(input.action, ReportAction::Remove)).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
