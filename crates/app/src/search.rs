//! Search: tools over the in-memory catalog (whole words, prefixes, aliases and descriptions,
//! and typo tolerance on names that favours widely used tools: "djnago" finds Django,
//! "postgress" PostgreSQL), the stackup a query names ("django vs rust", "django rust"),
//! stacks, organisations and users by name, and decisions about the best matches; and the
//! closest names to a slug nobody knows, for 404 pages.

use serde::Serialize;
use stackdex_catalog::{Catalog, Tool};
use stackdex_store::ToolId;
use utoipa::ToSchema;

use crate::accounts::UserEntry;
use crate::stacks::StackEntry;
use crate::views::{DecisionView, NameLink, StackupLink, ToolCard};
use crate::{App, AppError, Result};

/// What a search finds, one list per kind.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SearchPage {
    pub query: String,
    pub tools: Vec<ToolCard>,
    /// The stackup the query names, then popular ones with the best matching tool.
    pub stackups: Vec<StackupLink>,
    pub stacks: Vec<StackEntry>,
    pub organisations: Vec<NameLink>,
    pub users: Vec<UserEntry>,
    pub decisions: Vec<DecisionView>,
}

impl SearchPage {
    /// Whether anything at all was found.
    pub fn is_empty(&self) -> bool {
        self.tools.is_empty()
            && self.stackups.is_empty()
            && self.stacks.is_empty()
            && self.organisations.is_empty()
            && self.users.is_empty()
            && self.decisions.is_empty()
    }
}

/// A tool a picker offers for what is being typed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ToolSuggestion {
    pub slug: String,
    pub name: String,
    /// Where the tool sits: "category › subcategory".
    pub category: String,
    pub logo: Option<String>,
}

/// A picker's suggestions, best first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ToolSuggestions {
    pub tools: Vec<ToolSuggestion>,
}

/// Results per kind, tools aside.
const PER_KIND: i64 = 10;

impl App {
    /// Tools whose name, slug or alias starts with, holds or nearly spells `query` (not matches
    /// in descriptions only), the widely used first: what a tool picker offers.
    pub fn suggest_tools(&self, query: &str, limit: usize) -> Result<ToolSuggestions> {
        if query.len() > 100 {
            return Err(AppError::BadRequest("the text to complete is longer than 100 characters".into()));
        }
        let q = normalise(query);
        if q.is_empty() {
            return Ok(ToolSuggestions { tools: Vec::new() });
        }
        // By kind of match (the name itself, then names it starts, then names holding it, then
        // near misses), and within each kind the widely used first: "postgre" offers
        // PostgreSQL before PostgREST although the latter is shorter.
        let kind = |score: f64| match score {
            s if s >= 100.0 => 3,
            s if s >= 60.0 => 2,
            s if s >= 50.0 => 1,
            _ => 0,
        };
        let mut scored: Vec<(u8, u32, &Tool)> = self
            .catalog
            .tools()
            .iter()
            .filter_map(|t| score(t, &q).filter(|s| *s >= 30.0).map(|s| (kind(s), t.popularity.stacks, t)))
            .collect();
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.slug.cmp(&b.2.slug)));
        let tools = scored
            .into_iter()
            .take(limit.clamp(1, 20))
            .map(|(_, _, t)| {
                let place = self.catalog.place(t);
                ToolSuggestion {
                    slug: t.slug.clone(),
                    name: t.name.clone(),
                    category: format!("{} › {}", place.category.name, place.subcategory.name),
                    logo: crate::views::logo_url(&t.slug),
                }
            })
            .collect();
        Ok(ToolSuggestions { tools })
    }

    pub async fn search_page(&self, query: &str) -> Result<SearchPage> {
        if query.len() > 200 {
            return Err(AppError::BadRequest("the search text is longer than 200 characters".into()));
        }
        let text = normalise(query);
        if text.is_empty() {
            return Ok(SearchPage {
                query: query.to_owned(),
                tools: Vec::new(),
                stackups: Vec::new(),
                stacks: Vec::new(),
                organisations: Vec::new(),
                users: Vec::new(),
                decisions: Vec::new(),
            });
        }
        let stats = self.stats_map().await?;
        let tools = search_tools(self.catalog, query, 30);
        let ids: Vec<ToolId> = tools.iter().take(5).filter_map(|t| self.tool_id(&t.slug)).collect();
        let decisions = self.store.decisions_about(&ids, 5).await?;
        let mut stackups: Vec<StackupLink> = named_stackup(self.catalog, &text).into_iter().collect();
        if let Some(best) = tools.first() {
            for s in self.store.top_stackups(200).await? {
                let Some(link) = crate::stackups::parse_canonical(self.catalog, &s.slug) else { continue };
                if link.tools.iter().any(|t| t.slug == best.slug) && !stackups.iter().any(|l| l.slug == link.slug) {
                    stackups.push(link);
                }
                if stackups.len() >= PER_KIND as usize {
                    break;
                }
            }
        }
        let stacks = self.store.search_stacks(&text, PER_KIND).await?.into_iter().map(StackEntry::from).collect();
        let organisations = self
            .store
            .search_organisations(&text, PER_KIND)
            .await?
            .into_iter()
            .map(|o| NameLink::new(o.slug, o.name))
            .collect();
        let users = self.store.search_users(&text, PER_KIND).await?.into_iter().map(UserEntry::from).collect();
        // Search pages are not cached: the tags are not needed.
        let mut tags = Vec::new();
        Ok(SearchPage {
            query: query.to_owned(),
            tools: tools.into_iter().map(|t| self.card(t, &stats, false, &mut tags)).collect(),
            stackups,
            stacks,
            organisations,
            users,
            decisions: self.decision_views(decisions, &mut tags).await?,
        })
    }
}

