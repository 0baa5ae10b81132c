//! Accounts: users, their browser sessions and API tokens, and the admin role. Sessions and
//! tokens are stored as hashes of their secrets; everything lives in the database, so every app
//! server sees the same sessions.

use std::collections::HashMap;

use sea_orm::{FromQueryResult, TransactionTrait, raw_sql};

use crate::changes::Tag;
use crate::sql::{IN_CHUNK, is_unique_violation};
use crate::{Result, Store, StoreError, TokenId, UserId};

#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub title: String,
    /// None for accounts that cannot log in with a password (demo members).
    pub password_hash: Option<String>,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, FromQueryResult)]
pub struct User {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub title: String,
    pub is_admin: bool,
}

/// A user who can log in with a password, and its stored hash.
#[derive(Debug, Clone, FromQueryResult)]
pub struct Credentials {
    #[sea_orm(nested)]
    pub user: User,
    pub password_hash: String,
}

/// A live browser session: whose it is, and the token its forms must carry.
#[derive(Debug, Clone, FromQueryResult)]
pub struct SessionRow {
    #[sea_orm(nested)]
    pub user: User,
    pub csrf_token: String,
    /// When the session ends (Unix seconds).
    pub expires_at: i64,
}

#[derive(FromQueryResult)]
struct SessionOwner {
    user_id: UserId,
}

#[derive(FromQueryResult)]
struct UserIdRow {
    id: UserId,
}

/// An API token as listed on the settings page (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, FromQueryResult)]
pub struct TokenInfo {
    pub id: TokenId,
    pub name: String,
    /// The first characters of the token, enough to recognise it.
    pub prefix: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

#[derive(FromQueryResult)]
struct NewId {
    id: i64,
}

#[derive(FromQueryResult)]
struct UserName {
    id: UserId,
    username: String,
}

impl Store {
    /// Creates users; returns username -> id. A taken username fails the whole batch with
    /// [`StoreError::Conflict`] and creates nothing.
    pub async fn create_users(&self, users: &[NewUser]) -> Result<HashMap<String, UserId>> {
        let txn = self.write.begin().await?;
        let mut ids = HashMap::with_capacity(users.len());
        let taken = |e: StoreError| match e {
            StoreError::Db(e) if is_unique_violation(&e) => StoreError::Conflict("username is taken".into()),
            e => e,
        };
        for chunk in users.chunks(IN_CHUNK / 5) {
            let rows: Vec<(&str, &str, &str, Option<&str>, i64)> = chunk
                .iter()
                .map(|u| {
                    (
                        u.username.as_str(),
                        u.display_name.as_str(),
                        u.title.as_str(),
                        u.password_hash.as_deref(),
                        u.created_at,
                    )
                })
                .collect();
            let created: Vec<UserName> = self
                .all_on(
                    &txn,
                    raw_sql!(
                        Postgres,
                        "INSERT INTO users (username, display_name, title, password_hash, created_at)
                         VALUES {..(rows.0:4),} RETURNING id, username"
                    ),
                )
                .await
                .map_err(taken)?;
            ids.extend(created.into_iter().map(|u| (u.username, u.id)));
        }
        txn.commit().await?;
        Ok(ids)
    }

    pub async fn user_by_name(&self, username: &str) -> Result<Option<User>> {
        self.one(raw_sql!(
            Postgres,
            "SELECT id, username, display_name, title, is_admin FROM users WHERE username = {username}"
        ))
        .await
    }

    pub async fn users_by_ids(&self, ids: &[UserId]) -> Result<HashMap<UserId, User>> {
        let mut out = HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(IN_CHUNK) {
            let users: Vec<User> = self
                .all(raw_sql!(
                    Postgres,
                    "SELECT id, username, display_name, title, is_admin FROM users WHERE id IN ({..chunk})"
                ))
                .await?;
            out.extend(users.into_iter().map(|u| (u.id, u)));
        }
        Ok(out)
    }

    /// A page of users, by username.
    pub async fn list_users(&self, limit: i64, offset: i64) -> Result<Vec<User>> {
        self.all(raw_sql!(
            Postgres,
            "SELECT id, username, display_name, title, is_admin FROM users ORDER BY username LIMIT {limit} OFFSET {offset}"
        ))
        .await
    }

    pub async fn count_users(&self) -> Result<i64> {
        self.number(raw_sql!(Postgres, "SELECT COUNT(*) AS n FROM users")).await
    }

    /// Users whose username or display name contains `text` (any case), by username.
    pub async fn search_users(&self, text: &str, limit: i64) -> Result<Vec<User>> {
        let pattern = crate::sql::contains_pattern(text);
        self.all(raw_sql!(
            Postgres,
            "SELECT id, username, display_name, title, is_admin FROM users
             WHERE LOWER(username) LIKE {pattern} ESCAPE '!' OR LOWER(display_name) LIKE {pattern} ESCAPE '!'
             ORDER BY username LIMIT {limit}"
        ))
        .await
    }

