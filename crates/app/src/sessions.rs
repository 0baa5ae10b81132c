//! Browser sessions and rate limits. A session is a random secret in an HttpOnly cookie; the
//! database keeps only its SHA-256 hash, with the user and the session's CSRF token. Rate
//! limits are token buckets kept in the database, so they hold across app servers.

use std::collections::HashMap;
use std::fmt;

use stackdex_store::{TokenInfo, User};

use crate::accounts::{random_hex, token_hash};
use crate::{App, AppError, Result};

/// How long a browser session lasts.
pub const SESSION_SECONDS: i64 = 30 * 24 * 3600;

/// A live browser session: who it is, and the token its forms must carry.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: User,
    pub csrf: String,
}

impl App {
    /// Checks the password and opens a session; returns the cookie value and the session.
    pub async fn open_session(&self, username: &str, password: &str) -> Result<(String, Session)> {
        let user = self.log_in(username, password).await?;
        self.session_for(user).await
    }

    /// Opens a session for a user who has just proved who they are (logged in, signed up).
    pub async fn session_for(&self, user: User) -> Result<(String, Session)> {
        let secret = random_hex(32);
        let csrf = random_hex(24);
        self.store
            .create_session(&token_hash(&secret), user.id, &csrf, stackdex_store::now() + SESSION_SECONDS)
            .await?;
        Ok((secret, Session { user, csrf }))
    }

    /// The session a cookie value stands for, if it is live.
    pub async fn session(&self, cookie: &str) -> Result<Option<Session>> {
        if cookie.len() != 64 || !cookie.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Ok(None);
        }
        Ok(self.store.session(&token_hash(cookie)).await?.map(|(user, csrf)| Session { user, csrf }))
    }

    pub async fn close_session(&self, cookie: &str) -> Result<()> {
        Ok(self.store.delete_session(&token_hash(cookie)).await?)
    }

    pub async fn tokens(&self, user: &User) -> Result<Vec<TokenInfo>> {
        Ok(self.store.tokens_of(user.id).await?)
    }

    pub async fn revoke_token(&self, user: &User, token: i64) -> Result<()> {
        if self.store.revoke_token(user.id, token).await? {
            Ok(())
        } else {
            Err(AppError::NotFound { what: format!("live token {token}"), suggestions: Vec::new() })
        }
    }

    /// Takes one unit of `action` for `who` (a user id or an address), or refuses with 429.
    pub async fn rate_limit(&self, action: Action, who: &str) -> Result<()> {
        let Some(limit) = self.rate_limits.read().get(action) else { return Ok(()) };
        let key = format!("{action}:{who}");
        if self.store.take_rate_token(&key, limit.burst, limit.burst / limit.per_seconds).await? {
            Ok(())
        } else {
            Err(AppError::RateLimited {
                message: format!(
                    "too many {} requests; at most {} per {} s",
                    action.noun(),
                    limit.burst,
                    limit.per_seconds
                ),
                retry_after: (limit.per_seconds / limit.burst).ceil().max(1.0) as u64,
            })
        }
    }

    /// Says that a reverse proxy in front appends the client's address to `X-Forwarded-For`,
    /// so limits per address count the client rather than the proxy. Off by default: without a
    /// proxy that header is whatever the client wants it to be.
    pub fn trust_proxy(&self, behind_proxy: bool) {
        self.behind_proxy.store(behind_proxy, std::sync::atomic::Ordering::Relaxed);
    }

    /// The address a request counts as: the peer, or behind a trusted proxy the last address
    /// the proxy appended to `X-Forwarded-For`.
    pub fn client_address(&self, peer: Option<std::net::IpAddr>, forwarded_for: Option<&str>) -> String {
        let forwarded = forwarded_for
            .filter(|_| self.behind_proxy.load(std::sync::atomic::Ordering::Relaxed))
            .and_then(|f| f.rsplit(',').next())
            .and_then(|last| last.trim().parse::<std::net::IpAddr>().ok());
        match forwarded.or(peer) {
            Some(ip) => ip.to_string(),
            None => "local".into(),
        }
    }

    /// Replaces the rate limits (tests, and `STACKDEX_RATE_LIMIT` at start).
    pub fn set_rate_limits(&self, limits: RateLimits) {
        *self.rate_limits.write() = limits;
    }
}

