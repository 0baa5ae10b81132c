//! RubyGems: Gemfile (gems with or without a version) and Gemfile.lock.

use stackdex_catalog::rules::Ecosystem::Rubygems;

use super::util::{quoted_strings, strip_hash_comment};
use crate::evidence::FileFindings;

pub fn gemfile(text: &str, out: &mut FileFindings) {
    out.component(None);
    for raw in text.lines() {
        let line = strip_hash_comment(raw).trim();
        let Some(rest) = line.strip_prefix("gem ").or_else(|| line.strip_prefix("gem(")) else {
            continue;
        };
        let strings = quoted_strings(rest);
        let Some(name) = strings.first() else { continue };
        // The second string, if it looks like a constraint, is the version.
        let constraint = strings
            .get(1)
            .filter(|s| s.trim_start().starts_with(|c: char| c.is_ascii_digit() || "~>=<!".contains(c)))
            .copied();
        out.declared(Rubygems, name, constraint);
    }
}

/// Gemfile.lock: `    name (1.2.3)` entries under `GEM` / `specs:` (4 spaces of indent).
pub fn gemfile_lock(text: &str, out: &mut FileFindings) {
    let mut in_specs = false;
    for line in text.lines() {
        if !line.starts_with(' ') {
            in_specs = false;
            continue;
        }
        if line.trim() == "specs:" {
            in_specs = true;
            continue;
        }
        if !in_specs || !line.starts_with("    ") || line.starts_with("     ") {
            continue;
        }
        let entry = line.trim();
        if let Some((name, rest)) = entry.split_once(" (") {
            let version = rest.trim_end_matches(')');
            // `nokogiri (1.15.4-x86_64-linux)`: drop the platform
            let version = version.split('-').next().unwrap_or(version);
            out.locked(Rubygems, name, version);
        }
    }
}
