//! Organisations: creating one, its page (members and stacks), changing its members; from the
//! browser and from the JSON API.

use std::sync::Arc;

use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde::{Deserialize, Serialize};
use stackdex_app::organisations::{OrganisationPage, OrganisationsIndex, parse_role};
use stackdex_app::{App, Role};
use utoipa::ToSchema;

use crate::extract::{Bearer, JsonBody, MaybeSession, Paging, Path, Query, SignedIn};
use crate::forms::{FormErrors, REFUSED};
use crate::openapi::{BadRequest, Conflict, Forbidden, NoContent, NotFound, RateLimited, TooLarge, Unauthorized};
use crate::respond::{Result, created, html, private};
use crate::session::{encode, to_login};

#[derive(Template)]
#[template(path = "organisations/organisation.html")]
struct OrganisationHtml<'a> {
    page: &'a OrganisationPage,
    /// The viewer may change members.
    owner: bool,
    /// The viewer may add stacks for it.
    member: bool,
    csrf: &'a str,
    /// The member form as it was sent, when it was refused.
    adding: &'a str,
    errors: FormErrors,
}

#[derive(Template)]
#[template(path = "organisations/new.html")]
struct NewOrganisationHtml<'a> {
    csrf: &'a str,
    slug: &'a str,
    name: &'a str,
    errors: FormErrors,
}

/// `/organisations/{slug}/members/{username}`.
#[derive(Deserialize)]
pub(crate) struct MemberAddress {
    slug: String,
    username: String,
}

#[derive(Template)]
#[template(path = "organisations/index.html")]
struct OrganisationsIndexHtml<'a> {
    page: &'a OrganisationsIndex,
}

pub(crate) async fn index(State(app): State<Arc<App>>, Query(q): Query<Paging>) -> Result {
    html(StatusCode::OK, OrganisationsIndexHtml { page: &app.organisations_index(q.page.0).await? })
}

/// Organisations, by slug, with how many members and stacks each has.
#[utoipa::path(get, path = "/api/v1/organisations", params(Paging),
    responses((status = 200, body = OrganisationsIndex), BadRequest))]
pub(crate) async fn api_index(State(app): State<Arc<App>>, Query(q): Query<Paging>) -> Result {
    Ok(Json(app.organisations_index(q.page.0).await?).into_response())
}

