//! Organisations, user pages, and stacks by hand: pages, browser forms and their JSON API.

use std::collections::HashMap;
use std::sync::Arc;

use askama::Template;
use axum::Json;
use axum::Router;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use stackdex_app::orgs::{OrganisationPage, Role, StackDiff, StackLink};
use stackdex_app::sessions::Action;
use stackdex_app::views::StackPage;
use stackdex_app::{App, AppError};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api_write::{Bearer, JsonBody, created};
use crate::auth::MaybeSession;
use crate::error::{ApiError, PageError};
use crate::forms::{SignedIn, html, to_login, url_encode};
use crate::{ErrorFormat, error_response};

const HTML: ErrorFormat = ErrorFormat::Html;

type ApiResult = Result<Response, ApiError>;
type PageResult = Result<Response, PageError>;

pub(crate) fn pages() -> Router<Arc<App>> {
    Router::new()
        .route("/organisations/new", get(new_org_page))
        .route("/organisations", post(new_org))
        .route("/organisations/{slug}", get(org_page))
        .route("/organisations/{slug}/members", post(add_member))
        .route("/organisations/{slug}/members/{username}/remove", post(remove_member))
        .route("/users/{username}", get(user_page))
        .route("/stacks/new", get(new_stack_page).post(new_stack))
        .route("/stacks/{owner}/{slug}/edit", get(edit_stack_page).post(edit_stack))
        .route("/stacks/{owner}/{slug}/diff", get(diff_page))
}

pub(crate) fn api() -> OpenApiRouter<Arc<App>> {
    OpenApiRouter::new()
        .routes(routes!(api_create_org))
        .routes(routes!(api_org))
        .routes(routes!(api_set_member, api_remove_member))
        .routes(routes!(api_diff))
}

// ---- pages -------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "organisation.html")]
struct OrgHtml<'a> {
    page: &'a OrganisationPage,
    followers: i64,
    /// The viewer may change members.
    owner: bool,
    csrf: &'a str,
}

#[derive(Template)]
#[template(path = "org_new.html")]
struct NewOrgHtml<'a> {
    csrf: &'a str,
}

#[derive(Template)]
#[template(path = "user.html")]
struct UserHtml<'a> {
    username: &'a str,
    display_name: &'a str,
    stacks: &'a [StackLink],
    organisations: &'a [(String, String)],
}

#[derive(Template)]
#[template(path = "stack_edit.html")]
struct StackEditHtml<'a> {
    csrf: &'a str,
    /// None for a new stack.
    stack: Option<&'a StackPage>,
    /// Where the new stack may go: the user and their organisations.
    owners: Vec<String>,
    chosen_owner: &'a str,
    tool_names: Vec<&'static str>,
}

#[derive(Template)]
#[template(path = "stack_diff.html")]
struct DiffHtml<'a> {
    diff: &'a StackDiff,
    page: &'a StackPage,
}

async fn new_org_page(MaybeSession(session): MaybeSession) -> Response {
    let Some(session) = session else { return to_login("/organisations/new") };
    html(StatusCode::OK, NewOrgHtml { csrf: &session.csrf })
}

#[derive(Deserialize)]
struct NewOrgForm {
    slug: String,
    name: String,
}

async fn new_org(State(app): State<Arc<App>>, SignedIn(session, form): SignedIn<NewOrgForm>) -> PageResult {
    app.rate_limit(Action::Post, &session.user.id.to_string()).await?;
    let org = app.create_organisation(&session.user, &form.slug, &form.name).await?;
    Ok(Redirect::to(&format!("/organisations/{}", org.slug)).into_response())
}

async fn org_page(
    State(app): State<Arc<App>>,
    MaybeSession(session): MaybeSession,
    Path(slug): Path<String>,
) -> PageResult {
    let page = app.organisation_page(&slug).await?;
    let followers = app.followers_of("organisation", &slug).await?;
    let owner = session.as_ref().is_some_and(|s| {
        s.user.is_admin || page.members.iter().any(|m| m.username == s.user.username && m.role == "owner")
    });
    let csrf = session.as_ref().map(|s| s.csrf.as_str()).unwrap_or("");
    Ok(html(StatusCode::OK, OrgHtml { page: &page, followers, owner, csrf }))
}

#[derive(Deserialize)]
struct MemberForm {
    username: String,
    #[serde(default)]
    role: String,
}

async fn add_member(
    State(app): State<Arc<App>>,
    Path(slug): Path<String>,
    SignedIn(session, form): SignedIn<MemberForm>,
) -> PageResult {
    let role = if form.role.is_empty() { "member" } else { form.role.as_str() };
    app.set_member(&session.user, &slug, form.username.trim(), Role::parse(role)?).await?;
    Ok(Redirect::to(&format!("/organisations/{}", url_encode(&slug))).into_response())
}