    /// The stored password hash of a user who can log in with a password.
    pub async fn credentials(&self, username: &str) -> Result<Option<Credentials>> {
        self.one(raw_sql!(
            Postgres,
            "SELECT id, username, display_name, title, is_admin, password_hash FROM users
             WHERE username = {username} AND password_hash IS NOT NULL"
        ))
        .await
    }

    /// Grants or withdraws the admin role; false when there is no such user.
    pub async fn set_admin(&self, username: &str, admin: bool) -> Result<bool> {
        let txn = self.write.begin().await?;
        let found: Option<UserIdRow> =
            self.one_on(&txn, raw_sql!(Postgres, "SELECT id FROM users WHERE username = {username}")).await?;
        let Some(UserIdRow { id }) = found else { return Ok(false) };
        self.execute(&txn, raw_sql!(Postgres, "UPDATE users SET is_admin = {admin} WHERE id = {id}")).await?;
        // Servers keep signed-in visitors' sessions, role included: they drop this user's.
        self.record_change(&txn, &[Tag::User(id)]).await?;
        txn.commit().await?;
        Ok(true)
    }

    /// Records a session under the hash of its cookie value.
    pub async fn create_session(&self, id_hash: &str, user: UserId, csrf: &str, expires_at: i64) -> Result<()> {
        let now = crate::now();
        self.execute(
            &self.write,
            raw_sql!(
                Postgres,
                "INSERT INTO sessions (id, user_id, csrf_token, created_at, expires_at)
                 VALUES ({id_hash}, {user}, {csrf}, {now}, {expires_at})"
            ),
        )
        .await?;
        Ok(())
    }

    /// The user and CSRF token of a live session.
    pub async fn session(&self, id_hash: &str) -> Result<Option<SessionRow>> {
        let now = crate::now();
        self.one(raw_sql!(
            Postgres,
            "SELECT u.id, u.username, u.display_name, u.title, u.is_admin, s.csrf_token, s.expires_at
             FROM sessions s JOIN users u ON u.id = s.user_id
             WHERE s.id = {id_hash} AND s.expires_at > {now}"
        ))
        .await
    }

    /// Ends a session (log out). Also drops expired sessions, so the table does not grow.
    pub async fn delete_session(&self, id_hash: &str) -> Result<()> {
        let now = crate::now();
        let txn = self.write.begin().await?;
        let owner: Option<SessionOwner> =
            self.one_on(&txn, raw_sql!(Postgres, "SELECT user_id FROM sessions WHERE id = {id_hash}")).await?;
        self.execute(&txn, raw_sql!(Postgres, "DELETE FROM sessions WHERE id = {id_hash} OR expires_at <= {now}"))
            .await?;
        if let Some(owner) = owner {
            // Servers that keep the session drop it (see `Tag::User`).
            self.record_change(&txn, &[Tag::User(owner.user_id)]).await?;
        }
        txn.commit().await?;
        Ok(())
    }

    /// Records an API token by its hash (the token itself is never stored); returns its id.
    pub async fn create_token(&self, user: UserId, name: &str, prefix: &str, token_hash: &str) -> Result<TokenId> {
        let now = crate::now();
        let row: Option<NewId> = self
            .one_on(
                &self.write,
                raw_sql!(
                    Postgres,
                    "INSERT INTO api_tokens (user_id, name, prefix, token_hash, created_at)
                     VALUES ({user}, {name}, {prefix}, {token_hash}, {now}) RETURNING id"
                ),
            )
            .await?;
        Ok(TokenId(row.ok_or(StoreError::NotFound)?.id))
    }

    /// The user a live (not revoked) token belongs to.
    pub async fn user_for_token(&self, token_hash: &str) -> Result<Option<User>> {
        self.one(raw_sql!(
            Postgres,
            "SELECT u.id, u.username, u.display_name, u.title, u.is_admin FROM api_tokens t
             JOIN users u ON u.id = t.user_id WHERE t.token_hash = {token_hash} AND t.revoked_at IS NULL"
        ))
        .await
    }

    /// A user's API tokens, newest first.
    pub async fn tokens_of(&self, user: UserId) -> Result<Vec<TokenInfo>> {
        self.all(raw_sql!(
            Postgres,
            "SELECT id, name, prefix, created_at, last_used_at, revoked_at FROM api_tokens
             WHERE user_id = {user} ORDER BY id DESC"
        ))
        .await
    }

