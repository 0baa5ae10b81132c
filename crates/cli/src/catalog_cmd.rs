//! `stackdex catalog [QUERY]`: what the built-in catalog knows, to check a tool and find the slug
//! to use: slug, name, place in the taxonomy, aliases and the package names its rules match
//! per registry.

use std::collections::BTreeMap;
use std::io::Write;
use std::process::ExitCode;

use stackdex_catalog::{Catalog, Tool};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One tool per line.
    Table,
    /// `{"tools": [...]}`, one entry per tool.
    Json,
}

#[derive(Debug, clap::Args)]
pub struct CatalogArgs {
    /// Only tools whose slug, name, alias or package names contain this text (any case).
    pub query: Option<String>,
    #[arg(short, long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// One tool as listed.
#[derive(Debug)]
struct Entry<'c> {
    slug: &'c str,
    name: &'c str,
    layer: &'c str,
    category: &'c str,
    subcategory: &'c str,
    aliases: &'c [String],
    /// Registry (rule key: npm, pypi, maven, ...) -> package names or patterns.
    packages: BTreeMap<&'static str, Vec<&'c str>>,
}

pub fn run(args: &CatalogArgs) -> anyhow::Result<ExitCode> {
    let catalog = Catalog::builtin();
    let query = args.query.as_deref().map(str::to_lowercase).filter(|q| !q.trim().is_empty());
    let mut entries: Vec<Entry<'_>> = catalog
        .tools()
        .iter()
        .map(|tool| entry(catalog, tool))
        .filter(|e| query.as_deref().is_none_or(|q| matches(e, q)))
        .collect();
    entries.sort_by(|a, b| a.name.to_lowercase().cmp(&b.name.to_lowercase()).then(a.slug.cmp(b.slug)));
    let text = match args.format {
        Format::Json => {
            let tools: Vec<serde_json::Value> = entries.iter().map(to_json).collect();
            let mut text = serde_json::to_string_pretty(&serde_json::json!({ "tools": tools }))?;
            text.push('\n');
            text
        }
        Format::Table => table(&entries),
    };
    // A closed pipe (`| head`) is not an error worth a message.
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    Ok(ExitCode::SUCCESS)
}

fn entry<'c>(catalog: &'c Catalog, tool: &'c Tool) -> Entry<'c> {
    let place = catalog.place(tool);
    let mut packages: BTreeMap<&'static str, Vec<&'c str>> = BTreeMap::new();
    if let Some(rule) = catalog.rules().rules().iter().find(|r| r.tool == tool.slug) {
        for (ecosystem, pattern) in &rule.dependencies {
            packages.entry(ecosystem.key()).or_default().push(pattern.as_str());
        }
    }
    Entry {
        slug: &tool.slug,
        name: &tool.name,
        layer: &place.layer.name,
        category: &place.category.name,
        subcategory: &place.subcategory.name,
        aliases: &tool.aliases,
        packages,
    }
}

fn to_json(e: &Entry<'_>) -> serde_json::Value {
    serde_json::json!({
        "slug": e.slug,
        "name": e.name,
        "layer": e.layer,
        "category": e.category,
        "subcategory": e.subcategory,
        "aliases": e.aliases,
        "packages": e.packages,
    })
}

fn matches(entry: &Entry<'_>, query: &str) -> bool {
    entry.slug.contains(query)
        || entry.name.to_lowercase().contains(query)
        || entry.aliases.iter().any(|a| a.to_lowercase().contains(query))
        || entry.packages.values().flatten().any(|p| p.contains(query))
}

fn table(entries: &[Entry<'_>]) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let slug_width = entries.iter().map(|e| e.slug.len()).max().unwrap_or(4).clamp(4, 32);
    let name_width = entries.iter().map(|e| e.name.chars().count()).max().unwrap_or(4).clamp(4, 32);
    for e in entries {
        let _ = writeln!(
            out,
            "{:slug_width$}  {:name_width$}  {} > {} > {}",
            e.slug, e.name, e.layer, e.category, e.subcategory
        );
        if !e.aliases.is_empty() {
            let _ = writeln!(out, "    aliases: {}", e.aliases.join(", "));
        }
        for (registry, names) in &e.packages {
            let _ = writeln!(out, "    {registry}: {}", names.join(", "));
        }
    }
    let _ = writeln!(out, "{} tool{}", entries.len(), if entries.len() == 1 { "" } else { "s" });
    out
}