pub(crate) async fn new_page(MaybeSession(session): MaybeSession) -> Result {
    let Some(session) = session else { return Ok(to_login("/organisations/new")) };
    let form = NewOrganisationHtml { csrf: &session.csrf, slug: "", name: "", errors: FormErrors::default() };
    Ok(private(html(StatusCode::OK, form)?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewOrganisation {
    /// 3 to 32 of a-z, 0-9, '-' and '_'; shares the namespace of usernames.
    #[schema(pattern = "^[a-z0-9][a-z0-9_-]{2,31}$")]
    slug: String,
    /// 1 to 100 characters.
    #[schema(min_length = 1, max_length = 100)]
    name: String,
}

pub(crate) async fn create_form(
    State(app): State<Arc<App>>,
    SignedIn(session, form): SignedIn<NewOrganisation>,
) -> Result {
    let e = match app.create_organisation(&session.user, &form.slug, &form.name).await {
        Ok(org) => return Ok(Redirect::to(&format!("/organisations/{}", org.slug)).into_response()),
        Err(e) => e,
    };
    let errors = FormErrors::from(e, "slug", "", "")?;
    let page = NewOrganisationHtml { csrf: &session.csrf, slug: &form.slug, name: &form.name, errors };
    Ok(private(html(REFUSED, page)?))
}

pub(crate) async fn page(
    State(app): State<Arc<App>>,
    MaybeSession(session): MaybeSession,
    Path(slug): Path<String>,
) -> Result {
    let page = app.organisation_page(&slug).await?;
    let owner = session.as_ref().is_some_and(|s| page.managed_by(&s.user));
    let member = session.as_ref().is_some_and(|s| page.has_member(&s.user));
    let csrf = session.as_ref().map(|s| s.csrf.as_str()).unwrap_or("");
    html(
        StatusCode::OK,
        OrganisationHtml { page: &page, owner, member, csrf, adding: "", errors: FormErrors::default() },
    )
}

#[derive(Deserialize)]
pub(crate) struct MemberForm {
    username: String,
    /// `owner` or `member` (when left empty).
    #[serde(default)]
    role: String,
}

pub(crate) async fn add_member_form(
    State(app): State<Arc<App>>,
    Path(slug): Path<String>,
    SignedIn(session, form): SignedIn<MemberForm>,
) -> Result {
    let role = if form.role.is_empty() { Role::Member } else { parse_role(&form.role)? };
    let e = match app.set_member(&session.user, &slug, form.username.trim(), role).await {
        Ok(_) => return Ok(Redirect::to(&format!("/organisations/{}", encode(&slug))).into_response()),
        Err(e) => e,
    };
    let errors = FormErrors::from(e, "username", "username", "")?;
    let page = app.organisation_page(&slug).await?;
    let (owner, member) = (page.managed_by(&session.user), page.has_member(&session.user));
    let adding = form.username.trim();
    Ok(private(html(REFUSED, OrganisationHtml { page: &page, owner, member, csrf: &session.csrf, adding, errors })?))
}

#[derive(Deserialize)]
pub(crate) struct NoFields {}

pub(crate) async fn remove_member_form(
    State(app): State<Arc<App>>,
    Path(at): Path<MemberAddress>,
    SignedIn(session, _): SignedIn<NoFields>,
) -> Result {
    app.remove_member(&session.user, &at.slug, &at.username).await?;
    Ok(Redirect::to(&format!("/organisations/{}", encode(&at.slug))).into_response())
}

/// Where a new organisation is.
#[derive(Serialize, ToSchema)]
pub(crate) struct CreatedOrganisation {
    slug: String,
    url: String,
}

/// Create an organisation; the caller becomes its owner.
#[utoipa::path(post, path = "/api/v1/organisations", request_body = NewOrganisation,
    responses((status = 201, body = CreatedOrganisation), BadRequest, Unauthorized,
        (status = 409, description = "the slug is taken", body = crate::openapi::ErrorBody), TooLarge, RateLimited),
    security(("bearer" = [])))]
pub(crate) async fn api_create(
    State(app): State<Arc<App>>,
    Bearer(user): Bearer,
    JsonBody(input): JsonBody<NewOrganisation>,
) -> Result {
    let org = app.create_organisation(&user, &input.slug, &input.name).await?;
    Ok(created(CreatedOrganisation { url: format!("/organisations/{}", org.slug), slug: org.slug }))
}

/// An organisation with its members and stacks.
#[utoipa::path(get, path = "/api/v1/organisations/{slug}", params(("slug" = String, Path)),
    responses((status = 200, body = OrganisationPage), NotFound))]
pub(crate) async fn api(State(app): State<Arc<App>>, Path(slug): Path<String>) -> Result {
    Ok(Json(app.organisation_page(&slug).await?).into_response())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Membership {
    #[schema(value_type = String, example = "member")]
    role: Role,
}

/// Add a member to an organisation or change their role (owners and admins); 409 if it would
/// leave no owner.
#[utoipa::path(put, path = "/api/v1/organisations/{slug}/members/{username}", request_body = Membership,
    params(("slug" = String, Path), ("username" = String, Path)),
    responses(NoContent, BadRequest, Unauthorized, Forbidden, NotFound, Conflict, TooLarge),
    security(("bearer" = [])))]
pub(crate) async fn api_set_member(
    State(app): State<Arc<App>>,
    Path(at): Path<MemberAddress>,
    Bearer(user): Bearer,
    JsonBody(input): JsonBody<Membership>,
) -> Result {
    app.set_member(&user, &at.slug, &at.username, input.role).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Remove a member (owners and admins; members may remove themselves); 409 if it would leave
/// no owner.
#[utoipa::path(delete, path = "/api/v1/organisations/{slug}/members/{username}",
    params(("slug" = String, Path), ("username" = String, Path)),
    responses(NoContent, Unauthorized, Forbidden, NotFound, Conflict), security(("bearer" = [])))]
