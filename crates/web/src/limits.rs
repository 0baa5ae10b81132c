//! Rate limits, applied once per route group (see the route table): a layer takes one unit of
//! the group's [`Action`] for the user or the address that asks, before the handler runs, and
//! refuses with 429 when the bucket is empty. Requests it cannot attribute to a user (no
//! session, no valid token) pass through: the handler refuses them anyway.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use stackdex_app::App;
use stackdex_app::accounts::Session;
use stackdex_app::rate_limits::Action;

use crate::extract::{Authenticated, bearer_token, client_address};
use crate::respond::Error;

/// Whom a limit counts.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Per {
    /// The client's address (sign-ups and log-ins, before there is a user).
    Address,
    /// The signed-in browser's user (forms).
    SessionUser,
    /// The user of the request's bearer token (the API).
    TokenUser,
}

/// What a route group's limit layer takes: `action`, counted `per` address or user. The
/// table applies it with `route_layer(from_fn_with_state(Limit { .. }, limits::take))`.
#[derive(Clone)]
pub(crate) struct Limit {
    pub app: Arc<App>,
    pub action: Action,
    pub per: Per,
}

/// The layer's work: one unit of the action, or a 429.
pub(crate) async fn take(State(Limit { app, action, per }): State<Limit>, request: Request, next: Next) -> Response {
    let (mut parts, body) = request.into_parts();
    let who = match per {
        Per::Address => Some(client_address(&app, &parts)),
        Per::SessionUser => parts.extensions.get::<Session>().map(|s| s.user.id.to_string()),
        Per::TokenUser => match bearer_token(&mut parts).await {
            Ok(token) => match app.authenticate(&token).await {
                Ok(user) => {
                    let id = user.id.to_string();
                    // The handler's `Bearer` takes this user rather than asking again.
                    parts.extensions.insert(Authenticated(user));
                    Some(id)
                }
                Err(_) => None,
            },
            Err(_) => None,
        },
    };
    if let Some(who) = who
        && let Err(e) = app.rate_limit(action, &who).await
    {
        return Error(e).into_response();
    }
    next.run(Request::from_parts(parts, body)).await
}