#[derive(Deserialize)]
struct NoFields {}

async fn remove_member(
    State(app): State<Arc<App>>,
    Path((slug, username)): Path<(String, String)>,
    SignedIn(session, _): SignedIn<NoFields>,
) -> PageResult {
    app.remove_member(&session.user, &slug, &username).await?;
    Ok(Redirect::to(&format!("/organisations/{}", url_encode(&slug))).into_response())
}

async fn user_page(State(app): State<Arc<App>>, Path(username): Path<String>) -> Response {
    let result = async {
        let user = app
            .store
            .user_by_name(&username)
            .await?
            .ok_or_else(|| AppError::NotFound { what: format!("user {username:?}"), suggestions: Vec::new() })?;
        let stacks = app.stack_links(&user.username).await?;
        let orgs: Vec<(String, String)> =
            app.store.organisations_of(user.id).await?.into_iter().map(|(o, _)| (o.slug, o.name)).collect();
        Ok::<_, AppError>((user, stacks, orgs))
    }
    .await;
    match result {
        Ok((user, stacks, organisations)) => html(
            StatusCode::OK,
            UserHtml {
                username: &user.username,
                display_name: &user.display_name,
                stacks: &stacks,
                organisations: &organisations,
            },
        ),
        Err(e) => error_response(HTML, &e, false),
    }
}

fn tool_names(app: &App) -> Vec<&'static str> {
    let mut names: Vec<&'static str> = app.catalog.tools().iter().map(|t| t.name.as_str()).collect();
    names.sort_unstable_by_key(|n| n.to_lowercase());
    names
}

async fn new_stack_page(
    State(app): State<Arc<App>>,
    MaybeSession(session): MaybeSession,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let Some(session) = session else { return to_login("/stacks/new") };
    let mut owners = vec![session.user.username.clone()];
    match app.store.organisations_of(session.user.id).await {
        Ok(orgs) => owners.extend(orgs.into_iter().map(|(o, _)| o.slug)),
        Err(e) => return error_response(HTML, &e.into(), false),
    }
    let chosen = q.get("owner").filter(|o| owners.contains(o)).cloned().unwrap_or_else(|| owners[0].clone());
    html(
        StatusCode::OK,
        StackEditHtml { csrf: &session.csrf, stack: None, owners, chosen_owner: &chosen, tool_names: tool_names(&app) },
    )
}

/// The tools a stack form names: the kept ones (`keep:SLUG` boxes) and those typed in `add`
/// (comma-separated names, slugs or aliases).
fn form_tools(form: &HashMap<String, String>) -> Vec<String> {
    let mut tools: Vec<String> = form.keys().filter_map(|k| k.strip_prefix("keep:")).map(str::to_owned).collect();
    tools.sort();
    if let Some(add) = form.get("add") {
        tools.extend(add.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned));
    }
    tools
}

async fn new_stack(
    State(app): State<Arc<App>>,
    SignedIn(session, form): SignedIn<HashMap<String, String>>,
) -> PageResult {
    let owner = form.get("owner").map(|s| s.trim()).unwrap_or(&session.user.username).to_owned();
    let name = form.get("name").map(|s| s.trim()).unwrap_or("").to_owned();
    save_stack(&app, &session.user, &owner, &name, &form, true).await
}

async fn save_stack(
    app: &App,
    user: &stackdex_app::User,
    owner: &str,
    name: &str,
    form: &HashMap<String, String>,
    new: bool,
) -> PageResult {
    app.rate_limit(Action::Push, &user.id.to_string()).await?;
    if new && app.store.stack(owner, name).await.map_err(AppError::from)?.is_some() {
        return Err(AppError::Conflict(format!("{owner}/{name} exists; edit it instead")).into());
    }
    app.edit_stack(user, owner, name, &form_tools(form)).await?;
    Ok(Redirect::to(&format!("/stacks/{}/{}", url_encode(owner), url_encode(name))).into_response())
}

async fn edit_stack_page(
    State(app): State<Arc<App>>,
    MaybeSession(session): MaybeSession,
    Path((owner, slug)): Path<(String, String)>,
) -> Response {
    let back = format!("/stacks/{}/{}/edit", url_encode(&owner), url_encode(&slug));
    let Some(session) = session else { return to_login(&back) };
    let result = async {
        app.stack_owner_for(&session.user, &owner, &slug).await?;
        app.stack_page(&owner, &slug).await
    }
    .await;
    match result {
        Ok(page) => html(
            StatusCode::OK,
            StackEditHtml {
                csrf: &session.csrf,
                stack: Some(&page),
                owners: vec![owner.clone()],
                chosen_owner: &owner,
                tool_names: tool_names(&app),
            },
        ),
        Err(e) => error_response(HTML, &e, false),
    }
}

