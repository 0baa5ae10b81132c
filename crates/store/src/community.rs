//! Users, organisations and follows.

use std::collections::HashMap;

use sea_orm::{ConnectionTrait, TransactionTrait, Value};

use crate::{BATCH_PARAMS, Col, Result, Store, StoreError, ToolId, placeholders};

#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub title: String,
    /// None for accounts that cannot log in with a password (demo members).
    pub password_hash: Option<String>,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub title: String,
    pub is_admin: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Organisation {
    pub id: i64,
    pub slug: String,
    pub name: String,
}

const USER_COLUMNS: &str = "id, username, display_name, title, is_admin";
/// The same columns from a query that names the users table `u`.
pub(crate) const USER_COLUMNS_U: &str = "u.id, u.username, u.display_name, u.title, u.is_admin";

/// An organisation from `SELECT id, slug, name, ...`.
pub(crate) fn organisation_from_row(r: &sea_orm::QueryResult) -> Result<Organisation> {
    Ok(Organisation { id: r.try_get_by_index(0)?, slug: r.try_get_by_index(1)?, name: r.try_get_by_index(2)? })
}

pub(crate) fn user_from_row(r: &sea_orm::QueryResult) -> Result<User> {
    Ok(User {
        id: r.try_get_by_index(0)?,
        username: r.try_get_by_index(1)?,
        display_name: r.try_get_by_index(2)?,
        title: r.try_get_by_index(3)?,
        is_admin: r.try_get_by_index(4)?,
    })
}

impl Store {
    /// Creates users; returns username -> id. A taken username fails the whole batch with
    /// [`StoreError::Conflict`] and creates nothing.
    pub async fn create_users(&self, users: &[NewUser]) -> Result<HashMap<String, i64>> {
        let txn = self.write.begin().await?;
        let mut ids = HashMap::with_capacity(users.len());
        for chunk in users.chunks(BATCH_PARAMS / 5) {
            let sql = format!(
                "INSERT INTO users (username, display_name, title, password_hash, created_at) VALUES {} RETURNING id, username",
                placeholders(chunk.len(), 5)
            );
            let values: Vec<Value> = chunk
                .iter()
                .flat_map(|u| {
                    [
                        u.username.clone().into(),
                        u.display_name.clone().into(),
                        u.title.clone().into(),
                        u.password_hash.clone().into(),
                        u.created_at.into(),
                    ]
                })
                .collect();
            let rows = txn.query_all_raw(self.stmt(&sql, values)).await.map_err(|e| {
                if StoreError::is_unique_violation(&e) {
                    StoreError::Conflict("username is taken".into())
                } else {
                    e.into()
                }
            })?;
            for r in rows {
                ids.insert(r.try_get_by_index(1)?, r.try_get_by_index(0)?);
            }
        }
        txn.commit().await?;
        Ok(ids)
    }

    pub async fn user_by_name(&self, username: &str) -> Result<Option<User>> {
        let row = self
            .query_one(&format!("SELECT {USER_COLUMNS} FROM users WHERE username = $1"), vec![username.into()])
            .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    pub async fn users_by_ids(&self, ids: &[i64]) -> Result<HashMap<i64, User>> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id IN ({})", list(ids.len(), 1));
        let rows = self.query_all(&sql, ids.iter().map(|&i| i.into()).collect()).await?;
        rows.iter().map(|r| user_from_row(r).map(|u| (u.id, u))).collect()
    }

    pub async fn create_organisation(&self, slug: &str, name: &str, owner: i64) -> Result<Organisation> {
        let txn = self.write.begin().await?;
        let row = txn
            .query_one_raw(self.stmt(
                "INSERT INTO organisations (slug, name, created_at) VALUES ($1, $2, $3) RETURNING id",
                vec![slug.into(), name.into(), crate::now().into()],
            ))
            .await
            .map_err(|e| {
                if StoreError::is_unique_violation(&e) {
                    StoreError::Conflict(format!("organisation {slug} exists"))
                } else {
                    e.into()
                }
            })?
            .ok_or(StoreError::NotFound)?;
        let id: i64 = row.try_get_by_index(0)?;
        txn.execute_raw(self.stmt(
            "INSERT INTO memberships (org_id, user_id, role) VALUES ($1, $2, 'owner')",
            vec![id.into(), owner.into()],
        ))
        .await?;
        txn.commit().await?;
        Ok(Organisation { id, slug: slug.to_owned(), name: name.to_owned() })
    }

