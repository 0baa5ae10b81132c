//! Browser sessions, API tokens as a user sees them, the admin role, and rate-limit buckets.
//! Everything here lives in the database, so every app server sees the same sessions and
//! the same limits.

use sea_orm::{ConnectionTrait, Value};

use crate::community::{USER_COLUMNS_U, user_from_row};
use crate::{Result, Store, User};

/// An API token as listed on the settings page (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TokenInfo {
    pub id: i64,
    pub name: String,
    /// The first characters of the token, enough to recognise it.
    pub prefix: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

impl Store {
    /// Records a session under the hash of its cookie value.
    pub async fn create_session(&self, id_hash: &str, user: i64, csrf: &str, expires_at: i64) -> Result<()> {
        self.write
            .execute_raw(self.stmt(
                "INSERT INTO sessions (id, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
                vec![id_hash.into(), user.into(), csrf.into(), crate::now().into(), expires_at.into()],
            ))
            .await?;
        Ok(())
    }

    /// The user and CSRF token of a live session.
    pub async fn session(&self, id_hash: &str) -> Result<Option<(User, String)>> {
        let row = self
            .query_one(
                &format!(
                    "SELECT {USER_COLUMNS_U}, s.csrf_token FROM sessions s JOIN users u ON u.id = s.user_id
                     WHERE s.id = $1 AND s.expires_at > $2"
                ),
                vec![id_hash.into(), crate::now().into()],
            )
            .await?;
        row.map(|r| Ok((user_from_row(&r)?, r.try_get_by_index(5)?))).transpose()
    }

    /// Ends a session (log out). Also drops expired sessions, so the table does not grow.
    pub async fn delete_session(&self, id_hash: &str) -> Result<()> {
        self.write
            .execute_raw(self.stmt(
                "DELETE FROM sessions WHERE id = $1 OR expires_at <= $2",
                vec![id_hash.into(), crate::now().into()],
            ))
            .await?;
        Ok(())
    }

    /// A user's API tokens, newest first.
    pub async fn tokens_of(&self, user: i64) -> Result<Vec<TokenInfo>> {
        let rows = self
            .query_all(
                "SELECT id, name, prefix, created_at, last_used_at, revoked_at FROM api_tokens
                 WHERE user_id = $1 ORDER BY id DESC",
                vec![user.into()],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(TokenInfo {
                    id: r.try_get_by_index(0)?,
                    name: r.try_get_by_index(1)?,
                    prefix: r.try_get_by_index(2)?,
                    created_at: r.try_get_by_index(3)?,
                    last_used_at: r.try_get_by_index(4)?,
                    revoked_at: r.try_get_by_index(5)?,
                })
            })
            .collect()
    }

    /// Revokes one of the user's tokens; false when the user has no such live token.
    pub async fn revoke_token(&self, user: i64, token: i64) -> Result<bool> {
        let done = self
            .write
            .execute_raw(self.stmt(
                "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL",
                vec![crate::now().into(), token.into(), user.into()],
            ))
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Grants or withdraws the admin role; false when there is no such user.
    pub async fn set_admin(&self, username: &str, admin: bool) -> Result<bool> {
        let done = self
            .write
            .execute_raw(
                self.stmt("UPDATE users SET is_admin = $1 WHERE username = $2", vec![admin.into(), username.into()]),
            )
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Takes one token from the bucket `key` (created full): a bucket holds at most `capacity`
    /// tokens and refills at `per_second`. True when a token was taken, false when the bucket
    /// is empty. One statement, so concurrent requests on any number of servers cannot take
    /// the same token twice.
    pub async fn take_rate_token(&self, key: &str, capacity: f64, per_second: f64) -> Result<bool> {
        let now_ms = chrono::Utc::now().timestamp_millis();
        let refilled = "CASE WHEN rate_buckets.tokens + ($3 - rate_buckets.updated_at) * $4 > $2 THEN $2
                        ELSE rate_buckets.tokens + ($3 - rate_buckets.updated_at) * $4 END";
        let sql = format!(
            "INSERT INTO rate_buckets (key, tokens, updated_at) VALUES ($1, $2 - 1, $3)
             ON CONFLICT (key) DO UPDATE SET tokens = ({refilled}) - 1, updated_at = $3
             WHERE ({refilled}) >= 1
             RETURNING tokens"
        );
        let values: Vec<Value> = vec![key.into(), capacity.into(), now_ms.into(), (per_second / 1000.0).into()];
        Ok(self.write.query_one_raw(self.stmt(&sql, values)).await?.is_some())
    }
}
