//! Stacks: the stack page, stacks created and edited in the browser (tools picked by hand, or a
//! StackShare techstack.yml uploaded), the diff between two snapshots, and a scan report or a
//! techstack.yml pushed through the API (`stackdex push`).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use askama::Template;
use axum::Json;
use axum::extract::Multipart;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde::{Deserialize, Serialize};
use stackdex_app::stacks::{
    DiffPage, HistoryPushed, PushHistory, PushReport, Pushed, StackDiff, StackFileImport, StackPage, StacksIndex,
};
use stackdex_app::{App, AppError, StackKind};
use utoipa::ToSchema;

use crate::extract::{Bearer, JsonBody, JsonOrYaml, MaybeSession, PageNumber, Path, Query, SignedIn};
use crate::forms::{FormErrors, REFUSED};
use crate::openapi::{BadRequest, Conflict, Forbidden, NoContent, NotFound, RateLimited, TooLarge, Unauthorized};
use crate::respond::{Result, html, private};
use crate::session::{check_csrf, encode, to_login};

/// `/stacks/{owner}/{name}`.
#[derive(Deserialize)]
pub(crate) struct StackAddress {
    owner: String,
    name: String,
}

/// `?kind=&tool=&order=&page=` of the stacks index.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct StacksQuery {
    /// `repository`, `team`, `organisation` or `person`.
    #[param(value_type = Option<String>)]
    kind: Option<StackKind>,
    /// Only stacks using this tool (slug or alias).
    tool: Option<String>,
    /// `recent` (the default) or `name`.
    #[serde(default)]
    order: String,
    #[serde(default)]
    #[param(value_type = Option<u32>, minimum = 1, maximum = 10000)]
    page: PageNumber,
}

#[derive(Template)]
#[template(path = "stacks/index.html")]
struct StacksIndexHtml<'a> {
    page: &'a StacksIndex,
}

pub(crate) async fn index(State(app): State<Arc<App>>, Query(q): Query<StacksQuery>) -> Result {
    let tool = q.tool.as_deref().filter(|t| !t.is_empty());
    let page = app.stacks_index(q.kind, tool, q.order == "name", q.page.0).await?;
    html(StatusCode::OK, StacksIndexHtml { page: &page })
}

/// Stacks, a page at a time: the most recently updated first (or by name), of one kind or using
/// one tool if asked.
#[utoipa::path(get, path = "/api/v1/stacks", params(StacksQuery),
    responses((status = 200, body = StacksIndex), BadRequest, NotFound))]
pub(crate) async fn api_index(State(app): State<Arc<App>>, Query(q): Query<StacksQuery>) -> Result {
    let tool = q.tool.as_deref().filter(|t| !t.is_empty());
    Ok(Json(app.stacks_index(q.kind, tool, q.order == "name", q.page.0).await?).into_response())
}

#[derive(Template)]
#[template(path = "stacks/stack.html")]
struct StackHtml<'a> {
    page: &'a StackPage,
}

/// One language of the language bar: where its rectangle starts and how wide it is (per cent
/// of the bar), its colour, and its figure in words.
struct Segment {
    x: String,
    width: String,
    color: &'static str,
    name: String,
    percent: String,
}

/// Colours of the language bar, one per language in order (then again).
const LANGUAGE_COLOURS: [&str; 8] =
    ["#3b6fd8", "#e07b39", "#2f9e6e", "#c2417a", "#8a63d2", "#c9a227", "#4aa3b5", "#7a7a7a"];

impl StackHtml<'_> {
    fn language_bar(&self) -> Vec<Segment> {
        let mut x = 0.0;
        self.page
            .languages
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let segment = Segment {
                    x: format!("{x:.3}"),
                    width: format!("{:.3}", l.width()),
                    color: LANGUAGE_COLOURS[i % LANGUAGE_COLOURS.len()],
                    name: l.name.clone(),
                    percent: l.percent(),
                };
                x += l.width();
                segment
            })
            .collect()
    }
}

#[derive(Template)]
#[template(path = "stacks/edit.html")]
struct StackEditHtml<'a> {
    csrf: &'a str,
    /// None for a new stack.
    stack: Option<&'a StackPage>,
    /// Where the new stack may go: the user and their organisations.
    owners: Vec<String>,
    chosen_owner: &'a str,
    /// What was typed, kept after a refusal.
    name: &'a str,
    add: &'a str,
    /// The tools kept ticked after a refusal; all of them on a fresh form.
    ticked: Option<HashSet<String>>,
    errors: FormErrors,
    /// What an uploaded techstack.yml became, shown above the form.
    imported: Option<StackFileImport>,
    /// The description as typed, kept after a refusal.
    description: Option<&'a str>,
}

