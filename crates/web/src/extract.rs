//! Extractors: what a handler receives is parsed and typed before it runs (ids, page numbers,
//! query parameters, bodies, who is asking), and every rejection is an [`Error`], so a bad id
//! or a broken body answers like any other client mistake, in the format of its route group.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::rejection::{FormRejection, PathRejection, QueryRejection};
use axum::extract::{ConnectInfo, Form, FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum_extra::TypedHeader;
use axum_extra::headers::Authorization;
use axum_extra::headers::authorization::Bearer as BearerToken;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use stackdex_app::accounts::Session;
use stackdex_app::{App, AppError, User};

use crate::respond::Error;
use crate::session::{came_from, check_csrf, to_login};

/// Path parameters, typed (`Path<DecisionId>`, `Path<StackAddress>`); a value that does not
/// parse is a 400.
pub(crate) struct Path<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for Path<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Error> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(value)| Path(value))
            .map_err(|e: PathRejection| Error(AppError::BadRequest(e.body_text())))
    }
}

/// Query parameters, typed; unknown ones are ignored, a value that does not parse is a 400.
pub(crate) struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Error> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(value)| Query(value))
            .map_err(|e: QueryRejection| Error(AppError::BadRequest(e.body_text())))
    }
}

/// A JSON body; over the body limit a 413, anything else that does not parse a 400.
pub(crate) struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = Error;

    async fn from_request(request: Request, state: &S) -> Result<Self, Error> {
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(JsonBody(value)),
            Err(e) => Err(Error(body_error(e.status(), e.body_text()))),
        }
    }
}

/// A body that is JSON (`T`), or YAML text when the Content-Type says so
/// (`application/yaml`, `application/x-yaml`, `text/yaml`): a push takes a scan report or a
/// StackShare Stack File.
pub(crate) enum JsonOrYaml<T> {
    Json(T),
    Yaml(String),
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonOrYaml<T> {
    type Rejection = Error;

    async fn from_request(request: Request, state: &S) -> Result<Self, Error> {
        let content_type = request
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if !matches!(content_type.as_str(), "application/yaml" | "application/x-yaml" | "text/yaml" | "text/x-yaml") {
            return JsonBody::from_request(request, state).await.map(|JsonBody(value)| JsonOrYaml::Json(value));
        }
        let bytes = bytes::Bytes::from_request(request, state)
            .await
            .map_err(|e| Error(body_error(e.status(), e.body_text())))?;
        let text = String::from_utf8(bytes.to_vec())
            .map_err(|_| Error(AppError::BadRequest("the YAML body is not UTF-8 text".into())))?;
        Ok(JsonOrYaml::Yaml(text))
    }
}

/// A body the extractor refused: too large (413), or broken (400).
fn body_error(status: StatusCode, text: String) -> AppError {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        AppError::TooLarge("the request body is over 1 MiB".into())
    } else {
        AppError::BadRequest(text)
    }
}

/// A page number, `?page=N`: 1 when absent, from 1 to 10,000.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PageNumber(pub usize);

impl Default for PageNumber {
    fn default() -> Self {
        PageNumber(1)
    }
}

impl<'de> Deserialize<'de> for PageNumber {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        raw.parse::<usize>()
            .ok()
            .filter(|n| (1..=10_000).contains(n))
            .map(PageNumber)
            .ok_or_else(|| serde::de::Error::custom("page must be a whole number from 1"))
    }
}

/// `?page=N` of a paged list.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct Paging {
    /// From 1; 1 when absent.
    #[serde(default)]
    #[param(value_type = Option<u32>, minimum = 1, maximum = 10000)]
    pub page: PageNumber,
}

/// The user an `Authorization: Bearer` token stands for; a 401 without a live one. (A rate
/// limit that already authenticated the request hands its user over: see `limits`.)
pub(crate) struct Bearer(pub User);

/// A user a middleware has already authenticated by bearer token.
#[derive(Clone)]
pub(crate) struct Authenticated(pub User);

impl FromRequestParts<Arc<App>> for Bearer {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Self, Error> {
        if let Some(Authenticated(user)) = parts.extensions.get::<Authenticated>() {
            return Ok(Bearer(user.clone()));
        }
        let token = bearer_token(parts).await?;
        Ok(Bearer(app.authenticate(&token).await?))
    }
}

/// The token of an `Authorization: Bearer` header.
pub(crate) async fn bearer_token(parts: &mut Parts) -> Result<String, Error> {
    match TypedHeader::<Authorization<BearerToken>>::from_request_parts(parts, &()).await {
        Ok(TypedHeader(Authorization(bearer))) => Ok(bearer.token().trim().to_owned()),
        Err(_) => Err(Error(AppError::Unauthorized("send Authorization: Bearer <token>".into()))),
    }
}

/// The session of the request, when it has a live one (put there by the sessions middleware).
pub(crate) struct MaybeSession(pub Option<Session>);

impl<S: Send + Sync> FromRequestParts<S> for MaybeSession {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(MaybeSession(parts.extensions.get::<Session>().cloned()))
    }
}

/// A form post from a signed-in browser, after its CSRF checks (this site's origin and the
/// session's token in the field `csrf`). Without a session the rejection sends the visitor to
/// log in and back to the page the form was on.
pub(crate) struct SignedIn<T>(pub Session, pub T);

#[derive(Deserialize)]
struct WithCsrf<T> {
    #[serde(default)]
    csrf: String,
    #[serde(flatten)]
    fields: T,
}

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequest<S> for SignedIn<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Response> {
        let headers = request.headers().clone();
        let Some(session) = request.extensions().get::<Session>().cloned() else {
            return Err(to_login(&came_from(&headers)));
        };
        let Form(form) = Form::<WithCsrf<T>>::from_request(request, state)
            .await
            .map_err(|e: FormRejection| Error(body_error(e.status(), e.body_text())).into_response())?;
        check_csrf(&headers, &session, &form.csrf).map_err(|e| Error(e).into_response())?;
        Ok(SignedIn(session, form.fields))
    }
}

/// A form post from anyone (log in, sign up), typed; a broken form is a 400.
pub(crate) struct AnyForm<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for AnyForm<T> {
    type Rejection = Error;

    async fn from_request(request: Request, state: &S) -> Result<Self, Error> {
        match Form::<T>::from_request(request, state).await {
            Ok(Form(value)) => Ok(AnyForm(value)),
            Err(e) => Err(Error(body_error(e.status(), e.body_text()))),
        }
    }
}

/// Who a rate limit counts for an anonymous request: the peer's address, or behind a trusted
/// proxy the client's (see `App::trust_proxy`); "local" when the router is called in-process.
pub(crate) struct ClientAddress(pub String);

impl FromRequestParts<Arc<App>> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Self, Self::Rejection> {
        Ok(ClientAddress(client_address(app, parts)))
    }
}

pub(crate) fn client_address(app: &App, parts: &Parts) -> String {
    let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    let forwarded = parts.headers.get("x-forwarded-for").and_then(|v| v.to_str().ok());
    app.client_address(peer, forwarded)
}
