//! Accounts: signing up and logging in (argon2id), browser sessions, API tokens, user pages and
//! the admin role. Inputs are parsed into types that cannot hold invalid values before
//! anything is stored; secrets are stored only as SHA-256 hashes.

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use rand::Rng;
use serde::Serialize;
use sha2::{Digest, Sha256};
use stackdex_store::{NewUser, StoreError, TokenId, TokenInfo, User};
use utoipa::ToSchema;

use crate::stacks::StackEntry;
use crate::views::NameLink;
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
            Err(AppError::invalid(
                "username",
                "a username is 3 to 32 characters: lowercase letters, digits, '-' and '_'",
            ))
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
            Err(AppError::invalid("password", "a password is 8 to 200 characters"))
        }
    }
}

/// Prefix that makes stackdex tokens recognisable (in logs, in secret scanners).
pub const TOKEN_PREFIX: &str = "sdx_";

/// How long a browser session lasts.
pub const SESSION_SECONDS: i64 = 30 * 24 * 3600;

/// A live browser session: who it is, and the token its forms must carry.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: User,
    pub csrf: String,
}

/// A user's public page: their profile, stacks, organisations, decisions and follows.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UserPage {
    pub username: String,
    pub display_name: String,
    pub title: String,
    pub company: String,
    /// Plain text, as written.
    pub bio: String,
    /// An `http(s)://` address, or empty.
    pub website: String,
    /// When the account was made (Unix seconds).
    pub joined_at: i64,
    pub stacks: Vec<StackEntry>,
    pub organisations: Vec<NameLink>,
    /// Their newest decisions (at most 20).
    pub decisions: Vec<crate::views::DecisionView>,
    /// The tools, stacks and organisations they follow.
    pub following: Vec<crate::follows::TargetView>,
}

impl UserPage {
    pub fn joined_fmt(&self) -> String {
        crate::format::date(self.joined_at)
    }
}

/// What deleting an account takes with it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AccountDeletion {
    /// The user's stacks, deleted with their histories.
    pub stacks: Vec<StackEntry>,
    /// Organisations the user alone belongs to, deleted with their stacks.
    pub organisations: Vec<NameLink>,
    /// Organisations the user alone owns while others belong: the deletion waits until
    /// another member is made an owner.
    pub blocking: Vec<NameLink>,
}

/// What a user can say about themselves, as sent by the settings form or the API.
#[derive(Debug, Clone, Default, serde::Deserialize, ToSchema)]
pub struct ProfileInput {
    /// 1 to 80 characters.
    #[schema(min_length = 1, max_length = 80)]
    pub display_name: String,
    /// Up to 80 characters, e.g. "Staff engineer".
    #[serde(default)]
    #[schema(max_length = 80)]
    pub title: String,
    /// Up to 80 characters.
    #[serde(default)]
    #[schema(max_length = 80)]
    pub company: String,
    /// Up to 1,000 characters of plain text.
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub bio: String,
    /// An http:// or https:// address, or empty.
    #[serde(default)]
    #[schema(max_length = 200)]
    pub website: String,
}

/// One line of text of at most `max` characters, trimmed, with no control characters.
fn line(s: &str, field: &'static str, what: &str, max: usize) -> Result<String> {
    let t = s.trim();
    if t.chars().count() > max {
        return Err(AppError::invalid(field, format!("{what} is at most {max} characters")));
    }
    if t.chars().any(char::is_control) {
        return Err(AppError::invalid(field, format!("{what} is one line of text")));
    }
    Ok(t.to_owned())
}

impl ProfileInput {
    /// The profile to store, or the first field that is wrong.
    fn parse(&self) -> Result<stackdex_store::Profile> {
        let display_name = line(&self.display_name, "display_name", "a display name", 80)?;
        if display_name.is_empty() {
            return Err(AppError::invalid("display_name", "a display name is 1 to 80 characters"));
        }
        let bio = self.bio.trim();
        if bio.chars().count() > 1000 {
            return Err(AppError::invalid("bio", "a bio is at most 1,000 characters"));
        }
        if bio.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
            return Err(AppError::invalid("bio", "a bio holds no control characters"));
        }
        let website = line(&self.website, "website", "a website", 200)?;
        if !website.is_empty() {
            let rest = website.strip_prefix("https://").or_else(|| website.strip_prefix("http://"));
            let ok = rest.is_some_and(|r| {
                r.split(['/', '?', '#']).next().is_some_and(|host| !host.is_empty())
                    && !r.chars().any(|c| c.is_whitespace() || matches!(c, '"' | '<' | '>' | '\\'))
            });
            if !ok {
                return Err(AppError::invalid("website", "a website is an http:// or https:// address"));
            }
        }
        Ok(stackdex_store::Profile {
            display_name,
            title: line(&self.title, "title", "a title", 80)?,
            company: line(&self.company, "company", "a company", 80)?,
            bio: bio.replace("\r\n", "\n"),
            website,
            created_at: 0,
        })
    }
}

