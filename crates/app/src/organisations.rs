//! Organisations: creating one, its page (members and stacks), and who may change its members.

use serde::Serialize;
use stackdex_store::{Organisation, OrganisationId, Role, StoreError, Target, User};
use utoipa::ToSchema;

use crate::accounts::Username;
use crate::stacks::StackEntry;
use crate::views::NameLink;
use crate::{App, AppError, Result};

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MemberView {
    pub username: String,
    pub display_name: String,
    #[schema(value_type = String, example = "member")]
    pub role: Role,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrganisationPage {
    /// Its row, for the follow toggle (not in the JSON).
    #[serde(skip)]
    pub id: OrganisationId,
    pub slug: String,
    pub name: String,
    pub members: Vec<MemberView>,
    pub stacks: Vec<StackEntry>,
    /// How many follow it (shown on the page; its JSON twin does not carry it).
    #[serde(skip)]
    pub followers: i64,
}

impl OrganisationPage {
    /// Whether `user` may add stacks for it: its members and admins.
    pub fn has_member(&self, user: &User) -> bool {
        user.is_admin || self.members.iter().any(|m| m.username == user.username)
    }

    /// Whether `user` may change the members: its owners and admins.
    pub fn managed_by(&self, user: &User) -> bool {
        user.is_admin || self.members.iter().any(|m| m.username == user.username && m.role == Role::Owner)
    }
}

/// An organisation in a list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrganisationEntry {
    pub slug: String,
    pub name: String,
    pub members: i64,
    pub stacks: i64,
}

/// The organisations index, by slug.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrganisationsIndex {
    pub organisations: Vec<OrganisationEntry>,
    pub paging: crate::views::Paging,
}

/// Organisations per page of the index.
const ORGANISATIONS_PER_PAGE: usize = 30;

/// A role from a form or a request body.
pub fn parse_role(s: &str) -> Result<Role> {
    s.parse().map_err(|_| AppError::invalid("role", "a role is \"owner\" or \"member\""))
}

impl App {
    /// A page of the organisations index.
    pub async fn organisations_index(&self, page: usize) -> Result<OrganisationsIndex> {
        let total = self.store.count_organisations().await? as usize;
        let paging = crate::views::Paging::of(page, ORGANISATIONS_PER_PAGE, total)?;
        let offset = paging.offset(ORGANISATIONS_PER_PAGE) as i64;
        let organisations = self
            .store
            .list_organisations(ORGANISATIONS_PER_PAGE as i64, offset)
            .await?
            .into_iter()
            .map(|o| OrganisationEntry {
                slug: o.organisation.slug,
                name: o.organisation.name,
                members: o.members,
                stacks: o.stacks,
            })
            .collect();
        Ok(OrganisationsIndex { organisations, paging })
    }

    /// Whether an organisation has this slug.
    pub async fn organisation_exists(&self, slug: &str) -> Result<bool> {
        Ok(self.store.organisation(slug).await?.is_some())
    }

    pub(crate) async fn find_organisation(&self, slug: &str) -> Result<Organisation> {
        self.store.organisation(slug).await?.ok_or_else(|| AppError::not_found(format!("organisation {slug:?}")))
    }

    /// Creates an organisation owned by `user`. Its slug shares the namespace of usernames, as
    /// both own stacks under `/stacks/{owner}/...`.
    pub async fn create_organisation(&self, user: &User, slug: &str, name: &str) -> Result<Organisation> {
        let slug = Username::parse(slug)
            .map_err(|_| AppError::invalid("slug", "an organisation slug is 3 to 32 of a-z, 0-9, '-' and '_'"))?;
        let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() || name.chars().count() > 100 {
            return Err(AppError::invalid("name", "an organisation name is 1 to 100 characters"));
        }
        if self.store.user_by_name(slug.as_str()).await?.is_some() {
            return Err(AppError::Conflict(format!("{} is taken", slug.as_str())));
        }
        match self.store.create_organisation(slug.as_str(), &name, user.id).await {
            Err(StoreError::Conflict(_)) => Err(AppError::Conflict(format!("{} is taken", slug.as_str()))),
            other => Ok(other?),
        }
    }

    /// Deletes an organisation with its stacks (owners and admins); decisions posted for it
    /// stay, as their authors'.
    pub async fn delete_organisation(&self, actor: &User, slug: &str) -> Result<()> {
        let org = self.find_organisation(slug).await?;
        self.check_owner(&org, actor, "delete it").await?;
        self.store.delete_organisation(org.id).await?;
        Ok(())
    }

    /// Fails unless `actor` is an owner of `org` or an admin.
    async fn check_owner(&self, org: &Organisation, actor: &User, doing: &str) -> Result<()> {
        if actor.is_admin || self.store.role(org.id, actor.id).await? == Some(Role::Owner) {
            Ok(())
        } else {
            Err(AppError::Forbidden(format!("only an owner of {} can {doing}", org.slug)))
        }
    }

    /// Adds a member or changes their role: owners and admins only.
    pub async fn set_member(&self, actor: &User, org: &str, username: &str, role: Role) -> Result<()> {
        let org = self.find_organisation(org).await?;
        self.check_owner(&org, actor, "change its members").await?;
        let member = self.find_user(username).await?;
        match self.store.set_member_role(org.id, member.id, role).await {
            Err(StoreError::Conflict(m)) => Err(AppError::Conflict(m)),
            other => Ok(other?),
        }
    }

    /// Removes a member: owners and admins, or members leaving of their own accord.
    pub async fn remove_member(&self, actor: &User, org: &str, username: &str) -> Result<()> {
        let org = self.find_organisation(org).await?;
        if actor.username != username {
            self.check_owner(&org, actor, "remove members").await?;
        }
        let member = self.find_user(username).await?;
        match self.store.remove_member(org.id, member.id).await {
            Ok(true) => Ok(()),
            Ok(false) => Err(AppError::not_found(format!("member {username:?} of {}", org.slug))),
            Err(StoreError::Conflict(m)) => Err(AppError::Conflict(m)),
            Err(e) => Err(e.into()),
        }
    }

    pub async fn organisation_page(&self, slug: &str) -> Result<OrganisationPage> {
        let org = self.find_organisation(slug).await?;
        let members = self
            .store
            .members(org.id)
            .await?
            .into_iter()
            .map(|m| MemberView { username: m.user.username, display_name: m.user.display_name, role: m.role })
            .collect();
        let stacks = self.stacks_of(&org.slug).await?;
        let followers = self.store.followers(Target::organisation(org.id)).await?;
        Ok(OrganisationPage { id: org.id, slug: org.slug, name: org.name, members, stacks, followers })
    }

    /// The organisations a user may post a decision for (those they belong to).
    pub async fn organisations_for_posting(&self, user: &User) -> Result<Vec<NameLink>> {
        Ok(self
            .store
            .organisations_of(user.id)
            .await?
            .into_iter()
            .map(|m| NameLink::new(m.organisation.slug, m.organisation.name))
            .collect())
    }
}