async fn edit_stack(
    State(app): State<Arc<App>>,
    Path((owner, slug)): Path<(String, String)>,
    SignedIn(session, form): SignedIn<HashMap<String, String>>,
) -> PageResult {
    save_stack(&app, &session.user, &owner, &slug, &form, false).await
}

#[derive(Deserialize, utoipa::IntoParams)]
struct DiffQuery {
    /// The older snapshot (default: the one before `to`).
    from: Option<i64>,
    /// The newer snapshot (default: the latest).
    to: Option<i64>,
}

async fn diff_page(
    State(app): State<Arc<App>>,
    Path((owner, slug)): Path<(String, String)>,
    Query(q): Query<DiffQuery>,
) -> Response {
    let result = async {
        let diff = app.stack_diff(&owner, &slug, q.from, q.to).await?;
        let page = app.stack_page(&owner, &slug).await?;
        Ok::<_, AppError>((diff, page))
    }
    .await;
    match result {
        Ok((diff, page)) => html(StatusCode::OK, DiffHtml { diff: &diff, page: &page }),
        Err(e) => error_response(HTML, &e, false),
    }
}

// ---- API ---------------------------------------------------------------------------------

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct NewOrganisation {
    /// 3 to 32 of a-z, 0-9, '-' and '_'; shares the namespace of usernames.
    slug: String,
    name: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct Membership {
    /// "owner" or "member".
    role: String,
}

/// Create an organisation; the caller becomes its owner.
#[utoipa::path(post, path = "/api/v1/organisations", request_body = NewOrganisation,
    responses((status = 201, description = "{\"slug\", \"url\"}"), (status = 400), (status = 401), (status = 409, description = "slug taken")),
    security(("bearer" = [])))]
async fn api_create_org(
    State(app): State<Arc<App>>,
    Bearer(user): Bearer,
    JsonBody(input): JsonBody<NewOrganisation>,
) -> ApiResult {
    app.rate_limit(Action::Post, &user.id.to_string()).await?;
    let org = app.create_organisation(&user, &input.slug, &input.name).await?;
    Ok(created(serde_json::json!({"slug": org.slug, "url": format!("/organisations/{}", org.slug)})))
}

/// An organisation with its members and stacks.
#[utoipa::path(get, path = "/api/v1/organisations/{slug}", params(("slug" = String, Path)),
    responses((status = 200, body = OrganisationPage), (status = 404)))]
async fn api_org(State(app): State<Arc<App>>, Path(slug): Path<String>) -> ApiResult {
    Ok(Json(app.organisation_page(&slug).await?).into_response())
}

/// Add a member to an organisation or change their role (owners and admins).
#[utoipa::path(put, path = "/api/v1/organisations/{slug}/members/{username}", request_body = Membership,
    params(("slug" = String, Path), ("username" = String, Path)),
    responses((status = 204), (status = 401), (status = 403, description = "not an owner"), (status = 404), (status = 409, description = "would leave no owner")),
    security(("bearer" = [])))]
async fn api_set_member(
    State(app): State<Arc<App>>,
    Path((slug, username)): Path<(String, String)>,
    Bearer(user): Bearer,
    JsonBody(input): JsonBody<Membership>,
) -> ApiResult {
    app.set_member(&user, &slug, &username, Role::parse(&input.role)?).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Remove a member (owners and admins; members may remove themselves).
#[utoipa::path(delete, path = "/api/v1/organisations/{slug}/members/{username}",
    params(("slug" = String, Path), ("username" = String, Path)),
    responses((status = 204), (status = 401), (status = 403), (status = 404), (status = 409, description = "would leave no owner")),
    security(("bearer" = [])))]
async fn api_remove_member(
    State(app): State<Arc<App>>,
    Path((slug, username)): Path<(String, String)>,
    Bearer(user): Bearer,
) -> ApiResult {
    app.remove_member(&user, &slug, &username).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// What changed in a stack between two snapshots: tools added, removed, versions changed.
#[utoipa::path(get, path = "/api/v1/stacks/{owner}/{name}/diff",
    params(("owner" = String, Path), ("name" = String, Path), DiffQuery),
    responses((status = 200, body = StackDiff), (status = 400), (status = 404)))]
async fn api_diff(
    State(app): State<Arc<App>>,
    Path((owner, name)): Path<(String, String)>,
    query: Result<Query<DiffQuery>, QueryRejection>,
) -> ApiResult {
    let Query(q) = query.map_err(|e| ApiError(AppError::BadRequest(e.body_text())))?;
    Ok(Json(app.stack_diff(&owner, &name, q.from, q.to).await?).into_response())
}
