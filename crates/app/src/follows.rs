//! Follows of tools, stacks and organisations, and the feed: what happened on what a user
//! follows (new decisions, comments on them, new pros and cons, stacks whose tools or versions
//! changed), newest first by when it happened, several happenings about one thing on one day
//! as one item.
//!
//! A target is named as in its page's URL: a tool by slug (`django`), a stack by
//! `owner/name`, an organisation by slug.

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use stackdex_store::{
    CommentId, DecisionId, Event, EventId, EventKind, FeedPosition, OrganisationId, ReasonId, ReasonKind, SnapshotId,
    StackId, Target, TargetKind, ToolId, User, UserId,
};
use strum::VariantArray;
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

/// A tool whose versions a stack changed: `PostgreSQL 15 → 16`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FeedVersionChange {
    pub tool: NameLink,
    /// The versions before, comma-separated as the stack lists them.
    pub from: String,
    pub to: String,
}

/// What one or more snapshots of a stack changed (added, then removed again, is no change).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FeedStack {
    pub owner: String,
    pub slug: String,
    pub name: String,
    /// The newest snapshot.
    #[schema(value_type = i64)]
    pub snapshot: SnapshotId,
    /// How many snapshots this item stands for.
    pub snapshots: usize,
    /// Tools added (the first 20), and how many in all.
    pub added: Vec<NameLink>,
    pub added_count: i64,
    pub removed: Vec<NameLink>,
    pub removed_count: i64,
    /// Tools whose versions changed (the first 20), and how many in all.
    pub changed: Vec<FeedVersionChange>,
    pub changed_count: i64,
}

/// A comment on a decision.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FeedComment {
    #[schema(value_type = i64)]
    pub id: CommentId,
    #[schema(value_type = i64)]
    pub decision: DecisionId,
    pub author: Option<Author>,
    /// The start of the comment, as plain text.
    pub excerpt: String,
    /// `/decisions/{decision}#comment-{id}`.
    pub url: String,
}

/// One item of the feed: a happening, or several of one kind about one thing on one day (the
/// pros and cons added to a tool, the comments on a decision, a stack's snapshots). `decision`
/// is set for decisions and comments, `reason` and `reasons` for pros and cons, `comments`
/// for comments, `stack` for stacks.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FeedItem {
    /// The newest event's id.
    #[schema(value_type = i64)]
    pub id: EventId,
    #[schema(value_type = String, example = "decision")]
    pub kind: EventKind,
    /// When the newest happened.
    pub created_at: i64,
    /// Who did the newest, when known.
    pub actor: Option<Author>,
    /// How many happenings the item stands for.
    pub count: usize,
    /// What the user follows that this is about.
    pub about: Vec<TargetView>,
    /// Where to read more.
    pub url: String,
    /// One line of plain text.
    pub summary: String,
    pub decision: Option<DecisionView>,
    /// The newest pro or con.
    pub reason: Option<FeedReason>,
    /// Every pro and con of the item, newest first (at most 10).
    pub reasons: Vec<FeedReason>,
    /// Every comment of the item, newest first (at most 10).
    pub comments: Vec<FeedComment>,
    pub stack: Option<FeedStack>,
}

impl FeedItem {
    pub fn date_fmt(&self) -> String {
        crate::format::date(self.created_at)
    }

