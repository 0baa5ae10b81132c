//! Rate limits: a token bucket per action and per user or address, kept in the database so
//! that a limit holds across app servers; and which address a request counts for.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::Ordering;

use crate::{App, AppError, Result};

impl App {
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
        self.behind_proxy.store(behind_proxy, Ordering::Relaxed);
    }

    /// The address a request counts as: the peer, or behind a trusted proxy the last address
    /// the proxy appended to `X-Forwarded-For`.
    pub fn client_address(&self, peer: Option<IpAddr>, forwarded_for: Option<&str>) -> String {
        let forwarded = forwarded_for
            .filter(|_| self.behind_proxy.load(Ordering::Relaxed))
            .and_then(|f| f.rsplit(',').next())
            .and_then(|last| last.trim().parse::<IpAddr>().ok());
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

/// What a rate limit counts: named in `STACKDEX_RATE_LIMIT` and in bucket keys as its
/// lowercase name (`signup`, `login`, `vote`, `post`, `push`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, strum::Display, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "lowercase")]
pub enum Action {
    /// Accounts created, per address.
    SignUp,
    /// Log-ins and API tokens made from a password, per address.
    LogIn,
    /// Votes, upvotes and follows, per user.
    Vote,
    /// Pros and cons, decisions, comments and organisations, per user.
    Post,
    /// Stack snapshots (pushed, imported or edited), per user.
    Push,
}

impl Action {
    /// What one of them is called in a message.
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
            let action: Action =
                name.trim().parse().map_err(|_| format!("{name:?}: actions are signup, login, vote, post, push"))?;
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
