//! Who is asking: browser sessions (an HttpOnly cookie), the pages personalised for them, and
//! their CSRF defences; where an anonymous visitor is sent to act.
//!
//! Pages are cached once for everybody, rendered as an anonymous visitor sees them. For a
//! request with a live session, [`sessions`] splices the user's part into the cached bytes:
//! the account menu between `<!--account-->` markers, and the session's CSRF token into every
//! form's empty `csrf` field. Anonymous requests are served the cached bytes untouched.
//!
//! A state-changing request that a cookie authenticates must carry the session's CSRF token
//! and come from this site (its `Origin`, or failing that its `Referer`, names the host it was
//! sent to). The JSON API never reads the cookie: it takes `Authorization: Bearer` only, which
//! a cross-site page cannot send, so it needs neither check.

use std::collections::HashSet;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use cookie::Cookie;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use stackdex_app::accounts::{SESSION_SECONDS, Session};
use stackdex_app::personal::Toggle;
use stackdex_app::{App, AppError};
use subtle::ConstantTimeEq;
use url::Url;

/// The name of the session cookie.
pub(crate) const SESSION_COOKIE: &str = "sdx_session";

const ACCOUNT_START: &[u8] = b"<!--account-->";
const ACCOUNT_END: &[u8] = b"<!--/account-->";
const EMPTY_CSRF: &[u8] = b"name=\"csrf\" value=\"\"";
/// Where the controls only a post's author (or an admin) sees begin and end in a cached page.
const OWN_START: &[u8] = b"<!--own:";
const OWN_END: &[u8] = b" /own-->";
/// What names a toggle control in a page: `data-toggle="follow:tool:12"` (see
/// `stackdex_app::personal`).
const TOGGLE: &[u8] = b"data-toggle=\"";
/// A toggle's attributes as pages are cached (off), and as a visitor who pressed it sees them.
const TOGGLE_STATES: [(&[u8], &[u8]); 3] = [
    (b"aria-pressed=\"false\" ", b"aria-pressed=\"true\" "),
    (b"value=\"follow\" ", b"value=\"unfollow\" "),
    (b"value=\"cast\" ", b"value=\"retract\" "),
];

/// The session cookie's value, if the request has one.
pub(crate) fn session_cookie(headers: &HeaderMap) -> Option<String> {
    CookieJar::from_headers(headers).get(SESSION_COOKIE).map(|c| c.value().to_owned())
}

/// Middleware: finds the session, hands it to handlers, and personalises HTML answers.
pub(crate) async fn sessions(State(app): State<Arc<App>>, mut request: Request, next: Next) -> Response {
    let Some(cookie) = session_cookie(request.headers()) else { return next.run(request).await };
    let session = match app.session(&cookie).await {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!(error = %e, "reading a session failed");
            None
        }
    };
    let Some(session) = session else {
        // A stale cookie (logged out elsewhere, expired): serve the anonymous page, drop it.
        let mut response = next.run(request).await;
        response.headers_mut().append(header::SET_COOKIE, clear_cookie());
        return response;
    };
    request.extensions_mut().insert(session.clone());
    let response = next.run(request).await;
    personalise(&app, response, &session).await
}

async fn personalise(app: &App, response: Response, session: &Session) -> Response {
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if !is_html {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 16 * 1024 * 1024).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let toggles = toggles_in(&bytes);
    let pressed = if toggles.is_empty() {
        HashSet::new()
    } else {
        app.pressed(&session.user, &toggles).await.unwrap_or_else(|e| {
            tracing::warn!(error = %e, "reading the visitor's toggles failed");
            HashSet::new()
        })
    };
    let bytes = reveal_own(&bytes, &session.user);
    let out = personal_page(&bytes, &account_menu(session), &session.csrf, &pressed);
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.remove(header::ETAG);
    parts.headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    Response::from_parts(parts, Body::from(out))
}

/// The toggles a page names (`data-toggle="KEY"`), each once.
fn toggles_in(page: &[u8]) -> Vec<Toggle> {
    let mut found = HashSet::new();
    let mut rest = page;
    while let Some(i) = find(rest, TOGGLE) {
        rest = &rest[i + TOGGLE.len()..];
        let end = memchr::memchr(b'"', rest).unwrap_or(rest.len());
        if let Some(toggle) = std::str::from_utf8(&rest[..end]).ok().and_then(|k| k.parse().ok()) {
            found.insert(toggle);
        }
    }
    found.into_iter().collect()
}

