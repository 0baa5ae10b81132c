//! Organisations and their members. The rule that an organisation keeps an owner is checked in
//! the same transaction as the change that could break it.

use std::collections::HashMap;

use sea_orm::{ConnectionTrait, FromQueryResult, TransactionTrait, raw_sql};

use crate::sql::{IN_CHUNK, is_unique_violation};
use crate::types::text_enum;
use crate::{Backend, OrganisationId, Result, Store, StoreError, User, UserId};

text_enum! {
    /// A member's role in an organisation.
    pub enum Role {
        Owner,
        Member,
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, FromQueryResult)]
pub struct Organisation {
    pub id: OrganisationId,
    pub slug: String,
    pub name: String,
}

/// A member of an organisation.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct Member {
    #[sea_orm(nested)]
    pub user: User,
    pub role: Role,
}

/// An organisation a user belongs to.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct Membership {
    #[sea_orm(nested)]
    pub organisation: Organisation,
    pub role: Role,
}

/// An organisation in a list, with its size.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct OrganisationListing {
    #[sea_orm(nested)]
    pub organisation: Organisation,
    pub members: i64,
    pub stacks: i64,
}

#[derive(FromQueryResult)]
struct NewId {
    id: OrganisationId,
}

#[derive(FromQueryResult)]
struct Owners {
    others: i64,
    this_one: i64,
}

impl Store {
    pub async fn create_organisation(&self, slug: &str, name: &str, owner: UserId) -> Result<Organisation> {
        let txn = self.write.begin().await?;
        let now = crate::now();
        let row: Option<NewId> = self
            .one_on(
                &txn,
                raw_sql!(
                    Postgres,
                    "INSERT INTO organisations (slug, name, created_at) VALUES ({slug}, {name}, {now}) RETURNING id"
                ),
            )
            .await
            .map_err(|e| match e {
                StoreError::Db(e) if is_unique_violation(&e) => {
                    StoreError::Conflict(format!("organisation {slug} exists"))
                }
                e => e,
            })?;
        let id = row.ok_or(StoreError::NotFound)?.id;
        let role = Role::Owner;
        self.execute(
            &txn,
            raw_sql!(Postgres, "INSERT INTO memberships (org_id, user_id, role) VALUES ({id}, {owner}, {role})"),
        )
        .await?;
        txn.commit().await?;
        Ok(Organisation { id, slug: slug.to_owned(), name: name.to_owned() })
    }

    /// Adds members at once (the demo's organisations), or changes their roles.
    pub async fn add_members(&self, org: OrganisationId, members: &[(UserId, Role)]) -> Result<()> {
        for chunk in members.chunks(IN_CHUNK / 3) {
            let rows: Vec<(OrganisationId, UserId, Role)> = chunk.iter().map(|(u, r)| (org, *u, *r)).collect();
            self.execute(
                &self.write,
                raw_sql!(
                    Postgres,
                    "INSERT INTO memberships (org_id, user_id, role) VALUES {..(rows.0:2),}
                     ON CONFLICT (org_id, user_id) DO UPDATE SET role = excluded.role"
                ),
            )
            .await?;
        }
        Ok(())
    }

    /// An organisation's members with their roles, owners first.
    pub async fn members(&self, org: OrganisationId) -> Result<Vec<Member>> {
        self.all(raw_sql!(
            Postgres,
            "SELECT u.id, u.username, u.display_name, u.title, u.is_admin, m.role
             FROM memberships m JOIN users u ON u.id = m.user_id
             WHERE m.org_id = {org} ORDER BY m.role DESC, u.username"
        ))
        .await
    }

    /// A user's role in an organisation, if they are in it.
    pub async fn role(&self, org: OrganisationId, user: UserId) -> Result<Option<Role>> {
        #[derive(FromQueryResult)]
        struct RoleRow {
            role: Role,
        }
        let row: Option<RoleRow> = self
            .one(raw_sql!(Postgres, "SELECT role FROM memberships WHERE org_id = {org} AND user_id = {user}"))
            .await?;
        Ok(row.map(|r| r.role))
    }

    /// Removes a member; refuses to remove the last owner. False when they were not a member.
    pub async fn remove_member(&self, org: OrganisationId, user: UserId) -> Result<bool> {
        let txn = self.write.begin().await?;
        self.keep_an_owner(&txn, org, user).await?;
        let gone = self
            .execute(&txn, raw_sql!(Postgres, "DELETE FROM memberships WHERE org_id = {org} AND user_id = {user}"))
            .await?;
        txn.commit().await?;
        Ok(gone == 1)
    }