    /// The title of the decision the item is about.
    pub fn decision_title(&self) -> String {
        self.decision.as_ref().map(|d| crate::format::excerpt(&d.body, 80)).unwrap_or_default()
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FeedPage {
    pub items: Vec<FeedItem>,
    /// Pass as `?before=` for the next (older) page; none on the last page.
    pub next_before: Option<String>,
    /// The kinds shown (all when the query named none).
    #[schema(value_type = Vec<String>)]
    pub kinds: Vec<EventKind>,
    /// Everything the user follows, most recent first.
    pub following: Vec<TargetView>,
}

impl FeedPage {
    /// Whether the page shows `kind` alone (`""`: every kind).
    pub fn shows_only(&self, kind: &str) -> bool {
        match self.kinds.as_slice() {
            [one] => one.as_str() == kind,
            all => kind.is_empty() && all.len() == EventKind::VARIANTS.len(),
        }
    }

    /// The `kind` parameter that asks for this page's kinds (empty for all of them).
    pub fn kind_param(&self) -> String {
        if self.kinds.len() == EventKind::VARIANTS.len() {
            return String::new();
        }
        self.kinds.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(",")
    }
}

/// Which part of the feed to read: `?before=` (the `next_before` of the page before: the
/// time and id of the first event to show, `1764000000.41`) and `?kind=` (comma-separated:
/// `decision`, `reason`, `stack`, `comment`; all when empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedQuery {
    before: FeedPosition,
    kinds: Vec<EventKind>,
}

impl FeedQuery {
    pub fn parse(before: Option<&str>, kinds: Option<&str>) -> Result<FeedQuery> {
        let before = match before.filter(|b| !b.is_empty()) {
            None => FeedPosition::START,
            Some(b) => b
                .split_once('.')
                .and_then(|(at, id)| Some(FeedPosition { at: at.parse().ok()?, id: id.parse().ok()? }))
                .ok_or_else(|| {
                    AppError::BadRequest(format!("before={b:?} is not a place in the feed (as in next_before)"))
                })?,
        };
        let mut parsed = Vec::new();
        for kind in kinds.unwrap_or("").split(',').map(str::trim).filter(|k| !k.is_empty()) {
            let kind: EventKind = kind.parse().map_err(|_| {
                AppError::BadRequest(format!("kind={kind:?}: the feed has decision, reason, stack and comment"))
            })?;
            if !parsed.contains(&kind) {
                parsed.push(kind);
            }
        }
        if parsed.is_empty() {
            parsed = EventKind::VARIANTS.to_vec();
        }
        Ok(FeedQuery { before, kinds: parsed })
    }
}

/// What the events of one feed item have in common.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Thing {
    /// One decision (its events differ only by the followed target).
    Decision(i64),
    /// Pros and cons of one tool on one day.
    Reasons { tool: i64, day: i64 },
    /// Comments on one decision on one day.
    Comments { decision: i64, day: i64 },
    /// Snapshots of one stack on one day.
    Stack { stack: i64, day: i64 },
}

