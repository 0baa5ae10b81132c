//! Stacks: the stack page (tools by layer, history), who may change a stack, snapshots from a
//! pushed scan report, from a Stack File import or from tools picked by hand, and the
//! difference between two snapshots.

use std::collections::HashMap;

use serde::Serialize;
use stackdex_catalog::Tool;
use stackdex_store::{
    NewSnapshot, OwnerKind, SnapshotDetails, SnapshotId, SnapshotSource, SnapshotTool, StackFilter, StackId, StackKind,
    StackOrder, StackRef, StackSummary, Target, ToolId, User,
};
use utoipa::ToSchema;

use crate::views::{NameLink, StackLink, initial};
use crate::{App, AppError, Result, format};

mod history;
mod origin;
mod report;
mod timeline;

pub use history::{HistoryEntry, HistoryPushed, MAX_HISTORY_SNAPSHOTS, PushHistory};
pub use origin::{OriginView, commit_url};
pub use report::{PushComponent, PushGit, PushLanguage, PushReport, PushSource, PushTool, StackFileImport};
pub use timeline::{Bar, Span, StackTimeline, TimelineChange, TimelinePoint, ToolSpans};

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StackPage {
    /// Its row, for the follow toggle (not in the JSON).
    #[serde(skip)]
    pub id: StackId,
    pub owner: String,
    pub slug: String,
    pub name: String,
    #[schema(value_type = String, example = "repository")]
    pub kind: StackKind,
    pub updated_at: i64,
    /// What the stack is, in its owner's words (plain text; "" when none).
    pub description: String,
    pub layers: Vec<LayerGroup>,
    /// The code languages of the latest scan, by share of code bytes (empty when made by hand).
    pub languages: Vec<LanguageView>,
    /// The components of a monorepo (folders with a manifest of their own) and their tools,
    /// as the latest scan found them.
    pub components: Vec<ComponentView>,
    /// The git checkout the latest snapshot was scanned in, when it was one.
    pub origin: Option<OriginView>,
    pub snapshots: Vec<SnapshotView>,
    /// When each tool came and went, over all its snapshots.
    pub timeline: StackTimeline,
    /// How many follow it (shown on the page; its JSON twin does not carry it).
    #[serde(skip)]
    pub followers: i64,
    /// Whether the visitor may change it (the page shows "Edit" only then).
    #[serde(skip)]
    pub editable: bool,
}