/// The page as the visitor sees it: their account menu in the header, their session's CSRF
/// token in every form, and their pressed toggles turned on (`aria-pressed="true"`, and the
/// action a click then takes: `unfollow`, `retract`).
fn personal_page(page: &[u8], menu: &str, csrf: &str, pressed: &HashSet<Toggle>) -> Vec<u8> {
    let csrf_field = format!("name=\"csrf\" value=\"{csrf}\"");
    let mut out = Vec::with_capacity(page.len() + menu.len() + 256);
    let mut rest = page;
    if let (Some(a), Some(b)) = (find(rest, ACCOUNT_START), find(rest, ACCOUNT_END)) {
        out.extend_from_slice(&rest[..a + ACCOUNT_START.len()]);
        out.extend_from_slice(menu.as_bytes());
        rest = &rest[b..];
    }
    // Where the next of each is, from `at` on: each part of the page is searched once.
    let mut at = 0;
    let mut next_csrf = find(rest, EMPTY_CSRF);
    let mut next_toggle = if pressed.is_empty() { None } else { find(rest, TOGGLE) };
    loop {
        match (next_csrf, next_toggle) {
            (Some(c), t) if t.is_none_or(|t| c < t) => {
                out.extend_from_slice(&rest[at..c]);
                out.extend_from_slice(csrf_field.as_bytes());
                at = c + EMPTY_CSRF.len();
                next_csrf = find(&rest[at..], EMPTY_CSRF).map(|i| at + i);
            }
            (_, Some(t)) => {
                out.extend_from_slice(&rest[at..t]);
                let key_start = t + TOGGLE.len();
                let key_end = key_start + memchr::memchr(b'"', &rest[key_start..]).unwrap_or(0);
                let on = std::str::from_utf8(&rest[key_start..key_end])
                    .ok()
                    .and_then(|k| k.parse::<Toggle>().ok())
                    .is_some_and(|k| pressed.contains(&k));
                if on {
                    turn_on(&mut out);
                }
                out.extend_from_slice(&rest[t..key_end]);
                at = key_end;
                next_toggle = find(&rest[at..], TOGGLE).map(|i| at + i);
            }
            _ => break,
        }
    }
    out.extend_from_slice(&rest[at..]);
    out
}

/// Opens the controls kept for the author of a post (`<!--own:USERNAME CONTROLS /own-->`, see
/// the `own` macro) when the visitor is that author or an admin, and drops the others. Pages are
/// cached with them closed, so anonymous visitors and other users never see them.
fn reveal_own<'a>(page: &'a [u8], user: &stackdex_app::User) -> std::borrow::Cow<'a, [u8]> {
    let Some(mut next) = find(page, OWN_START) else { return std::borrow::Cow::Borrowed(page) };
    let mut out = Vec::with_capacity(page.len());
    let mut at = 0;
    loop {
        let name_start = next + OWN_START.len();
        let Some(space) = memchr::memchr(b' ', &page[name_start..]).map(|i| name_start + i) else { break };
        let Some(end) = find(&page[space..], OWN_END).map(|i| space + i) else { break };
        out.extend_from_slice(&page[at..next]);
        let author = &page[name_start..space];
        if user.is_admin || (!author.is_empty() && author == user.username.as_bytes()) {
            out.extend_from_slice(&page[space + 1..end]);
        }
        at = end + OWN_END.len();
        match find(&page[at..], OWN_START) {
            Some(i) => next = at + i,
            None => break,
        }
    }
    out.extend_from_slice(&page[at..]);
    std::borrow::Cow::Owned(out)
}