impl StackEditHtml<'_> {
    fn kept(&self, slug: &str) -> bool {
        self.ticked.as_ref().is_none_or(|t| t.contains(slug))
    }
}

#[derive(Template)]
#[template(path = "stacks/diff.html")]
struct DiffHtml<'a> {
    page: &'a DiffPage,
}

pub(crate) async fn page(
    State(app): State<Arc<App>>,
    MaybeSession(session): MaybeSession,
    Path(at): Path<StackAddress>,
) -> Result {
    let viewer = session.as_ref().map(|s| &s.user);
    html(StatusCode::OK, StackHtml { page: &app.stack_page_for(viewer, &at.owner, &at.name).await? })
}

#[derive(Deserialize)]
pub(crate) struct NewStackQuery {
    /// The owner picked when the form opens (an organisation's "New stack").
    owner: Option<String>,
}

/// The form for a new stack.
pub(crate) async fn new_page(
    State(app): State<Arc<App>>,
    MaybeSession(session): MaybeSession,
    Query(q): Query<NewStackQuery>,
) -> Result {
    let Some(session) = session else { return Ok(to_login("/stacks/new")) };
    let owners = app.stack_owners_for(&session.user).await?;
    let chosen = q.owner.filter(|o| owners.contains(o)).unwrap_or_else(|| owners[0].clone());
    let form = StackEditHtml {
        csrf: &session.csrf,
        stack: None,
        owners,
        chosen_owner: &chosen,
        name: "",
        add: "",
        ticked: None,
        errors: FormErrors::default(),
        imported: None,
        description: None,
    };
    Ok(private(html(StatusCode::OK, form)?))
}

/// A stack form's fields: the owner and name (new stacks), the kept tools (a `keep:SLUG` box
/// each) and those typed in `add` (comma-separated names, slugs or aliases).
#[derive(Deserialize)]
pub(crate) struct StackForm {
    owner: Option<String>,
    name: Option<String>,
    #[serde(default)]
    add: String,
    #[serde(flatten)]
    boxes: HashMap<String, String>,
}

impl StackForm {
    /// The slugs of the ticked `keep:` boxes.
    fn ticked(&self) -> HashSet<String> {
        self.boxes.keys().filter_map(|k| k.strip_prefix("keep:")).map(str::to_owned).collect()
    }

    fn tools(&self, app: &App) -> Vec<String> {
        let mut tools: Vec<String> =
            self.boxes.keys().filter_map(|k| k.strip_prefix("keep:")).map(str::to_owned).collect();
        tools.sort();
        tools.extend(app.tool_list(&self.add));
        tools
    }
}

/// Creates a stack from the form: to its page, or the form again with what to fix.
pub(crate) async fn create_form(State(app): State<Arc<App>>, SignedIn(session, form): SignedIn<StackForm>) -> Result {
    let owner = form.owner.as_deref().map(str::trim).unwrap_or(&session.user.username);
    let name = form.name.as_deref().map(str::trim).unwrap_or("");
    let Err(e) = app.create_stack(&session.user, owner, name, &form.tools(&app)).await else {
        return Ok(Redirect::to(&format!("/stacks/{}/{}", encode(owner), encode(name))).into_response());
    };
    let mut errors = FormErrors::from(e, "name", "tools", "owner")?;
    if errors.on("name").is_some_and(|m| m.contains("exists")) {
        errors = errors.with_remedy(format!("/stacks/{}/{}/edit", encode(owner), encode(name)), "Edit that stack");
    }
    let owners = app.stack_owners_for(&session.user).await?;
    let form = StackEditHtml {
        csrf: &session.csrf,
        stack: None,
        owners,
        chosen_owner: owner,
        name,
        add: &form.add,
        ticked: None,
        errors,
        imported: None,
        description: None,
    };
    Ok(private(html(REFUSED, form)?))
}

/// The form to edit a stack, for those who may.
pub(crate) async fn edit_page(
    State(app): State<Arc<App>>,
    MaybeSession(session): MaybeSession,
    Path(at): Path<StackAddress>,
) -> Result {
    let Some(session) = session else {
        return Ok(to_login(&format!("/stacks/{}/{}/edit", encode(&at.owner), encode(&at.name))));
    };
    let stack = app.stack_for_editing(&session.user, &at.owner, &at.name).await?;
    let form = StackEditHtml {
        csrf: &session.csrf,
        stack: Some(&stack),
        owners: vec![at.owner.clone()],
        chosen_owner: &at.owner,
        name: "",
        add: "",
        ticked: None,
        errors: FormErrors::default(),
        imported: None,
        description: None,
    };
    Ok(private(html(StatusCode::OK, form)?))
}