    /// Adds a member or changes their role; refuses to step the last owner down.
    pub async fn set_member_role(&self, org: OrganisationId, user: UserId, role: Role) -> Result<()> {
        let txn = self.write.begin().await?;
        if role != Role::Owner {
            self.keep_an_owner(&txn, org, user).await?;
        }
        self.execute(
            &txn,
            raw_sql!(
                Postgres,
                "INSERT INTO memberships (org_id, user_id, role) VALUES ({org}, {user}, {role})
                 ON CONFLICT (org_id, user_id) DO UPDATE SET role = excluded.role"
            ),
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// Fails with a conflict when `user` is the organisation's only owner. Locks the
    /// organisation's row first (PostgreSQL), so two owners stepping each other down at once
    /// cannot both pass the check.
    async fn keep_an_owner<C: ConnectionTrait>(&self, conn: &C, org: OrganisationId, user: UserId) -> Result<()> {
        if self.backend == Backend::Postgres {
            self.execute(conn, raw_sql!(Postgres, "SELECT id FROM organisations WHERE id = {org} FOR UPDATE")).await?;
        }
        let owner = Role::Owner;
        let owners: Owners = self
            .one_on(
                conn,
                raw_sql!(
                    Postgres,
                    "SELECT COUNT(*) FILTER (WHERE user_id <> {user}) AS others,
                            COUNT(*) FILTER (WHERE user_id = {user}) AS this_one
                     FROM memberships WHERE org_id = {org} AND role = {owner}"
                ),
            )
            .await?
            .ok_or(StoreError::NotFound)?;
        if owners.this_one > 0 && owners.others == 0 {
            return Err(StoreError::Conflict("an organisation keeps at least one owner".into()));
        }
        Ok(())
    }

    /// The organisations a user belongs to, with their role, by slug.
    pub async fn organisations_of(&self, user: UserId) -> Result<Vec<Membership>> {
        self.all(raw_sql!(
            Postgres,
            "SELECT o.id, o.slug, o.name, m.role FROM memberships m JOIN organisations o ON o.id = m.org_id
             WHERE m.user_id = {user} ORDER BY o.slug"
        ))
        .await
    }

    pub async fn organisation(&self, slug: &str) -> Result<Option<Organisation>> {
        self.one(raw_sql!(Postgres, "SELECT id, slug, name FROM organisations WHERE slug = {slug}")).await
    }

    /// A page of organisations, by slug, with their members and stacks counted.
    pub async fn list_organisations(&self, limit: i64, offset: i64) -> Result<Vec<OrganisationListing>> {
        self.all(raw_sql!(
            Postgres,
            "SELECT o.id, o.slug, o.name,
                    (SELECT COUNT(*) FROM memberships m WHERE m.org_id = o.id) AS members,
                    (SELECT COUNT(*) FROM stacks s WHERE s.owner = o.slug) AS stacks
             FROM organisations o ORDER BY o.slug LIMIT {limit} OFFSET {offset}"
        ))
        .await
    }

    pub async fn count_organisations(&self) -> Result<i64> {
        self.number(raw_sql!(Postgres, "SELECT COUNT(*) AS n FROM organisations")).await
    }

    /// Organisations whose slug or name contains `text` (any case), by slug.
    pub async fn search_organisations(&self, text: &str, limit: i64) -> Result<Vec<Organisation>> {
        let pattern = crate::sql::contains_pattern(text);
        self.all(raw_sql!(
            Postgres,
            "SELECT id, slug, name FROM organisations
             WHERE LOWER(slug) LIKE {pattern} ESCAPE '!' OR LOWER(name) LIKE {pattern} ESCAPE '!'
             ORDER BY slug LIMIT {limit}"
        ))
        .await
    }

    /// Organisations by id.
    pub async fn organisations_by_ids(&self, ids: &[OrganisationId]) -> Result<HashMap<OrganisationId, Organisation>> {
        let mut out = HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(IN_CHUNK) {
            let found: Vec<Organisation> = self
                .all(raw_sql!(Postgres, "SELECT id, slug, name FROM organisations WHERE id IN ({..chunk})"))
                .await?;
            out.extend(found.into_iter().map(|o| (o.id, o)));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::test_users;
    use crate::testing::fresh_stores;

    #[tokio::test]
    async fn organisations_members_and_roles() {
        for db in fresh_stores().await {
            let s = &db.store;
            let u = test_users(s, 3).await;
            let acme = s.create_organisation("acme", "Acme", u[0]).await.unwrap();
            assert!(matches!(s.create_organisation("acme", "Again", u[1]).await, Err(StoreError::Conflict(_))));
            assert_eq!(s.organisation("acme").await.unwrap().as_ref(), Some(&acme));
            assert_eq!(s.organisation("nope").await.unwrap(), None);
            s.add_members(acme.id, &[(u[1], Role::Member), (u[2], Role::Member)]).await.unwrap();
            let members = s.members(acme.id).await.unwrap();
            let listed: Vec<(&str, Role)> = members.iter().map(|m| (m.user.username.as_str(), m.role)).collect();
            assert_eq!(listed, [("user0", Role::Owner), ("user1", Role::Member), ("user2", Role::Member)]);
            assert_eq!(s.role(acme.id, u[1]).await.unwrap(), Some(Role::Member));
            let of = s.organisations_of(u[2]).await.unwrap();
            assert_eq!((of[0].organisation.slug.as_str(), of[0].role), ("acme", Role::Member), "{:?}", db.backend);
            assert_eq!(s.organisations_by_ids(&[acme.id]).await.unwrap()[&acme.id].name, "Acme");

            // The last owner stays, whichever way it is tried.
            assert!(matches!(s.remove_member(acme.id, u[0]).await, Err(StoreError::Conflict(_))));
            assert!(matches!(s.set_member_role(acme.id, u[0], Role::Member).await, Err(StoreError::Conflict(_))));
            s.set_member_role(acme.id, u[1], Role::Owner).await.unwrap();
            s.set_member_role(acme.id, u[0], Role::Member).await.unwrap();
            assert!(s.remove_member(acme.id, u[2]).await.unwrap());
            assert!(!s.remove_member(acme.id, u[2]).await.unwrap(), "not a member any more");
        }
    }

    #[tokio::test]
    async fn lists_of_organisations() {
        for db in fresh_stores().await {
            let s = &db.store;
            let u = test_users(s, 2).await;
            let acme = s.create_organisation("acme", "Acme Corp", u[0]).await.unwrap();
            s.add_members(acme.id, &[(u[1], Role::Member)]).await.unwrap();
            s.create_organisation("zeta", "Zeta", u[1]).await.unwrap();
            let listed = s.list_organisations(10, 0).await.unwrap();
            let summary: Vec<(&str, i64)> = listed.iter().map(|o| (o.organisation.slug.as_str(), o.members)).collect();
            assert_eq!(summary, [("acme", 2), ("zeta", 1)], "{:?}", db.backend);
            assert_eq!(s.count_organisations().await.unwrap(), 2);
            assert_eq!(s.search_organisations("corp", 10).await.unwrap(), [acme]);
        }
    }
}

#[derive(FromQueryResult)]
struct StackRow {
    id: crate::StackId,
}

#[derive(FromQueryResult)]
struct FollowerRow {
    user_id: UserId,
}

#[derive(FromQueryResult)]
struct PostedRow {
    id: crate::DecisionId,
}

impl Store {
    /// Deletes an organisation with its stacks (and their histories), memberships, follows and
    /// the feed's events about it; decisions posted for it stay, as their authors'. False when
    /// there is no such organisation.
    pub async fn delete_organisation(&self, org: OrganisationId) -> Result<bool> {
        let txn = self.write.begin().await?;
        let Some(tags) = self.delete_organisation_on(&txn, org).await? else { return Ok(false) };
        self.record_change(&txn, &crate::changes::tags_or_everything(tags)).await?;
        txn.commit().await?;
        Ok(true)
    }

    pub(crate) async fn delete_organisation_on<C: ConnectionTrait>(
        &self,
        conn: &C,
        org: OrganisationId,
    ) -> Result<Option<Vec<crate::Tag>>> {
        use crate::Tag;
        #[derive(FromQueryResult)]
        struct SlugRow {
            slug: String,
        }
        let Some(SlugRow { slug }) =
            self.one_on(conn, raw_sql!(Postgres, "SELECT slug FROM organisations WHERE id = {org}")).await?
        else {
            return Ok(None);
        };
        let mut tags = vec![Tag::Organisation(org), Tag::Decisions];
        let stacks: Vec<StackRow> = self
            .all_on(
                conn,
                raw_sql!(Postgres, "SELECT id FROM stacks WHERE owner = {slug} AND owner_kind = 'organisation'"),
            )
            .await?;
        for stack in stacks {
            tags.extend(self.delete_stack_on(conn, stack.id).await?.unwrap_or_default());
        }
        let followers: Vec<FollowerRow> = self
            .all_on(
                conn,
                raw_sql!(
                    Postgres,
                    "SELECT user_id FROM follows WHERE target_kind = 'organisation' AND target_id = {org}"
                ),
            )
            .await?;
        tags.extend(crate::changes::user_tags(followers.into_iter().map(|f| f.user_id)));
        let posted: Vec<PostedRow> =
            self.all_on(conn, raw_sql!(Postgres, "SELECT id FROM decisions WHERE org_id = {org}")).await?;
        tags.extend(posted.into_iter().map(|d| Tag::Decision(d.id)));
        let target = org.get();
        for statement in [
            raw_sql!(Postgres, "DELETE FROM events WHERE target_kind = 'organisation' AND target_id = {target}"),
            raw_sql!(Postgres, "DELETE FROM follows WHERE target_kind = 'organisation' AND target_id = {target}"),
            raw_sql!(Postgres, "UPDATE decisions SET org_id = NULL WHERE org_id = {org}"),
            raw_sql!(Postgres, "DELETE FROM memberships WHERE org_id = {org}"),
            raw_sql!(Postgres, "DELETE FROM radars WHERE org_id = {org}"),
            raw_sql!(Postgres, "DELETE FROM organisations WHERE id = {org}"),
        ] {
            self.execute(conn, statement).await?;
        }
        Ok(Some(tags))
    }
}