impl StackPage {
    /// `owner/slug`, as follows name a stack.
    pub fn key(&self) -> String {
        format!("{}/{}", self.owner, self.slug)
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LayerGroup {
    pub layer: NameLink,
    pub tools: Vec<StackToolView>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StackToolView {
    pub slug: String,
    pub name: String,
    pub logo: Option<String>,
    pub subcategory: String,
    /// Versions seen, as pushed.
    pub versions: Vec<String>,
    /// Files that showed the tool; empty when added by hand.
    pub sources: Vec<String>,
}

impl StackToolView {
    pub fn initial(&self) -> String {
        initial(&self.name)
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SnapshotView {
    #[schema(value_type = i64)]
    pub id: SnapshotId,
    /// Its number in the stack's history (v1, v2, ...), as diff links take it.
    pub number: i64,
    #[schema(value_type = String, example = "push")]
    pub source: SnapshotSource,
    pub created_at: i64,
    pub tools: i64,
    /// The commit it was scanned at, when pushed from a git checkout.
    pub commit: Option<String>,
    pub branch: Option<String>,
}

/// A language of the latest scan.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LanguageView {
    pub slug: String,
    pub name: String,
    pub bytes: u64,
    /// Its share of the code bytes, 0 to 1.
    pub share: f64,
}

impl LanguageView {
    /// The share as the page writes it: `72.4%`, or `<0.1%`.
    pub fn percent(&self) -> String {
        let p = self.share * 100.0;
        if p > 0.0 && p < 0.1 { "<0.1%".into() } else { format!("{p:.1}%") }
    }

    /// The share in per cent, for the bar's widths.
    pub fn width(&self) -> f64 {
        (self.share * 100.0).clamp(0.0, 100.0)
    }
}

/// A component of a monorepo with the tools of its own files.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ComponentView {
    /// Relative to the repository; `.` is its root.
    pub path: String,
    pub name: String,
    pub tools: Vec<NameLink>,
}

impl SnapshotView {
    pub fn date_fmt(&self) -> String {
        format::date(self.created_at)
    }

    /// The commit's first 12 digits.
    pub fn short_commit(&self) -> Option<&str> {
        self.commit.as_deref().map(|c| &c[..c.len().min(12)])
    }
}

/// A stack in a list of an owner's stacks.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StackEntry {
    pub owner: String,
    pub slug: String,
    pub name: String,
    #[schema(value_type = String, example = "repository")]
    pub kind: StackKind,
    pub updated_at: i64,
}

/// The stacks index: a page of stacks, of one kind or using one tool if asked.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StacksIndex {
    pub stacks: Vec<StackEntry>,
    pub paging: crate::views::Paging,
    #[schema(value_type = Option<String>)]
    pub kind: Option<StackKind>,
    pub tool: Option<NameLink>,
    /// `recent` or `name`.
    pub order: String,
}

impl StacksIndex {
    /// The list's query string, without the page (for the pager's links).
    pub fn query(&self) -> String {
        let mut q = String::new();
        if let Some(kind) = self.kind {
            q.push_str(&format!("kind={kind}&"));
        }
        if let Some(tool) = &self.tool {
            q.push_str(&format!("tool={}&", tool.slug));
        }
        q.push_str(&format!("order={}&", self.order));
        q
    }
}

/// Stacks per page of the index.
const STACKS_PER_PAGE: usize = 30;

impl From<StackSummary> for StackEntry {
    fn from(s: StackSummary) -> StackEntry {
        StackEntry {
            owner: s.stack.owner,
            slug: s.stack.slug,
            name: s.stack.name,
            kind: s.stack.kind,
            updated_at: s.updated_at,
        }
    }
}

impl StackEntry {
    pub fn date_fmt(&self) -> String {
        format::date(self.updated_at)
    }
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
    /// The older snapshot's id (none when `to` is the first).
    #[schema(value_type = Option<i64>)]
    pub from: Option<SnapshotId>,
    /// Its number in the stack's history (v1, v2, ...).
    pub from_number: Option<i64>,
    /// The newer snapshot's id.
    #[schema(value_type = i64)]
    pub to: SnapshotId,
    pub to_number: i64,
    pub added: Vec<NameLink>,
    pub removed: Vec<NameLink>,
    pub changed: Vec<VersionChange>,
}

/// The diff page: the difference, and the stack's history to pick snapshots from.
#[derive(Debug, Clone)]
pub struct DiffPage {
    pub diff: StackDiff,
    pub stack: StackPage,
}

/// What a pushed or imported snapshot became.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Pushed {
    /// The new snapshot, or the latest one when nothing changed.
    #[schema(value_type = i64)]
    pub id: SnapshotId,
    /// Its number in the stack's history (v1, v2, ...).
    pub number: i64,
    /// True when the push held what the latest snapshot holds: nothing was recorded.
    pub unchanged: bool,
    /// Slugs the catalog does not know (left out).
    pub unknown_tools: Vec<String>,
}

