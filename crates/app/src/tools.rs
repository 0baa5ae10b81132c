//! Tools: the tool page (facts, figures, pros and cons, integrations, alternatives, decisions,
//! stacks) and the alternatives page, with the cards, figures and breadcrumbs other pages
//! build from tools.

use std::collections::HashMap;

use serde::Serialize;
use stackdex_catalog::Tool;
use stackdex_store::{Tag, ToolId};
use utoipa::ToSchema;

use crate::views::{
    Breadcrumb, DecisionView, NameLink, Paging, ReasonView, StackLink, StackupLink, Stats, ToolCard, initial, logo_url,
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
    /// Its figures by month, for the page's chart (in the JSON at `/api/v1/tools/{slug}/trend`).
    #[serde(skip)]
    pub trend: Vec<crate::figures::TrendPoint>,
    /// The major versions the stacks using it run, from each one's latest snapshot.
    pub versions: crate::versions::VersionSpread,
    /// Tools stacks use with it more than chance would give, with the evidence.
    pub often_used_with: Vec<UsedWith>,
}

/// A tool used in the same stacks as another: how many, and how much more than chance.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Companion {
    pub tool: &'static Tool,
    pub together: i64,
    pub lift: f64,
}

/// A tool often used with the page's tool, and the evidence.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UsedWith {
    pub tool: ToolCard,
    /// Stacks that use both.
    pub together: i64,
    /// How many times more often than chance: P(both) / (P(one) P(other)).
    pub lift: f64,
}

impl UsedWith {
    /// "used together in 412 stacks, 3.1× chance".
    pub fn evidence(&self) -> String {
        format!("used together in {} stacks, {:.1}× chance", crate::format::thousands(self.together), self.lift)
    }
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

/// How the tools index is ordered.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    Serialize,
    serde::Deserialize,
    strum::Display,
    strum::EnumString,
    strum::VariantArray,
    ToSchema,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ToolSort {
    /// Most stacks first.
    #[default]
    Stacks,
    Followers,
    Votes,
    Name,
    /// Most growth over the last 30 days, absolute and relative (see
    /// [`crate::figures::trending_score`]).
    Trending,
}

/// Which tools the index lists: all, or a layer's, a category's or a subcategory's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ToolFilter {
    pub layer: Option<String>,
    pub category: Option<String>,
    pub subcategory: Option<String>,
}

/// Tools per page of the index.
const TOOLS_PER_PAGE: usize = 30;

/// The tools index: a page of tools, filtered and ordered.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ToolsIndex {
    pub tools: Vec<ToolCard>,
    pub paging: Paging,
    pub sort: ToolSort,
    pub layer: Option<NameLink>,
    pub category: Option<NameLink>,
    pub subcategory: Option<NameLink>,
    /// The layers and their categories, to filter by.
    pub layers: Vec<LayerChoice>,
}

/// A layer and its categories, as a filter offers them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LayerChoice {
    pub slug: String,
    pub name: String,
    pub categories: Vec<NameLink>,
}