/// A user in a list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UserEntry {
    pub username: String,
    pub display_name: String,
    pub title: String,
}

impl From<User> for UserEntry {
    fn from(u: User) -> UserEntry {
        UserEntry { username: u.username, display_name: u.display_name, title: u.title }
    }
}

/// The users index, by username.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UsersIndex {
    pub users: Vec<UserEntry>,
    pub paging: crate::views::Paging,
}

/// Users per page of the index.
const USERS_PER_PAGE: usize = 50;

/// What the database keeps of a secret: its SHA-256, in hex.
fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// `n` random bytes as hex (secrets: tokens, session ids, CSRF tokens).
fn random_hex(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    rand::rng().fill(&mut bytes[..]);
    hex::encode(bytes)
}

/// The argon2id hash of a password, computed off the async threads.
async fn hash_password(password: Password) -> Result<String> {
    tokio::task::spawn_blocking(move || Argon2::default().hash_password(password.0.as_bytes()).map(|h| h.to_string()))
        .await
        .map_err(|e| AppError::Internal(format!("hashing a password: {e}")))?
        .map_err(|e| AppError::Internal(format!("hashing a password: {e}")))
}

impl App {
    /// Creates an account; the password is hashed with argon2id off the async threads.
    pub async fn sign_up(&self, username: &str, password: &str) -> Result<User> {
        let username = Username::parse(username)?;
        let password = Password::parse(password)?;
        if self.store.organisation(username.as_str()).await?.is_some() {
            return Err(AppError::Conflict("that username is taken".into()));
        }
        let hash = hash_password(password).await?;
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
        self.find_user(username.as_str()).await
    }

    /// Checks a username and password; the same answer for an unknown user and a wrong password.
    pub async fn log_in(&self, username: &str, password: &str) -> Result<User> {
        let wrong = || AppError::Unauthorized("wrong username or password".into());
        let Some(credentials) = self.store.credentials(username).await? else { return Err(wrong()) };
        let password = password.to_owned();
        let hash = credentials.password_hash;
        let ok = tokio::task::spawn_blocking(move || {
            Argon2::default().verify_password(password.as_bytes(), hash.as_str()).is_ok()
        })
        .await
        .unwrap_or(false);
        if ok { Ok(credentials.user) } else { Err(wrong()) }
    }

    pub(crate) async fn find_user(&self, username: &str) -> Result<User> {
        self.store.user_by_name(username).await?.ok_or_else(|| AppError::not_found(format!("user {username:?}")))
    }

    /// A page of the users index.
    pub async fn users_index(&self, page: usize) -> Result<UsersIndex> {
        let total = self.store.count_users().await? as usize;
        let paging = crate::views::Paging::of(page, USERS_PER_PAGE, total)?;
        let offset = paging.offset(USERS_PER_PAGE) as i64;
        let users =
            self.store.list_users(USERS_PER_PAGE as i64, offset).await?.into_iter().map(UserEntry::from).collect();
        Ok(UsersIndex { users, paging })
    }

    /// A user's page: their profile, stacks, organisations, decisions and follows.
    pub async fn user_page(&self, username: &str) -> Result<UserPage> {
        let user = self.find_user(username).await?;
        let profile = self.store.profile(user.id).await?.unwrap_or_default();
        let stacks = self.stacks_of(&user.username).await?;
        let organisations = self
            .store
            .organisations_of(user.id)
            .await?
            .into_iter()
            .map(|m| NameLink::new(m.organisation.slug, m.organisation.name))
            .collect();
        let decisions = self.store.decisions_by(user.id, 20).await?;
        let decisions = self.decision_views(decisions, &mut Vec::new()).await?;
        let following = self.following(&user).await?;
        Ok(UserPage {
            username: user.username,
            display_name: profile.display_name,
            title: profile.title,
            company: profile.company,
            bio: profile.bio,
            website: profile.website,
            joined_at: profile.created_at,
            stacks,
            organisations,
            decisions,
            following,
        })
    }