    /// Revokes one of the user's tokens; false when the user has no such live token.
    pub async fn revoke_token(&self, user: UserId, token: TokenId) -> Result<bool> {
        let now = crate::now();
        let changed = self
            .execute(
                &self.write,
                raw_sql!(
                    Postgres,
                    "UPDATE api_tokens SET revoked_at = {now}
                     WHERE id = {token} AND user_id = {user} AND revoked_at IS NULL"
                ),
            )
            .await?;
        Ok(changed == 1)
    }
}

/// Accounts for tests of the other modules.
#[cfg(test)]
pub(crate) async fn test_users(store: &Store, n: usize) -> Vec<UserId> {
    let new: Vec<NewUser> = (0..n)
        .map(|i| NewUser {
            username: format!("user{i}"),
            display_name: format!("User {i}"),
            title: String::new(),
            password_hash: None,
            created_at: 0,
        })
        .collect();
    let ids = store.create_users(&new).await.unwrap();
    (0..n).map(|i| ids[&format!("user{i}")]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::fresh_stores;

    #[tokio::test]
    async fn users_are_found_by_name_and_id() {
        for db in fresh_stores().await {
            let s = &db.store;
            let ids = test_users(s, 3).await;
            let user = s.user_by_name("user1").await.unwrap().unwrap();
            assert_eq!((user.id, user.display_name.as_str(), user.is_admin), (ids[1], "User 1", false));
            assert_eq!(s.user_by_name("nobody").await.unwrap(), None);
            let found = s.users_by_ids(&[ids[0], ids[2], UserId(999_999)]).await.unwrap();
            assert_eq!(found.len(), 2, "{:?}", db.backend);
            assert_eq!(found[&ids[2]].username, "user2");
            assert!(s.set_admin("user1", true).await.unwrap());
            assert!(s.user_by_name("user1").await.unwrap().unwrap().is_admin);
            assert!(!s.set_admin("nobody", true).await.unwrap());
        }
    }

    #[tokio::test]
    async fn taken_username_is_a_conflict_and_creates_nothing() {
        for db in fresh_stores().await {
            let s = &db.store;
            test_users(s, 1).await;
            let dup = NewUser {
                username: "user0".into(),
                display_name: "x".into(),
                title: String::new(),
                password_hash: None,
                created_at: 0,
            };
            let fresh = NewUser { username: "newbie".into(), ..dup.clone() };
            let err = s.create_users(&[fresh, dup]).await.unwrap_err();
            assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
            assert!(s.user_by_name("newbie").await.unwrap().is_none());
        }
    }

    #[tokio::test]
    async fn credentials_sessions_and_tokens() {
        for db in fresh_stores().await {
            let s = &db.store;
            let new = NewUser {
                username: "ann".into(),
                display_name: "Ann".into(),
                title: String::new(),
                password_hash: Some("$argon2id$hash".into()),
                created_at: 0,
            };
            let ann = s.create_users(&[new]).await.unwrap()["ann"];
            test_users(s, 1).await;
            let creds = s.credentials("ann").await.unwrap().unwrap();
            assert_eq!((creds.user.id, creds.password_hash.as_str()), (ann, "$argon2id$hash"));
            assert!(s.credentials("user0").await.unwrap().is_none(), "no password, no log-in");

            s.create_session("hash-1", ann, "csrf-1", crate::now() + 60).await.unwrap();
            s.create_session("hash-old", ann, "csrf-2", crate::now() - 1).await.unwrap();
            let session = s.session("hash-1").await.unwrap().unwrap();
            assert_eq!((session.user.username.as_str(), session.csrf_token.as_str()), ("ann", "csrf-1"));
            assert!(s.session("hash-old").await.unwrap().is_none(), "expired");
            s.delete_session("hash-1").await.unwrap();
            assert!(s.session("hash-1").await.unwrap().is_none());

            let token = s.create_token(ann, "laptop", "sdx_ab12", "token-hash").await.unwrap();
            assert_eq!(s.user_for_token("token-hash").await.unwrap().unwrap().id, ann);
            let listed = s.tokens_of(ann).await.unwrap();
            assert_eq!((listed[0].id, listed[0].name.as_str(), listed[0].revoked_at), (token, "laptop", None));
            assert!(!s.revoke_token(UserId(ann.get() + 1), token).await.unwrap(), "not theirs");
            assert!(s.revoke_token(ann, token).await.unwrap());
            assert!(s.user_for_token("token-hash").await.unwrap().is_none(), "revoked");
            assert!(!s.revoke_token(ann, token).await.unwrap(), "revoked already");
        }
    }

    #[tokio::test]
    async fn lists_of_users() {
        for db in fresh_stores().await {
            let s = &db.store;
            test_users(s, 3).await;
            let page: Vec<String> = s.list_users(2, 1).await.unwrap().into_iter().map(|u| u.username).collect();
            assert_eq!(page, ["user1", "user2"], "{:?}", db.backend);
            assert_eq!(s.count_users().await.unwrap(), 3);
            assert_eq!(s.search_users("USER 2", 10).await.unwrap()[0].username, "user2", "by display name");
            assert!(s.search_users("%", 10).await.unwrap().is_empty(), "% is itself");
        }
    }
}