    pub async fn add_members(&self, org: i64, members: &[(i64, &str)]) -> Result<()> {
        for chunk in members.chunks(BATCH_PARAMS / 3) {
            let sql = format!(
                "INSERT INTO memberships (org_id, user_id, role) VALUES {} ON CONFLICT (org_id, user_id) DO UPDATE SET role = excluded.role",
                placeholders(chunk.len(), 3)
            );
            let values = chunk.iter().flat_map(|(u, role)| [org.into(), (*u).into(), (*role).into()]).collect();
            self.write.execute_raw(self.stmt(&sql, values)).await?;
        }
        Ok(())
    }

    /// An organisation's members with their roles ("owner" or "member"), owners first.
    pub async fn members(&self, org: i64) -> Result<Vec<(User, String)>> {
        let rows = self
            .query_all(
                &format!(
                    "SELECT {USER_COLUMNS_U}, m.role FROM memberships m JOIN users u ON u.id = m.user_id
                     WHERE m.org_id = $1 ORDER BY m.role DESC, u.username"
                ),
                vec![org.into()],
            )
            .await?;
        rows.iter().map(|r| Ok((user_from_row(r)?, r.try_get_by_index(5)?))).collect()
    }

    /// A user's role in an organisation, if they are in it.
    pub async fn role(&self, org: i64, user: i64) -> Result<Option<String>> {
        let row = self
            .query_one("SELECT role FROM memberships WHERE org_id = $1 AND user_id = $2", vec![org.into(), user.into()])
            .await?;
        row.map(|r| Ok(r.try_get_by_index(0)?)).transpose()
    }

    /// Removes a member; refuses to remove the last owner. False when they were not a member.
    pub async fn remove_member(&self, org: i64, user: i64) -> Result<bool> {
        let txn = self.write.begin().await?;
        self.keep_an_owner(&txn, org, user).await?;
        let done = txn
            .execute_raw(
                self.stmt("DELETE FROM memberships WHERE org_id = $1 AND user_id = $2", vec![org.into(), user.into()]),
            )
            .await?;
        txn.commit().await?;
        Ok(done.rows_affected() == 1)
    }

