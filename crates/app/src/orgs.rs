//! Organisations and their members, who may change which stacks, stacks edited by hand, and the
//! difference between two snapshots of a stack.

use std::collections::HashMap;

use serde::Serialize;
use stackdex_store::{Organisation, SnapshotTool, StackRef, StoreError, User};
use utoipa::ToSchema;

use crate::accounts::{Username, valid_handle};
use crate::views::NameLink;
use crate::{App, AppError, Result};

/// An organisation's role for a member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Owner,
    Member,
}

impl Role {
    pub fn parse(s: &str) -> Result<Role> {
        match s {
            "owner" => Ok(Role::Owner),
            "member" => Ok(Role::Member),
            _ => Err(AppError::BadRequest("a role is \"owner\" or \"member\"".into())),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Member => "member",
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MemberView {
    pub username: String,
    pub display_name: String,
    /// "owner" or "member".
    pub role: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StackLink {
    pub owner: String,
    pub slug: String,
    pub name: String,
    pub kind: String,
    pub updated_at: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrganisationPage {
    pub slug: String,
    pub name: String,
    pub members: Vec<MemberView>,
    pub stacks: Vec<StackLink>,
}

/// A tool whose versions differ between two snapshots.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VersionChange {
    pub slug: String,
    pub name: String,
    pub from: Vec<String>,
    pub to: Vec<String>,
}

/// What changed in a stack between two of its snapshots.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StackDiff {
    pub owner: String,
    pub stack: String,
    /// The older snapshot (none when `to` is the first).
    pub from: Option<i64>,
    pub to: i64,
    pub added: Vec<NameLink>,
    pub removed: Vec<NameLink>,
    pub changed: Vec<VersionChange>,
}

fn not_found(what: String) -> AppError {
    AppError::NotFound { what, suggestions: Vec::new() }
}

fn versions(s: &str) -> Vec<String> {
    s.split(',').map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned).collect()
}

impl App {
    pub async fn find_organisation(&self, slug: &str) -> Result<Organisation> {
        self.store.organisation(slug).await?.ok_or_else(|| not_found(format!("organisation {slug:?}")))
    }

    /// Creates an organisation owned by `user`. Its slug shares the namespace of usernames, as
    /// both own stacks under `/stacks/{owner}/...`.
    pub async fn create_organisation(&self, user: &User, slug: &str, name: &str) -> Result<Organisation> {
        let slug = Username::parse(slug)
            .map_err(|_| AppError::BadRequest("an organisation slug is 3 to 32 of a-z, 0-9, '-' and '_'".into()))?;
        let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() || name.chars().count() > 100 {
            return Err(AppError::BadRequest("an organisation name is 1 to 100 characters".into()));
        }
        if self.store.user_by_name(slug.as_str()).await?.is_some() {
            return Err(AppError::Conflict(format!("{} is taken", slug.as_str())));
        }
        match self.store.create_organisation(slug.as_str(), &name, user.id).await {
            Err(StoreError::Conflict(_)) => Err(AppError::Conflict(format!("{} is taken", slug.as_str()))),
            other => Ok(other?),
        }
    }

    /// The caller's role in `org`, if any.
    async fn role_in(&self, org: &Organisation, user: &User) -> Result<Option<Role>> {
        Ok(match self.store.role(org.id, user.id).await?.as_deref() {
            Some("owner") => Some(Role::Owner),
            Some("member") => Some(Role::Member),
            _ => None,
        })
    }

    /// Adds a member or changes their role: owners and admins only.
    pub async fn set_member(&self, actor: &User, org: &str, username: &str, role: Role) -> Result<()> {
        let org = self.find_organisation(org).await?;
        if !actor.is_admin && self.role_in(&org, actor).await? != Some(Role::Owner) {
            return Err(AppError::Forbidden(format!("only an owner of {} can change its members", org.slug)));
        }
        let member = self.store.user_by_name(username).await?.ok_or_else(|| not_found(format!("user {username:?}")))?;
        match self.store.set_member_role(org.id, member.id, role.as_str()).await {
            Err(StoreError::Conflict(m)) => return Err(AppError::Conflict(m)),
            other => other?,
        }
        Ok(())
    }

    /// Removes a member: owners and admins, or members leaving of their own accord.
    pub async fn remove_member(&self, actor: &User, org: &str, username: &str) -> Result<()> {
        let org = self.find_organisation(org).await?;
        let leaving = actor.username == username;
        if !leaving && !actor.is_admin && self.role_in(&org, actor).await? != Some(Role::Owner) {
            return Err(AppError::Forbidden(format!("only an owner of {} can remove members", org.slug)));
        }
        let member = self.store.user_by_name(username).await?.ok_or_else(|| not_found(format!("user {username:?}")))?;
        match self.store.remove_member(org.id, member.id).await {
            Ok(true) => Ok(()),
            Ok(false) => Err(not_found(format!("member {username:?} of {}", org.slug))),
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
            .map(|(u, role)| MemberView { username: u.username, display_name: u.display_name, role })
            .collect();
        let stacks = self.stack_links(&org.slug).await?;
        Ok(OrganisationPage { slug: org.slug, name: org.name, members, stacks })
    }

    pub async fn stack_links(&self, owner: &str) -> Result<Vec<StackLink>> {
        Ok(self
            .store
            .stacks_of(owner)
            .await?
            .into_iter()
            .map(|s| StackLink {
                owner: s.stack.owner,
                slug: s.stack.slug,
                name: s.stack.name,
                kind: s.stack.kind,
                updated_at: s.updated_at,
            })
            .collect())
    }

    /// Whose stacks `owner` names, if `user` may change them: the user's own; an
    /// organisation's, for its members; any, for admins.
    pub async fn stack_owner_for(&self, user: &User, owner: &str, name: &str) -> Result<StackRef> {
        if !valid_handle(owner) || !valid_handle(name) {
            return Err(AppError::BadRequest("a stack is OWNER/NAME of letters, digits, '-', '_' and '.'".into()));
        }
        let mut stack = StackRef::repository(owner, name);
        if owner == user.username {
            return Ok(stack);
        }
        if let Some(org) = self.store.organisation(owner).await? {
            stack.owner_kind = "organisation".into();
            if user.is_admin || self.role_in(&org, user).await?.is_some() {
                return Ok(stack);
            }
        } else if user.is_admin && self.store.user_by_name(owner).await?.is_some() {
            return Ok(stack);
        }
        Err(AppError::Forbidden(format!("{} cannot change {owner}'s stacks", user.username)))
    }

    /// A stack edited by hand: its tools become exactly `tools` (slugs, aliases or names),
    /// keeping the versions and files of tools it had. Recorded as a snapshot ("edit").
    pub async fn edit_stack(&self, user: &User, owner: &str, name: &str, tools: &[String]) -> Result<i64> {
        let stack = self.stack_owner_for(user, owner, name).await?;
        if tools.len() > 1_000 {
            return Err(AppError::BadRequest("a stack holds at most 1,000 tools".into()));
        }
        let mut unknown = Vec::new();
        let mut ids = Vec::new();
        for t in tools.iter().map(|t| t.trim()).filter(|t| !t.is_empty()) {
            match self.resolve_tool(t) {
                Some(id) if !ids.contains(&id) => ids.push(id),
                Some(_) => {}
                None => unknown.push(t.chars().take(60).collect::<String>()),
            }
        }
        if !unknown.is_empty() {
            let suggestions = unknown.iter().flat_map(|u| crate::search::closest_tools(self.catalog, u, 2)).collect();
            return Err(AppError::NotFound { what: format!("the tools {}", unknown.join(", ")), suggestions });
        }
        let previous: HashMap<_, SnapshotTool> = match self.store.stack(owner, name).await? {
            Some(s) => self.store.stack_tools(s.id).await?.into_iter().map(|t| (t.tool_id, t)).collect(),
            None => HashMap::new(),
        };
        let tools = ids
            .into_iter()
            .map(|id| {
                previous.get(&id).cloned().unwrap_or(SnapshotTool {
                    tool_id: id,
                    versions: String::new(),
                    sources: String::new(),
                })
            })
            .collect();
        let snapshot = stackdex_store::NewSnapshot {
            stack,
            author_id: Some(user.id),
            source: "edit".into(),
            tools,
            created_at: stackdex_store::now(),
        };
        Ok(self.store.push_snapshots(&[snapshot]).await?[0])
    }

    /// A tool by slug, alias or exact name (any case).
    fn resolve_tool(&self, s: &str) -> Option<stackdex_store::ToolId> {
        let lower = s.to_lowercase();
        let tool = self
            .catalog
            .tool(&lower)
            .or_else(|| self.catalog.tools().iter().find(|t| t.name.eq_ignore_ascii_case(s)))?;
        self.tool_id(&tool.slug)
    }

    /// What changed between two snapshots of a stack; by default the latest and the one
    /// before it.
    pub async fn stack_diff(&self, owner: &str, slug: &str, from: Option<i64>, to: Option<i64>) -> Result<StackDiff> {
        let stack = self.store.stack(owner, slug).await?.ok_or_else(|| not_found(format!("stack {owner}/{slug}")))?;
        let history = self.store.snapshots(stack.id, 10_000).await?;
        let known = |id: i64| history.iter().any(|s| s.id == id);
        let to = match to {
            Some(id) if known(id) => id,
            Some(id) => return Err(not_found(format!("snapshot {id} of {owner}/{slug}"))),
            None => history.first().map(|s| s.id).ok_or_else(|| not_found("a snapshot".into()))?,
        };
        let from = match from {
            Some(id) if known(id) => Some(id),
            Some(id) => return Err(not_found(format!("snapshot {id} of {owner}/{slug}"))),
            None => history.iter().map(|s| s.id).find(|&id| id < to),
        };
        let new: HashMap<_, _> =
            self.store.snapshot_tools(stack.id, to).await?.into_iter().map(|t| (t.tool_id, t.versions)).collect();
        let old: HashMap<_, _> = match from {
            Some(f) => {
                self.store.snapshot_tools(stack.id, f).await?.into_iter().map(|t| (t.tool_id, t.versions)).collect()
            }
            None => HashMap::new(),
        };
        let link = |id| self.tool_by_id(id).map(|t| NameLink { slug: t.slug.clone(), name: t.name.clone() });
        let by_name = |v: &mut Vec<NameLink>| v.sort_by_key(|a| a.name.to_lowercase());
        let mut added: Vec<NameLink> =
            new.keys().filter(|id| !old.contains_key(id)).filter_map(|&id| link(id)).collect();
        let mut removed: Vec<NameLink> =
            old.keys().filter(|id| !new.contains_key(id)).filter_map(|&id| link(id)).collect();
        by_name(&mut added);
        by_name(&mut removed);
        let mut changed: Vec<VersionChange> = new
            .iter()
            .filter_map(|(id, v)| {
                let before = old.get(id)?;
                if before == v {
                    return None;
                }
                let t = link(*id)?;
                Some(VersionChange { slug: t.slug, name: t.name, from: versions(before), to: versions(v) })
            })
            .collect();
        changed.sort_by_key(|a| a.name.to_lowercase());
        Ok(StackDiff { owner: owner.to_owned(), stack: slug.to_owned(), from, to, added, removed, changed })
    }
}
