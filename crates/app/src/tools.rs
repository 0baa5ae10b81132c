//! Tools: the tool page (facts, figures, pros and cons, integrations, alternatives, decisions,
//! stacks) and the alternatives page, with the cards, figures and breadcrumbs other pages
//! build from tools.

use std::collections::HashMap;

use serde::Serialize;
use stackdex_catalog::Tool;
use stackdex_store::{Tag, ToolId};
use utoipa::ToSchema;

use crate::views::{
    Breadcrumb, DecisionView, NameLink, ReasonView, StackLink, StackupLink, Stats, ToolCard, initial, logo_url,
};
use crate::{App, AppError, Result, Shown};

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ToolPage {
    /// Its row, for the follow toggle (not in the JSON).
    #[serde(skip)]
    pub id: ToolId,
    pub slug: String,
    pub name: String,
    /// The path of its logo (an SVG under `/static/logos/`), or null.
    pub logo: Option<String>,
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

impl ToolPage {
    pub fn initial(&self) -> String {
        initial(&self.name)
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AlternativesPage {
    pub tool: NameLink,
    pub breadcrumb: Breadcrumb,
    pub alternatives: Vec<ToolCard>,
}

/// Every tool's figures, by id.
pub(crate) type StatsMap = HashMap<ToolId, Stats>;

impl App {
    pub async fn tool_page(&self, slug: &str) -> Result<Shown<ToolPage>> {
        let tool = self.find_tool(slug)?;
        if tool.slug != slug {
            return Err(AppError::Moved(format!("/tools/{}", tool.slug)));
        }
        let id = self.tool_id(&tool.slug).unwrap_or_default();
        let mut tags = vec![Tag::Tool(id)];
        let stats = self.stats_map().await?;
        let (pros, cons) = self.pros_and_cons(id).await?;
        let decisions = self.store.decisions_about(&[id], 10).await?;
        let alternatives = self.alternatives(tool, &stats, 10, &mut tags);
        let compare_with = alternatives
            .iter()
            .take(5)
            .filter_map(|a| crate::stackups::canonical(self.catalog, &[tool.slug.as_str(), a.slug.as_str()]).ok())
            .collect();
        let page = ToolPage {
            id,
            slug: tool.slug.clone(),
            name: tool.name.clone(),
            logo: logo_url(&tool.slug),
            description: tool.description.clone(),
            website: tool.website.clone(),
            repository: tool.repository.clone(),
            license: tool.license.clone(),
            language: tool.language.clone(),
            first_release: (tool.first_release > 0).then_some(tool.first_release),
            open_source: tool.open_source,
            hosted_saas: tool.hosted_saas,
            aliases: tool.aliases.clone(),
            breadcrumb: self.breadcrumb(tool),
            stats: stats.get(&id).copied().unwrap_or_default(),
            pros,
            cons,
            integrations: self.integrations(tool, &stats, 10, &mut tags).await?,
            alternatives,
            decisions: self.decision_views(decisions, &mut tags).await?,
            stacks: self.stacks_using(id, 12).await?,
            compare_with,
        };
        Ok(Shown::new(page, tags))
    }

    pub async fn alternatives_page(&self, slug: &str) -> Result<Shown<AlternativesPage>> {
        let tool = self.find_tool(slug)?;
        if tool.slug != slug {
            return Err(AppError::Moved(format!("/tools/{}/alternatives", tool.slug)));
        }
        let stats = self.stats_map().await?;
        let mut tags = vec![];
        let page = AlternativesPage {
            tool: NameLink::of(tool),
            breadcrumb: self.breadcrumb(tool),
            alternatives: self.alternatives(tool, &stats, 30, &mut tags),
        };
        Ok(Shown::new(page, tags))
    }

    /// A tool's logo (SVG text) by slug, and whether `fingerprint` is its current one.
    pub fn logo(&self, slug: &str, fingerprint: &str) -> Option<(&'static str, bool)> {
        let svg = self.catalog.logo(slug)?;
        Some((svg, self.catalog.logo_fingerprint(slug).is_some_and(|f| f == fingerprint)))
    }

    /// Every tool's name, sorted, for the stack form's type-ahead.
    pub fn tool_names(&self) -> Vec<&'static str> {
        let mut names: Vec<&'static str> = self.catalog.tools().iter().map(|t| t.name.as_str()).collect();
        names.sort_unstable_by_key(|n| n.to_lowercase());
        names
    }

    /// A tool by slug, alias or exact name (any case).
    pub(crate) fn resolve_tool(&self, s: &str) -> Option<ToolId> {
        let lower = s.to_lowercase();
        let tool = self
            .catalog
            .tool(&lower)
            .or_else(|| self.catalog.tools().iter().find(|t| t.name.eq_ignore_ascii_case(s)))?;
        self.tool_id(&tool.slug)
    }

    pub(crate) async fn stats_map(&self) -> Result<StatsMap> {
        Ok(self.store.all_tool_stats().await?.into_iter().map(|s| (s.tool_id, Stats::from(s))).collect())
    }

    /// A tool's card, whose figures the page shows: its tag goes to `tags`.
    pub(crate) fn card(&self, tool: &Tool, stats: &StatsMap, curated: bool, tags: &mut Vec<Tag>) -> ToolCard {
        let id = self.tool_id(&tool.slug).unwrap_or_default();
        tags.push(Tag::Tool(id));
        ToolCard {
            slug: tool.slug.clone(),
            name: tool.name.clone(),
            logo: logo_url(&tool.slug),
            description: tool.description.clone(),
            stats: stats.get(&id).copied().unwrap_or_default(),
            curated,
        }
    }

    pub(crate) fn breadcrumb(&self, tool: &Tool) -> Breadcrumb {
        let place = self.catalog.place(tool);
        Breadcrumb {
            layer: NameLink::new(place.layer.slug.clone(), place.layer.name.clone()),
            category: NameLink::new(place.category.slug.clone(), place.category.name.clone()),
            subcategory: NameLink::new(place.subcategory.slug.clone(), place.subcategory.name.clone()),
        }
    }

    /// Curated integrations first, then tools from other subcategories that stacks use with
    /// this one far more often than chance (lift >= 2, in at least 5% of its stacks).
    pub(crate) async fn integrations(
        &self,
        tool: &'static Tool,
        stats: &StatsMap,
        limit: usize,
        tags: &mut Vec<Tag>,
    ) -> Result<Vec<ToolCard>> {
        let mut out: Vec<ToolCard> = tool
            .integrations
            .iter()
            .filter_map(|s| self.catalog.tool(s))
            .map(|t| self.card(t, stats, true, tags))
            .collect();
        let id = self.tool_id(&tool.slug).unwrap_or_default();
        let own = stats.get(&id).map_or(0, |s| s.stacks);
        if own > 0 && out.len() < limit {
            let population = self.store.count_stacks_with_tools().await?.max(1) as f64;
            for co in self.store.top_co_used(id, 40).await? {
                let Some(t) = self.tool_by_id(co.tool_id) else { continue };
                let theirs = stats.get(&co.tool_id).map_or(0, |s| s.stacks).max(1) as f64;
                let lift = co.stacks as f64 * population / (own as f64 * theirs);
                if t.subcategory != tool.subcategory
                    && lift >= 2.0
                    && co.stacks * 20 >= own
                    && !out.iter().any(|c| c.slug == t.slug)
                {
                    out.push(self.card(t, stats, false, tags));
                }
                if out.len() >= limit {
                    break;
                }
            }
        }
        out.truncate(limit);
        Ok(out)
    }

    /// Curated alternatives first, then the most used tools of the same subcategory.
    pub(crate) fn alternatives(
        &self,
        tool: &'static Tool,
        stats: &StatsMap,
        limit: usize,
        tags: &mut Vec<Tag>,
    ) -> Vec<ToolCard> {
        let mut picked: Vec<(&Tool, bool)> =
            tool.alternatives.iter().filter_map(|s| self.catalog.tool(s)).map(|t| (t, true)).collect();
        let mut same: Vec<&Tool> = self
            .catalog
            .tools_in(&tool.layer, &tool.category, Some(&tool.subcategory))
            .filter(|t| t.slug != tool.slug && !picked.iter().any(|(p, _)| p.slug == t.slug))
            .collect();
        let stacks_of = |t: &Tool| self.tool_id(&t.slug).and_then(|id| stats.get(&id)).map_or(0, |s| s.stacks);
        same.sort_by_key(|t| (std::cmp::Reverse(stacks_of(t)), std::cmp::Reverse(t.popularity.stacks)));
        // Which tools make the list depends on every candidate's figures.
        tags.extend(same.iter().filter_map(|t| self.tool_id(&t.slug)).map(Tag::Tool));
        picked.extend(same.into_iter().map(|t| (t, false)));
        picked.truncate(limit);
        picked.into_iter().map(|(t, curated)| self.card(t, stats, curated, tags)).collect()
    }
}

impl NameLink {
    /// A link to a tool, with its logo.
    pub(crate) fn of(tool: &Tool) -> NameLink {
        NameLink { slug: tool.slug.clone(), name: tool.name.clone(), logo: logo_url(&tool.slug) }
    }
}