/// The attribute written just before a pressed toggle's `data-toggle`, switched to its "on"
/// value.
fn turn_on(out: &mut Vec<u8>) {
    for (off, on) in TOGGLE_STATES {
        if out.ends_with(off) {
            out.truncate(out.len() - off.len());
            out.extend_from_slice(on);
            return;
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(haystack, needle)
}

/// The signed-in user's part of the header.
#[derive(askama::Template)]
#[template(path = "accounts/menu.html")]
struct AccountMenu<'a> {
    username: &'a str,
    csrf: &'a str,
    /// Admins get a link to the reports queue.
    admin: bool,
}

fn account_menu(session: &Session) -> String {
    let menu = AccountMenu { username: &session.user.username, csrf: &session.csrf, admin: session.user.is_admin };
    askama::Template::render(&menu).unwrap_or_default()
}

/// True when the request says it was sent from a page of this site: its `Origin` (or, failing
/// that, its `Referer`) names the host the request was sent to.
fn same_origin(headers: &HeaderMap) -> bool {
    let from = headers.get(header::ORIGIN).or_else(|| headers.get(header::REFERER)).and_then(|v| v.to_str().ok());
    from.and_then(|f| Url::parse(f).ok()).is_some_and(|url| names_host(&url, headers))
}

/// Whether a URL is on the host the request was sent to (its `Host` header), port included.
fn names_host(url: &Url, headers: &HeaderMap) -> bool {
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else { return false };
    if !matches!(url.scheme(), "http" | "https") {
        return false;
    }
    // The Host header read as the authority of a URL of the same scheme, so that a port left
    // out on either side is the scheme's own.
    let Ok(sent_to) = Url::parse(&format!("{}://{host}/", url.scheme())) else { return false };
    sent_to.host() == url.host() && sent_to.port_or_known_default() == url.port_or_known_default()
}

/// The page of this site a request came from (its `Referer`), else the home page.
pub(crate) fn came_from(headers: &HeaderMap) -> String {
    headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| Url::parse(r).ok())
        .filter(|url| names_host(url, headers))
        .map(|url| {
            let path = match url.query() {
                Some(q) => format!("{}?{q}", url.path()),
                None => url.path().to_owned(),
            };
            local_path(Some(&path)).to_owned()
        })
        .unwrap_or_else(|| "/".to_owned())
}

/// A redirect target taken from the client: a path on this site, nothing else.
pub(crate) fn local_path(next: Option<&str>) -> &str {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') && n.len() <= 500 => n,
        _ => "/",
    }
}

/// What is escaped in a path or query value of a link: all but unreserved characters and `/`.
const IN_LINK: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~').remove(b'/');

/// Text made safe to put in a link's path or query.
pub(crate) fn encode(s: &str) -> String {
    utf8_percent_encode(s, IN_LINK).to_string()
}

/// Where an anonymous visitor goes to act: the log-in page, then back.
pub(crate) fn to_login(next: &str) -> Response {
    Redirect::to(&format!("/login?next={}", encode(next))).into_response()
}

/// The checks on a form post from a signed-in browser: sent from this site, with the
/// session's token.
pub(crate) fn check_csrf(headers: &HeaderMap, session: &Session, token: &str) -> Result<(), AppError> {
    check_origin(headers)?;
    if bool::from(token.as_bytes().ct_eq(session.csrf.as_bytes())) {
        Ok(())
    } else {
        Err(AppError::Forbidden("this form has expired; reload the page and try again".into()))
    }
}

/// The check on form posts made before there is a session (log in, sign up).
pub(crate) fn check_origin(headers: &HeaderMap) -> Result<(), AppError> {
    if same_origin(headers) { Ok(()) } else { Err(AppError::Forbidden("cross-site form posts are refused".into())) }
}

/// The session cookie: HttpOnly, SameSite=Lax, and Secure when the request came over TLS (a
/// proxy in front says so with `X-Forwarded-Proto: https`).
pub(crate) fn session_cookie_header(value: &str, headers: &HeaderMap) -> HeaderValue {
    let tls = headers.get("x-forwarded-proto").is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"https"));
    let cookie = Cookie::build((SESSION_COOKIE, value.to_owned()))
        .path("/")
        .http_only(true)
        .same_site(cookie::SameSite::Lax)
        .secure(tls)
        .max_age(cookie::time::Duration::seconds(SESSION_SECONDS))
        .build();
    HeaderValue::from_str(&cookie.to_string()).expect("a cookie of hex digits is a valid header")
}

