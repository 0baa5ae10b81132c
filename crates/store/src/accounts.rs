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

/// What a user says about themselves.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, FromQueryResult)]
pub struct Profile {
    pub display_name: String,
    pub title: String,
    pub company: String,
    pub bio: String,
    pub website: String,
    /// When the account was made (Unix seconds); not changed by an update.
    pub created_at: i64,
}

#[derive(FromQueryResult)]
struct DecisionRow {
    id: crate::DecisionId,
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

    /// What a user says about themselves, shown on their page.
    pub async fn profile(&self, user: UserId) -> Result<Option<Profile>> {
        self.one(raw_sql!(
            Postgres,
            "SELECT display_name, title, company, bio, website, created_at FROM users WHERE id = {user}"
        ))
        .await
    }

    /// Replaces a user's profile. Pages that show their name beside what they wrote (their
    /// decisions, and those they commented on) are dropped, as are the kept sessions.
    pub async fn update_profile(&self, user: UserId, p: &Profile) -> Result<()> {
        let txn = self.write.begin().await?;
        let (name, title, company, bio, website) =
            (p.display_name.as_str(), p.title.as_str(), p.company.as_str(), p.bio.as_str(), p.website.as_str());
        self.execute(
            &txn,
            raw_sql!(
                Postgres,
                "UPDATE users SET display_name = {name}, title = {title}, company = {company}, bio = {bio},
                 website = {website} WHERE id = {user}"
            ),
        )
        .await?;
        let shown: Vec<DecisionRow> = self
            .all_on(
                &txn,
                raw_sql!(
                    Postgres,
                    "SELECT id FROM decisions WHERE author_id = {user}
                     UNION SELECT decision_id AS id FROM comments WHERE author_id = {user}"
                ),
            )
            .await?;
        let mut tags = vec![Tag::User(user), Tag::Decisions];
        tags.extend(shown.into_iter().map(|d| Tag::Decision(d.id)));
        self.record_change(&txn, &crate::changes::tags_or_everything(tags)).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Replaces a user's password hash and ends every session but `keep` (the one that asked,
    /// by the hash of its cookie).
    pub async fn set_password(&self, user: UserId, hash: &str, keep: Option<&str>) -> Result<()> {
        let txn = self.write.begin().await?;
        self.execute(&txn, raw_sql!(Postgres, "UPDATE users SET password_hash = {hash} WHERE id = {user}")).await?;
        let keep = keep.unwrap_or("");
        self.execute(&txn, raw_sql!(Postgres, "DELETE FROM sessions WHERE user_id = {user} AND id <> {keep}")).await?;
        self.record_change(&txn, &[Tag::User(user)]).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Deletes an account, in one transaction: its votes, upvotes and follows (every counter
    /// they moved goes back), its own stacks with their histories, the organisations in
    /// `organisations` (those it alone belongs to), its sessions, tokens and memberships. What
    /// it wrote (pros and cons, decisions, comments) stays, without an author. False when there
    /// is no such user.
    pub async fn delete_user(&self, user: UserId, organisations: &[crate::OrganisationId]) -> Result<bool> {
        #[derive(FromQueryResult)]
        struct Voted {
            reason_id: crate::ReasonId,
        }
        #[derive(FromQueryResult)]
        struct Upvoted {
            decision_id: crate::DecisionId,
        }
        #[derive(FromQueryResult)]
        struct StackRow {
            id: crate::StackId,
        }
        let txn = self.write.begin().await?;
        let Some(UserName { username, .. }) =
            self.one_on(&txn, raw_sql!(Postgres, "SELECT id, username FROM users WHERE id = {user}")).await?
        else {
            return Ok(false);
        };
        let mut tags = vec![Tag::User(user), Tag::Decisions];

        let votes: Vec<Voted> =
            self.all_on(&txn, raw_sql!(Postgres, "SELECT reason_id FROM reason_votes WHERE user_id = {user}")).await?;
        self.execute(&txn, raw_sql!(Postgres, "DELETE FROM reason_votes WHERE user_id = {user}")).await?;
        let per_reason: HashMap<crate::ReasonId, i64> = votes.iter().map(|v| (v.reason_id, -1)).collect();
        self.apply_vote_deltas(&txn, &per_reason, Vec::new()).await?;

        let upvotes: Vec<Upvoted> = self
            .all_on(&txn, raw_sql!(Postgres, "SELECT decision_id FROM decision_upvotes WHERE user_id = {user}"))
            .await?;
        self.execute(&txn, raw_sql!(Postgres, "DELETE FROM decision_upvotes WHERE user_id = {user}")).await?;
        for u in &upvotes {
            self.bump_upvotes(&txn, u.decision_id, -1, user).await?;
        }

        for target in self.follows_of_on(&txn, user).await? {
            let (kind, id) = (target.kind, target.id);
            self.execute(
                &txn,
                raw_sql!(
                    Postgres,
                    "DELETE FROM follows WHERE user_id = {user} AND target_kind = {kind} AND target_id = {id}"
                ),
            )
            .await?;
            match target.kind {
                crate::TargetKind::Tool => {
                    let delta = HashMap::from([(crate::ToolId(target.id), -1)]);
                    self.bump_tool_counter(&txn, crate::tools::Counter::Followers, &delta).await?;
                }
                _ => self.bump_followers(&txn, target, -1).await?,
            }
            tags.push(target.tag());
        }

        let stacks: Vec<StackRow> = self
            .all_on(&txn, raw_sql!(Postgres, "SELECT id FROM stacks WHERE owner = {username} AND owner_kind = 'user'"))
            .await?;
        for stack in stacks {
            tags.extend(self.delete_stack_on(&txn, stack.id).await?.unwrap_or_default());
        }
        for org in organisations {
            tags.extend(self.delete_organisation_on(&txn, *org).await?.unwrap_or_default());
        }
        // Pages that show the author's name beside what they wrote.
        let shown: Vec<DecisionRow> = self
            .all_on(
                &txn,
                raw_sql!(
                    Postgres,
                    "SELECT id FROM decisions WHERE author_id = {user}
                     UNION SELECT decision_id AS id FROM comments WHERE author_id = {user}"
                ),
            )
            .await?;
        tags.extend(shown.into_iter().map(|d| Tag::Decision(d.id)));
        for statement in [
            raw_sql!(Postgres, "DELETE FROM sessions WHERE user_id = {user}"),
            raw_sql!(Postgres, "DELETE FROM api_tokens WHERE user_id = {user}"),
            raw_sql!(Postgres, "DELETE FROM memberships WHERE user_id = {user}"),
            raw_sql!(Postgres, "UPDATE reports SET reporter_id = NULL WHERE reporter_id = {user}"),
            raw_sql!(Postgres, "DELETE FROM users WHERE id = {user}"),
        ] {
            self.execute(&txn, statement).await?;
        }
        self.record_change(&txn, &crate::changes::tags_or_everything(tags)).await?;
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
    async fn profiles_and_password_changes() {
        for db in fresh_stores().await {
            let s = &db.store;
            let u = test_users(s, 2).await;
            let p = Profile {
                display_name: "Ann Lee".into(),
                title: "CTO".into(),
                company: "Acme".into(),
                bio: "Builds things.".into(),
                website: "https://ann.example".into(),
                created_at: 12345,
            };
            let before = s.latest_change().await.unwrap();
            s.update_profile(u[0], &p).await.unwrap();
            let read = s.profile(u[0]).await.unwrap().unwrap();
            assert_eq!(read, Profile { created_at: 0, ..p }, "the creation time is not changed");
            assert_eq!(s.user_by_name("user0").await.unwrap().unwrap().display_name, "Ann Lee");
            let changes = s.changes_since(before).await.unwrap();
            assert!(changes.iter().any(|c| c.tags.contains(&Tag::User(u[0]))), "{changes:?}");
            assert!(s.profile(UserId(999_999)).await.unwrap().is_none());

            for (hash, user) in [("this", u[0]), ("other", u[0]), ("theirs", u[1])] {
                s.create_session(hash, user, "csrf", crate::now() + 60).await.unwrap();
            }
            s.set_password(u[0], "$argon2id$new", Some("this")).await.unwrap();
            assert!(s.session("this").await.unwrap().is_some(), "the session that asked stays");
            assert!(s.session("other").await.unwrap().is_none(), "{:?}", db.backend);
            assert!(s.session("theirs").await.unwrap().is_some(), "another user's stays");
            assert_eq!(s.credentials("user0").await.unwrap().unwrap().password_hash, "$argon2id$new");
        }
    }

    /// Every kept counter against a recount of its rows.
    async fn counters_agree(s: &Store) {
        let tools = s.recount_tool_stats().await.unwrap();
        for counted in tools {
            let kept = s.tool_stats(counted.tool_id).await.unwrap();
            assert_eq!((kept.stacks, kept.followers, kept.votes), (counted.stacks, counted.followers, counted.votes));
        }
        assert!(s.recount_reason_votes().await.unwrap().iter().all(|r| r.kept == r.counted));
        assert!(s.recount_followers().await.unwrap().iter().all(|f| f.kept == f.counted));
        let decisions = s.recount_decision_counters().await.unwrap();
        assert!(decisions.iter().all(|d| d.upvotes == d.upvotes_counted && d.comments == d.comments_counted));
    }

    #[tokio::test]
    async fn deleting_stacks_organisations_and_accounts_keeps_every_counter_true() {
        use crate::{DecisionKind, NewDecision, NewReason, OwnerKind, ReasonKind, Target};
        for db in fresh_stores().await {
            let s = &db.store;
            let t = crate::tools::test_tools(s).await;
            let u = test_users(s, 3).await;
            let (ann, bob) = (u[0], u[1]);
            let solo = s.create_organisation("solo", "Solo", ann).await.unwrap();
            let shared = s.create_organisation("shared", "Shared", bob).await.unwrap();
            s.add_members(shared.id, &[(ann, crate::Role::Member)]).await.unwrap();
            let mut org_stack = crate::stacks::test_snapshot("solo", "app", &[t["rust"], t["postgresql"]]);
            org_stack.stack.owner_kind = OwnerKind::Organisation;
            s.push_snapshots(&[
                crate::stacks::test_snapshot("user0", "web", &[t["django"], t["python"]]),
                crate::stacks::test_snapshot("user1", "api", &[t["django"], t["postgresql"]]),
                org_stack,
            ])
            .await
            .unwrap();
            let bobs = s.stack("user1", "api").await.unwrap().unwrap().id;
            let anns = s.stack("user0", "web").await.unwrap().unwrap().id;
            let reasons = s
                .add_reasons(&[NewReason {
                    tool: t["django"],
                    kind: ReasonKind::Pro,
                    text: "Admin".into(),
                    author: Some(bob),
                }])
                .await
                .unwrap();
            s.cast_votes(&[(reasons[0], ann), (reasons[0], u[2])]).await.unwrap();
            let decision = s
                .create_decision(&NewDecision {
                    kind: DecisionKind::Decided,
                    body: "Django".into(),
                    author_id: ann,
                    org_id: Some(shared.id),
                    tools: vec![t["django"]],
                    created_at: 1,
                })
                .await
                .unwrap();
            s.upvote_decision(decision, ann).await.unwrap();
            s.upvote_decision(decision, bob).await.unwrap();
            s.add_comment(decision, ann, "Yes").await.unwrap();
            s.follow_tools(&[(ann, t["rust"]), (bob, t["rust"])]).await.unwrap();
            s.follow(ann, Target::stack(bobs)).await.unwrap();
            s.follow(bob, Target::stack(anns)).await.unwrap();
            s.follow(ann, Target::organisation(shared.id)).await.unwrap();
            s.follow(bob, Target::organisation(solo.id)).await.unwrap();
            counters_agree(s).await;

            // A stack: its tools count one stack less, its follows and history go.
            assert!(s.delete_stack(bobs).await.unwrap());
            assert!(!s.delete_stack(bobs).await.unwrap());
            assert_eq!(s.tool_stats(t["postgresql"]).await.unwrap().stacks, 1, "{:?}", db.backend);
            assert!(s.snapshots(bobs, 10).await.unwrap().is_empty());
            counters_agree(s).await;

            // An account, with the organisation it alone belongs to.
            let before = s.latest_change().await.unwrap();
            assert!(s.delete_user(ann, &[solo.id]).await.unwrap());
            assert!(s.user_by_name("user0").await.unwrap().is_none());
            assert!(s.stack("user0", "web").await.unwrap().is_none(), "their stack");
            assert!(s.stack("solo", "app").await.unwrap().is_none(), "their organisation's stack");
            assert!(s.organisation("solo").await.unwrap().is_none());
            assert!(s.organisation("shared").await.unwrap().is_some(), "an organisation with others stays");
            let kept = s.decision(decision).await.unwrap().unwrap();
            assert_eq!((kept.author_id, kept.upvotes, kept.comments), (None, 1, 1), "what they wrote stays");
            assert_eq!(s.tool_stats(t["django"]).await.unwrap().votes, 1);
            assert_eq!(s.tool_stats(t["rust"]).await.unwrap().followers, 1);
            let changes = s.changes_since(before).await.unwrap();
            assert!(changes.iter().any(|c| c.tags.contains(&Tag::User(ann)) || c.tags.contains(&Tag::Everything)));
            counters_agree(s).await;
            assert!(!s.delete_user(ann, &[]).await.unwrap());

            // An organisation: its decisions stay, as their authors'.
            assert!(s.delete_organisation(shared.id).await.unwrap());
            assert!(s.decision(decision).await.unwrap().is_some());
            assert!(s.decision_organisation(decision).await.unwrap().is_none());
            counters_agree(s).await;
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
