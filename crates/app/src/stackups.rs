//! Stackups: comparisons of 2 to 4 tools at one canonical URL (tools ordered by slug), with a
//! "key differences" section built only from facts, co-usage, decisions and related
//! comparisons; and the views that rank them.

use serde::Serialize;
use stackdex_catalog::{Catalog, Tool};
use stackdex_store::{Tag, ToolId};
use utoipa::ToSchema;

use crate::tools::StatsMap;
use crate::views::{Breadcrumb, DecisionView, NameLink, ReasonView, StackupLink, Stats, Suggestion, ToolCard, initial};
use crate::{App, AppError, Result, Shown, format};

mod explain;
pub use explain::DifferencePoint;
use explain::Together;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StackupTool {
    pub slug: String,
    pub name: String,
    pub logo: Option<String>,
    pub description: String,
    pub website: String,
    pub stats: Stats,
    pub pros: Vec<ReasonView>,
    pub cons: Vec<ReasonView>,
    pub integrations: Vec<ToolCard>,
}

impl StackupTool {
    pub fn initial(&self) -> String {
        initial(&self.name)
    }
}

/// How often two of the compared tools share a stack, counted over the stacks in the store.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ToolPair {
    /// The first tool's slug (the stackup's order).
    pub a: String,
    /// The second tool's slug.
    pub b: String,
    /// Stacks that use both tools now.
    pub together: i64,
    /// P(a and b) / (P(a) P(b)) over the stacks that have tools: above 1, the tools share
    /// stacks more often than chance would give. Null when either tool is in no stack.
    pub lift: Option<f64>,
}

/// One row of the "key differences" table: a fact per tool.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct KeyDifference {
    pub label: String,
    pub values: Vec<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StackupPage {
    pub slug: String,
    pub title: String,
    pub breadcrumb: Breadcrumb,
    pub tools: Vec<StackupTool>,
    pub key_differences: Vec<KeyDifference>,
    /// "What are the differences?" in words: numbered points written from the facts.
    pub differences: Vec<DifferencePoint>,
    /// One sentence that sums the points up ("In summary: ...").
    pub summary: String,
    /// Facts about how often the tools are used together, one sentence each.
    pub co_usage: Vec<String>,
    /// The same facts as figures: each pair of the compared tools.
    pub pairs: Vec<ToolPair>,
    pub decisions: Vec<DecisionView>,
    pub alternatives: Vec<ToolCard>,
    pub related: Vec<StackupLink>,
    /// Each compared tool's figures by month, for the page's chart (the JSON of each is at
    /// `/api/v1/tools/{slug}/trend`).
    #[serde(skip)]
    pub trends: Vec<Vec<crate::figures::TrendPoint>>,
}

impl StackupPage {
    pub fn names(&self) -> String {
        self.tools.iter().map(|t| t.name.as_str()).collect::<Vec<_>>().join(", ")
    }
}

/// The canonical stackup for tools given by slug or alias: distinct tools, ordered by slug,
/// joined with `-vs-`.
pub(crate) fn canonical(catalog: &Catalog, names: &[&str]) -> Result<StackupLink> {
    if !(2..=4).contains(&names.len()) {
        return Err(AppError::BadRequest("a stackup compares 2 to 4 tools".into()));
    }
    let mut tools: Vec<&Tool> = Vec::with_capacity(names.len());
    for name in names {
        let tool = catalog.tool(name).ok_or_else(|| AppError::NotFound {
            what: format!("tool {name:?}"),
            suggestions: corrected(catalog, names)
                .into_iter()
                .chain(crate::search::closest_tools(catalog, name, 5).into_iter().map(Suggestion::tool))
                .collect(),
        })?;
        if tools.iter().any(|t| t.slug == tool.slug) {
            return Err(AppError::BadRequest(format!("{} appears twice", tool.name)));
        }
        tools.push(tool);
    }
    tools.sort_by(|a, b| a.slug.cmp(&b.slug));
    Ok(StackupLink {
        slug: tools.iter().map(|t| t.slug.as_str()).collect::<Vec<_>>().join("-vs-"),
        title: tools.iter().map(|t| t.name.as_str()).collect::<Vec<_>>().join(" vs "),
        tools: tools.iter().map(|t| NameLink::of(t)).collect(),
    })
}

/// The stackup the names most likely meant, each unknown name read as its closest tool (for a
/// 404's "did you mean"): none when that gives fewer than two distinct tools.
fn corrected(catalog: &Catalog, names: &[&str]) -> Option<Suggestion> {
    let slugs: Vec<String> = names
        .iter()
        .map(|n| match catalog.tool(n) {
            Some(t) => Some(t.slug.clone()),
            None => crate::search::closest_tools(catalog, n, 1).pop().map(|l| l.slug),
        })
        .collect::<Option<_>>()?;
    let slugs: Vec<&str> = slugs.iter().map(String::as_str).collect();
    let link = slugs.iter().all(|s| catalog.tool(s).is_some()).then(|| canonical(catalog, &slugs).ok()).flatten()?;
    Some(Suggestion { url: format!("/stackups/{}", link.slug), slug: link.slug, name: link.title })
}