/// Saves an edited stack as a new snapshot; to its page.
pub(crate) async fn edit_form(
    State(app): State<Arc<App>>,
    Path(at): Path<StackAddress>,
    SignedIn(session, form): SignedIn<StackForm>,
) -> Result {
    let Err(e) = app.edit_stack(&session.user, &at.owner, &at.name, &form.tools(&app)).await else {
        return Ok(Redirect::to(&format!("/stacks/{}/{}", encode(&at.owner), encode(&at.name))).into_response());
    };
    let errors = FormErrors::from(e, "name", "tools", "")?;
    let stack = app.stack_for_editing(&session.user, &at.owner, &at.name).await?;
    let form = StackEditHtml {
        csrf: &session.csrf,
        stack: Some(&stack),
        owners: vec![at.owner.clone()],
        chosen_owner: &at.owner,
        name: "",
        add: &form.add,
        ticked: Some(form.ticked()),
        errors,
        imported: None,
        description: None,
    };
    Ok(private(html(REFUSED, form)?))
}

/// The fields of the techstack.yml upload form (multipart): where it goes and the file.
#[derive(Default)]
struct UploadForm {
    csrf: String,
    owner: String,
    name: String,
    file: String,
}

impl UploadForm {
    /// Reads the multipart body; an `Err` is the body over the limit (413) or broken (400).
    async fn read(mut multipart: Multipart) -> std::result::Result<UploadForm, AppError> {
        let mut form = UploadForm::default();
        let refused = |e: axum::extract::multipart::MultipartError| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                AppError::TooLarge("the file is over 1 MiB; a techstack.yml is far smaller".into())
            } else {
                AppError::BadRequest(format!("the upload could not be read: {}", e.body_text()))
            }
        };
        while let Some(field) = multipart.next_field().await.map_err(refused)? {
            let name = field.name().unwrap_or("").to_owned();
            let bytes = field.bytes().await.map_err(refused)?;
            let text = || String::from_utf8_lossy(&bytes).trim().to_owned();
            match name.as_str() {
                "csrf" => form.csrf = text(),
                "owner" => form.owner = text(),
                "name" => form.name = text(),
                "file" => {
                    form.file = String::from_utf8(bytes.to_vec())
                        .map_err(|_| AppError::BadRequest("the file is not UTF-8 text".into()))?
                }
                _ => {}
            }
        }
        Ok(form)
    }
}

/// Imports an uploaded techstack.yml into a stack (created if new): the stack's editor again,
/// saying what the file became and which names the catalog does not know; on a broken or
/// oversized file, the editor with what is wrong (nothing is recorded).
pub(crate) async fn upload_form(
    State(app): State<Arc<App>>,
    MaybeSession(session): MaybeSession,
    headers: HeaderMap,
    multipart: std::result::Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result {
    let Some(session) = session else { return Ok(to_login("/stacks/new")) };
    let multipart = multipart.map_err(|e| AppError::BadRequest(e.body_text()))?;
    let read = UploadForm::read(multipart).await;
    if let Ok(form) = &read {
        check_csrf(&headers, &session, &form.csrf)?;
    }
    let (form, outcome) = match read {
        Ok(form) if form.file.trim().is_empty() => {
            let e = AppError::invalid("file", "choose a techstack.yml file to upload");
            (form, Err(e))
        }
        Ok(form) => {
            let outcome = app.upload_stack_file(&session.user, &form.owner, &form.name, &form.file).await;
            (form, outcome)
        }
        // The body was not read: the form comes back empty, from the page it was sent on.
        Err(e) => (UploadForm::default(), Err(e)),
    };
    let (status, errors, imported) = match outcome {
        Ok(imported) => (StatusCode::OK, FormErrors::default(), Some(imported)),
        Err(AppError::TooLarge(message)) => {
            (StatusCode::PAYLOAD_TOO_LARGE, FormErrors::from(AppError::invalid("file", message), "", "", "")?, None)
        }
        Err(AppError::BadRequest(message)) => {
            (REFUSED, FormErrors::from(AppError::invalid("file", message), "", "", "")?, None)
        }
        Err(e) => (REFUSED, FormErrors::from(e, "name", "file", "owner")?, None),
    };
    let stack = match app.stack_for_editing(&session.user, &form.owner, &form.name).await {
        Ok(stack) => Some(stack),
        Err(AppError::NotFound { .. } | AppError::Invalid { .. } | AppError::Forbidden(_)) => None,
        Err(e) => return Err(e.into()),
    };
    let owners = app.stack_owners_for(&session.user).await?;
    let chosen = if owners.contains(&form.owner) { form.owner.clone() } else { owners[0].clone() };
    let page = StackEditHtml {
        csrf: &session.csrf,
        owners: if stack.is_some() { vec![form.owner.clone()] } else { owners },
        stack: stack.as_ref(),
        chosen_owner: &chosen,
        name: &form.name,
        add: "",
        ticked: None,
        errors,
        imported,
        description: None,
    };
    Ok(private(html(status, page)?))
}

/// `?from=&to=` of a diff: snapshot numbers in the stack's history (v1, v2, ...).
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct DiffQuery {
    /// The older snapshot's number (default: the one before `to`).
    #[param(minimum = 1)]
    from: Option<i64>,
    /// The newer snapshot's number (default: the latest).
    #[param(minimum = 1)]
    to: Option<i64>,
}

pub(crate) async fn diff_page(
    State(app): State<Arc<App>>,
    Path(at): Path<StackAddress>,
    Query(q): Query<DiffQuery>,
) -> Result {
    html(StatusCode::OK, DiffHtml { page: &app.stack_diff_page(&at.owner, &at.name, q.from, q.to).await? })
}

/// A stack with its current tools grouped by layer, and its history (newest first).
#[utoipa::path(get, path = "/api/v1/stacks/{owner}/{name}", params(("owner" = String, Path), ("name" = String, Path)),
    responses((status = 200, body = StackPage), NotFound))]
