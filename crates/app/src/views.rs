//! What pages show, as data: the HTML templates and the JSON API render these same structs.

use serde::Serialize;

use crate::format;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NameLink {
    pub slug: String,
    pub name: String,
}

/// Counts of one tool, exact integers (the JSON contract); `*_fmt` give the page's text.
#[derive(Debug, Clone, Copy, Default, Serialize, utoipa::ToSchema)]
pub struct Stats {
    pub stacks: i64,
    pub followers: i64,
    pub votes: i64,
    pub github_stars: Option<i64>,
    pub github_forks: Option<i64>,
    /// When stars and forks were read (Unix seconds).
    pub github_read_at: Option<i64>,
}

impl From<stackdex_store::ToolStats> for Stats {
    fn from(s: stackdex_store::ToolStats) -> Self {
        Stats {
            stacks: s.stacks,
            followers: s.followers,
            votes: s.votes,
            github_stars: s.github_stars,
            github_forks: s.github_forks,
            github_read_at: s.github_read_at,
        }
    }
}

impl Stats {
    pub fn stacks_fmt(&self) -> String {
        format::compact(self.stacks)
    }
    pub fn followers_fmt(&self) -> String {
        format::compact(self.followers)
    }
    pub fn votes_fmt(&self) -> String {
        format::compact(self.votes)
    }
    pub fn stars_fmt(&self) -> String {
        self.github_stars.map_or_else(|| "—".into(), format::compact)
    }
    pub fn forks_fmt(&self) -> String {
        self.github_forks.map_or_else(|| "—".into(), format::compact)
    }
    pub fn read_at_fmt(&self) -> String {
        self.github_read_at.map(format::date).unwrap_or_default()
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ToolCard {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub stats: Stats,
    /// True when the link comes from the curated catalog rather than from co-usage.
    pub curated: bool,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReasonView {
    pub id: i64,
    pub text: String,
    pub votes: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Author {
    pub username: String,
    pub display_name: String,
    pub title: String,
}

impl Author {
    pub fn initials(&self) -> String {
        self.display_name.split_whitespace().filter_map(|w| w.chars().next()).take(2).collect::<String>().to_uppercase()
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DecisionView {
    pub id: i64,
    /// "decided" or "needs_advice".
    pub kind: String,
    pub body: String,
    #[serde(skip)]
    pub body_html: String,
    pub author: Option<Author>,
    pub created_at: i64,
    pub views: i64,
    pub upvotes: i64,
    pub comments: i64,
    pub tools: Vec<NameLink>,
}

impl DecisionView {
    pub fn kind_label(&self) -> &'static str {
        if self.kind == "needs_advice" { "Needs advice" } else { "Decided" }
    }
    pub fn date_fmt(&self) -> String {
        format::date(self.created_at)
    }
    pub fn views_fmt(&self) -> String {
        format::views(self.views)
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Breadcrumb {
    pub layer: NameLink,
    pub category: NameLink,
    pub subcategory: NameLink,
}

impl Breadcrumb {
    /// `/categories/{layer}/{category}` and `.../{subcategory}`.
    pub fn category_url(&self) -> String {
        format!("/categories/{}/{}", self.layer.slug, self.category.slug)
    }
    pub fn subcategory_url(&self) -> String {
        format!("/categories/{}/{}/{}", self.layer.slug, self.category.slug, self.subcategory.slug)
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StackLink {
    pub owner: String,
    pub slug: String,
    pub name: String,
    pub kind: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ToolPage {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub website: String,
    pub repository: String,
    pub license: String,
    pub language: String,
    pub first_release: Option<u16>,
    pub open_source: bool,
    pub hosted_saas: bool,
    pub aliases: Vec<String>,
    pub breadcrumb: Breadcrumb,
    pub stats: Stats,
    pub pros: Vec<ReasonView>,
    pub cons: Vec<ReasonView>,
    pub integrations: Vec<ToolCard>,
    pub alternatives: Vec<ToolCard>,
    pub decisions: Vec<DecisionView>,
    pub stacks: Vec<StackLink>,
    /// Suggested comparisons, as canonical stackup slugs with titles.
    pub compare_with: Vec<StackupLink>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StackupLink {
    pub slug: String,
    pub title: String,
    pub tools: Vec<NameLink>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StackupTool {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub website: String,
    pub stats: Stats,
    pub pros: Vec<ReasonView>,
    pub cons: Vec<ReasonView>,
    pub integrations: Vec<ToolCard>,
}

/// One row of the "key differences" table: a fact per tool.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct KeyDifference {
    pub label: String,
    pub values: Vec<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StackupPage {
    pub slug: String,
    pub title: String,
    pub breadcrumb: Breadcrumb,
    pub tools: Vec<StackupTool>,
    pub key_differences: Vec<KeyDifference>,
    /// Facts about how often the tools are used together, one sentence each.
    pub co_usage: Vec<String>,
    pub decisions: Vec<DecisionView>,
    pub alternatives: Vec<ToolCard>,
    pub related: Vec<StackupLink>,
}

impl StackupPage {
    pub fn names(&self) -> String {
        self.tools.iter().map(|t| t.name.as_str()).collect::<Vec<_>>().join(", ")
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HomePage {
    pub trending_tools: Vec<ToolCard>,
    pub trending_stackups: Vec<StackupLink>,
    pub recent_decisions: Vec<DecisionView>,
    pub layers: Vec<LayerView>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LayerView {
    pub slug: String,
    pub name: String,
    pub categories: Vec<CategoryLink>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CategoryLink {
    pub layer: String,
    pub slug: String,
    pub name: String,
    pub tools: usize,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CategoryPage {
    pub layer: NameLink,
    pub category: NameLink,
    pub subcategory: Option<NameLink>,
    pub subcategories: Vec<NameLink>,
    pub tools: Vec<ToolCard>,
    pub page: usize,
    pub pages: usize,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SearchPage {
    pub query: String,
    pub tools: Vec<ToolCard>,
    pub decisions: Vec<DecisionView>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AlternativesPage {
    pub tool: NameLink,
    pub breadcrumb: Breadcrumb,
    pub alternatives: Vec<ToolCard>,
}

/// The first letter of a name, for the round placeholder logo.
fn initial(name: &str) -> String {
    name.chars().find(|c| c.is_alphanumeric()).map(|c| c.to_uppercase().collect()).unwrap_or_default()
}

impl NameLink {
    pub fn initial(&self) -> String {
        initial(&self.name)
    }
}

impl ToolCard {
    pub fn initial(&self) -> String {
        initial(&self.name)
    }
}

impl StackupTool {
    pub fn initial(&self) -> String {
        initial(&self.name)
    }
}

impl ToolPage {
    pub fn initial(&self) -> String {
        initial(&self.name)
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StackToolView {
    pub slug: String,
    pub name: String,
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

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LayerGroup {
    pub layer: NameLink,
    pub tools: Vec<StackToolView>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SnapshotView {
    pub id: i64,
    pub source: String,
    pub created_at: i64,
    pub tools: i64,
}

impl SnapshotView {
    pub fn date_fmt(&self) -> String {
        format::date(self.created_at)
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StackPage {
    pub owner: String,
    pub slug: String,
    pub name: String,
    /// "organisation", "team", "person" or "repository".
    pub kind: String,
    pub updated_at: i64,
    pub layers: Vec<LayerGroup>,
    pub snapshots: Vec<SnapshotView>,
}
