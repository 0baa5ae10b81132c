//! Follows of tools, stacks and organisations, and the feed: what happened on what a user
//! follows (new decisions, new pros and cons, stacks whose tools changed), newest first.
//!
//! A target is named as in its page's URL: a tool by slug (`django`), a stack by
//! `owner/name`, an organisation by slug.

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use stackdex_store::{
    DecisionId, Event, EventId, EventKind, OrganisationId, ReasonId, ReasonKind, SnapshotId, StackId, Target,
    TargetKind, ToolId, User, UserId,
};
use utoipa::ToSchema;

use crate::views::{Author, DecisionView, NameLink};
use crate::{App, AppError, Result};

/// Feed items per page.
pub const FEED_PAGE: usize = 20;
/// Event rows read per query while a page is filled.
const BATCH: i64 = 200;

/// A followable thing as pages and the API name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct TargetView {
    #[schema(value_type = String, example = "tool")]
    pub kind: TargetKind,
    /// The slug, or `owner/name` for a stack.
    pub key: String,
    pub name: String,
    /// Its page: `/tools/{slug}`, `/stacks/{owner}/{name}`, `/organisations/{slug}`.
    pub url: String,
}

/// Whether the user follows a target now, and how many do.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FollowState {
    pub target: TargetView,
    pub following: bool,
    pub followers: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FeedReason {
    #[schema(value_type = i64)]
    pub id: ReasonId,
    #[schema(value_type = String, example = "pro")]
    pub kind: ReasonKind,
    pub text: String,
    pub votes: i64,
    pub tool: NameLink,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FeedStack {
    pub owner: String,
    pub slug: String,
    pub name: String,
    #[schema(value_type = i64)]
    pub snapshot: SnapshotId,
    /// Tools added by this snapshot (the first 20), and how many in all.
    pub added: Vec<NameLink>,
    pub added_count: i64,
    pub removed: Vec<NameLink>,
    pub removed_count: i64,
}

/// One happening; exactly one of `decision`, `reason` and `stack` is set, after `kind`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FeedItem {
    /// The event id (cursor order).
    #[schema(value_type = i64)]
    pub id: EventId,
    #[schema(value_type = String, example = "decision")]
    pub kind: EventKind,
    pub created_at: i64,
    /// Who did it, when known.
    pub actor: Option<Author>,
    /// What the user follows that this is about.
    pub about: Vec<TargetView>,
    /// Where to read more.
    pub url: String,
    /// One line of plain text.
    pub summary: String,
    pub decision: Option<DecisionView>,
    pub reason: Option<FeedReason>,
    pub stack: Option<FeedStack>,
}