pub(crate) async fn api(State(app): State<Arc<App>>, Path(at): Path<StackAddress>) -> Result {
    Ok(Json(app.stack_page(&at.owner, &at.name).await?).into_response())
}

/// What a push answers: the snapshot recorded (or the latest, `unchanged`), the stack as it
/// now is, and the names the catalog does not know (left out).
#[derive(Serialize, ToSchema)]
pub(crate) struct PushAnswer {
    snapshot: Pushed,
    stack: StackPage,
    unknown: Vec<String>,
}

/// Push a scan report (`stackdex scan --format json`, as JSON) or a StackShare Stack File
/// (techstack.yml, as `Content-Type: application/yaml`) as a new snapshot of a stack; the
/// stack is created on first push. A push holding what the latest snapshot holds records
/// nothing and answers that snapshot with `"unchanged": true`. Its owner, an organisation's
/// members, or an admin.
#[utoipa::path(put, path = "/api/v1/stacks/{owner}/{name}",
    request_body(
        description = "a scan report (JSON), or a StackShare Stack File (techstack.yml, as application/yaml)",
        content((PushReport = "application/json"), (String = "application/yaml"))
    ),
    params(("owner" = String, Path), ("name" = String, Path)),
    responses((status = 200, body = PushAnswer), BadRequest, Unauthorized, Forbidden, TooLarge, RateLimited),
    security(("bearer" = [])))]
pub(crate) async fn api_push(
    State(app): State<Arc<App>>,
    Path(at): Path<StackAddress>,
    Bearer(user): Bearer,
    body: JsonOrYaml<PushReport>,
) -> Result {
    let (snapshot, unknown) = match body {
        JsonOrYaml::Json(report) => {
            let snapshot = app.push_report(&user, &at.owner, &at.name, &report).await?;
            let unknown = snapshot.unknown_tools.clone();
            (snapshot, unknown)
        }
        JsonOrYaml::Yaml(text) => {
            let imported = app.upload_stack_file(&user, &at.owner, &at.name, &text).await?;
            (imported.snapshot, imported.unknown)
        }
    };
    let stack = app.stack_page(&at.owner, &at.name).await?;
    Ok(Json(PushAnswer { snapshot, stack, unknown }).into_response())
}

/// What a history push answers: how many dated snapshots were recorded, and the stack.
#[derive(Serialize, ToSchema)]
pub(crate) struct HistoryAnswer {
    history: HistoryPushed,
    stack: StackPage,
}

/// Record a repository's past as the first snapshots of a stack (`stackdex push --history`):
/// one per commit where its stack changed, oldest first, each dated by its commit (RFC 3339)
/// and naming it; numbered v1, v2, … Refused with 409 when the stack has snapshots already
/// (their numbers are public addresses): push the history to a new stack, or delete the stack
/// first. Its owner, an organisation's members, or an admin.
#[utoipa::path(post, path = "/api/v1/stacks/{owner}/{name}/history",
    request_body = PushHistory,
    params(("owner" = String, Path), ("name" = String, Path)),
    responses((status = 200, body = HistoryAnswer), BadRequest, Unauthorized, Forbidden, Conflict, TooLarge, RateLimited),
    security(("bearer" = [])))]