/// Tools matching `query`, best first.
pub(crate) fn search_tools<'a>(catalog: &'a Catalog, query: &str, limit: usize) -> Vec<&'a Tool> {
    let q = normalise(query);
    if q.is_empty() {
        return Vec::new();
    }
    let mut scored: Vec<(f64, u32, &Tool)> =
        catalog.tools().iter().filter_map(|t| score(t, &q).map(|s| (s, t.popularity.stacks, t))).collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.slug.cmp(&b.2.slug)));
    scored.into_iter().take(limit).map(|(_, _, t)| t).collect()
}

/// The one tool a name means: its slug, an alias, or its name (any case; `-` and `_` read as
/// spaces). Near misses are not guessed: pickers and forms suggest them instead.
pub(crate) fn resolve_name<'a>(catalog: &'a Catalog, name: &str) -> Option<&'a Tool> {
    let q = normalise(name);
    if q.is_empty() {
        return None;
    }
    catalog
        .tool(name.trim())
        .or_else(|| catalog.tool(&q))
        .or_else(|| catalog.tool(&q.replace(' ', "-")))
        .or_else(|| exact_name(catalog, &q))
}

/// The stackup a query names: `django vs rust`, or two to four tool names side by side
/// (`django rust`).
fn named_stackup(catalog: &Catalog, q: &str) -> Option<StackupLink> {
    let parts: Vec<&str> = if q.contains(" vs ") {
        q.split(" vs ").map(str::trim).filter(|p| !p.is_empty()).collect()
    } else {
        q.split(' ').filter(|p| !p.is_empty()).collect()
    };
    if !(2..=4).contains(&parts.len()) {
        return None;
    }
    let slugs: Vec<&str> =
        parts.iter().map(|p| resolve_name(catalog, p).map(|t| t.slug.as_str())).collect::<Option<_>>()?;
    crate::stackups::canonical(catalog, &slugs).ok()
}

/// A tool whose name or an alias is exactly `q` (normalised).
fn exact_name<'a>(catalog: &'a Catalog, q: &str) -> Option<&'a Tool> {
    catalog.tools().iter().find(|t| normalise(&t.name) == q || t.aliases.iter().any(|a| normalise(a) == q))
}

/// The slugs of the tools closest to a name nobody knows (for a radar file's unknown names).
pub fn suggest_tools(catalog: &Catalog, name: &str, limit: usize) -> Vec<String> {
    closest_tools(catalog, name, limit).into_iter().map(|l| l.slug).collect()
}

/// The closest tool names to a slug nobody knows, for a 404 page.
pub(crate) fn closest_tools(catalog: &Catalog, slug: &str, limit: usize) -> Vec<NameLink> {
    let q = normalise(&slug.replace('-', " "));
    let mut scored: Vec<(f64, &Tool)> = catalog
        .tools()
        .iter()
        .map(|t| (strsim::jaro_winkler(&q, &normalise(&t.name)).max(strsim::jaro_winkler(&q, &t.slug)), t))
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.popularity.stacks.cmp(&a.1.popularity.stacks)));
    scored.into_iter().take(limit).map(|(_, t)| NameLink::of(t)).collect()
}

/// Lower case, one space between words, `-` `_` and `.` read as spaces (so `ruby-on-rails`
/// and "Ruby on Rails" are the same), control characters dropped; at most 100 characters.
fn normalise(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_control())
        .take(100)
        .map(|c| if matches!(c, '-' | '_') { ' ' } else { c })
        .collect::<String>()
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn score(tool: &Tool, q: &str) -> Option<f64> {
    let name = normalise(&tool.name);
    let slug = normalise(&tool.slug);
    if name == q || slug == q || tool.aliases.iter().any(|a| normalise(a) == q) {
        return Some(100.0);
    }
    if name.starts_with(q) || slug.starts_with(q) {
        return Some(80.0 - (name.len() as f64 - q.len() as f64).min(20.0));
    }
    if name.contains(q) || tool.aliases.iter().any(|a| normalise(a).contains(q)) {
        return Some(50.0);
    }
    // Typos: close in edit distance to the name or slug (only for words long enough to judge);
    // among near misses the widely used tool comes first ("postgress" is PostgreSQL before
    // PostgREST), as that is what the searcher most likely meant.
    if q.len() >= 4 {
        let similarity =
            strsim::normalized_damerau_levenshtein(q, &name).max(strsim::normalized_damerau_levenshtein(q, &slug));
        if similarity >= 0.6 {
            let popularity = (f64::from(tool.popularity.stacks) + 1.0).log10();
            return Some(30.0 + similarity * 10.0 + popularity);
        }
    }
    let description = tool.description.to_lowercase();
    let words: Vec<&str> = q.split(' ').filter(|w| w.len() >= 3).collect();
    if !words.is_empty() && words.iter().all(|w| description.contains(w)) {
        return Some(10.0);
    }
    None
}
