//! Categories: the tools of a category or subcategory ranked by stacks, with the
//! layer > category > subcategory breadcrumb, a page at a time.

use std::collections::HashSet;

use serde::Serialize;
use stackdex_catalog::Tool;
use stackdex_store::Tag;
use utoipa::ToSchema;

use crate::views::{NameLink, ToolCard};
use crate::{App, AppError, Result, Shown};

/// Tool cards per category page.
const PER_PAGE: usize = 30;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CategoryPage {
    pub layer: NameLink,
    pub category: NameLink,
    pub subcategory: Option<NameLink>,
    pub subcategories: Vec<NameLink>,
    pub tools: Vec<ToolCard>,
    pub page: usize,
    pub pages: usize,
}

/// A layer's page: its categories, each with its subcategories and its most used tools.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LayerPage {
    pub layer: NameLink,
    pub categories: Vec<CategorySummary>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CategorySummary {
    pub slug: String,
    pub name: String,
    /// How many catalog tools it holds.
    pub tools: usize,
    pub subcategories: Vec<NameLink>,
    /// Its most used tools (up to four).
    pub top: Vec<ToolCard>,
}

impl App {
    /// A layer with its categories.
    pub async fn layer_page(&self, layer: &str) -> Result<Shown<LayerPage>> {
        let layer = self.catalog.layer(layer).ok_or_else(|| AppError::not_found("that layer"))?;
        let stats = self.stats_map().await?;
        let stacks_of = |t: &Tool| self.tool_id(&t.slug).and_then(|id| stats.get(&id)).map_or(0, |s| s.stacks);
        let mut tags = Vec::new();
        let mut categories = Vec::new();
        for c in &layer.categories {
            let mut tools: Vec<&Tool> = self.catalog.tools_in(&layer.slug, &c.slug, None).collect();
            if tools.is_empty() {
                continue;
            }
            tools.sort_by_key(|t| (std::cmp::Reverse(stacks_of(t)), t.slug.clone()));
            tags.extend(tools.iter().filter_map(|t| self.tool_id(&t.slug)).map(Tag::Tool));
            let used: HashSet<&str> = tools.iter().map(|t| t.subcategory.as_str()).collect();
            categories.push(CategorySummary {
                slug: c.slug.clone(),
                name: c.name.clone(),
                tools: tools.len(),
                subcategories: c
                    .subcategories
                    .iter()
                    .filter(|s| used.contains(s.slug.as_str()))
                    .map(|s| NameLink::new(s.slug.clone(), s.name.clone()))
                    .collect(),
                top: tools.iter().take(4).map(|t| self.card(t, &stats, false, &mut tags)).collect(),
            });
        }
        let page = LayerPage { layer: NameLink::new(layer.slug.clone(), layer.name.clone()), categories };
        Ok(Shown::new(page, tags))
    }

    /// Tools of a category (or subcategory), ranked by stacks, `PER_PAGE` a page.
    pub async fn category_page(
        &self,
        layer: &str,
        category: &str,
        subcategory: Option<&str>,
        page: usize,
    ) -> Result<Shown<CategoryPage>> {
        let not_found = || AppError::not_found("category");
        let cat = self.catalog.category(layer, category).ok_or_else(not_found)?;
        let layer_entry = self.catalog.layer(layer).ok_or_else(not_found)?;
        let sub = match subcategory {
            Some(s) => Some(cat.subcategories.iter().find(|x| x.slug == s).ok_or_else(not_found)?),
            None => None,
        };
        let stats = self.stats_map().await?;
        let mut tools: Vec<&Tool> = self.catalog.tools_in(layer, category, subcategory).collect();
        let stacks_of = |t: &Tool| self.tool_id(&t.slug).and_then(|id| stats.get(&id)).map_or(0, |s| s.stacks);
        tools.sort_by_key(|t| (std::cmp::Reverse(stacks_of(t)), t.slug.clone()));
        let pages = tools.len().div_ceil(PER_PAGE).max(1);
        if page == 0 || page > pages {
            return Err(AppError::BadRequest(format!("page must be between 1 and {pages}")));
        }
        // The ranking, and so every page of it, depends on each tool's figures.
        let mut tags: Vec<Tag> = tools.iter().filter_map(|t| self.tool_id(&t.slug)).map(Tag::Tool).collect();
        let used: HashSet<&str> =
            self.catalog.tools_in(layer, category, None).map(|t| t.subcategory.as_str()).collect();
        let view = CategoryPage {
            layer: NameLink::new(layer_entry.slug.clone(), layer_entry.name.clone()),
            category: NameLink::new(cat.slug.clone(), cat.name.clone()),
            subcategory: sub.map(|s| NameLink::new(s.slug.clone(), s.name.clone())),
            subcategories: cat
                .subcategories
                .iter()
                .filter(|s| used.contains(s.slug.as_str()))
                .map(|s| NameLink::new(s.slug.clone(), s.name.clone()))
                .collect(),
            tools: tools
                .into_iter()
                .skip((page - 1) * PER_PAGE)
                .take(PER_PAGE)
                .map(|t| self.card(t, &stats, false, &mut tags))
                .collect(),
            page,
            pages,
        };
        Ok(Shown::new(view, tags))
    }
}