/// A stack is named `OWNER/NAME`, each 1 to 100 of a-z, A-Z, 0-9, `-`, `_`, `.`.
pub fn valid_handle(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 100
        && s != "."
        && s != ".."
        && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

fn bad_address() -> AppError {
    AppError::invalid("name", "a stack is OWNER/NAME of letters, digits, '-', '_' and '.'")
}

/// Most tools a stack edited by hand may hold.
const MAX_EDITED_TOOLS: usize = 1_000;
/// Longest stack description, in characters.
pub const MAX_DESCRIPTION: usize = 500;

impl App {
    /// A stack with its current tools grouped by layer, and its history.
    pub async fn stack_page(&self, owner: &str, slug: &str) -> Result<StackPage> {
        self.stack_page_for(None, owner, slug).await
    }

    /// The stack page as `viewer` sees it: with "Edit" when they may change it.
    pub async fn stack_page_for(&self, viewer: Option<&User>, owner: &str, slug: &str) -> Result<StackPage> {
        let stack = self.find_stack(owner, slug).await?;
        let split = |s: &str| {
            // Each once: a tool several packages of one manifest show (six `@codemirror/*` in
            // web/package.json) names that file once.
            let mut seen = std::collections::HashSet::new();
            s.split(',').map(str::trim).filter(|x| !x.is_empty() && seen.insert(*x)).map(str::to_owned).collect()
        };
        let mut tools: Vec<(&'static Tool, SnapshotTool)> = self
            .store
            .stack_tools(stack.id)
            .await?
            .into_iter()
            .filter_map(|t| Some((self.tool_by_id(t.tool_id)?, t)))
            .collect();
        tools.sort_by_key(|(t, _)| t.name.to_lowercase());
        let mut groups: Vec<LayerGroup> = Vec::new();
        for layer in self.catalog.layers() {
            let in_layer: Vec<StackToolView> = tools
                .iter()
                .filter(|(t, _)| t.layer == layer.slug)
                .map(|(t, row)| StackToolView {
                    slug: t.slug.clone(),
                    name: t.name.clone(),
                    logo: crate::views::logo_url(&t.slug),
                    subcategory: self.catalog.place(t).subcategory.name.clone(),
                    versions: split(&row.versions),
                    sources: split(&row.sources),
                })
                .collect();
            if !in_layer.is_empty() {
                groups
                    .push(LayerGroup { layer: NameLink::new(layer.slug.clone(), layer.name.clone()), tools: in_layer });
            }
        }
        let history = self.store.snapshots(stack.id, 50).await?;
        let origin = history.first().and_then(|latest| OriginView::of(&latest.origin));
        let snapshots = history
            .into_iter()
            .map(|s| SnapshotView {
                id: s.id,
                number: s.number,
                source: s.source,
                created_at: s.created_at,
                tools: s.tools,
                commit: s.origin.commit_sha,
                branch: s.origin.branch,
            })
            .collect();
        let (languages, components) = self.store.latest_details(stack.id).await?;
        let languages = languages
            .into_iter()
            .filter(|l| l.share > 0.0)
            .map(|l| LanguageView { slug: l.slug, name: l.name, bytes: l.bytes, share: l.share })
            .collect();
        let components = components
            .into_iter()
            .map(|c| {
                let mut tools: Vec<NameLink> =
                    c.tools.iter().filter_map(|t| self.catalog.tool(t)).map(NameLink::of).collect();
                tools.sort_by_key(|t| t.name.to_lowercase());
                tools.dedup_by(|a, b| a.slug == b.slug);
                ComponentView { path: c.path, name: c.name, tools }
            })
            .collect();
        let followers = self.store.followers(Target::stack(stack.id)).await?;
        let editable = match viewer {
            Some(user) => self.stack_owner_for(user, owner, slug).await.is_ok(),
            None => false,
        };
        let description = self.store.stack_description(stack.id).await?.unwrap_or_default();
        let timeline = self.stack_timeline(stack.id).await?;
        Ok(StackPage {
            id: stack.id,
            description,
            owner: stack.stack.owner,
            slug: stack.stack.slug,
            name: stack.stack.name,
            kind: stack.stack.kind,
            updated_at: stack.updated_at,
            layers: groups,
            languages,
            components,
            origin,
            snapshots,
            timeline,
            followers,
            editable,
        })
    }

    async fn find_stack(&self, owner: &str, slug: &str) -> Result<StackSummary> {
        self.store.stack(owner, slug).await?.ok_or_else(|| AppError::not_found(format!("stack {owner}/{slug}")))
    }

    /// The stacks of a user or organisation, by name.
    pub async fn stacks_of(&self, owner: &str) -> Result<Vec<StackEntry>> {
        Ok(self.store.stacks_of(owner).await?.into_iter().map(StackEntry::from).collect())
    }

    /// A page of the stacks index.
    pub async fn stacks_index(
        &self,
        kind: Option<StackKind>,
        tool: Option<&str>,
        by_name: bool,
        page: usize,
    ) -> Result<StacksIndex> {
        let tool = match tool {
            Some(slug) => Some(self.known_tool(slug)?),
            None => None,
        };
        let filter = StackFilter { kind, tool: tool.map(|(_, id)| id) };
        let total = self.store.count_stacks(filter).await? as usize;
        let paging = crate::views::Paging::of(page, STACKS_PER_PAGE, total)?;
        let order = if by_name { StackOrder::Name } else { StackOrder::Recent };
        let found = self
            .store
            .list_stacks(filter, order, STACKS_PER_PAGE as i64, paging.offset(STACKS_PER_PAGE) as i64)
            .await?;
        Ok(StacksIndex {
            stacks: found.into_iter().map(StackEntry::from).collect(),
            paging,
            kind,
            tool: tool.map(|(t, _)| NameLink::of(t)),
            order: if by_name { "name" } else { "recent" }.into(),
        })
    }

    /// Stacks that use a tool now, most recently updated first.
    pub(crate) async fn stacks_using(&self, tool: ToolId, limit: i64) -> Result<Vec<StackLink>> {
        Ok(self
            .store
            .stacks_using(tool, limit)
            .await?
            .into_iter()
            .map(|s| StackLink { owner: s.stack.owner, slug: s.stack.slug, name: s.stack.name, kind: s.stack.kind })
            .collect())
    }

    /// Where `user` may create a stack: under their own name and each organisation they
    /// belong to.
    pub async fn stack_owners_for(&self, user: &User) -> Result<Vec<String>> {
        let mut owners = vec![user.username.clone()];
        owners.extend(self.store.organisations_of(user.id).await?.into_iter().map(|m| m.organisation.slug));
        Ok(owners)
    }

    /// Whose stacks `owner` names, if `user` may change them: the user's own; an
    /// organisation's, for its members; any, for admins.
    pub async fn stack_owner_for(&self, user: &User, owner: &str, name: &str) -> Result<StackRef> {
        if !valid_handle(owner) || !valid_handle(name) {
            return Err(bad_address());
        }
        let mut stack = StackRef::repository(owner, name);
        if owner == user.username {
            return Ok(stack);
        }
        if let Some(org) = self.store.organisation(owner).await? {
            stack.owner_kind = OwnerKind::Organisation;
            if user.is_admin || self.store.role(org.id, user.id).await?.is_some() {
                return Ok(stack);
            }
        } else if user.is_admin && self.store.user_by_name(owner).await?.is_some() {
            return Ok(stack);
        }
        Err(AppError::Forbidden(format!("{} cannot change {owner}'s stacks", user.username)))
    }

    /// Records a pushed scan report as a new snapshot of `owner/name` (created on first push),
    /// unless it holds what the latest snapshot holds. A user pushes to their own stacks and
    /// their organisations'.
    pub async fn push_report(&self, user: &User, owner: &str, name: &str, report: &PushReport) -> Result<Pushed> {
        let stack = self.stack_owner_for(user, owner, name).await?;
        self.record_report(stack, Some(user), SnapshotSource::Push, report).await
    }

    /// Records a StackShare Stack File (techstack.yml text) as a snapshot of `owner/name`, for
    /// a user who may push to it: its tools and its package entries, mapped to catalog tools
    /// as a scan maps them; the names the catalog does not know are answered, not recorded.
    pub async fn upload_stack_file(&self, user: &User, owner: &str, name: &str, yaml: &str) -> Result<StackFileImport> {
        let stack = self.stack_owner_for(user, owner, name).await?;
        let (report, unknown) = report::read_stack_file(self.catalog, yaml)?;
        let snapshot = self.record_report(stack, Some(user), SnapshotSource::Import, &report).await?;
        Ok(StackFileImport { snapshot, unknown })
    }

    /// Records a StackShare Stack File, read into a report, as a snapshot of a user's
    /// repository stack `owner/name` (the operator's `stackdex import`; no account needed).
    pub async fn import_stack_file(&self, owner: &str, name: &str, report: &PushReport) -> Result<Pushed> {
        if !valid_handle(owner) || !valid_handle(name) {
            return Err(bad_address());
        }
        self.record_report(StackRef::repository(owner, name), None, SnapshotSource::Import, report).await
    }

    /// A report's tools as a snapshot: catalog tools only (each once), versions and files
    /// clipped to what a page can show; with the scan's languages, components and git
    /// checkout. Nothing is recorded when it holds what the latest snapshot holds.
    async fn record_report(
        &self,
        stack: StackRef,
        author: Option<&User>,
        source: SnapshotSource,
        report: &PushReport,
    ) -> Result<Pushed> {
        let (tools, details, unknown_tools) = report::snapshot_of(self, report)?;
        let snapshot = NewSnapshot {
            stack,
            author_id: author.map(|u| u.id),
            source,
            tools,
            details,
            created_at: stackdex_store::now(),
        };
        let recorded = self.store.push_snapshot_if_changed(&snapshot).await?;
        Ok(Pushed { id: recorded.id, number: recorded.number, unchanged: recorded.unchanged, unknown_tools })
    }

    /// Creates a stack from tools picked by hand; refused when `owner/name` exists already.
    pub async fn create_stack(&self, user: &User, owner: &str, name: &str, tools: &[String]) -> Result<SnapshotId> {
        self.stack_owner_for(user, owner, name).await?;
        if self.store.stack(owner, name).await?.is_some() {
            return Err(AppError::Conflict(format!("{owner}/{name} exists; edit it instead")));
        }
        self.edit_stack(user, owner, name, tools).await
    }

    /// A stack edited by hand: its tools become exactly `tools` (slugs, aliases or names),
    /// keeping the versions and files of tools it had. Recorded as a snapshot ("edit").
    pub async fn edit_stack(&self, user: &User, owner: &str, name: &str, tools: &[String]) -> Result<SnapshotId> {
        let stack = self.stack_owner_for(user, owner, name).await?;
        if tools.len() > MAX_EDITED_TOOLS {
            return Err(AppError::invalid("tools", "a stack holds at most 1,000 tools"));
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
            let suggestions = unknown
                .iter()
                .flat_map(|u| crate::search::closest_tools(self.catalog, u, 2))
                .map(crate::views::Suggestion::tool)
                .collect();
            return Err(AppError::NotFound { what: format!("the tools {}", unknown.join(", ")), suggestions });
        }
        let previous: HashMap<ToolId, SnapshotTool> = match self.store.stack(owner, name).await? {
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
        let snapshot = NewSnapshot {
            stack,
            author_id: Some(user.id),
            source: SnapshotSource::Edit,
            tools,
            details: SnapshotDetails::default(),
            created_at: stackdex_store::now(),
        };
        Ok(self.store.push_snapshots(&[snapshot]).await?[0])
    }

    /// Replaces a stack's description (who may change the stack may): plain text, at most
    /// [`MAX_DESCRIPTION`] characters.
    pub async fn describe_stack(&self, user: &User, owner: &str, slug: &str, description: &str) -> Result<()> {
        self.stack_owner_for(user, owner, slug).await?;
        let text = description.trim().replace("\r\n", "\n");
        if text.chars().count() > MAX_DESCRIPTION {
            return Err(AppError::invalid(
                "description",
                format!("a description is at most {MAX_DESCRIPTION} characters"),
            ));
        }
        if text.chars().any(|c| c.is_control() && c != '\n') {
            return Err(AppError::invalid("description", "a description holds no control characters"));
        }
        let stack = self.find_stack(owner, slug).await?;
        self.store.set_stack_description(stack.id, &text).await?;
        Ok(())
    }

    /// Deletes a stack with its whole history: its owner, an owner of its organisation, or an
    /// admin (members of an organisation push to its stacks but do not delete them).
    pub async fn delete_stack(&self, user: &User, owner: &str, slug: &str) -> Result<()> {
        let stack = self.find_stack(owner, slug).await?;
        let allowed = user.is_admin
            || match stack.stack.owner_kind {
                OwnerKind::User => owner == user.username,
                OwnerKind::Organisation => match self.store.organisation(owner).await? {
                    Some(org) => self.store.role(org.id, user.id).await? == Some(stackdex_store::Role::Owner),
                    None => false,
                },
            };
        if !allowed {
            return Err(AppError::Forbidden(format!("only {owner} (or an owner of it) can delete {owner}/{slug}")));
        }
        self.store.delete_stack(stack.id).await?;
        Ok(())
    }

    /// A stack as its edit form shows it, to a user who may change it.
    pub async fn stack_for_editing(&self, user: &User, owner: &str, slug: &str) -> Result<StackPage> {
        self.stack_owner_for(user, owner, slug).await?;
        self.stack_page(owner, slug).await
    }

    /// The diff page of a stack.
    pub async fn stack_diff_page(
        &self,
        owner: &str,
        slug: &str,
        from: Option<i64>,
        to: Option<i64>,
    ) -> Result<DiffPage> {
        Ok(DiffPage { diff: self.stack_diff(owner, slug, from, to).await?, stack: self.stack_page(owner, slug).await? })
    }

    /// What changed between two snapshots of a stack, named by their numbers in its history;
    /// by default the latest and the one before it. (A number past the history that is the
    /// global id of one of its snapshots names that snapshot: links from before snapshots
    /// were numbered keep working.)
    pub async fn stack_diff(&self, owner: &str, slug: &str, from: Option<i64>, to: Option<i64>) -> Result<StackDiff> {
        let stack = self.find_stack(owner, slug).await?;
        let history = self.store.snapshots(stack.id, 10_000).await?;
        let find = |n: i64| history.iter().find(|s| s.number == n).or_else(|| history.iter().find(|s| s.id.get() == n));
        let missing = |n: i64| AppError::not_found(format!("snapshot v{n} of {owner}/{slug}"));
        let to = match to {
            Some(n) => find(n).ok_or_else(|| missing(n))?,
            None => history.first().ok_or_else(|| AppError::not_found("a snapshot"))?,
        };
        let from = match from {
            Some(n) => Some(find(n).ok_or_else(|| missing(n))?),
            None => history.iter().find(|s| s.number < to.number),
        };
        let (from_number, to_number) = (from.map(|s| s.number), to.number);
        let (from, to) = (from.map(|s| s.id), to.id);
        let versions_of = |tools: Vec<SnapshotTool>| -> HashMap<ToolId, String> {
            tools.into_iter().map(|t| (t.tool_id, t.versions)).collect()
        };
        let new = versions_of(self.store.snapshot_tools(stack.id, to).await?);
        let old = match from {
            Some(f) => versions_of(self.store.snapshot_tools(stack.id, f).await?),
            None => HashMap::new(),
        };
        let link = |id| self.tool_by_id(id).map(NameLink::of);
        let by_name = |v: &mut Vec<NameLink>| v.sort_by_key(|a| a.name.to_lowercase());
        let mut added: Vec<NameLink> =
            new.keys().filter(|id| !old.contains_key(id)).filter_map(|&id| link(id)).collect();
        let mut removed: Vec<NameLink> =
            old.keys().filter(|id| !new.contains_key(id)).filter_map(|&id| link(id)).collect();
        by_name(&mut added);
        by_name(&mut removed);
        let versions = |s: &str| -> Vec<String> {
            s.split(',').map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned).collect()
        };
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
        Ok(StackDiff {
            owner: owner.to_owned(),
            stack: slug.to_owned(),
            from,
            from_number,
            to,
            to_number,
            added,
            removed,
            changed,
        })
    }
}
