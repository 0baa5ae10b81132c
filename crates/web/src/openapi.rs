//! The OpenAPI document's shared parts: its title and security scheme, the error body, and one
//! response type per error status, which each endpoint lists beside its success (a 400 for
//! ids, parameters and bodies that do not parse, a 401 without a live token, and so on), so
//! that the document names every status an endpoint answers.

use serde::Serialize;
use stackdex_app::views::Suggestion;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{IntoResponses, Modify, OpenApi, ToSchema};

#[derive(OpenApi)]
#[openapi(
    info(title = "stackdex", description = "Discover, compare and share technology stacks."),
    modifiers(&BearerScheme),
    components(schemas(ErrorBody))
)]
pub(crate) struct ApiDoc;

/// `Authorization: Bearer <token>`, a token from `POST /api/v1/tokens` or the settings page.
struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)));
    }
}

/// Every error: a code a program can match, a sentence a person can read.
#[derive(Serialize, ToSchema)]
pub(crate) struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct ErrorDetail {
    /// `bad_request`, `unauthorized`, `forbidden`, `not_found`, `conflict`, `too_large`,
    /// `rate_limited` or `internal`.
    pub code: String,
    pub message: String,
    /// For a 404 on a tool or a stackup: what was most likely meant.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestions: Option<Vec<Suggestion>>,
}

/// One response type per error status, to list in an endpoint's `responses(...)`. They only
/// document: errors are answered by `respond::error_response`, with the same [`ErrorBody`].
macro_rules! error_responses {
    ($($(#[$doc:meta])* $name:ident = $status:literal;)*) => {$(
        $(#[$doc])*
        #[derive(IntoResponses)]
        #[response(status = $status)]
        #[allow(dead_code)]
        pub(crate) struct $name(#[to_schema] ErrorBody);
    )*};
}

error_responses! {
    /// An id, a parameter or a body that does not parse, or a value out of bounds.
    BadRequest = 400;
    /// No `Authorization: Bearer` token, or one that is not live.
    Unauthorized = 401;
    /// The token's user may not do this.
    Forbidden = 403;
    /// Nothing by that name or id.
    NotFound = 404;
    /// It clashes with what exists.
    Conflict = 409;
    /// The body is over 1 MiB.
    TooLarge = 413;
    /// Too many requests of this kind; the `Retry-After` header says when to try again.
    RateLimited = 429;
}

/// The address is not the canonical one: `Location` names it.
#[derive(IntoResponses)]
#[response(status = 301)]
pub(crate) struct Moved;

/// Done; nothing to say.
#[derive(IntoResponses)]
#[response(status = 204)]
pub(crate) struct NoContent;

/// The id of what was created.
#[derive(Serialize, ToSchema)]
pub(crate) struct Created {
    pub id: i64,
}

/// The id and the page of what was created.
#[derive(Serialize, ToSchema)]
pub(crate) struct CreatedAt {
    pub id: i64,
    pub url: String,
}