fn thing_of(event: &Event) -> Option<Thing> {
    let day = event.created_at.div_euclid(86_400);
    Some(match event.kind {
        EventKind::Decision => Thing::Decision(event.subject),
        EventKind::Reason => Thing::Reasons { tool: event.target.id, day },
        EventKind::Comment => Thing::Comments { decision: event.payload["decision"].as_i64()?, day },
        EventKind::Stack => Thing::Stack { stack: stack_of(event)?.get(), day },
    })
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

    /// The user's feed: events on what they follow, newest first by when they happened,
    /// [`FEED_PAGE`] items a page; events about one thing are one item (see [`FeedItem`]).
    pub async fn feed(&self, user: &User, query: &FeedQuery) -> Result<FeedPage> {
        let mut groups: Vec<Vec<Event>> = Vec::new();
        let mut index: HashMap<Thing, usize> = HashMap::new();
        let mut position = query.before;
        let mut next_before = None;
        'fill: loop {
            let rows = self.store.feed_rows(user.id, &query.kinds, position, BATCH).await?;
            let exhausted = (rows.len() as i64) < BATCH;
            for row in rows {
                position = FeedPosition { at: row.created_at, id: row.id.get() };
                let Some(thing) = thing_of(&row) else { continue };
                if let Some(&i) = index.get(&thing) {
                    groups[i].push(row);
                    continue;
                }
                if groups.len() == FEED_PAGE {
                    // The next page starts at the first event of its first item.
                    let start = FeedPosition::at(&row);
                    next_before = Some(format!("{}.{}", start.at, start.id));
                    break 'fill;
                }
                index.insert(thing, groups.len());
                groups.push(vec![row]);
            }
            if exhausted {
                break;
            }
        }
        let items = self.feed_items(groups).await?;
        Ok(FeedPage { items, next_before, kinds: query.kinds.clone(), following: self.following(user).await? })
    }

    /// Turns groups of event rows (newest first, one group per item) into items, loading what
    /// they name in a few queries. What is gone since (a deleted pro) is left out.
    async fn feed_items(&self, groups: Vec<Vec<Event>>) -> Result<Vec<FeedItem>> {
        let subjects = |kind: EventKind| -> Vec<i64> {
            let all = groups.iter().flatten().filter(|e| e.kind == kind).map(|e| e.subject);
            all.collect::<HashSet<_>>().into_iter().collect()
        };
        let mut decision_ids: Vec<DecisionId> = subjects(EventKind::Decision).into_iter().map(DecisionId).collect();
        decision_ids.extend(
            groups
                .iter()
                .flatten()
                .filter(|e| e.kind == EventKind::Comment)
                .filter_map(|e| e.payload["decision"].as_i64())
                .map(DecisionId),
        );
        decision_ids.sort_unstable();
        decision_ids.dedup();
        let decisions: HashMap<DecisionId, DecisionView> = {
            let found = self.store.decisions_by_ids(&decision_ids).await?;
            self.decision_views(found, &mut Vec::new()).await?.into_iter().map(|d| (d.id, d)).collect()
        };
        let reason_ids: Vec<ReasonId> = subjects(EventKind::Reason).into_iter().map(ReasonId).collect();
        let reasons = self.store.reasons_by_ids(&reason_ids).await?;
        let comment_ids: Vec<CommentId> = subjects(EventKind::Comment).into_iter().map(CommentId).collect();
        let comments = self.store.comments_by_ids(&comment_ids).await?;
        // The followed targets, and the stacks of stack events (which may have reached the
        // user through the stack's organisation only).
        let mut targets: Vec<Target> = groups.iter().flatten().map(|e| e.target).collect();
        targets.extend(groups.iter().filter_map(|g| stack_of(&g[0])).map(Target::stack));
        let names = self.target_names(&targets).await?;
        let mut actor_ids: Vec<UserId> = groups.iter().flatten().filter_map(|e| e.actor_id).collect();
        actor_ids.extend(comments.values().filter_map(|c| c.author_id));
        actor_ids.sort_unstable();
        actor_ids.dedup();
        let actors = self.store.users_by_ids(&actor_ids).await?;
        let author = |id: Option<UserId>| id.and_then(|a| actors.get(&a)).map(Author::from);

        let mut items = Vec::with_capacity(groups.len());
        for group in groups {
            let first = &group[0];
            let mut about: Vec<TargetView> = Vec::new();
            for view in group.iter().filter_map(|e| names.get(&e.target)) {
                if !about.contains(view) {
                    about.push(view.clone());
                }
            }
            // One entry per happening (a happening has a row per followed target), newest first.
            let mut happenings: Vec<&Event> = Vec::new();
            for e in &group {
                if !happenings.iter().any(|h| h.subject == e.subject) {
                    happenings.push(e);
                }
            }
            let who = who_did(&happenings.iter().map(|e| author(e.actor_id)).collect::<Vec<_>>());
            let mut item = FeedItem {
                id: first.id,
                kind: first.kind,
                created_at: first.created_at,
                actor: author(first.actor_id),
                count: happenings.len(),
                about,
                url: String::new(),
                summary: String::new(),
                decision: None,
                reason: None,
                reasons: Vec::new(),
                comments: Vec::new(),
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
                    item.reasons = happenings
                        .iter()
                        .filter_map(|e| reasons.get(&ReasonId(e.subject)))
                        .filter_map(|r| {
                            let tool = self.tool_by_id(r.tool_id)?;
                            let (kind, text, votes) = (r.kind, r.text.clone(), r.votes);
                            Some(FeedReason { id: r.id, kind, text, votes, tool: NameLink::of(tool) })
                        })
                        .take(10)
                        .collect();
                    let Some(newest) = item.reasons.first().cloned() else { continue };
                    item.count = item.count.min(item.reasons.len().max(1));
                    item.summary = match item.reasons.as_slice() {
                        [one] => format!("{who} added a {} of {}: {}", one.kind, one.tool.name, one.text),
                        many => {
                            let pros = many.iter().filter(|r| r.kind == ReasonKind::Pro).count();
                            let what = match (pros, many.len() - pros) {
                                (_, 0) => "pros",
                                (0, _) => "cons",
                                _ => "pros and cons",
                            };
                            format!("{who} added {} {what} of {}", many.len(), newest.tool.name)
                        }
                    };
                    item.url = format!("/tools/{}#reason-{}", newest.tool.slug, newest.id);
                    item.reason = Some(newest);
                }
                EventKind::Comment => {
                    let Some(d) = first.payload["decision"].as_i64().and_then(|d| decisions.get(&DecisionId(d))) else {
                        continue;
                    };
                    item.comments = happenings
                        .iter()
                        .filter_map(|e| comments.get(&CommentId(e.subject)))
                        .map(|c| FeedComment {
                            id: c.id,
                            decision: d.id,
                            author: author(c.author_id),
                            excerpt: crate::format::excerpt(&c.body, 200),
                            url: format!("/decisions/{}#comment-{}", d.id, c.id),
                        })
                        .take(10)
                        .collect();
                    let Some(newest) = item.comments.first() else { continue };
                    item.url = newest.url.clone();
                    let title = crate::format::excerpt(&d.body, 80);
                    item.summary = match item.comments.len() {
                        1 => format!("{who} commented on “{title}”"),
                        n => format!("{who} left {n} comments on “{title}”"),
                    };
                    item.decision = Some(d.clone());
                }
                EventKind::Stack => {
                    let Some(view) = stack_of(first).and_then(|id| names.get(&Target::stack(id))) else { continue };
                    let Some(s) = self.merged_stack(view, &happenings) else { continue };
                    let mut parts = Vec::new();
                    if s.added_count > 0 {
                        parts.push(format!("{} added", s.added_count));
                    }
                    if s.removed_count > 0 {
                        parts.push(format!("{} removed", s.removed_count));
                    }
                    parts.extend(s.changed.iter().take(3).map(|c| format!("{} {} → {}", c.tool.name, c.from, c.to)));
                    if s.changed_count > 3 {
                        parts.push(format!("{} more versions", s.changed_count - 3));
                    }
                    item.summary = format!("{who} changed the stack {}: {}", view.key, parts.join(", "));
                    item.url = view.url.clone();
                    item.stack = Some(s);
                }
            }
            items.push(item);
        }
        Ok(items)
    }

    /// What the snapshots of one stack (newest first) changed, taken together: a tool added
    /// and removed again is no change, and a version changed twice goes from the first to the
    /// last. None when it all comes to nothing.
    fn merged_stack(&self, view: &TargetView, snapshots: &[&Event]) -> Option<FeedStack> {
        let (owner, slug) = view.key.split_once('/')?;
        let ids = |e: &Event, field: &str| -> Vec<ToolId> {
            e.payload[field].as_array().into_iter().flatten().filter_map(|v| v.as_i64()).map(ToolId).collect()
        };
        let count = |e: &Event, field: &str| e.payload[field].as_i64().unwrap_or(0);
        let (mut added, mut removed): (Vec<ToolId>, Vec<ToolId>) = (Vec::new(), Vec::new());
        let mut changed: Vec<(ToolId, String, String)> = Vec::new();
        // Counts beyond the listed tools (each event lists at most 20).
        let (mut added_unlisted, mut removed_unlisted, mut changed_unlisted) = (0, 0, 0);
        for e in snapshots.iter().rev() {
            for t in ids(e, "added") {
                if let Some(i) = removed.iter().position(|r| *r == t) {
                    removed.remove(i);
                } else if !added.contains(&t) {
                    added.push(t);
                }
            }
            for t in ids(e, "removed") {
                if let Some(i) = added.iter().position(|a| *a == t) {
                    added.remove(i);
                } else if !removed.contains(&t) {
                    removed.push(t);
                }
            }
            for c in e.payload["changed"].as_array().into_iter().flatten() {
                let (Some(tool), Some(from), Some(to)) = (c["tool"].as_i64(), c["from"].as_str(), c["to"].as_str())
                else {
                    continue;
                };
                match changed.iter_mut().find(|(t, _, _)| t.get() == tool) {
                    Some(entry) => entry.2 = to.to_owned(),
                    None => changed.push((ToolId(tool), from.to_owned(), to.to_owned())),
                }
            }
            added_unlisted += count(e, "added_count") - ids(e, "added").len() as i64;
            removed_unlisted += count(e, "removed_count") - ids(e, "removed").len() as i64;
            changed_unlisted += count(e, "changed_count") - e.payload["changed"].as_array().map_or(0, Vec::len) as i64;
        }
        changed.retain(|(_, from, to)| from != to);
        let links = |tools: &[ToolId]| -> Vec<NameLink> {
            tools.iter().filter_map(|t| self.tool_by_id(*t)).map(NameLink::of).take(20).collect()
        };
        let stack = FeedStack {
            owner: owner.to_owned(),
            slug: slug.to_owned(),
            name: view.name.clone(),
            snapshot: SnapshotId(snapshots.first()?.subject),
            snapshots: snapshots.len(),
            added_count: added.len() as i64 + added_unlisted.max(0),
            removed_count: removed.len() as i64 + removed_unlisted.max(0),
            changed_count: changed.len() as i64 + changed_unlisted.max(0),
            added: links(&added),
            removed: links(&removed),
            changed: changed
                .iter()
                .filter_map(|(t, from, to)| {
                    let tool = NameLink::of(self.tool_by_id(*t)?);
                    Some(FeedVersionChange { tool, from: from.clone(), to: to.clone() })
                })
                .take(20)
                .collect(),
        };
        (stack.added_count + stack.removed_count + stack.changed_count > 0).then_some(stack)
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

/// Who did the happenings of an item (newest first): `Ann`, `Ann and Bob`, `Ann and 3
/// others`, or `Someone`.
fn who_did(authors: &[Option<Author>]) -> String {
    let mut names: Vec<&str> = Vec::new();
    for name in authors.iter().flatten().map(|a| a.display_name.as_str()) {
        if !names.contains(&name) {
            names.push(name);
        }
    }
    match names.as_slice() {
        [] => "Someone".into(),
        [one] => (*one).to_owned(),
        [a, b] => format!("{a} and {b}"),
        [a, rest @ ..] => format!("{a} and {} others", rest.len()),
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