/// A stored slug back into a link, when it is still canonical and every tool still exists.
pub(crate) fn parse_canonical(catalog: &Catalog, slug: &str) -> Option<StackupLink> {
    let names: Vec<&str> = slug.split("-vs-").collect();
    canonical(catalog, &names).ok().filter(|link| link.slug == slug)
}

/// A stackup in a list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StackupEntry {
    pub slug: String,
    pub title: String,
    pub tools: Vec<NameLink>,
    pub views: i64,
}

/// The stackups index: the most viewed, or the most recently viewed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StackupsIndex {
    pub stackups: Vec<StackupEntry>,
    pub paging: crate::views::Paging,
    /// `popular` or `recent`.
    pub order: String,
}

/// Stackups per page of the index.
const STACKUPS_PER_PAGE: usize = 30;

impl App {
    /// A page of the stackups index.
    pub async fn stackups_index(&self, recent: bool, page: usize) -> Result<StackupsIndex> {
        let total = self.store.count_stackups().await? as usize;
        let paging = crate::views::Paging::of(page, STACKUPS_PER_PAGE, total)?;
        let found =
            self.store.list_stackups(recent, STACKUPS_PER_PAGE as i64, paging.offset(STACKUPS_PER_PAGE) as i64).await?;
        let stackups = found
            .into_iter()
            .filter_map(|s| {
                let link = parse_canonical(self.catalog, &s.slug)?;
                Some(StackupEntry { slug: link.slug, title: link.title, tools: link.tools, views: s.views })
            })
            .collect();
        Ok(StackupsIndex { stackups, paging, order: if recent { "recent" } else { "popular" }.into() })
    }

    /// The canonical stackup of the tools named (slugs, aliases or names), for the
    /// "compare" box.
    pub fn compare(&self, names: &[&str]) -> Result<StackupLink> {
        let slugs: Vec<&str> = names
            .iter()
            .map(|n| crate::search::resolve_name(self.catalog, n).map_or(*n, |t| t.slug.as_str()))
            .collect();
        canonical(self.catalog, &slugs)
    }

    /// Counts a view of a stackup page; written out with the next flush.
    pub fn count_stackup_view(&self, slug: &str) {
        *self.stackup_views.lock().entry(slug.to_owned()).or_default() += 1;
    }

    pub async fn stackup_page(&self, slug: &str) -> Result<Shown<StackupPage>> {
        if slug.len() > 300 {
            return Err(AppError::BadRequest("stackup address too long".into()));
        }
        let names: Vec<&str> = slug.split("-vs-").collect();
        let link = canonical(self.catalog, &names)?;
        if link.slug != slug {
            return Err(AppError::Moved(format!("/stackups/{}", link.slug)));
        }
        let tools: Vec<&'static Tool> = link.tools.iter().filter_map(|t| self.catalog.tool(&t.slug)).collect();
        let ids: Vec<ToolId> = tools.iter().map(|t| self.tool_id(&t.slug).unwrap_or_default()).collect();
        let stats = self.stats_map().await?;
        let mut tags: Vec<Tag> = ids.iter().map(|id| Tag::Tool(*id)).collect();
        let mut columns = Vec::with_capacity(tools.len());
        for (tool, id) in tools.iter().zip(&ids) {
            let (mut pros, mut cons) = self.pros_and_cons(*id).await?;
            pros.truncate(5);
            cons.truncate(5);
            columns.push(StackupTool {
                slug: tool.slug.clone(),
                name: tool.name.clone(),
                logo: crate::views::logo_url(&tool.slug),
                description: tool.description.clone(),
                website: tool.website.clone(),
                stats: stats.get(id).copied().unwrap_or_default(),
                pros,
                cons,
                // Curated only, as the seed page lists them (integrations from co-usage are the
                // tool page's).
                integrations: self.curated_integrations(tool, &stats, 8, &mut tags),
            });
        }
        let together = self.together(&ids, &stats).await?;
        let co_usage = together.iter().map(|t| co_usage_fact(&tools, t)).collect();
        let pairs = together
            .iter()
            .map(|t| ToolPair {
                a: tools[t.a].slug.clone(),
                b: tools[t.b].slug.clone(),
                together: t.both,
                lift: t.lift.map(|l| (l * 1000.0).round() / 1000.0),
            })
            .collect();
        let key_differences = key_differences(self, &tools, &columns);
        let (differences, summary) = explain::explain(self.catalog, &tools, &columns, &together, this_year());
        let decisions = self.store.decisions_about(&ids, 10).await?;
        let mut alternatives: Vec<ToolCard> = Vec::new();
        for tool in &tools {
            for card in self.alternatives(tool, &stats, 10, &mut tags) {
                if !tools.iter().any(|t| t.slug == card.slug) && !alternatives.iter().any(|a| a.slug == card.slug) {
                    alternatives.push(card);
                }
            }
        }
        alternatives.truncate(10);
        let page = StackupPage {
            slug: link.slug.clone(),
            title: link.title.clone(),
            breadcrumb: self.breadcrumb(tools[0]),
            tools: columns,
            key_differences,
            differences,
            summary,
            co_usage,
            pairs,
            decisions: self.decision_views(decisions, &mut tags).await?,
            alternatives,
            related: self.related_stackups(&link).await?,
            trends: self.monthly_trends(&ids).await?,
        };
        Ok(Shown::new(page, tags))
    }