    /// What deleting the account would take with it, as the settings page tells it: the
    /// user's stacks, the organisations they alone belong to (deleted too), and those they
    /// alone own while others belong (which stop the deletion until ownership is handed on).
    pub async fn account_deletion(&self, user: &User) -> Result<AccountDeletion> {
        let stacks = self.stacks_of(&user.username).await?;
        let mut goes = Vec::new();
        let mut blocks = Vec::new();
        for m in self.store.organisations_of(user.id).await? {
            let members = self.store.members(m.organisation.id).await?;
            let link = NameLink::new(m.organisation.slug.clone(), m.organisation.name.clone());
            let owners = members.iter().filter(|x| x.role == stackdex_store::Role::Owner).count();
            if members.len() == 1 {
                goes.push(link);
            } else if m.role == stackdex_store::Role::Owner && owners == 1 {
                blocks.push(link);
            }
        }
        Ok(AccountDeletion { stacks, organisations: goes, blocking: blocks })
    }

    /// Deletes the account after checking its password (see [`App::account_deletion`] for
    /// what goes with it); refused while it is the only owner of an organisation others
    /// belong to.
    pub async fn delete_account(&self, user: &User, password: &str) -> Result<()> {
        if self.log_in(&user.username, password).await.is_err() {
            return Err(AppError::invalid("password", "that is not your password"));
        }
        let plan = self.account_deletion(user).await?;
        if let Some(org) = plan.blocking.first() {
            return Err(AppError::Conflict(format!(
                "you are the only owner of {}, which has other members: make one of them an owner first",
                org.name
            )));
        }
        let mut organisations = Vec::new();
        for o in &plan.organisations {
            organisations.push(self.find_organisation(&o.slug).await?.id);
        }
        self.store.delete_user(user.id, &organisations).await?;
        self.visitors.invalidate(&[stackdex_store::Tag::User(user.id)]);
        Ok(())
    }

    /// The profile as the settings form shows it.
    pub async fn profile(&self, user: &User) -> Result<ProfileInput> {
        let p = self.store.profile(user.id).await?.ok_or_else(|| AppError::not_found("your account"))?;
        Ok(ProfileInput {
            display_name: p.display_name,
            title: p.title,
            company: p.company,
            bio: p.bio,
            website: p.website,
        })
    }

    /// Replaces the user's profile; nothing is stored when a field is wrong.
    pub async fn update_profile(&self, user: &User, input: &ProfileInput) -> Result<()> {
        let profile = input.parse()?;
        self.store.update_profile(user.id, &profile).await?;
        // This server's kept session shows the new name at once; others after their poll.
        self.visitors.invalidate(&[stackdex_store::Tag::User(user.id)]);
        Ok(())
    }

    /// Changes the password after checking the current one, and ends every other session of
    /// the user (`keep` is the cookie of the session that asked, if any).
    pub async fn change_password(&self, user: &User, current: &str, new: &str, keep: Option<&str>) -> Result<()> {
        if self.log_in(&user.username, current).await.is_err() {
            return Err(AppError::invalid("current_password", "that is not your current password"));
        }
        let password =
            Password::parse(new).map_err(|_| AppError::invalid("new_password", "a password is 8 to 200 characters"))?;
        let hash = hash_password(password).await?;
        let keep = keep.map(secret_hash);
        self.store.set_password(user.id, &hash, keep.as_deref()).await?;
        self.visitors.invalidate(&[stackdex_store::Tag::User(user.id)]);
        Ok(())
    }

    /// Grants or withdraws the admin role (`stackdex admin grant|revoke`).
    pub async fn set_admin(&self, username: &str, admin: bool) -> Result<()> {
        if self.store.set_admin(username, admin).await? {
            Ok(())
        } else {
            Err(AppError::not_found(format!("user {username:?}")))
        }
    }

