//! Accounts and API tokens, and the first community writes through the API: reasons and votes.
//! Inputs are parsed into types that cannot hold invalid values before anything is stored.

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use rand::Rng;
use sha2::{Digest, Sha256};
use stackdex_store::{NewUser, ReasonKind, StoreError, User};

use crate::{App, AppError, Result};

/// A username: 3 to 32 characters of a-z, 0-9, `-` and `_`, starting with a letter or digit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    pub fn parse(s: &str) -> Result<Username> {
        let ok = (3..=32).contains(&s.len())
            && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
            && s.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric());
        if ok {
            Ok(Username(s.to_owned()))
        } else {
            Err(AppError::BadRequest("a username is 3 to 32 characters: lowercase letters, digits, '-' and '_'".into()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A password of 8 to 200 characters.
pub struct Password(String);

impl Password {
    pub fn parse(s: &str) -> Result<Password> {
        if (8..=200).contains(&s.chars().count()) {
            Ok(Password(s.to_owned()))
        } else {
            Err(AppError::BadRequest("a password is 8 to 200 characters".into()))
        }
    }
}

/// The text of a pro or a con: 3 to 120 characters on one line.
pub struct ReasonText(String);

impl ReasonText {
    pub fn parse(s: &str) -> Result<ReasonText> {
        let t = s.split_whitespace().collect::<Vec<_>>().join(" ");
        if (3..=120).contains(&t.chars().count()) && !t.chars().any(char::is_control) {
            Ok(ReasonText(t))
        } else {
            Err(AppError::BadRequest("a pro or con is 3 to 120 characters".into()))
        }
    }
}

/// Prefix that makes stackdex tokens recognisable (in logs, in secret scanners).
pub const TOKEN_PREFIX: &str = "sdx_";

pub(crate) fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// Lowercase hex of some bytes.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `n` random bytes as hex (secrets: tokens, session ids, CSRF tokens).
pub(crate) fn random_hex(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    rand::rng().fill(&mut bytes[..]);
    hex(&bytes)
}

impl App {
    /// Creates an account; the password is hashed with argon2id off the async threads.
    pub async fn sign_up(&self, username: &str, password: &str) -> Result<User> {
        let username = Username::parse(username)?;
        let password = Password::parse(password)?;
        if self.store.organisation(username.as_str()).await?.is_some() {
            return Err(AppError::Conflict("that username is taken".into()));
        }
        let hash = tokio::task::spawn_blocking(move || {
            Argon2::default().hash_password(password.0.as_bytes()).map(|h| h.to_string())
        })
        .await
        .map_err(|e| AppError::BadRequest(format!("hashing failed: {e}")))?
        .map_err(|e| AppError::BadRequest(format!("hashing failed: {e}")))?;
        let new = NewUser {
            username: username.as_str().to_owned(),
            display_name: username.as_str().to_owned(),
            title: String::new(),
            password_hash: Some(hash),
            created_at: stackdex_store::now(),
        };
        match self.store.create_users(&[new]).await {
            Ok(_) => {}
            Err(StoreError::Conflict(_)) => return Err(AppError::Conflict("that username is taken".into())),
            Err(e) => return Err(e.into()),
        }
        self.store.user_by_name(username.as_str()).await?.ok_or_else(|| AppError::Unauthorized("no such user".into()))
    }

    /// Checks a username and password; the same answer for an unknown user and a wrong password.
    pub async fn log_in(&self, username: &str, password: &str) -> Result<User> {
        let wrong = || AppError::Unauthorized("wrong username or password".into());
        let Some((user, hash)) = self.store.password_hash(username).await? else { return Err(wrong()) };
        let password = password.to_owned();
        let ok = tokio::task::spawn_blocking(move || {
            Argon2::default().verify_password(password.as_bytes(), hash.as_str()).is_ok()
        })
        .await
        .unwrap_or(false);
        if ok { Ok(user) } else { Err(wrong()) }
    }

    /// A new API token for the user; returned once, stored only as a hash.
    pub async fn create_token(&self, user: &User, name: &str) -> Result<String> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 64 {
            return Err(AppError::BadRequest("a token name is 1 to 64 characters".into()));
        }
        let token = format!("{TOKEN_PREFIX}{}", random_hex(24));
        self.store.create_token(user.id, name, &token[..TOKEN_PREFIX.len() + 6], &token_hash(&token)).await?;
        Ok(token)
    }

    /// The user behind a bearer token, if it is live.
    pub async fn authenticate(&self, token: &str) -> Result<User> {
        if !token.starts_with(TOKEN_PREFIX) || token.len() > 200 {
            return Err(AppError::Unauthorized("invalid token".into()));
        }
        self.store
            .user_for_token(&token_hash(token))
            .await?
            .ok_or_else(|| AppError::Unauthorized("invalid token".into()))
    }

    /// Adds a pro or con to a tool. A near-duplicate of an existing reason of the tool is
    /// refused with a pointer to it.
    pub async fn add_reason(&self, user: &User, slug: &str, kind: ReasonKind, text: &str) -> Result<i64> {
        let tool = self.find_tool(slug)?;
        let text = ReasonText::parse(text)?;
        let id = self.tool_id(&tool.slug).ok_or_else(|| AppError::BadRequest("unknown tool".into()))?;
        let normal = |s: &str| s.to_lowercase().chars().filter(|c| c.is_alphanumeric()).collect::<String>();
        let new = normal(&text.0);
        for existing in self.store.reasons_for_tool(id).await? {
            if existing.kind == kind && strsim::normalized_levenshtein(&normal(&existing.text), &new) >= 0.85 {
                return Err(AppError::Conflict(format!(
                    "a {} like this exists already: #{} {:?}",
                    kind.as_str(),
                    existing.id,
                    existing.text
                )));
            }
        }
        Ok(self.store.add_reasons(&[(id, kind, text.0, Some(user.id))]).await?[0])
    }

    /// Votes for a reason (once per user; voting again changes nothing).
    pub async fn vote(&self, user: &User, reason: i64) -> Result<()> {
        self.store
            .reason(reason)
            .await?
            .ok_or_else(|| AppError::NotFound { what: format!("reason {reason}"), suggestions: Vec::new() })?;
        self.store.cast_votes(&[(reason, user.id)]).await?;
        Ok(())
    }

    /// Deletes a pro or con: its author may, and admins may delete any.
    pub async fn delete_reason(&self, user: &User, reason: i64) -> Result<()> {
        let only_author = if user.is_admin { None } else { Some(user.id) };
        match self.store.delete_reason(reason, only_author).await? {
            stackdex_store::Deletion::Deleted => Ok(()),
            stackdex_store::Deletion::NotFound => {
                Err(AppError::NotFound { what: format!("reason {reason}"), suggestions: Vec::new() })
            }
            stackdex_store::Deletion::NotYours => {
                Err(AppError::Forbidden("only its author or an admin can delete a pro or con".into()))
            }
        }
    }

    /// The slug of the tool a reason is about.
    pub async fn reason_tool(&self, reason: i64) -> Result<String> {
        let not_found = || AppError::NotFound { what: format!("reason {reason}"), suggestions: Vec::new() };
        let found = self.store.reason(reason).await?.ok_or_else(not_found)?;
        Ok(self.tool_by_id(found.tool_id).ok_or_else(not_found)?.slug.clone())
    }

    pub async fn retract_vote(&self, user: &User, reason: i64) -> Result<()> {
        self.store
            .reason(reason)
            .await?
            .ok_or_else(|| AppError::NotFound { what: format!("reason {reason}"), suggestions: Vec::new() })?;
        self.store.retract_vote(reason, user.id).await?;
        Ok(())
    }
}

/// What `stackdex push` sends: the scanner's JSON report (see docs/scan.md); only the tools
/// are read, other fields are ignored.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
pub struct PushReport {
    pub tools: Vec<PushTool>,
}

#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
pub struct PushTool {
    pub slug: String,
    #[serde(default)]
    pub versions: Vec<String>,
    #[serde(default)]
    pub sources: Vec<PushSource>,
}

#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
pub struct PushSource {
    pub file: String,
}

/// A handle in a stack address (owner or name): 1 to 100 of a-z, A-Z, 0-9, `-`, `_`, `.`.
pub fn valid_handle(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 100
        && s != "."
        && s != ".."
        && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

impl App {
    /// Records a pushed scan report as a new snapshot of `owner/name` (created on first push).
    /// A user pushes to their own stacks and their organisations'. Returns the snapshot id and the slugs the
    /// catalog does not know (left out).
    pub async fn push_report(
        &self,
        user: &User,
        owner: &str,
        name: &str,
        report: &PushReport,
    ) -> Result<(i64, Vec<String>)> {
        let stack = self.stack_owner_for(user, owner, name).await?;
        if report.tools.len() > 5_000 {
            return Err(AppError::BadRequest("a report holds at most 5,000 tools".into()));
        }
        let mut unknown = Vec::new();
        let mut tools: Vec<stackdex_store::SnapshotTool> = Vec::new();
        for tool in &report.tools {
            let Some(id) = self.catalog.tool(&tool.slug).and_then(|t| self.tool_id(&t.slug)) else {
                unknown.push(tool.slug.chars().take(100).collect());
                continue;
            };
            if tools.iter().any(|t| t.tool_id == id) {
                continue;
            }
            let clip = |v: Vec<String>| {
                v.into_iter().take(50).map(|s| s.chars().take(200).collect::<String>()).collect::<Vec<_>>().join(", ")
            };
            tools.push(stackdex_store::SnapshotTool {
                tool_id: id,
                versions: clip(tool.versions.clone()),
                sources: clip(tool.sources.iter().map(|s| s.file.clone()).collect()),
            });
        }
        let snapshot = stackdex_store::NewSnapshot {
            stack,
            author_id: Some(user.id),
            source: "push".into(),
            tools,
            created_at: stackdex_store::now(),
        };
        let id = self.store.push_snapshots(&[snapshot]).await?[0];
        Ok((id, unknown))
    }
}