pub(crate) async fn api_push_history(
    State(app): State<Arc<App>>,
    Path(at): Path<StackAddress>,
    Bearer(user): Bearer,
    JsonBody(history): JsonBody<PushHistory>,
) -> Result {
    let history = app.push_history(&user, &at.owner, &at.name, &history).await?;
    let stack = app.stack_page(&at.owner, &at.name).await?;
    Ok(Json(HistoryAnswer { history, stack }).into_response())
}

/// What changed in a stack between two snapshots: tools added, removed, versions changed.
#[utoipa::path(get, path = "/api/v1/stacks/{owner}/{name}/diff",
    params(("owner" = String, Path), ("name" = String, Path), DiffQuery),
    responses((status = 200, body = StackDiff), BadRequest, NotFound))]
pub(crate) async fn api_diff(
    State(app): State<Arc<App>>,
    Path(at): Path<StackAddress>,
    Query(q): Query<DiffQuery>,
) -> Result {
    Ok(Json(app.stack_diff(&at.owner, &at.name, q.from, q.to).await?).into_response())
}

#[derive(Deserialize)]
pub(crate) struct DescriptionForm {
    #[serde(default)]
    description: String,
}

/// Saves a stack's description: to its page, or the edit page again with what to fix.
pub(crate) async fn description_form(
    State(app): State<Arc<App>>,
    Path(at): Path<StackAddress>,
    SignedIn(session, form): SignedIn<DescriptionForm>,
) -> Result {
    let Err(e) = app.describe_stack(&session.user, &at.owner, &at.name, &form.description).await else {
        return Ok(Redirect::to(&format!("/stacks/{}/{}", encode(&at.owner), encode(&at.name))).into_response());
    };
    let errors = FormErrors::from(e, "", "", "")?;
    let stack = app.stack_for_editing(&session.user, &at.owner, &at.name).await?;
    let typed: String = form.description.chars().take(stackdex_app::stacks::MAX_DESCRIPTION * 2).collect();
    let page = StackEditHtml {
        csrf: &session.csrf,
        stack: Some(&stack),
        owners: vec![at.owner.clone()],
        chosen_owner: &at.owner,
        name: "",
        add: "",
        ticked: None,
        errors,
        imported: None,
        description: Some(&typed),
    };
    Ok(private(html(REFUSED, page)?))
}

/// Deletes a stack, then shows its owner's page.
pub(crate) async fn delete_form(
    State(app): State<Arc<App>>,
    Path(at): Path<StackAddress>,
    SignedIn(session, _): SignedIn<crate::routes::accounts::NoFields>,
) -> Result {
    app.delete_stack(&session.user, &at.owner, &at.name).await?;
    let owner_page = if at.owner == session.user.username {
        format!("/users/{}", encode(&at.owner))
    } else if app.organisation_exists(&at.owner).await? {
        format!("/organisations/{}", encode(&at.owner))
    } else {
        format!("/users/{}", encode(&at.owner))
    };
    Ok(Redirect::to(&owner_page).into_response())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct StackChange {
    /// Plain text, at most 500 characters ("" removes it).
    #[schema(max_length = 500)]
    description: String,
}

/// Change a stack's description (who may push to it may).
#[utoipa::path(patch, path = "/api/v1/stacks/{owner}/{name}", params(("owner" = String, Path), ("name" = String, Path)), request_body = StackChange,
    responses(NoContent, BadRequest, Unauthorized, Forbidden, NotFound, TooLarge), security(("bearer" = [])))]
pub(crate) async fn api_describe(
    State(app): State<Arc<App>>,
    Path(at): Path<StackAddress>,
    Bearer(user): Bearer,
    JsonBody(input): JsonBody<StackChange>,
) -> Result {
    app.describe_stack(&user, &at.owner, &at.name, &input.description).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Delete a stack with its whole history (its owner, an owner of its organisation, or an admin).
#[utoipa::path(delete, path = "/api/v1/stacks/{owner}/{name}", params(("owner" = String, Path), ("name" = String, Path)),
    responses(NoContent, Unauthorized, Forbidden, NotFound), security(("bearer" = [])))]
pub(crate) async fn api_delete(
    State(app): State<Arc<App>>,
    Path(at): Path<StackAddress>,
    Bearer(user): Bearer,
) -> Result {
    app.delete_stack(&user, &at.owner, &at.name).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