    /// Adds a member or changes their role; refuses to step the last owner down.
    pub async fn set_member_role(&self, org: i64, user: i64, role: &str) -> Result<()> {
        let txn = self.write.begin().await?;
        if role != "owner" {
            self.keep_an_owner(&txn, org, user).await?;
        }
        txn.execute_raw(self.stmt(
            "INSERT INTO memberships (org_id, user_id, role) VALUES ($1, $2, $3)
             ON CONFLICT (org_id, user_id) DO UPDATE SET role = excluded.role",
            vec![org.into(), user.into(), role.into()],
        ))
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// Fails with a conflict when `user` is the organisation's only owner. Locks the
    /// organisation's row first (PostgreSQL), so two owners stepping each other down at once
    /// cannot both pass the check.
    async fn keep_an_owner<C: ConnectionTrait>(&self, conn: &C, org: i64, user: i64) -> Result<()> {
        if self.backend == crate::Backend::Postgres {
            conn.execute_raw(self.stmt("SELECT id FROM organisations WHERE id = $1 FOR UPDATE", vec![org.into()]))
                .await?;
        }
        let row = conn
            .query_one_raw(self.stmt(
                "SELECT COUNT(*) FILTER (WHERE user_id <> $2), COUNT(*) FILTER (WHERE user_id = $2)
                 FROM memberships WHERE org_id = $1 AND role = 'owner'",
                vec![org.into(), user.into()],
            ))
            .await?
            .ok_or(StoreError::NotFound)?;
        let (others, this_one): (i64, i64) = (row.try_get_by_index(0)?, row.try_get_by_index(1)?);
        if this_one > 0 && others == 0 {
            return Err(StoreError::Conflict("an organisation keeps at least one owner".into()));
        }
        Ok(())
    }

    /// The organisations a user belongs to, with their role.
    pub async fn organisations_of(&self, user: i64) -> Result<Vec<(Organisation, String)>> {
        let rows = self
            .query_all(
                "SELECT o.id, o.slug, o.name, m.role FROM memberships m JOIN organisations o ON o.id = m.org_id
                 WHERE m.user_id = $1 ORDER BY o.slug",
                vec![user.into()],
            )
            .await?;
        rows.iter().map(|r| Ok((organisation_from_row(r)?, r.try_get_by_index(3)?))).collect()
    }

    pub async fn organisation(&self, slug: &str) -> Result<Option<Organisation>> {
        let row = self.query_one("SELECT id, slug, name FROM organisations WHERE slug = $1", vec![slug.into()]).await?;
        row.as_ref().map(organisation_from_row).transpose()
    }

    /// Users follow tools; returns how many follows were new. The followers counter of each tool
    /// moves in the same transaction.
    pub async fn follow_tools(&self, follows: &[(i64, ToolId)]) -> Result<u64> {
        let txn = self.write.begin().await?;
        let mut deltas: HashMap<ToolId, i64> = HashMap::new();
        let now = crate::now();
        let values: Vec<Vec<Value>> =
            follows.iter().map(|(u, t)| vec![(*u).into(), "tool".into(), (*t).into(), now.into()]).collect();
        let inserted = self
            .bulk_insert(
                &txn,
                "INSERT INTO follows (user_id, target_kind, target_id, created_at)",
                &[Col::Int, Col::Text, Col::Int, Col::Int],
                &values,
                "ON CONFLICT (user_id, target_kind, target_id) DO NOTHING RETURNING target_id",
            )
            .await?;
        for row in inserted {
            *deltas.entry(row.try_get_by_index(0)?).or_default() += 1;
        }
        self.bump_tool_counter(&txn, "followers", &deltas).await?;
        let tags: Vec<String> = deltas.keys().map(|t| format!("tool:{t}")).collect();
        self.record_change(&txn, &tags_or_all(&tags)).await?;
        txn.commit().await?;
        Ok(deltas.values().sum::<i64>() as u64)
    }

    /// Returns whether the user was following the tool.
    pub async fn unfollow_tool(&self, user: i64, tool: ToolId) -> Result<bool> {
        let txn = self.write.begin().await?;
        let gone = txn
            .execute_raw(self.stmt(
                "DELETE FROM follows WHERE user_id = $1 AND target_kind = 'tool' AND target_id = $2",
                vec![user.into(), tool.into()],
            ))
            .await?
            .rows_affected()
            > 0;
        if gone {
            self.bump_tool_counter(&txn, "followers", &HashMap::from([(tool, -1)])).await?;
            self.record_change(&txn, &[&format!("tool:{tool}")]).await?;
        }
        txn.commit().await?;
        Ok(gone)
    }
}

/// `$1, $2, ...` for an IN list starting at `$start`.
pub(crate) fn list(n: usize, start: usize) -> String {
    (start..start + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

/// Change tags for a set of tools; past a few hundred, one tag that means "everything".
pub(crate) fn tags_or_all(tags: &[String]) -> Vec<&str> {
    if tags.len() > 200 { vec!["*"] } else { tags.iter().map(String::as_str).collect() }
}

impl Store {
    /// The stored password hash of a user who can log in with a password.
    pub async fn password_hash(&self, username: &str) -> Result<Option<(User, String)>> {
        let row = self
            .query_one(
                &format!(
                    "SELECT {USER_COLUMNS}, password_hash FROM users WHERE username = $1 AND password_hash IS NOT NULL"
                ),
                vec![username.into()],
            )
            .await?;
        row.map(|r| Ok((user_from_row(&r)?, r.try_get_by_index(5)?))).transpose()
    }

    /// Records an API token by its hash (the token itself is never stored); returns its id.
    pub async fn create_token(&self, user: i64, name: &str, prefix: &str, token_hash: &str) -> Result<i64> {
        let row = self
            .write
            .query_one_raw(self.stmt(
                "INSERT INTO api_tokens (user_id, name, prefix, token_hash, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                vec![user.into(), name.into(), prefix.into(), token_hash.into(), crate::now().into()],
            ))
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(row.try_get_by_index(0)?)
    }

    /// The user a live (not revoked) token belongs to.
    pub async fn user_for_token(&self, token_hash: &str) -> Result<Option<User>> {
        let row = self
            .query_one(
                &format!(
                    "SELECT {USER_COLUMNS_U} FROM api_tokens t
                 JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1 AND t.revoked_at IS NULL"
                ),
                vec![token_hash.into()],
            )
            .await?;
        row.as_ref().map(user_from_row).transpose()
    }
}
