//! The stackdex catalog: the taxonomy (layer > category > subcategory), the tools and their
//! detection rules. Everything is data under `data/`, compiled into the binary; this crate
//! parses, validates and indexes it, and does no I/O.

mod logos;
mod model;
pub mod rules;
mod validate;

use std::collections::HashMap;
use std::sync::OnceLock;

pub use model::{Category, Layer, Place, Popularity, Subcategory, Tool};
pub use rules::RuleSet;

include!(concat!(env!("OUT_DIR"), "/data_files.rs"));

/// How the texts given to the loader are written: TOML (the files under `data/`, and tests) or
/// JSON (the same data converted at build time, for a fast start).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Toml,
    Json,
}

impl Format {
    pub(crate) fn decode<T: serde::de::DeserializeOwned>(self, text: &str) -> Result<T, String> {
        match self {
            Format::Toml => toml::from_str(text).map_err(|e| e.to_string()),
            Format::Json => serde_json::from_str(text).map_err(|e| e.to_string()),
        }
    }
}

/// A problem in the catalog's data, naming the file and the entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {entry}: {message}")]
pub struct CatalogError {
    pub file: String,
    pub entry: String,
    pub message: String,
}

impl CatalogError {
    pub fn new(file: &str, entry: &str, message: impl Into<String>) -> Self {
        Self { file: file.to_owned(), entry: entry.to_owned(), message: message.into() }
    }
}

/// All catalog problems found in one load, so a data change reports everything at once.
#[derive(Debug, thiserror::Error)]
#[error("the catalog has {} problem(s):\n{}", .0.len(), .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"))]
pub struct CatalogErrors(pub Vec<CatalogError>);

/// The loaded, validated catalog.
#[derive(Debug)]
pub struct Catalog {
    layers: Vec<Layer>,
    tools: Vec<Tool>,
    by_slug: HashMap<String, usize>,
    by_alias: HashMap<String, usize>,
    rules: RuleSet,
}

impl Catalog {
    /// The catalog compiled into this binary. Panics only if the shipped data is invalid,
    /// which the catalog's own test suite rules out.
    pub fn builtin() -> &'static Catalog {
        static CATALOG: OnceLock<Catalog> = OnceLock::new();
        // The shipped data's URLs are checked by this crate's tests (`from_sources` on the same
        // files); at run time only what the indexes need is checked, to keep start-up short.
        CATALOG.get_or_init(|| match Catalog::load(DATA_FILES, DATA_FORMAT, false) {
            Ok(catalog) => catalog,
            Err(errors) => panic!("built-in catalog is invalid: {errors}"),
        })
    }

    /// Parses and validates a catalog from `(path, contents)` pairs laid out like `data/`:
    /// `taxonomy.toml`, `tools/<layer>/<category>.toml`, `rules/**.toml`.
    pub fn from_files(files: &[(&str, &str)]) -> Result<Catalog, CatalogErrors> {
        Catalog::from_sources(files, Format::Toml)
    }

    /// Like [`Catalog::from_files`], with the texts written in `format`.
    pub fn from_sources(files: &[(&str, &str)], format: Format) -> Result<Catalog, CatalogErrors> {
        Catalog::load(files, format, true)
    }

    fn load(files: &[(&str, &str)], format: Format, check_urls: bool) -> Result<Catalog, CatalogErrors> {
        let mut errors = Vec::new();
        let rule_files: Vec<(&str, &str)> =
            files.iter().copied().filter(|(path, _)| path.starts_with("rules/")).collect();
        // The rules are read on a second thread while the tools are read on this one: the
        // catalog's start is most of what `stackdex scan` costs on a small repository.
        let (layers, tools, indexes, (rules, rule_errors)) = std::thread::scope(|scope| {
            let rules = scope.spawn(|| rules::load(&rule_files, format));
            let layers = model::parse_taxonomy(files, format, &mut errors);
            let tools = model::parse_tools(files, format, &layers, &mut errors);
            let indexes = validate::index_and_check(&tools, check_urls, &mut errors);
            (layers, tools, indexes, rules.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
        });
        let (by_slug, by_alias) = indexes;
        errors.extend(rule_errors);
        let mut catalog = Catalog { layers, tools, by_slug, by_alias, rules: RuleSet::default() };
        let mut rules = rules;
        rules.resolve_tools(&catalog, &mut errors);
        catalog.rules = rules;
        if errors.is_empty() { Ok(catalog) } else { Err(CatalogErrors(errors)) }
    }

    pub fn layers(&self) -> &[Layer] {
        &self.layers
    }

    pub fn tools(&self) -> &[Tool] {
        &self.tools
    }

    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    /// Looks a tool up by slug, then by alias (case-insensitive).
    pub fn tool(&self, slug_or_alias: &str) -> Option<&Tool> {
        if let Some(&i) = self.by_slug.get(slug_or_alias) {
            return Some(&self.tools[i]);
        }
        let lower = slug_or_alias.to_ascii_lowercase();
        self.by_slug.get(&lower).or_else(|| self.by_alias.get(&lower)).map(|&i| &self.tools[i])
    }

    pub fn layer(&self, slug: &str) -> Option<&Layer> {
        self.layers.iter().find(|l| l.slug == slug)
    }

    pub fn category(&self, layer: &str, category: &str) -> Option<&Category> {
        self.layer(layer)?.categories.iter().find(|c| c.slug == category)
    }

    /// Where a tool sits in the taxonomy.
    pub fn place(&self, tool: &Tool) -> Place<'_> {
        let layer = self.layer(&tool.layer).expect("validated layer");
        let category = layer.categories.iter().find(|c| c.slug == tool.category).expect("validated category");
        let subcategory =
            category.subcategories.iter().find(|s| s.slug == tool.subcategory).expect("validated subcategory");
        Place { layer, category, subcategory }
    }

    /// Tools of one subcategory (or a whole category when `subcategory` is `None`).
    pub fn tools_in<'a>(
        &'a self,
        layer: &'a str,
        category: &'a str,
        subcategory: Option<&'a str>,
    ) -> impl Iterator<Item = &'a Tool> + 'a {
        self.tools.iter().filter(move |t| {
            t.layer == layer && t.category == category && subcategory.is_none_or(|s| t.subcategory == s)
        })
    }
}

#[cfg(test)]
mod tests;