impl FeedItem {
    pub fn date_fmt(&self) -> String {
        crate::format::date(self.created_at)
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FeedPage {
    pub items: Vec<FeedItem>,
    /// Pass as `?before=` for the next (older) page; none on the last page.
    #[schema(value_type = Option<i64>)]
    pub next_before: Option<EventId>,
    /// Everything the user follows, most recent first.
    pub following: Vec<TargetView>,
}

impl App {
    /// The target a kind and key name (`tool`/`django`, `stack`/`acme/api`,
    /// `organisation`/`acme`).
    pub async fn resolve_target(&self, kind: TargetKind, key: &str) -> Result<(Target, TargetView)> {
        match kind {
            TargetKind::Tool => {
                let (tool, id) = self.known_tool(key)?;
                Ok((Target::tool(id), tool_view(tool)))
            }
            TargetKind::Stack => {
                let (owner, name) = key.split_once('/').ok_or_else(|| {
                    AppError::BadRequest("a stack is named OWNER/NAME, as in its page's address".into())
                })?;
                let stack = self
                    .store
                    .stack(owner, name)
                    .await?
                    .ok_or_else(|| AppError::not_found(format!("stack {owner}/{name}")))?;
                Ok((Target::stack(stack.id), stack_view(&stack.stack.owner, &stack.stack.slug, &stack.stack.name)))
            }
            TargetKind::Organisation => {
                let org = self.find_organisation(key).await?;
                Ok((Target::organisation(org.id), org_view(&org)))
            }
        }
    }

    /// Follows (`on`) or unfollows a target; doing it twice changes nothing.
    pub async fn set_follow(&self, user: &User, kind: TargetKind, key: &str, on: bool) -> Result<FollowState> {
        let (target, view) = self.resolve_target(kind, key).await?;
        if on {
            self.store.follow(user.id, target).await?;
        } else {
            self.store.unfollow(user.id, target).await?;
        }
        Ok(FollowState { target: view, following: on, followers: self.store.followers(target).await? })
    }

    pub async fn follow_state(&self, user: &User, kind: TargetKind, key: &str) -> Result<FollowState> {
        let (target, view) = self.resolve_target(kind, key).await?;
        Ok(FollowState {
            target: view,
            following: self.store.is_following(user.id, target).await?,
            followers: self.store.followers(target).await?,
        })
    }

    /// How many follow a target (for pages that show it to anyone, signed in or not).
    pub async fn followers_of(&self, kind: TargetKind, key: &str) -> Result<i64> {
        let (target, _) = self.resolve_target(kind, key).await?;
        Ok(self.store.followers(target).await?)
    }

    /// What a user follows, most recent first.
    pub async fn following(&self, user: &User) -> Result<Vec<TargetView>> {
        let targets = self.store.follows_of(user.id).await?;
        let names = self.target_names(&targets).await?;
        Ok(targets.iter().filter_map(|t| names.get(t).cloned()).collect())
    }

    /// The user's feed: events on what they follow with an id below `before`, newest first,
    /// [`FEED_PAGE`] happenings a page (a decision about two followed tools is one item).
    pub async fn feed(&self, user: &User, before: Option<EventId>) -> Result<FeedPage> {
        let mut groups: Vec<Vec<Event>> = Vec::new();
        let mut index: HashMap<(EventKind, i64), usize> = HashMap::new();
        let mut cursor = before.map_or(i64::MAX, EventId::get);
        let mut next_before = None;
        'fill: loop {
            let rows = self.store.feed_rows(user.id, cursor, BATCH).await?;
            let exhausted = (rows.len() as i64) < BATCH;
            for row in rows {
                cursor = row.id.get();
                let key = (row.kind, row.subject);
                if let Some(&i) = index.get(&key) {
                    groups[i].push(row);
                    continue;
                }
                if groups.len() == FEED_PAGE {
                    // The first row of the next page's first item: the next page starts there.
                    next_before = Some(EventId(row.id.get() + 1));
                    break 'fill;
                }
                index.insert(key, groups.len());
                groups.push(vec![row]);
            }
            if exhausted {
                break;
            }
        }
        let items = self.feed_items(groups).await?;
        Ok(FeedPage { items, next_before, following: self.following(user).await? })
    }

    /// Turns groups of event rows (one group per happening) into items, loading what they
    /// name in a few queries. Happenings whose subject is gone are left out.
    async fn feed_items(&self, groups: Vec<Vec<Event>>) -> Result<Vec<FeedItem>> {
        let subjects = |kind: EventKind| -> Vec<i64> {
            groups.iter().filter(|g| g[0].kind == kind).map(|g| g[0].subject).collect()
        };
        let decisions: HashMap<DecisionId, DecisionView> = {
            let ids: Vec<DecisionId> = subjects(EventKind::Decision).into_iter().map(DecisionId).collect();
            let found = self.store.decisions_by_ids(&ids).await?;
            self.decision_views(found, &mut Vec::new()).await?.into_iter().map(|d| (d.id, d)).collect()
        };
        let reason_ids: Vec<ReasonId> = subjects(EventKind::Reason).into_iter().map(ReasonId).collect();
        let reasons = self.store.reasons_by_ids(&reason_ids).await?;
        // The followed targets, and the stacks of stack events (which may have reached the
        // user through the stack's organisation only).
        let mut targets: Vec<Target> = groups.iter().flatten().map(|e| e.target).collect();
        targets.extend(groups.iter().filter_map(|g| stack_of(&g[0])).map(Target::stack));
        let names = self.target_names(&targets).await?;
        let actor_ids: Vec<UserId> =
            groups.iter().filter_map(|g| g[0].actor_id).collect::<HashSet<_>>().into_iter().collect();
        let actors = self.store.users_by_ids(&actor_ids).await?;
        let mut items = Vec::with_capacity(groups.len());
        for group in groups {
            let first = &group[0];
            let about: Vec<TargetView> = group.iter().filter_map(|e| names.get(&e.target).cloned()).collect();
            let actor = first.actor_id.and_then(|a| actors.get(&a)).map(Author::from);
            let who = actor.as_ref().map_or("Someone".to_owned(), |a| a.display_name.clone());
            let mut item = FeedItem {
                id: first.id,
                kind: first.kind,
                created_at: first.created_at,
                actor,
                about,
                url: String::new(),
                summary: String::new(),
                decision: None,
                reason: None,
                stack: None,
            };
            match first.kind {
                EventKind::Decision => {
                    let Some(d) = decisions.get(&DecisionId(first.subject)) else { continue };
                    let tools: Vec<&str> = d.tools.iter().map(|t| t.name.as_str()).collect();
                    let verb = match d.kind {
                        stackdex_store::DecisionKind::NeedsAdvice => "asked for advice on",
                        stackdex_store::DecisionKind::Decided => "decided on",
                    };
                    item.summary = format!("{who} {verb} {}", and_list(&tools));
                    item.url = format!("/decisions/{}", d.id);
                    item.decision = Some(d.clone());
                }
                EventKind::Reason => {
                    let Some(r) = reasons.get(&ReasonId(first.subject)) else { continue };
                    let Some(tool) = self.tool_by_id(r.tool_id) else { continue };
                    item.summary = format!("{who} added a {} of {}: {}", r.kind, tool.name, r.text);
                    item.url = format!("/tools/{}#reason-{}", tool.slug, r.id);
                    item.reason = Some(FeedReason {
                        id: r.id,
                        kind: r.kind,
                        text: r.text.clone(),
                        votes: r.votes,
                        tool: NameLink::of(tool),
                    });
                }
                EventKind::Stack => {
                    let Some(view) = stack_of(first).and_then(|id| names.get(&Target::stack(id))) else { continue };
                    let Some((owner, slug)) = view.key.split_once('/') else { continue };
                    let tools = |field: &str| -> Vec<NameLink> {
                        first.payload[field]
                            .as_array()
                            .into_iter()
                            .flatten()
                            .filter_map(|v| self.tool_by_id(ToolId(v.as_i64()?)))
                            .map(NameLink::of)
                            .collect()
                    };
                    let s = FeedStack {
                        owner: owner.to_owned(),
                        slug: slug.to_owned(),
                        name: view.name.clone(),
                        snapshot: SnapshotId(first.subject),
                        added: tools("added"),
                        added_count: first.payload["added_count"].as_i64().unwrap_or(0),
                        removed: tools("removed"),
                        removed_count: first.payload["removed_count"].as_i64().unwrap_or(0),
                    };
                    item.summary = format!(
                        "{who} changed the stack {}: {} added, {} removed",
                        view.key, s.added_count, s.removed_count
                    );
                    item.url = view.url.clone();
                    item.stack = Some(s);
                }
            }
            items.push(item);
        }
        Ok(items)
    }

    /// Names and links of targets, loaded in one query per kind.
    async fn target_names(&self, targets: &[Target]) -> Result<HashMap<Target, TargetView>> {
        let ids = |kind: TargetKind| -> Vec<i64> {
            targets.iter().filter(|t| t.kind == kind).map(|t| t.id).collect::<HashSet<_>>().into_iter().collect()
        };
        let mut out = HashMap::new();
        for id in ids(TargetKind::Tool) {
            if let Some(tool) = self.tool_by_id(ToolId(id)) {
                out.insert(Target::tool(ToolId(id)), tool_view(tool));
            }
        }
        let stacks: Vec<StackId> = ids(TargetKind::Stack).into_iter().map(StackId).collect();
        for (id, s) in self.store.stack_names(&stacks).await? {
            out.insert(Target::stack(id), stack_view(&s.owner, &s.slug, &s.name));
        }
        let orgs: Vec<OrganisationId> = ids(TargetKind::Organisation).into_iter().map(OrganisationId).collect();
        for (id, org) in self.store.organisations_by_ids(&orgs).await? {
            out.insert(Target::organisation(id), org_view(&org));
        }
        Ok(out)
    }
}

/// The stack a stack event is about.
fn stack_of(event: &Event) -> Option<StackId> {
    if event.kind != EventKind::Stack {
        return None;
    }
    let id = event.payload["stack"].as_i64().or((event.target.kind == TargetKind::Stack).then_some(event.target.id));
    id.map(StackId)
}

fn tool_view(tool: &stackdex_catalog::Tool) -> TargetView {
    TargetView {
        kind: TargetKind::Tool,
        key: tool.slug.clone(),
        name: tool.name.clone(),
        url: format!("/tools/{}", tool.slug),
    }
}

fn stack_view(owner: &str, slug: &str, name: &str) -> TargetView {
    TargetView {
        kind: TargetKind::Stack,
        key: format!("{owner}/{slug}"),
        name: name.to_owned(),
        url: format!("/stacks/{owner}/{slug}"),
    }
}

fn org_view(org: &stackdex_store::Organisation) -> TargetView {
    TargetView {
        kind: TargetKind::Organisation,
        key: org.slug.clone(),
        name: org.name.clone(),
        url: format!("/organisations/{}", org.slug),
    }
}

/// `A`, `A and B`, `A, B and C`.
fn and_list(names: &[&str]) -> String {
    match names {
        [] => "nothing".into(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn and_list_reads_naturally() {
        assert_eq!(super::and_list(&["Django"]), "Django");
        assert_eq!(super::and_list(&["Django", "Rust"]), "Django and Rust");
        assert_eq!(super::and_list(&["A", "B", "C"]), "A, B and C");
    }
}
