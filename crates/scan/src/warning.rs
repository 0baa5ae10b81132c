//! A problem met on the way: a file that could not be read or parsed, a broken link. The scan
//! goes on without it and lists it in the report.

use serde::{Deserialize, Serialize};

/// A file the scan could not use, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    /// Relative to the scanned root, `/`-separated (`.` for the root itself).
    pub file: String,
    /// What went wrong, for a person.
    pub message: String,
}