    /// A new API token for the user; returned once, stored only as a hash.
    pub async fn create_token(&self, user: &User, name: &str) -> Result<String> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 64 {
            return Err(AppError::invalid("name", "a token name is 1 to 64 characters"));
        }
        let token = format!("{TOKEN_PREFIX}{}", random_hex(24));
        self.store.create_token(user.id, name, &token[..TOKEN_PREFIX.len() + 6], &secret_hash(&token)).await?;
        Ok(token)
    }

    /// The user behind a bearer token, if it is live.
    pub async fn authenticate(&self, token: &str) -> Result<User> {
        if !token.starts_with(TOKEN_PREFIX) || token.len() > 200 {
            return Err(AppError::Unauthorized("invalid token".into()));
        }
        self.store
            .user_for_token(&secret_hash(token))
            .await?
            .ok_or_else(|| AppError::Unauthorized("invalid token".into()))
    }

    pub async fn tokens(&self, user: &User) -> Result<Vec<TokenInfo>> {
        Ok(self.store.tokens_of(user.id).await?)
    }

    pub async fn revoke_token(&self, user: &User, token: TokenId) -> Result<()> {
        if self.store.revoke_token(user.id, token).await? {
            Ok(())
        } else {
            Err(AppError::not_found(format!("live token {token}")))
        }
    }

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
            .create_session(&secret_hash(&secret), user.id, &csrf, stackdex_store::now() + SESSION_SECONDS)
            .await?;
        Ok((secret, Session { user, csrf }))
    }

    /// The session a cookie value stands for, if it is live: kept in memory after the first
    /// read, until it ends or the change log says the user's account changed.
    pub async fn session(&self, cookie: &str) -> Result<Option<Session>> {
        if cookie.len() != 64 || !cookie.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Ok(None);
        }
        let id_hash = secret_hash(cookie);
        if let Some(session) = self.visitors.session(&id_hash, stackdex_store::now()) {
            return Ok(Some(session));
        }
        let read_at = self.visitors.generation();
        let Some(row) = self.store.session(&id_hash).await? else { return Ok(None) };
        let session = Session { user: row.user, csrf: row.csrf_token };
        self.visitors.keep_session(id_hash, session.clone(), row.expires_at, read_at);
        Ok(Some(session))
    }

    pub async fn close_session(&self, cookie: &str) -> Result<()> {
        let id_hash = secret_hash(cookie);
        self.store.delete_session(&id_hash).await?;
        // At once here; other servers drop it when they read the change log.
        self.visitors.forget_session(&id_hash);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use stackdex_store::testing::fresh_stores;

    #[test]
    fn usernames_and_passwords_are_checked() {
        assert!(Username::parse("ann-1_b").is_ok());
        for bad in ["an", "Ann", "-ann", "ann smith", &"a".repeat(33)] {
            assert!(Username::parse(bad).is_err(), "{bad:?}");
        }
        assert!(Password::parse("short").is_err());
        assert!(Password::parse("long enough").is_ok());
    }

    #[tokio::test]
    async fn accounts_sessions_and_tokens() {
        for db in fresh_stores().await {
            let app = App::open(db.store.clone()).await.unwrap();
            let ann = app.sign_up("ann", "correct horse").await.unwrap();
            assert!(matches!(app.sign_up("ann", "correct horse").await, Err(AppError::Conflict(_))));
            assert!(matches!(app.log_in("ann", "wrong horse").await, Err(AppError::Unauthorized(_))));
            assert!(matches!(app.log_in("nobody", "correct horse").await, Err(AppError::Unauthorized(_))));
            let (cookie, session) = app.open_session("ann", "correct horse").await.unwrap();
            assert_eq!(app.session(&cookie).await.unwrap().unwrap().csrf, session.csrf);
            app.close_session(&cookie).await.unwrap();
            assert!(app.session(&cookie).await.unwrap().is_none(), "{:?}", db.backend);
            let token = app.create_token(&ann, "ci").await.unwrap();
            assert!(token.starts_with(TOKEN_PREFIX));
            assert_eq!(app.authenticate(&token).await.unwrap().id, ann.id);
            let listed = app.tokens(&ann).await.unwrap();
            app.revoke_token(&ann, listed[0].id).await.unwrap();
            assert!(matches!(app.authenticate(&token).await, Err(AppError::Unauthorized(_))));
            app.set_admin("ann", true).await.unwrap();
            assert!(matches!(app.set_admin("nobody", true).await, Err(AppError::NotFound { .. })));
            let page = app.user_page("ann").await.unwrap();
            assert_eq!((page.username.as_str(), page.stacks.len()), ("ann", 0));
        }
    }
}
