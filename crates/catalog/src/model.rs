//! The catalog's entities and their parsing from the TOML data files.

use serde::Deserialize;

use crate::{CatalogError, Format};

#[derive(Debug, Clone)]
pub struct Layer {
    pub slug: String,
    pub name: String,
    pub categories: Vec<Category>,
}

#[derive(Debug, Clone)]
pub struct Category {
    pub slug: String,
    pub name: String,
    pub layer: String,
    pub subcategories: Vec<Subcategory>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Subcategory {
    pub slug: String,
    pub name: String,
}

/// Where a tool sits: layer > category > subcategory.
#[derive(Debug, Clone, Copy)]
pub struct Place<'a> {
    pub layer: &'a Layer,
    pub category: &'a Category,
    pub subcategory: &'a Subcategory,
}

/// Popularity figures carried over from StackShare's public dataset (ODbL); they seed the
/// demo community's size, never a statistic shown as ours.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Popularity {
    pub stacks: u32,
    pub votes: u32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tool {
    pub slug: String,
    pub name: String,
    pub subcategory: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub website: String,
    #[serde(default)]
    pub repository: String,
    #[serde(default)]
    pub license: String,
    /// The language the tool itself is written in.
    #[serde(default)]
    pub language: String,
    /// Year of the first public release; 0 when unknown.
    #[serde(default)]
    pub first_release: u16,
    #[serde(default)]
    pub open_source: bool,
    #[serde(default)]
    pub hosted_saas: bool,
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Curated alternatives (slugs), shown as curated beside the derived ones.
    #[serde(default)]
    pub alternatives: Vec<String>,
    /// Curated integrations (slugs).
    #[serde(default)]
    pub integrations: Vec<String>,
    #[serde(default)]
    pub popularity: Popularity,
    /// Filled from the file's location, never from the entry.
    #[serde(skip)]
    pub layer: String,
    #[serde(skip)]
    pub category: String,
    #[serde(skip)]
    pub file: String,
}

impl Tool {
    /// The GitHub `owner/repo` of the tool's repository, when it is on GitHub.
    pub fn github_repo(&self) -> Option<&str> {
        let rest = self.repository.strip_prefix("https://github.com/")?;
        let rest = rest.trim_end_matches('/').trim_end_matches(".git");
        (rest.split('/').count() == 2).then_some(rest)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TaxonomyFile {
    layer: Vec<LayerEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LayerEntry {
    slug: String,
    name: String,
    #[serde(default)]
    category: Vec<CategoryEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CategoryEntry {
    slug: String,
    name: String,
    subcategories: Vec<Subcategory>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ToolsFile {
    #[serde(default)]
    tool: Vec<Tool>,
}

pub(crate) fn parse_taxonomy(files: &[(&str, &str)], format: Format, errors: &mut Vec<CatalogError>) -> Vec<Layer> {
    const FILE: &str = "taxonomy.toml";
    let Some((_, text)) = files.iter().find(|(p, _)| *p == FILE) else {
        errors.push(CatalogError::new(FILE, "-", "missing"));
        return Vec::new();
    };
    let parsed: TaxonomyFile = match format.decode(text) {
        Ok(parsed) => parsed,
        Err(e) => {
            errors.push(CatalogError::new(FILE, "-", e));
            return Vec::new();
        }
    };
    parsed
        .layer
        .into_iter()
        .map(|l| Layer {
            categories: l
                .category
                .into_iter()
                .map(|c| Category { slug: c.slug, name: c.name, layer: l.slug.clone(), subcategories: c.subcategories })
                .collect(),
            slug: l.slug,
            name: l.name,
        })
        .collect()
}

/// Parses `tools/<layer>/<category>.toml`; the path gives each tool its layer and category.
pub(crate) fn parse_tools(
    files: &[(&str, &str)],
    format: Format,
    layers: &[Layer],
    errors: &mut Vec<CatalogError>,
) -> Vec<Tool> {
    let mut tools = Vec::new();
    for (path, text) in files.iter().filter(|(p, _)| p.starts_with("tools/")) {
        let parts: Vec<&str> = path.trim_end_matches(".toml").split('/').collect();
        let [_, layer_slug, category_slug] = parts[..] else {
            errors.push(CatalogError::new(path, "-", "tool files live at tools/<layer>/<category>.toml"));
            continue;
        };
        let Some(category) = layers
            .iter()
            .find(|l| l.slug == layer_slug)
            .and_then(|l| l.categories.iter().find(|c| c.slug == category_slug))
        else {
            errors.push(CatalogError::new(path, "-", "no such layer/category in taxonomy.toml"));
            continue;
        };
        let parsed: ToolsFile = match format.decode(text) {
            Ok(parsed) => parsed,
            Err(e) => {
                errors.push(CatalogError::new(path, "-", e));
                continue;
            }
        };
        for mut tool in parsed.tool {
            if !category.subcategories.iter().any(|s| s.slug == tool.subcategory) {
                errors.push(CatalogError::new(
                    path,
                    &tool.slug,
                    format!("unknown subcategory {:?} in {layer_slug}/{category_slug}", tool.subcategory),
                ));
            }
            tool.layer = layer_slug.to_owned();
            tool.category = category_slug.to_owned();
            tool.file = (*path).to_owned();
            tools.push(tool);
        }
    }
    tools
}
