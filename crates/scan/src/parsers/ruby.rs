//! RubyGems: Gemfile (gems with or without a version) and Gemfile.lock.

use stackdex_catalog::rules::Ecosystem::Rubygems;

use super::util::{quoted_strings, strip_hash_comment};
use crate::evidence::{FileFindings, Scope};

pub fn gemfile(text: &str, out: &mut FileFindings) {
    out.component(None);
    // Open `do ... end` blocks: `group :test do` gives a scope, other blocks keep the outer one.
    let mut blocks: Vec<Option<Scope>> = Vec::new();
    for raw in text.lines() {
        let line = strip_hash_comment(raw).trim();
        if line == "end" {
            blocks.pop();
            continue;
        }
        let opens_block = line.ends_with(" do") || (line.contains(" do |") && line.ends_with('|'));
        if opens_block {
            let scope = line.strip_prefix("group").map(group_scope);
            blocks.push(scope);
            continue;
        }
        let Some(rest) = line.strip_prefix("gem ").or_else(|| line.strip_prefix("gem(")) else {
            continue;
        };
        let scope = match rest.split_once("group:").or_else(|| rest.split_once(":group =>")) {
            Some((_, groups)) => group_scope(groups),
            None => blocks.iter().rev().find_map(|s| *s).unwrap_or(Scope::Runtime),
        };
        let strings = quoted_strings(rest);
        let Some(name) = strings.first() else { continue };
        // The second string, if it looks like a constraint, is the version.
        let constraint = strings
            .get(1)
            .filter(|s| s.trim_start().starts_with(|c: char| c.is_ascii_digit() || "~>=<!".contains(c)))
            .copied();
        out.declared_as(Rubygems, name, constraint, scope);
    }
}

/// Bundler groups: `:development` (with or without `:test`) is development, `:test` alone is
/// test; any other group (`:production`, `:default`, a custom one) runs with the app.
fn group_scope(groups: &str) -> Scope {
    let has = |g: &str| groups.contains(&format!(":{g}")) || groups.contains(&format!("\"{g}\""));
    if has("development") {
        Scope::Dev
    } else if has("test") {
        Scope::Test
    } else {
        Scope::Runtime
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
