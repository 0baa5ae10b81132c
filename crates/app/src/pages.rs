//! Pages as data: home, tool, alternatives, category and search.

use std::collections::{HashMap, HashSet};

use stackdex_catalog::Tool;
use stackdex_store::{Decision, ReasonKind, ToolId};

use crate::views::*;
use crate::{App, AppError, Result, search};

/// Tool cards per category page.
const PER_PAGE: usize = 30;

impl App {
    pub(crate) async fn stats_map(&self) -> Result<HashMap<ToolId, Stats>> {
        Ok(self.store.all_tool_stats().await?.into_iter().map(|s| (s.tool_id, Stats::from(s))).collect())
    }

    pub(crate) fn card(&self, tool: &Tool, stats: &HashMap<ToolId, Stats>, curated: bool) -> ToolCard {
        let id = self.tool_id(&tool.slug).unwrap_or_default();
        ToolCard {
            slug: tool.slug.clone(),
            name: tool.name.clone(),
            description: tool.description.clone(),
            stats: stats.get(&id).copied().unwrap_or_default(),
            curated,
        }
    }

    pub(crate) fn breadcrumb(&self, tool: &Tool) -> Breadcrumb {
        let place = self.catalog.place(tool);
        Breadcrumb {
            layer: NameLink { slug: place.layer.slug.clone(), name: place.layer.name.clone() },
            category: NameLink { slug: place.category.slug.clone(), name: place.category.name.clone() },
            subcategory: NameLink { slug: place.subcategory.slug.clone(), name: place.subcategory.name.clone() },
        }
    }

    /// A tool's pros and cons, most voted first.
    pub(crate) async fn reasons(&self, tool: ToolId) -> Result<(Vec<ReasonView>, Vec<ReasonView>)> {
        let (mut pros, mut cons) = (Vec::new(), Vec::new());
        for r in self.store.reasons_for_tool(tool).await? {
            let view = ReasonView { id: r.id, text: r.text, votes: r.votes };
            match r.kind {
                ReasonKind::Pro => pros.push(view),
                ReasonKind::Con => cons.push(view),
            }
        }
        Ok((pros, cons))
    }

    pub(crate) async fn decision_views(&self, decisions: Vec<Decision>) -> Result<Vec<DecisionView>> {
        let author_ids: Vec<i64> =
            decisions.iter().filter_map(|d| d.author_id).collect::<HashSet<_>>().into_iter().collect();
        let authors = self.store.users_by_ids(&author_ids).await?;
        Ok(decisions
            .into_iter()
            .map(|d| DecisionView {
                id: d.id,
                kind: d.kind.as_str().to_owned(),
                body_html: render_markdown(&d.body),
                body: d.body,
                author: d.author_id.and_then(|a| authors.get(&a)).map(|u| Author {
                    username: u.username.clone(),
                    display_name: u.display_name.clone(),
                    title: u.title.clone(),
                }),
                created_at: d.created_at,
                views: d.views,
                upvotes: d.upvotes,
                comments: d.comments,
                tools: d
                    .tools
                    .iter()
                    .filter_map(|t| self.tool_by_id(*t))
                    .map(|t| NameLink { slug: t.slug.clone(), name: t.name.clone() })
                    .collect(),
            })
            .collect())
    }

