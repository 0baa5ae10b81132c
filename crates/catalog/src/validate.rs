//! Whole-catalog checks: unique slugs and aliases, references that resolve, well-formed URLs.

use std::collections::HashMap;

use crate::{CatalogError, Tool};

pub(crate) fn index_and_check(
    tools: &[Tool],
    check_urls: bool,
    errors: &mut Vec<CatalogError>,
) -> (HashMap<String, usize>, HashMap<String, usize>) {
    let mut by_slug = HashMap::with_capacity(tools.len());
    for (i, tool) in tools.iter().enumerate() {
        if !is_slug(&tool.slug) {
            errors.push(CatalogError::new(&tool.file, &tool.slug, "slug must be lowercase a-z, 0-9 and single dashes"));
        }
        if tool.name.trim().is_empty() {
            errors.push(CatalogError::new(&tool.file, &tool.slug, "empty name"));
        }
        if let Some(&first) = by_slug.get(&tool.slug) {
            let other: &Tool = &tools[first];
            errors.push(CatalogError::new(&tool.file, &tool.slug, format!("duplicate slug (also in {})", other.file)));
        } else {
            by_slug.insert(tool.slug.clone(), i);
        }
    }
    let mut by_alias: HashMap<String, usize> = HashMap::new();
    for (i, tool) in tools.iter().enumerate() {
        for alias in &tool.aliases {
            let alias = alias.to_ascii_lowercase();
            if by_slug.get(&alias).is_some_and(|&j| j != i) {
                errors.push(CatalogError::new(
                    &tool.file,
                    &tool.slug,
                    format!("alias {alias:?} is another tool's slug"),
                ));
            } else if let Some(&j) = by_alias.get(&alias).filter(|&&j| j != i) {
                errors.push(CatalogError::new(
                    &tool.file,
                    &tool.slug,
                    format!("alias {alias:?} is also an alias of {}", tools[j].slug),
                ));
            } else {
                by_alias.insert(alias, i);
            }
        }
        for (field, url) in [("website", &tool.website), ("repository", &tool.repository)] {
            if check_urls && !url.is_empty() && !is_web_url(url) {
                errors.push(CatalogError::new(
                    &tool.file,
                    &tool.slug,
                    format!("{field} is not an http(s) URL: {url:?}"),
                ));
            }
        }
        for (field, refs) in [("alternatives", &tool.alternatives), ("integrations", &tool.integrations)] {
            for r in refs {
                if r == &tool.slug {
                    errors.push(CatalogError::new(&tool.file, &tool.slug, format!("{field} names the tool itself")));
                } else if !by_slug.contains_key(r) {
                    errors.push(CatalogError::new(&tool.file, &tool.slug, format!("{field} names unknown tool {r:?}")));
                }
            }
        }
    }
    (by_slug, by_alias)
}

pub(crate) fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.split('-')
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
}

fn is_web_url(s: &str) -> bool {
    url::Url::parse(s).is_ok_and(|u| {
        matches!(u.scheme(), "http" | "https")
            && u.host_str().is_some_and(|h| h.contains('.'))
            && !s.contains(char::is_whitespace)
    })
}
