//! The pieces many pages show, as data (links, figures, cards, decisions): each page's own view
//! lives with its use case, and the HTML templates and the JSON API render the same structs.

use serde::Serialize;

use stackdex_store::{DecisionId, DecisionKind, ReasonId, StackKind, User};

use crate::format;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NameLink {
    pub slug: String,
    pub name: String,
    /// For a tool: the path of its logo (an SVG under `/static/logos/`), when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logo: Option<String>,
}

/// A "did you mean" of a 404: a tool, or a stackup, with its page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Suggestion {
    pub slug: String,
    pub name: String,
    /// Its page: `/tools/{slug}` or `/stackups/{slug}`.
    pub url: String,
}

impl Suggestion {
    pub(crate) fn tool(link: NameLink) -> Suggestion {
        Suggestion { url: format!("/tools/{}", link.slug), slug: link.slug, name: link.name }
    }
}

/// The path of a tool's logo, `/static/logos/{slug}.{fingerprint}.svg` (the fingerprint
/// changes with the file, so it can be cached for good), or none.
pub fn logo_url(slug: &str) -> Option<String> {
    static URLS: std::sync::OnceLock<std::collections::HashMap<String, String>> = std::sync::OnceLock::new();
    let urls = URLS.get_or_init(|| {
        let catalog = stackdex_catalog::Catalog::builtin();
        catalog
            .tools()
            .iter()
            .filter_map(|t| {
                let fingerprint = catalog.logo_fingerprint(&t.slug)?;
                Some((t.slug.clone(), format!("/static/logos/{}.{fingerprint}.svg", t.slug)))
            })
            .collect()
    });
    urls.get(slug).cloned()
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
    /// The path of its logo, or none (pages show a letter tile).
    pub logo: Option<String>,
    pub description: String,
    pub stats: Stats,
    /// True when the link comes from the curated catalog rather than from co-usage.
    pub curated: bool,
}

/// A pro or con with its votes.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReasonView {
    #[schema(value_type = i64)]
    pub id: ReasonId,
    pub text: String,
    pub votes: i64,
    /// Who wrote it (their username), for the delete control only they and admins see.
    #[serde(skip)]
    pub author: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Author {
    pub username: String,
    pub display_name: String,
    pub title: String,
}

impl From<&User> for Author {
    fn from(u: &User) -> Author {
        Author { username: u.username.clone(), display_name: u.display_name.clone(), title: u.title.clone() }
    }
}

impl Author {
    pub fn initials(&self) -> String {
        self.display_name.split_whitespace().filter_map(|w| w.chars().next()).take(2).collect::<String>().to_uppercase()
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DecisionView {
    #[schema(value_type = i64)]
    pub id: DecisionId,
    #[schema(value_type = String, example = "needs_advice")]
    pub kind: DecisionKind,
    pub body: String,
    #[serde(skip)]
    pub body_html: String,
    pub author: Option<Author>,
    pub created_at: i64,
    /// When its author last changed the body, if ever.
    pub edited_at: Option<i64>,
    pub views: i64,
    pub upvotes: i64,
    pub comments: i64,
    pub tools: Vec<NameLink>,
}

impl DecisionView {
    pub fn kind_label(&self) -> &'static str {
        match self.kind {
            DecisionKind::NeedsAdvice => "Needs advice",
            DecisionKind::Decided => "Decided",
        }
    }
    pub fn date_fmt(&self) -> String {
        format::date(self.created_at)
    }
    /// When it was last edited, if ever.
    pub fn edited_fmt(&self) -> Option<String> {
        self.edited_at.map(format::date)
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

/// A link to a stack.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StackLink {
    pub owner: String,
    pub slug: String,
    pub name: String,
    #[schema(value_type = String, example = "repository")]
    pub kind: StackKind,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StackupLink {
    pub slug: String,
    pub title: String,
    pub tools: Vec<NameLink>,
}

/// The first letter of a name, for the round placeholder logo.
pub(crate) fn initial(name: &str) -> String {
    name.chars().find(|c| c.is_alphanumeric()).map(|c| c.to_uppercase().collect()).unwrap_or_default()
}

impl NameLink {
    /// A link to something that has no logo.
    pub fn new(slug: String, name: String) -> NameLink {
        NameLink { slug, name, logo: None }
    }

    pub fn initial(&self) -> String {
        initial(&self.name)
    }
}

impl ToolCard {
    pub fn initial(&self) -> String {
        initial(&self.name)
    }
}

/// Where a page of a list is: which page, of how many, out of how many items.
#[derive(Debug, Clone, Copy, Serialize, utoipa::ToSchema)]
pub struct Paging {
    pub page: usize,
    pub pages: usize,
    pub total: usize,
}

impl Paging {
    /// Page `page` (from 1) of `total` items, `per_page` a page; a page past the end is the
    /// client's mistake.
    pub(crate) fn of(page: usize, per_page: usize, total: usize) -> crate::Result<Paging> {
        let pages = total.div_ceil(per_page).max(1);
        if page == 0 || page > pages {
            return Err(crate::AppError::BadRequest(format!("page must be between 1 and {pages}")));
        }
        Ok(Paging { page, pages, total })
    }

    /// How many items come before this page.
    pub(crate) fn offset(&self, per_page: usize) -> usize {
        (self.page - 1) * per_page
    }

    pub fn has_previous(&self) -> bool {
        self.page > 1
    }

    pub fn has_next(&self) -> bool {
        self.page < self.pages
    }
}
