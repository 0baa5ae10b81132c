//! The home page: trending tools and stackups, recent decisions, and the taxonomy to browse.

use serde::Serialize;
use stackdex_catalog::Tool;
use stackdex_store::Tag;
use utoipa::ToSchema;

use crate::views::{DecisionView, StackupLink, ToolCard};
use crate::{App, Result, Shown};

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HomePage {
    pub trending_tools: Vec<ToolCard>,
    pub trending_stackups: Vec<StackupLink>,
    pub recent_decisions: Vec<DecisionView>,
    pub layers: Vec<LayerView>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LayerView {
    pub slug: String,
    pub name: String,
    pub categories: Vec<CategoryLink>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CategoryLink {
    pub layer: String,
    pub slug: String,
    pub name: String,
    pub tools: usize,
}

impl App {
    pub async fn home_page(&self) -> Result<Shown<HomePage>> {
        let stats = self.stats_map().await?;
        // Trending: growth over the last 30 days (docs/figures-over-time.md).
        let mut ranked: Vec<&Tool> = self.catalog.tools().iter().collect();
        let scores = self.trending_scores(&stats).await?;
        self.rank_trending(&mut ranked, &scores, &stats);
        let trending_stackups = self
            .store
            .top_stackups(8)
            .await?
            .into_iter()
            .filter_map(|s| crate::stackups::parse_canonical(self.catalog, &s.slug))
            .collect();
        let recent = self.store.recent_decisions(6, 0).await?;
        // The ranking moves with every tool's figures: the page is kept for a short while
        // (see its route) rather than dropped on each change; new decisions drop it.
        let mut tags = vec![Tag::Decisions];
        let view = HomePage {
            trending_tools: ranked.into_iter().take(12).map(|t| self.card(t, &stats, false, &mut tags)).collect(),
            trending_stackups,
            recent_decisions: self.decision_views(recent, &mut tags).await?,
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
        };
        Ok(Shown::new(view, tags))
    }
}
