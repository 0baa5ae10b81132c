//! Tool search over the in-memory catalog: whole words, prefixes, aliases and descriptions,
//! and typo tolerance on names (a misspelt "djnago" still finds Django).

use stackdex_catalog::{Catalog, Tool};

use crate::views::NameLink;

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
    scored.into_iter().take(limit).map(|(_, t)| NameLink { slug: t.slug.clone(), name: t.name.clone() }).collect()
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
