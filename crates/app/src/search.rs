//! Search: tools over the in-memory catalog (whole words, prefixes, aliases and descriptions,
//! and typo tolerance on names: a misspelt "djnago" still finds Django), with the decisions
//! about the best matches; and the closest names to a slug nobody knows, for 404 pages.

use serde::Serialize;
use stackdex_catalog::{Catalog, Tool};
use stackdex_store::ToolId;
use utoipa::ToSchema;

use crate::views::{DecisionView, NameLink, ToolCard};
use crate::{App, AppError, Result};

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SearchPage {
    pub query: String,
    pub tools: Vec<ToolCard>,
    pub decisions: Vec<DecisionView>,
}

impl App {
    pub async fn search_page(&self, query: &str) -> Result<SearchPage> {
        if query.len() > 200 {
            return Err(AppError::BadRequest("the search text is longer than 200 characters".into()));
        }
        let stats = self.stats_map().await?;
        let tools = search_tools(self.catalog, query, 30);
        let ids: Vec<ToolId> = tools.iter().take(5).filter_map(|t| self.tool_id(&t.slug)).collect();
        let decisions = self.store.decisions_about(&ids, 5).await?;
        // Search pages are not cached: the tags are not needed.
        let mut tags = Vec::new();
        Ok(SearchPage {
            query: query.to_owned(),
            tools: tools.into_iter().map(|t| self.card(t, &stats, false, &mut tags)).collect(),
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

fn normalise(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_control())
        .take(100)
        .collect::<String>()
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn score(tool: &Tool, q: &str) -> Option<f64> {
    let name = tool.name.to_lowercase();
    if name == q || tool.slug == q || tool.aliases.iter().any(|a| a == q) {
        return Some(100.0);
    }
    if name.starts_with(q) || tool.slug.starts_with(q) {
        return Some(80.0 - (name.len() as f64 - q.len() as f64).min(20.0));
    }
    if name.contains(q) || tool.aliases.iter().any(|a| a.contains(q)) {
        return Some(50.0);
    }
    // Typos: close in edit distance to the name (only for words long enough to judge).
    if q.len() >= 4 {
        let similarity = strsim::normalized_damerau_levenshtein(q, &name);
        if similarity >= 0.6 {
            return Some(30.0 + similarity * 10.0);
        }
    }
    let description = tool.description.to_lowercase();
    let words: Vec<&str> = q.split(' ').filter(|w| w.len() >= 3).collect();
    if !words.is_empty() && words.iter().all(|w| description.contains(w)) {
        return Some(10.0);
    }
    None
}