impl ToolsIndex {
    /// The query string of this list with another page (for the pager's links).
    pub fn query_for_page(&self, page: usize) -> String {
        let mut q = vec![format!("sort={}", self.sort)];
        for (key, value) in [("layer", &self.layer), ("category", &self.category), ("subcategory", &self.subcategory)] {
            if let Some(v) = value {
                q.push(format!("{key}={}", v.slug));
            }
        }
        q.push(format!("page={page}"));
        q.join("&")
    }
}

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
        let companions = self.companions(tool, &stats).await?;
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
            integrations: self.integrations(tool, &companions, &stats, 10, &mut tags),
            often_used_with: self.often_used_with(&companions, &stats, 8, &mut tags),
            alternatives,
            decisions: self.decision_views(decisions, &mut tags).await?,
            stacks: self.stacks_using(id, 12).await?,
            compare_with,
            trend: self.trend_points(id, crate::figures::Interval::Month, None, None).await?,
            versions: self.version_spread(id).await?,
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

    /// A page of the tools index.
    pub async fn tools_index(&self, filter: &ToolFilter, sort: ToolSort, page: usize) -> Result<Shown<ToolsIndex>> {
        let unknown = |what: &str| AppError::not_found(what);
        let layer = match &filter.layer {
            Some(l) => Some(self.catalog.layer(l).ok_or_else(|| unknown("that layer"))?),
            None => None,
        };
        let category = match (&filter.layer, &filter.category) {
            (Some(l), Some(c)) => Some(self.catalog.category(l, c).ok_or_else(|| unknown("that category"))?),
            (None, Some(_)) => return Err(AppError::BadRequest("a category is chosen within a layer".into())),
            _ => None,
        };
        let subcategory = match (category, &filter.subcategory) {
            (Some(c), Some(s)) => {
                Some(c.subcategories.iter().find(|x| &x.slug == s).ok_or_else(|| unknown("that subcategory"))?)
            }
            (None, Some(_)) => return Err(AppError::BadRequest("a subcategory is chosen within a category".into())),
            _ => None,
        };
        let stats = self.stats_map().await?;
        let mut tools: Vec<&Tool> = self
            .catalog
            .tools()
            .iter()
            .filter(|t| layer.is_none_or(|l| t.layer == l.slug))
            .filter(|t| category.is_none_or(|c| t.category == c.slug))
            .filter(|t| subcategory.is_none_or(|s| t.subcategory == s.slug))
            .collect();
        let figures = |t: &Tool| self.tool_id(&t.slug).and_then(|id| stats.get(&id)).copied().unwrap_or_default();
        match sort {
            ToolSort::Stacks => tools.sort_by_key(|t| (std::cmp::Reverse(figures(t).stacks), t.slug.clone())),
            ToolSort::Followers => tools.sort_by_key(|t| (std::cmp::Reverse(figures(t).followers), t.slug.clone())),
            ToolSort::Votes => tools.sort_by_key(|t| (std::cmp::Reverse(figures(t).votes), t.slug.clone())),
            ToolSort::Name => tools.sort_by_key(|t| (t.name.to_lowercase(), t.slug.clone())),
            ToolSort::Trending => {
                let scores = self.trending_scores(&stats).await?;
                self.rank_trending(&mut tools, &scores, &stats);
            }
        }
        let paging = Paging::of(page, TOOLS_PER_PAGE, tools.len())?;
        // The order depends on every listed tool's figures (except by name).
        let mut tags: Vec<Tag> = if sort == ToolSort::Name {
            Vec::new()
        } else {
            tools.iter().filter_map(|t| self.tool_id(&t.slug)).map(Tag::Tool).collect()
        };
        let shown: Vec<ToolCard> = tools
            .into_iter()
            .skip(paging.offset(TOOLS_PER_PAGE))
            .take(TOOLS_PER_PAGE)
            .map(|t| self.card(t, &stats, false, &mut tags))
            .collect();
        let layers = self
            .catalog
            .layers()
            .iter()
            .map(|l| LayerChoice {
                slug: l.slug.clone(),
                name: l.name.clone(),
                categories: l.categories.iter().map(|c| NameLink::new(c.slug.clone(), c.name.clone())).collect(),
            })
            .collect();
        let view = ToolsIndex {
            tools: shown,
            paging,
            sort,
            layer: layer.map(|l| NameLink::new(l.slug.clone(), l.name.clone())),
            category: category.map(|c| NameLink::new(c.slug.clone(), c.name.clone())),
            subcategory: subcategory.map(|s| NameLink::new(s.slug.clone(), s.name.clone())),
            layers,
        };
        Ok(Shown::new(view, tags))
    }

    /// The items of a tool list a person typed: separated by commas, or by spaces where an
    /// item is not itself a tool's name ("django rust", "Ruby on Rails, Redis").
    pub fn tool_list(&self, text: &str) -> Vec<String> {
        let mut items = Vec::new();
        for item in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            if item.contains(char::is_whitespace) && self.resolve_tool(item).is_none() {
                items.extend(item.split_whitespace().map(str::to_owned));
            } else {
                items.push(item.to_owned());
            }
        }
        items
    }

    /// A link to a tool by slug or alias (a 404 with suggestions when unknown).
    pub fn tool_link(&self, slug: &str) -> Result<NameLink> {
        Ok(NameLink::of(self.find_tool(slug)?))
    }

    /// A tool by slug, alias or name (any case).
    pub(crate) fn resolve_tool(&self, s: &str) -> Option<ToolId> {
        self.tool_id(&crate::search::resolve_name(self.catalog, s)?.slug)
    }

    /// The versions of a tool across the stacks using it.
    pub(crate) async fn version_spread(&self, id: ToolId) -> Result<crate::versions::VersionSpread> {
        let rows: Vec<(String, i64)> =
            self.store.version_counts(id).await?.into_iter().map(|r| (r.versions, r.stacks)).collect();
        Ok(crate::versions::VersionSpread::of(&rows))
    }

    /// Orders tools by trending score, then by stacks and slug.
    pub(crate) fn rank_trending(&self, tools: &mut [&Tool], scores: &HashMap<ToolId, f64>, stats: &StatsMap) {
        let key = |t: &Tool| {
            let id = self.tool_id(&t.slug);
            let score = id.and_then(|id| scores.get(&id)).copied().unwrap_or(0.0);
            let stacks = id.and_then(|id| stats.get(&id)).map_or(0, |s| s.stacks);
            (score, stacks)
        };
        tools.sort_by(|a, b| {
            let (ka, kb) = (key(a), key(b));
            kb.0.total_cmp(&ka.0).then(kb.1.cmp(&ka.1)).then_with(|| a.slug.cmp(&b.slug))
        });
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

    /// The catalog's curated integrations only, as many as `limit`.
    pub(crate) fn curated_integrations(
        &self,
        tool: &'static Tool,
        stats: &StatsMap,
        limit: usize,
        tags: &mut Vec<Tag>,
    ) -> Vec<ToolCard> {
        tool.integrations
            .iter()
            .filter_map(|s| self.catalog.tool(s))
            .take(limit)
            .map(|t| self.card(t, stats, true, tags))
            .collect()
    }

    /// The tools stacks use together with `tool`, with how many stacks and the lift over
    /// chance (P(both) / (P(tool) P(other)) over the stacks that have tools), most shared first.
    pub(crate) async fn companions(&self, tool: &'static Tool, stats: &StatsMap) -> Result<Vec<Companion>> {
        let id = self.tool_id(&tool.slug).unwrap_or_default();
        let own = stats.get(&id).map_or(0, |s| s.stacks);
        if own == 0 {
            return Ok(vec![]);
        }
        let population = self.store.count_stacks_with_tools().await?.max(1) as f64;
        Ok(self
            .store
            .top_co_used(id, 40)
            .await?
            .into_iter()
            .filter_map(|co| {
                let other = self.tool_by_id(co.tool_id)?;
                let theirs = stats.get(&co.tool_id).map_or(0, |s| s.stacks).max(1) as f64;
                let lift = co.stacks as f64 * population / (own as f64 * theirs);
                Some(Companion { tool: other, together: co.stacks, lift })
            })
            .collect())
    }

    /// Curated integrations first, then tools from other subcategories that stacks use with
    /// this one far more often than chance (lift >= 2, in at least 5% of its stacks).
    pub(crate) fn integrations(
        &self,
        tool: &'static Tool,
        companions: &[Companion],
        stats: &StatsMap,
        limit: usize,
        tags: &mut Vec<Tag>,
    ) -> Vec<ToolCard> {
        let mut out: Vec<ToolCard> = self.curated_integrations(tool, stats, usize::MAX, tags);
        let own = self.tool_id(&tool.slug).and_then(|id| stats.get(&id)).map_or(0, |s| s.stacks);
        for co in companions {
            if out.len() >= limit {
                break;
            }
            if co.tool.subcategory != tool.subcategory
                && co.lift >= 2.0
                && co.together * 20 >= own
                && !out.iter().any(|c| c.slug == co.tool.slug)
            {
                out.push(self.card(co.tool, stats, false, tags));
            }
        }
        out.truncate(limit);
        out
    }

    /// The tools most often in the same stacks, clearly more than chance would put them there
    /// (lift of 1.2 or more, so that no "1.0× chance" is shown; in at least 3 stacks together),
    /// most shared first, with the evidence.
    pub(crate) fn often_used_with(
        &self,
        companions: &[Companion],
        stats: &StatsMap,
        limit: usize,
        tags: &mut Vec<Tag>,
    ) -> Vec<UsedWith> {
        companions
            .iter()
            .filter(|co| co.lift >= 1.2 && co.together >= 3)
            .take(limit)
            .map(|co| UsedWith { tool: self.card(co.tool, stats, false, tags), together: co.together, lift: co.lift })
            .collect()
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