/// What a rate limit counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    SignUp,
    LogIn,
    Vote,
    Post,
    Push,
}

impl Action {
    const ALL: [Action; 5] = [Action::SignUp, Action::LogIn, Action::Vote, Action::Post, Action::Push];

    fn noun(self) -> &'static str {
        match self {
            Action::SignUp => "sign-up",
            Action::LogIn => "log-in",
            Action::Vote => "vote",
            Action::Post => "post",
            Action::Push => "push",
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Action::SignUp => "signup",
            Action::LogIn => "login",
            Action::Vote => "vote",
            Action::Post => "post",
            Action::Push => "push",
        })
    }
}

/// At most `burst` actions at once, refilled at `burst` per `per_seconds`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limit {
    pub burst: f64,
    pub per_seconds: f64,
}

/// The limit of each action; an action without one is not limited.
#[derive(Debug, Clone, PartialEq)]
pub struct RateLimits(HashMap<Action, Limit>);

impl Default for RateLimits {
    /// Sign-ups 5 per hour per address; log-ins 10 per 5 minutes per address; votes 120 per
    /// minute, posts (reasons, decisions, comments) 20 per 10 minutes and pushes 60 per hour,
    /// per user.
    fn default() -> Self {
        RateLimits(HashMap::from([
            (Action::SignUp, Limit { burst: 5.0, per_seconds: 3600.0 }),
            (Action::LogIn, Limit { burst: 10.0, per_seconds: 300.0 }),
            (Action::Vote, Limit { burst: 120.0, per_seconds: 60.0 }),
            (Action::Post, Limit { burst: 20.0, per_seconds: 600.0 }),
            (Action::Push, Limit { burst: 60.0, per_seconds: 3600.0 }),
        ]))
    }
}

impl RateLimits {
    pub fn off() -> RateLimits {
        RateLimits(HashMap::new())
    }

    fn get(&self, action: Action) -> Option<Limit> {
        self.0.get(&action).copied()
    }

    /// Reads `STACKDEX_RATE_LIMIT`: unset for the defaults, `off` for none, or a list that
    /// changes some of them: `vote=600/60,signup=off` (N per SECONDS).
    pub fn parse(spec: Option<&str>) -> std::result::Result<RateLimits, String> {
        let mut limits = RateLimits::default();
        let Some(spec) = spec.map(str::trim).filter(|s| !s.is_empty()) else { return Ok(limits) };
        if spec == "off" {
            return Ok(RateLimits::off());
        }
        for part in spec.split(',').map(str::trim) {
            let (name, value) = part.split_once('=').ok_or_else(|| format!("{part:?}: expected ACTION=N/SECONDS"))?;
            let action = Action::ALL
                .into_iter()
                .find(|a| a.to_string() == name.trim())
                .ok_or_else(|| format!("{name:?}: actions are signup, login, vote, post, push"))?;
            if value.trim() == "off" {
                limits.0.remove(&action);
                continue;
            }
            let limit = value
                .split_once('/')
                .and_then(|(n, s)| Some(Limit { burst: n.trim().parse().ok()?, per_seconds: s.trim().parse().ok()? }))
                .filter(|l| l.burst >= 1.0 && l.per_seconds > 0.0)
                .ok_or_else(|| format!("{value:?}: expected N/SECONDS, N at least 1"))?;
            limits.0.insert(action, limit);
        }
        Ok(limits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_limit_spec() {
        assert_eq!(RateLimits::parse(None).unwrap(), RateLimits::default());
        assert_eq!(RateLimits::parse(Some("off")).unwrap(), RateLimits::off());
        let l = RateLimits::parse(Some("vote=600/60, signup=off")).unwrap();
        assert_eq!(l.get(Action::Vote), Some(Limit { burst: 600.0, per_seconds: 60.0 }));
        assert_eq!(l.get(Action::SignUp), None);
        assert_eq!(l.get(Action::Push), RateLimits::default().get(Action::Push));
        for bad in ["vote", "votes=1/1", "vote=0/60", "vote=5/0", "vote=x/1"] {
            assert!(RateLimits::parse(Some(bad)).is_err(), "{bad}");
        }
    }
}