    /// How often each pair of the tools shares a stack, and the lift over chance.
    async fn together(&self, ids: &[ToolId], stats: &StatsMap) -> Result<Vec<Together>> {
        let population = self.store.count_stacks_with_tools().await?;
        let mut pairs = Vec::new();
        for a in 0..ids.len() {
            for b in a + 1..ids.len() {
                let both = self.store.co_usage(ids[a], ids[b]).await?;
                let (sa, sb) = (stats.get(&ids[a]).map_or(0, |s| s.stacks), stats.get(&ids[b]).map_or(0, |s| s.stacks));
                let lift = (sa > 0 && sb > 0 && population > 0)
                    .then(|| both as f64 * population as f64 / (sa as f64 * sb as f64));
                pairs.push(Together { a, b, both, lift });
            }
        }
        Ok(pairs)
    }

    /// Stackups sharing a tool with this one, then the most viewed, from stackup views.
    async fn related_stackups(&self, this: &StackupLink) -> Result<Vec<StackupLink>> {
        let top = self.store.top_stackups(200).await?;
        let links: Vec<StackupLink> = top
            .into_iter()
            .filter(|s| s.slug != this.slug)
            .filter_map(|s| parse_canonical(self.catalog, &s.slug))
            .collect();
        // The most viewed comparisons, keeping at least one that shares a tool with this one.
        let shares = |l: &StackupLink| l.tools.iter().any(|t| this.tools.iter().any(|u| u.slug == t.slug));
        let mut related: Vec<StackupLink> = links.iter().take(5).cloned().collect();
        if !related.iter().any(shares)
            && let Some(sharing) = links.iter().find(|l| shares(l))
        {
            related.pop();
            related.push(sharing.clone());
        }
        Ok(related)
    }
}

/// One sentence about how often two tools share a stack.
fn co_usage_fact(tools: &[&'static Tool], t: &Together) -> String {
    let mut fact = format!("{} stacks use both {} and {}", format::compact(t.both), tools[t.a].name, tools[t.b].name);
    match t.lift {
        Some(lift) => {
            let verdict = if lift >= 1.5 {
                "more often than chance would give: they are often used together"
            } else if lift <= 0.67 {
                "less often than chance would give: a sign they fill the same role"
            } else {
                "about as often as chance would give"
            };
            fact.push_str(&format!(", {verdict} (lift {lift:.2})."));
        }
        None => fact.push('.'),
    }
    fact
}

fn this_year() -> i32 {
    use chrono::Datelike;
    chrono::Utc::now().year()
}

/// Facts side by side: taxonomy, licence, language, age, stars, stacks, top pro and con.
fn key_differences(app: &App, tools: &[&'static Tool], columns: &[StackupTool]) -> Vec<KeyDifference> {
    let row = |label: &str, f: &dyn Fn(usize) -> String| KeyDifference {
        label: label.into(),
        values: (0..tools.len()).map(f).collect(),
    };
    let mut rows = vec![
        row("Category", &|i| {
            let p = app.catalog.place(tools[i]);
            format!("{} › {}", p.category.name, p.subcategory.name)
        }),
        row("Licence", &|i| or_unknown(&tools[i].license)),
        row("Written in", &|i| or_unknown(&tools[i].language)),
        row("First released", &|i| match tools[i].first_release {
            0 => "unknown".into(),
            y => format!("{y} ({} years ago)", (this_year() - i32::from(y)).max(0)),
        }),
        row("Open source", &|i| if tools[i].open_source { "yes".into() } else { "no".into() }),
        row("GitHub stars", &|i| columns[i].stats.stars_fmt()),
        row("Stacks using it", &|i| columns[i].stats.stacks_fmt()),
        row("Top pro", &|i| {
            columns[i].pros.first().map_or_else(|| "none yet".into(), |r| format!("{} ({})", r.text, r.votes))
        }),
        row("Top con", &|i| {
            columns[i].cons.first().map_or_else(|| "none yet".into(), |r| format!("{} ({})", r.text, r.votes))
        }),
    ];
    rows.retain(|r| r.values.iter().any(|v| v != &r.values[0]) || r.label == "Category");
    rows
}

fn or_unknown(s: &str) -> String {
    if s.is_empty() { "unknown".into() } else { s.to_owned() }
}