pub(crate) async fn api_remove_member(
    State(app): State<Arc<App>>,
    Path(at): Path<MemberAddress>,
    Bearer(user): Bearer,
) -> Result {
    app.remove_member(&user, &at.slug, &at.username).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Deletes the organisation with its stacks (owners and admins), then shows the visitor's page.
pub(crate) async fn delete_form(
    State(app): State<Arc<App>>,
    Path(slug): Path<String>,
    SignedIn(session, _): SignedIn<crate::routes::accounts::NoFields>,
) -> Result {
    app.delete_organisation(&session.user, &slug).await?;
    Ok(Redirect::to(&format!("/users/{}", session.user.username)).into_response())
}

/// Delete an organisation with its stacks (owners and admins); decisions posted for it stay.
#[utoipa::path(delete, path = "/api/v1/organisations/{slug}", params(("slug" = String, Path)),
    responses(NoContent, Unauthorized, Forbidden, NotFound), security(("bearer" = [])))]
pub(crate) async fn api_delete(State(app): State<Arc<App>>, Path(slug): Path<String>, Bearer(user): Bearer) -> Result {
    app.delete_organisation(&user, &slug).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Template)]
#[template(path = "organisations/fleet.html")]
struct FleetHtml<'a> {
    fleet: &'a stackdex_app::fleet::Fleet,
}

#[derive(Template)]
#[template(path = "organisations/fleet_tool.html")]
struct FleetToolHtml<'a> {
    page: &'a stackdex_app::fleet::FleetToolPage,
}

/// One bar of the upgrade chart: where it stands and how tall it is, in the SVG's units.
struct Bar {
    x: u32,
    y: u32,
    height: u32,
    label: String,
}

impl FleetToolHtml<'_> {
    /// Width of the chart's drawing, in its own units: one bar of 10 per month with gaps of 2,
    /// and room for a year at least, so that a few months do not fill the width.
    fn chart_width(&self) -> u32 {
        self.page.progress.len().max(12) as u32 * 12
    }

    /// The share on the newest major each month, as bars 0 to 100 high.
    fn bars(&self) -> Vec<Bar> {
        self.page
            .progress
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let height = m.percent();
                Bar { x: i as u32 * 12 + 1, y: 100 - height, height, label: format!("{}: {}%", m.month, height) }
            })
            .collect()
    }
}

/// Each tool across the organisation's stacks: versions, how many are behind, end of life.
pub(crate) async fn fleet_page(State(app): State<Arc<App>>, Path(slug): Path<String>) -> Result {
    html(StatusCode::OK, FleetHtml { fleet: &app.fleet(&slug).await? })
}

/// One tool of the fleet: its versions by stack and its upgrade progress month by month.
pub(crate) async fn fleet_tool_page(State(app): State<Arc<App>>, Path((slug, tool)): Path<(String, String)>) -> Result {
    html(StatusCode::OK, FleetToolHtml { page: &app.fleet_tool(&slug, &tool).await? })
}

/// Each tool across an organisation's stacks now: `versions` newest first with the stacks on
/// each (and its release cycle's end of life when imported), `behind` the stacks not on the
/// newest major version.
#[utoipa::path(get, path = "/api/v1/organisations/{slug}/fleet", params(("slug" = String, Path)),
    responses((status = 200, body = stackdex_app::fleet::Fleet), NotFound))]
pub(crate) async fn api_fleet(State(app): State<Arc<App>>, Path(slug): Path<String>) -> Result {
    Ok(Json(app.fleet(&slug).await?).into_response())
}

/// One tool of an organisation's fleet, with the share of its stacks on the newest major
/// version at the end of each month.
#[utoipa::path(get, path = "/api/v1/organisations/{slug}/fleet/{tool}", params(("slug" = String, Path), ("tool" = String, Path)),
    responses((status = 200, body = stackdex_app::fleet::FleetToolPage), NotFound))]
pub(crate) async fn api_fleet_tool(State(app): State<Arc<App>>, Path((slug, tool)): Path<(String, String)>) -> Result {
    Ok(Json(app.fleet_tool(&slug, &tool).await?).into_response())
}

#[derive(Template)]
#[template(path = "organisations/radar.html")]
struct RadarHtml<'a> {
    page: &'a stackdex_app::radar::RadarPage,
}

/// A blip where the radar drawing puts it (the drawing's units: a circle of radius 100).
struct Dot<'a> {
    x: f64,
    y: f64,
    ring: &'a str,
    slug: &'a str,
    name: &'a str,
    /// Its number, written in the dot and before its name in the list by ring.
    number: usize,
}

