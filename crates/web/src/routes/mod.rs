//! The route table: every URL of the app, in one place, grouped by the policy that applies to
//! it (the rate limit its group takes, and whether its errors answer as pages or as JSON).
//! Each resource's handlers live in the module of the same name; their API twins carry their
//! own OpenAPI entry (`#[utoipa::path]`), from which the document is built.

mod accounts;
mod categories;
mod decisions;
mod follows;
mod home;
mod organisations;
mod reasons;
mod reports;
mod search;
mod site;
mod stacks;
mod stackups;
mod tools;

use std::sync::Arc;

use axum::Router;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{get, post};
use stackdex_app::App;
use stackdex_app::rate_limits::Action;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::limits::{self, Limit, Per};
use crate::openapi::ApiDoc;
use crate::respond::{html_errors, json_errors};

/// Every route of the app; the caller adds the layers that apply to all of them.
pub(crate) fn table(app: &Arc<App>) -> Router<Arc<App>> {
    let (api, openapi) = api(app).split_for_parts();
    let openapi = Arc::new(openapi);
    let site = Router::new()
        .route("/api/openapi.json", get(site::openapi_json))
        .route("/api/docs", get(site::docs))
        .with_state(openapi);
    pages(app).merge(site.layer(from_fn(html_errors))).merge(api.layer(from_fn(json_errors))).fallback(site::not_found)
}

/// The HTML pages and the browser's forms.
fn pages(app: &Arc<App>) -> Router<Arc<App>> {
    let limited = |router: Router<Arc<App>>, action, per| {
        router.route_layer(from_fn_with_state(Limit { app: app.clone(), action, per }, limits::take))
    };
    let reads = Router::new()
        .route("/", get(home::page))
        .route("/tools", get(tools::index))
        .route("/tools/{slug}", get(tools::page))
        .route("/tools/{slug}/alternatives", get(tools::alternatives_page))
        .route("/categories/{layer}", get(categories::layer_page))
        .route("/categories/{layer}/{category}", get(categories::page))
        .route("/categories/{layer}/{category}/{subcategory}", get(categories::page))
        .route("/search", get(search::page))
        .route("/compare", get(stackups::compare))
        .route("/stackups", get(stackups::index))
        .route("/stackups/{slug}", get(stackups::page))
        .route("/stacks", get(stacks::index))
        .route("/stacks/new", get(stacks::new_page))
        .route("/stacks/{owner}/{name}", get(stacks::page))
        .route("/stacks/{owner}/{name}/edit", get(stacks::edit_page))
        .route("/stacks/{owner}/{name}/diff", get(stacks::diff_page))
        .route("/decisions", get(decisions::list_page))
        .route("/decisions/new", get(decisions::new_page))
        .route("/decisions/{id}", get(decisions::page))
        .route("/decisions/{id}/edit", get(decisions::edit_page))
        .route("/comments/{id}/edit", get(decisions::comment_edit_page))
        .route("/reports/new", get(reports::new_page))
        .route("/admin/reports", get(reports::queue_page))
        .route("/feed", get(follows::feed_page))
        .route("/organisations", get(organisations::index))
        .route("/organisations/new", get(organisations::new_page))
        .route("/organisations/{slug}", get(organisations::page))
        .route("/organisations/{slug}/fleet", get(organisations::fleet_page))
        .route("/organisations/{slug}/radar", get(organisations::radar_page))
        .route("/organisations/{slug}/fleet/{tool}", get(organisations::fleet_tool_page))
        .route("/users", get(accounts::users_page))
        .route("/users/{username}", get(accounts::user_page))
        .route("/login", get(accounts::login_page))
        .route("/signup", get(accounts::signup_page))
        .route("/settings", get(accounts::settings))
        .route("/share", get(site::share))
        .route("/static/app.css", get(site::css))
        .route("/static/picker.js", get(site::picker_js))
        .route("/static/logos/{file}", get(site::logo))
        .route("/favicon.svg", get(site::favicon_svg))
        .route("/favicon.ico", get(site::favicon_ico))
        .route("/robots.txt", get(site::robots))
        .route("/sitemap.xml", get(site::sitemap))
        .route("/sitemaps/{file}", get(site::sitemap_part))
        .route("/about", get(site::about))
        .route("/contact", get(site::contact))
        .route("/privacy", get(site::privacy))
        .route("/terms", get(site::terms))
        .route("/healthz", get(site::health));
    // Form posts that no limit counts (each acts on what the visitor already owns).
    let forms = Router::new()
        .route("/logout", post(accounts::log_out))
        .route("/settings/tokens", post(accounts::create_token_form))
        .route("/settings/tokens/{id}/revoke", post(accounts::revoke_token_form))
        .route("/settings/profile", post(accounts::profile_form))
        .route("/settings/password", post(accounts::password_form))
        .route("/settings/delete", post(accounts::delete_account_form))
        .route("/reasons/{id}/delete", post(reasons::delete_form))
        .route("/stacks/{owner}/{name}/description", post(stacks::description_form))
        .route("/stacks/{owner}/{name}/delete", post(stacks::delete_form))
        .route("/organisations/{slug}/delete", post(organisations::delete_form))
        .route("/decisions/{id}/edit", post(decisions::edit_form_post))
        .route("/decisions/{id}/delete", post(decisions::delete_form))
        .route("/comments/{id}/edit", post(decisions::comment_edit_post))
        .route("/comments/{id}/delete", post(decisions::comment_delete_form))
        .route("/admin/reports/{id}/remove", post(reports::remove_form))
        .route("/admin/reports/{id}/dismiss", post(reports::dismiss_form))
        .route("/organisations/{slug}/members", post(organisations::add_member_form))
        .route("/organisations/{slug}/members/{username}/remove", post(organisations::remove_member_form));
    let sign_ups = limited(Router::new().route("/signup", post(accounts::sign_up)), Action::SignUp, Per::Address);
    let log_ins = limited(Router::new().route("/login", post(accounts::log_in)), Action::LogIn, Per::Address);
    let votes = limited(
        Router::new()
            .route("/reasons/{id}/vote", post(reasons::vote_form))
            .route("/decisions/{id}/upvote", post(decisions::upvote_form))
            .route("/follows", post(follows::follow_form)),
        Action::Vote,
        Per::SessionUser,
    );
    let posts = limited(
        Router::new()
            .route("/tools/{slug}/reasons", post(reasons::add_form))
            .route("/decisions", post(decisions::post_form))
            .route("/decisions/{id}/comments", post(decisions::comment_form))
            .route("/reports", post(reports::post_form))
            .route("/organisations", post(organisations::create_form)),
        Action::Post,
        Per::SessionUser,
    );
    let pushes = limited(
        Router::new()
            .route("/stacks/new", post(stacks::create_form))
            .route("/stacks/upload", post(stacks::upload_form))
            .route("/stacks/{owner}/{name}/edit", post(stacks::edit_form)),
        Action::Push,
        Per::SessionUser,
    );
    reads
        .merge(forms)
        .merge(sign_ups)
        .merge(log_ins)
        .merge(votes)
        .merge(posts)
        .merge(pushes)
        .layer(from_fn(html_errors))
}

