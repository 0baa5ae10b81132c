//! Detection rules: one record per technology, matchers per ecosystem. (The scanner's side.)

use crate::{Catalog, CatalogError};

/// Every detection rule of the catalog.
#[derive(Debug, Default)]
pub struct RuleSet {}

pub(crate) fn load(
    _files: &[(&str, &str)],
    _catalog: &Catalog,
    _errors: &mut Vec<CatalogError>,
) -> RuleSet {
    RuleSet::default()
}