/// The header that makes a browser drop its session cookie.
pub(crate) fn clear_cookie() -> HeaderValue {
    let mut cookie =
        Cookie::build((SESSION_COOKIE, "")).path("/").http_only(true).same_site(cookie::SameSite::Lax).build();
    cookie.make_removal();
    HeaderValue::from_str(&cookie.to_string()).expect("a valid header")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pressed_toggles_are_turned_on_and_others_left_off() {
        let page = concat!(
            "<!--account--><a>Log in</a><!--/account-->",
            "<form><input type=\"hidden\" name=\"csrf\" value=\"\">",
            "<input type=\"hidden\" name=\"action\" value=\"follow\" data-toggle=\"follow:tool:7\">",
            "<button aria-pressed=\"false\" data-toggle=\"follow:tool:7\">Follow</button></form>",
            "<input type=\"hidden\" name=\"action\" value=\"cast\" data-toggle=\"vote:3\">",
            "<button aria-pressed=\"false\" data-toggle=\"vote:3\">▲</button>",
            "<input type=\"hidden\" name=\"action\" value=\"cast\" data-toggle=\"vote:4\">",
            "<button aria-pressed=\"false\" data-toggle=\"vote:4\">▲</button>",
        );
        let toggles = toggles_in(page.as_bytes());
        assert_eq!(toggles.len(), 3);
        let pressed: HashSet<Toggle> = ["follow:tool:7", "vote:4"].iter().map(|k| k.parse().unwrap()).collect();
        let out = String::from_utf8(personal_page(page.as_bytes(), "MENU", "abc", &pressed)).unwrap();
        assert!(out.starts_with("<!--account-->MENU<!--/account-->"), "{out}");
        assert!(out.contains("name=\"csrf\" value=\"abc\""));
        assert!(out.contains("value=\"unfollow\" data-toggle=\"follow:tool:7\""));
        assert!(out.contains("aria-pressed=\"true\" data-toggle=\"follow:tool:7\""));
        assert!(out.contains("value=\"cast\" data-toggle=\"vote:3\""), "not pressed: left off");
        assert!(out.contains("aria-pressed=\"false\" data-toggle=\"vote:3\""));
        assert!(out.contains("value=\"retract\" data-toggle=\"vote:4\""));
        assert!(out.contains("aria-pressed=\"true\" data-toggle=\"vote:4\""));
    }

    #[test]
    fn own_controls_open_for_their_author_and_admins_only() {
        let page = b"<p>a</p><!--own:ann <a>Edit 1</a> /own--><p>b</p><!--own: <a>Edit 2</a> /own--><!--own:bob <a>Edit 3</a> /own-->";
        let user = |name: &str, admin: bool| stackdex_app::User {
            id: stackdex_app::UserId(1),
            username: name.into(),
            display_name: name.into(),
            title: String::new(),
            is_admin: admin,
        };
        let seen = |name, admin| String::from_utf8(reveal_own(page, &user(name, admin)).into_owned()).unwrap();
        assert_eq!(seen("ann", false), "<p>a</p><a>Edit 1</a><p>b</p>");
        assert_eq!(seen("an", false), "<p>a</p><p>b</p>", "a prefix of the name is another user");
        assert_eq!(seen("root", true), "<p>a</p><a>Edit 1</a><p>b</p><a>Edit 2</a><a>Edit 3</a>");
        let plain = b"<p>no controls</p>";
        assert!(matches!(reveal_own(plain, &user("ann", false)), std::borrow::Cow::Borrowed(_)));
    }

    #[test]
    fn came_from_is_a_local_path_of_this_host() {
        let h = |r: &str| headers(&[("host", "a.test"), ("referer", r)]);
        assert_eq!(came_from(&h("http://a.test/tools/django?tab=pros")), "/tools/django?tab=pros");
        assert_eq!(came_from(&h("http://evil.test/tools/django")), "/");
        assert_eq!(came_from(&headers(&[("host", "a.test")])), "/");
    }

    #[test]
    fn links_escape_all_but_unreserved_characters_and_slashes() {
        assert_eq!(encode("/decisions/new?tools=a b&kind=c"), "/decisions/new%3Ftools%3Da%20b%26kind%3Dc");
        assert_eq!(encode("ünï"), "%C3%BCn%C3%AF");
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn origin_must_name_the_host() {
        assert!(same_origin(&headers(&[("host", "a.test:8080"), ("origin", "http://a.test:8080")])));
        assert!(!same_origin(&headers(&[("host", "a.test:8080"), ("origin", "http://a.test:9090")])));
        assert!(!same_origin(&headers(&[("host", "a.test"), ("origin", "http://a.test:8080")])));
        assert!(same_origin(&headers(&[("host", "a.test:443"), ("origin", "https://a.test")])));
        assert!(same_origin(&headers(&[("host", "a.test"), ("referer", "https://a.test/tools/x?y")])));
        assert!(!same_origin(&headers(&[("host", "a.test"), ("origin", "http://evil.test")])));
        assert!(!same_origin(&headers(&[("host", "a.test"), ("origin", "http://a.test.evil.test")])));
        assert!(!same_origin(&headers(&[("host", "a.test"), ("origin", "null")])));
        assert!(!same_origin(&headers(&[("host", "a.test")])));
        assert!(!same_origin(&headers(&[("host", "a.test"), ("origin", "javascript://a.test")])));
        assert!(!same_origin(&headers(&[("host", "a.test"), ("referer", "http://a.test@evil.test/")])));
        // Origin wins over a matching Referer.
        assert!(!same_origin(&headers(&[
            ("host", "a.test"),
            ("origin", "http://evil.test"),
            ("referer", "http://a.test/")
        ])));
    }
}