/// The JSON API under `/api/v1`, each operation listed in the OpenAPI document.
fn api(app: &Arc<App>) -> OpenApiRouter<Arc<App>> {
    let limited = |router: OpenApiRouter<Arc<App>>, action, per| {
        router.route_layer(from_fn_with_state(Limit { app: app.clone(), action, per }, limits::take))
    };
    let reads = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(home::api))
        .routes(routes!(tools::api_index))
        .routes(routes!(tools::api))
        .routes(routes!(tools::api_alternatives))
        .routes(routes!(tools::api_trend))
        .routes(routes!(categories::api_layer))
        .routes(routes!(categories::api))
        .routes(routes!(categories::api_subcategory))
        .routes(routes!(search::api))
        .routes(routes!(search::api_suggest))
        .routes(routes!(stackups::api_index))
        .routes(routes!(stackups::api))
        .routes(routes!(stacks::api_index))
        .routes(routes!(stacks::api))
        .routes(routes!(stacks::api_diff))
        .routes(routes!(decisions::api_list))
        .routes(routes!(decisions::api))
        .routes(routes!(organisations::api_index))
        .routes(routes!(organisations::api))
        .routes(routes!(organisations::api_fleet))
        .routes(routes!(organisations::api_radar))
        .routes(routes!(organisations::api_fleet_tool))
        .routes(routes!(accounts::api_users))
        .routes(routes!(accounts::api_user))
        .routes(routes!(follows::api_following))
        .routes(routes!(follows::api_state))
        .routes(routes!(follows::api_feed));
    // A stack's follow address has one segment more (`/api/v1/follows/stack/{owner}/{name}`);
    // the document lists it under `{key}`, which may hold `owner/name`.
    let stack_follows = OpenApiRouter::new().route("/api/v1/follows/{kind}/{owner}/{name}", get(follows::api_state));
    let writes = OpenApiRouter::new()
        .routes(routes!(reasons::api_delete))
        .routes(routes!(decisions::api_edit, decisions::api_delete))
        .routes(routes!(decisions::api_edit_comment, decisions::api_delete_comment))
        .routes(routes!(accounts::api_update_profile))
        .routes(routes!(stacks::api_describe, stacks::api_delete))
        .routes(routes!(organisations::api_delete))
        .routes(routes!(reports::api_queue))
        .routes(routes!(reports::api_resolve))
        .routes(routes!(organisations::api_set_member, organisations::api_remove_member));
    let sign_ups = limited(OpenApiRouter::new().routes(routes!(accounts::api_sign_up)), Action::SignUp, Per::Address);
    let log_ins =
        limited(OpenApiRouter::new().routes(routes!(accounts::api_create_token)), Action::LogIn, Per::Address);
    let votes = limited(
        OpenApiRouter::new()
            .routes(routes!(reasons::api_vote, reasons::api_retract_vote))
            .routes(routes!(decisions::api_upvote, decisions::api_retract_upvote))
            .routes(routes!(follows::api_follow, follows::api_unfollow)),
        Action::Vote,
        Per::TokenUser,
    );
    let stack_follow_votes = limited(
        OpenApiRouter::new().route(
            "/api/v1/follows/{kind}/{owner}/{name}",
            axum::routing::put(follows::api_follow).delete(follows::api_unfollow),
        ),
        Action::Vote,
        Per::TokenUser,
    );
    let posts = limited(
        OpenApiRouter::new()
            .routes(routes!(reasons::api_add))
            .routes(routes!(decisions::api_post))
            .routes(routes!(decisions::api_comment))
            .routes(routes!(reports::api_report))
            .routes(routes!(organisations::api_create)),
        Action::Post,
        Per::TokenUser,
    );
    let pushes = limited(
        OpenApiRouter::new()
            .routes(routes!(stacks::api_push))
            .routes(routes!(stacks::api_push_history))
            .routes(routes!(organisations::api_push_radar)),
        Action::Push,
        Per::TokenUser,
    );
    reads
        .merge(stack_follows)
        .merge(writes)
        .merge(sign_ups)
        .merge(log_ins)
        .merge(votes)
        .merge(stack_follow_votes)
        .merge(posts)
        .merge(pushes)
}