/// Rings from the centre out, and the band of radii each takes.
const RINGS: [(&str, f64, f64); 4] =
    [("adopt", 8.0, 32.0), ("trial", 36.0, 56.0), ("assess", 60.0, 78.0), ("hold", 82.0, 98.0)];

impl RadarHtml<'_> {
    fn rings(&self) -> Vec<(&'static str, f64)> {
        RINGS.iter().map(|(name, _, outer)| (*name, outer + 2.0)).collect()
    }

    /// Each blip in its quadrant (clockwise from the top right) and ring, spread evenly.
    fn dots(&self) -> Vec<Dot<'_>> {
        let mut out = Vec::new();
        for (q, quadrant) in self.page.quadrants.iter().take(4).enumerate() {
            let start = -90.0 + 90.0 * q as f64;
            for (ring, inner, outer) in RINGS {
                let here: Vec<_> =
                    self.page.blips.iter().filter(|b| &b.quadrant == quadrant && b.ring == ring).collect();
                let k = here.len() as f64;
                for (j, b) in here.iter().enumerate() {
                    let angle = (start + 90.0 * (j as f64 + 1.0) / (k + 1.0)).to_radians();
                    let r = if j % 2 == 0 { inner + (outer - inner) * 0.35 } else { inner + (outer - inner) * 0.75 };
                    let (x, y) = (r * angle.cos(), r * angle.sin());
                    out.push(Dot { x, y, ring, slug: &b.slug, name: &b.name, number: b.number });
                }
            }
        }
        out
    }

    /// A quadrant's label and where it goes (the corner of its quarter).
    fn quadrant_labels(&self) -> Vec<(String, f64, f64, &'static str)> {
        let corners = [(98.0, -102.0, "end"), (98.0, 106.0, "end"), (-98.0, 106.0, "start"), (-98.0, -102.0, "start")];
        self.page.quadrant_names.iter().take(4).zip(corners).map(|(q, (x, y, a))| (q.clone(), x, y, a)).collect()
    }

    fn blips_in(&self, ring: &str) -> Vec<&stackdex_app::radar::RadarBlip> {
        self.page.blips.iter().filter(|b| b.ring == ring).collect()
    }
}

/// The organisation's tech radar: the latest version drawn, its drift from the stacks, its moves.
pub(crate) async fn radar_page(State(app): State<Arc<App>>, Path(slug): Path<String>) -> Result {
    html(StatusCode::OK, RadarHtml { page: &app.radar_page(&slug).await? })
}

/// The organisation's tech radar: the latest version's entries with the stacks using each,
/// its drift from the stacks (`hold_in_use`, `adopt_unused`, `unlisted`), the moves since the
/// version before, and the versions kept.
#[utoipa::path(get, path = "/api/v1/organisations/{slug}/radar", params(("slug" = String, Path)),
    responses((status = 200, body = stackdex_app::radar::RadarPage), NotFound))]
pub(crate) async fn api_radar(State(app): State<Arc<App>>, Path(slug): Path<String>) -> Result {
    Ok(Json(app.radar_page(&slug).await?).into_response())
}

/// Record a radar file (techradar.yml, YAML or JSON) as the organisation's new radar version
/// (its members and admins). Names the catalog does not know are left out and answered.
#[utoipa::path(put, path = "/api/v1/organisations/{slug}/radar", params(("slug" = String, Path)),
    request_body(content = String, description = "techradar.yml: {\"entries\": [{\"tool\", \"ring\", \"quadrant\", \"note\"}]}", content_type = "application/yaml"),
    responses((status = 201, body = stackdex_app::radar::RadarPushed), BadRequest, Unauthorized, Forbidden, NotFound, TooLarge, RateLimited),
    security(("bearer" = [])))]
pub(crate) async fn api_push_radar(
    State(app): State<Arc<App>>,
    Path(slug): Path<String>,
    Bearer(user): Bearer,
    body: axum::body::Bytes,
) -> Result {
    let text = std::str::from_utf8(&body)
        .map_err(|_| stackdex_app::AppError::BadRequest("a radar file is UTF-8 text".into()))?;
    Ok(created(app.push_radar(&user, &slug, text).await?))
}