    /// Curated integrations first, then tools from other subcategories that stacks use with
    /// this one far more often than chance (lift >= 2, in at least 5% of its stacks).
    pub(crate) async fn integrations(
        &self,
        tool: &'static Tool,
        stats: &HashMap<ToolId, Stats>,
        limit: usize,
    ) -> Result<Vec<ToolCard>> {
        let mut out: Vec<ToolCard> =
            tool.integrations.iter().filter_map(|s| self.catalog.tool(s)).map(|t| self.card(t, stats, true)).collect();
        let id = self.tool_id(&tool.slug).unwrap_or_default();
        let own = stats.get(&id).map_or(0, |s| s.stacks);
        if own > 0 && out.len() < limit {
            let population = self.store.count_stacks_with_tools().await?.max(1) as f64;
            for (other, together) in self.store.top_co_used(id, 40).await? {
                let Some(t) = self.tool_by_id(other) else { continue };
                let theirs = stats.get(&other).map_or(0, |s| s.stacks).max(1) as f64;
                let lift = together as f64 * population / (own as f64 * theirs);
                if t.subcategory != tool.subcategory
                    && lift >= 2.0
                    && together * 20 >= own
                    && !out.iter().any(|c| c.slug == t.slug)
                {
                    out.push(self.card(t, stats, false));
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
        stats: &HashMap<ToolId, Stats>,
        limit: usize,
    ) -> Vec<ToolCard> {
        let mut out: Vec<ToolCard> =
            tool.alternatives.iter().filter_map(|s| self.catalog.tool(s)).map(|t| self.card(t, stats, true)).collect();
        let mut same: Vec<&Tool> = self
            .catalog
            .tools_in(&tool.layer, &tool.category, Some(&tool.subcategory))
            .filter(|t| t.slug != tool.slug && !out.iter().any(|c| c.slug == t.slug))
            .collect();
        let stacks_of = |t: &Tool| self.tool_id(&t.slug).and_then(|id| stats.get(&id)).map_or(0, |s| s.stacks);
        same.sort_by_key(|t| (std::cmp::Reverse(stacks_of(t)), std::cmp::Reverse(t.popularity.stacks)));
        out.extend(same.into_iter().map(|t| self.card(t, stats, false)));
        out.truncate(limit);
        out
    }

    pub async fn tool_page(&self, slug: &str) -> Result<ToolPage> {
        let tool = self.find_tool(slug)?;
        if tool.slug != slug {
            return Err(AppError::Moved(format!("/tools/{}", tool.slug)));
        }
        let id = self.tool_id(&tool.slug).unwrap_or_default();
        let stats = self.stats_map().await?;
        let (pros, cons) = self.reasons(id).await?;
        let decisions = self.store.decisions_about(&[id], 10).await?;
        let alternatives = self.alternatives(tool, &stats, 10);
        let compare_with = alternatives
            .iter()
            .take(5)
            .filter_map(|a| crate::stackup::canonical(self.catalog, &[tool.slug.as_str(), a.slug.as_str()]).ok())
            .collect();
        Ok(ToolPage {
            slug: tool.slug.clone(),
            name: tool.name.clone(),
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
            integrations: self.integrations(tool, &stats, 10).await?,
            alternatives,
            decisions: self.decision_views(decisions).await?,
            stacks: self
                .store
                .stacks_using(id, 12)
                .await?
                .into_iter()
                .map(|s| StackLink { owner: s.stack.owner, slug: s.stack.slug, name: s.stack.name, kind: s.stack.kind })
                .collect(),
            compare_with,
        })
    }

    pub async fn alternatives_page(&self, slug: &str) -> Result<AlternativesPage> {
        let tool = self.find_tool(slug)?;
        if tool.slug != slug {
            return Err(AppError::Moved(format!("/tools/{}/alternatives", tool.slug)));
        }
        let stats = self.stats_map().await?;
        Ok(AlternativesPage {
            tool: NameLink { slug: tool.slug.clone(), name: tool.name.clone() },
            breadcrumb: self.breadcrumb(tool),
            alternatives: self.alternatives(tool, &stats, 30),
        })
    }

    /// Tools of a category (or subcategory), ranked by stacks, `PER_PAGE` a page.
    pub async fn category_page(
        &self,
        layer: &str,
        category: &str,
        subcategory: Option<&str>,
        page: usize,
    ) -> Result<CategoryPage> {
        let not_found = || AppError::NotFound { what: "category".into(), suggestions: Vec::new() };
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
        let used: HashSet<&str> =
            self.catalog.tools_in(layer, category, None).map(|t| t.subcategory.as_str()).collect();
        Ok(CategoryPage {
            layer: NameLink { slug: layer_entry.slug.clone(), name: layer_entry.name.clone() },
            category: NameLink { slug: cat.slug.clone(), name: cat.name.clone() },
            subcategory: sub.map(|s| NameLink { slug: s.slug.clone(), name: s.name.clone() }),
            subcategories: cat
                .subcategories
                .iter()
                .filter(|s| used.contains(s.slug.as_str()))
                .map(|s| NameLink { slug: s.slug.clone(), name: s.name.clone() })
                .collect(),
            tools: tools
                .into_iter()
                .skip((page - 1) * PER_PAGE)
                .take(PER_PAGE)
                .map(|t| self.card(t, &stats, false))
                .collect(),
            page,
            pages,
        })
    }

    pub async fn home_page(&self) -> Result<HomePage> {
        let stats = self.stats_map().await?;
        let mut ranked: Vec<&Tool> = self.catalog.tools().iter().collect();
        let score = |t: &Tool| {
            self.tool_id(&t.slug).and_then(|id| stats.get(&id)).map_or(0, |s| s.stacks + s.followers + 10 * s.votes)
        };
        ranked.sort_by_key(|t| std::cmp::Reverse(score(t)));
        let trending_stackups = self
            .store
            .top_stackups(8)
            .await?
            .into_iter()
            .filter_map(|(slug, _)| crate::stackup::parse_canonical(self.catalog, &slug))
            .collect();
        let recent = self.store.recent_decisions(6, 0).await?;
        Ok(HomePage {
            trending_tools: ranked.into_iter().take(12).map(|t| self.card(t, &stats, false)).collect(),
            trending_stackups,
            recent_decisions: self.decision_views(recent).await?,
            layers: self
                .catalog
                .layers()
                .iter()
                .map(|l| LayerView {
                    slug: l.slug.clone(),
                    name: l.name.clone(),
                    categories: l
                        .categories
                        .iter()
                        .map(|c| CategoryLink {
                            layer: l.slug.clone(),
                            slug: c.slug.clone(),
                            name: c.name.clone(),
                            tools: self.catalog.tools_in(&l.slug, &c.slug, None).count(),
                        })
                        .filter(|c| c.tools > 0)
                        .collect(),
                })
                .collect(),
        })
    }

    pub async fn search_page(&self, query: &str) -> Result<SearchPage> {
        if query.len() > 200 {
            return Err(AppError::BadRequest("the search text is longer than 200 characters".into()));
        }
        let stats = self.stats_map().await?;
        let tools = search::search_tools(self.catalog, query, 30);
        let ids: Vec<ToolId> = tools.iter().take(5).filter_map(|t| self.tool_id(&t.slug)).collect();
        let decisions = self.store.decisions_about(&ids, 5).await?;
        Ok(SearchPage {
            query: query.to_owned(),
            tools: tools.into_iter().map(|t| self.card(t, &stats, false)).collect(),
            decisions: self.decision_views(decisions).await?,
        })
    }
}

/// Markdown to HTML, always through the sanitiser: user text never carries script.
pub fn render_markdown(markdown: &str) -> String {
    let parser = pulldown_cmark::Parser::new_ext(markdown, pulldown_cmark::Options::ENABLE_STRIKETHROUGH);
    let mut html = String::with_capacity(markdown.len() * 2);
    pulldown_cmark::html::push_html(&mut html, parser);
    ammonia::clean(&html)
}

impl App {
    /// A stack with its current tools grouped by layer, and its history.
    pub async fn stack_page(&self, owner: &str, slug: &str) -> Result<StackPage> {
        let stack = self
            .store
            .stack(owner, slug)
            .await?
            .ok_or_else(|| AppError::NotFound { what: format!("stack {owner}/{slug}"), suggestions: Vec::new() })?;
        let split = |s: &str| s.split(',').map(str::trim).filter(|x| !x.is_empty()).map(str::to_owned).collect();
        let mut groups: Vec<LayerGroup> = Vec::new();
        let mut tools: Vec<(&'static Tool, stackdex_store::SnapshotTool)> = self
            .store
            .stack_tools(stack.id)
            .await?
            .into_iter()
            .filter_map(|t| Some((self.tool_by_id(t.tool_id)?, t)))
            .collect();
        tools.sort_by_key(|(t, _)| t.name.to_lowercase());
        for layer in self.catalog.layers() {
            let in_layer: Vec<StackToolView> = tools
                .iter()
                .filter(|(t, _)| t.layer == layer.slug)
                .map(|(t, row)| StackToolView {
                    slug: t.slug.clone(),
                    name: t.name.clone(),
                    subcategory: self.catalog.place(t).subcategory.name.clone(),
                    versions: split(&row.versions),
                    sources: split(&row.sources),
                })
                .collect();
            if !in_layer.is_empty() {
                groups.push(LayerGroup {
                    layer: NameLink { slug: layer.slug.clone(), name: layer.name.clone() },
                    tools: in_layer,
                });
            }
        }
        let snapshots = self
            .store
            .snapshots(stack.id, 50)
            .await?
            .into_iter()
            .map(|s| SnapshotView { id: s.id, source: s.source, created_at: s.created_at, tools: s.tools })
            .collect();
        Ok(StackPage {
            owner: stack.stack.owner,
            slug: stack.stack.slug,
            name: stack.stack.name,
            kind: stack.stack.kind,
            updated_at: stack.updated_at,
            layers: groups,
            snapshots,
        })
    }
}
