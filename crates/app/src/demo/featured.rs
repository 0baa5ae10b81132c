//! The featured projects: public open-source repositories scanned with `stackdex scan`, of
//! which `projects.json` keeps only derived facts (see `README.md` beside it).

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub(super) struct Projects {
    /// The day of the scan, `YYYY-MM-DD`: no demo date is later than this (or than now).
    pub scanned_on: String,
    pub projects: Vec<Project>,
}

#[derive(Debug, Deserialize)]
pub(super) struct Project {
    /// The GitHub owner, as GitHub spells it.
    pub owner: String,
    /// The repository's name.
    pub name: String,
    /// Its address, shown on its stack page with the commit scanned.
    pub repository: String,
    /// The commit that was scanned.
    pub commit: String,
    /// Its code languages by share of code bytes, as the scan gave them.
    #[serde(default)]
    pub languages: Vec<ProjectLanguage>,
    /// `javascript`, `python`, `rust`, … as `reference/demo-repos.txt` files the project.
    pub ecosystem: String,
    pub tools: Vec<ProjectTool>,
}

#[derive(Debug, Deserialize)]
pub(super) struct ProjectLanguage {
    pub slug: String,
    pub name: String,
    /// 0 to 1.
    pub share: f64,
}

#[derive(Debug, Deserialize)]
pub(super) struct ProjectTool {
    pub slug: String,
    #[serde(default)]
    pub versions: Vec<String>,
}

static PROJECTS: LazyLock<Projects> =
    LazyLock::new(|| serde_json::from_str(include_str!("projects.json")).expect("demo/projects.json parses"));

pub(super) fn projects() -> &'static Projects {
    &PROJECTS
}

impl Projects {
    /// The day of the scan as a Unix time (midnight UTC).
    pub fn scanned_at(&self) -> i64 {
        chrono::NaiveDate::parse_from_str(&self.scanned_on, "%Y-%m-%d")
            .ok()
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map_or(0, |t| t.and_utc().timestamp())
    }

    /// For each ecosystem, how many of its projects use each tool.
    pub fn usage_by_ecosystem(&self) -> HashMap<&str, (usize, HashMap<&str, usize>)> {
        let mut out: HashMap<&str, (usize, HashMap<&str, usize>)> = HashMap::new();
        for p in &self.projects {
            let entry = out.entry(p.ecosystem.as_str()).or_default();
            entry.0 += 1;
            for t in &p.tools {
                *entry.1.entry(t.slug.as_str()).or_default() += 1;
            }
        }
        out
    }

    /// The versions the projects use of each tool (each once, in the order first seen).
    pub fn versions_seen(&self) -> HashMap<&str, Vec<&str>> {
        let mut out: HashMap<&str, Vec<&str>> = HashMap::new();
        for t in self.projects.iter().flat_map(|p| &p.tools) {
            let seen = out.entry(t.slug.as_str()).or_default();
            for v in &t.versions {
                if !seen.contains(&v.as_str()) {
                    seen.push(v);
                }
            }
        }
        out
    }

    /// For each tool in at least five projects, the tools every one of those projects also
    /// uses and that are hardly used without it (every project with Rust has Cargo): the
    /// companions a synthetic stack with the tool gets too. Only tools `may_add` allows are
    /// companions.
    pub fn companions(&self, may_add: impl Fn(&str) -> bool) -> HashMap<&str, Vec<&str>> {
        let mut with: HashMap<&str, HashSet<usize>> = HashMap::new();
        for (i, p) in self.projects.iter().enumerate() {
            for t in &p.tools {
                with.entry(t.slug.as_str()).or_default().insert(i);
            }
        }
        let mut slugs: Vec<&str> = with.keys().copied().collect();
        slugs.sort_unstable();
        let mut out: HashMap<&str, Vec<&str>> = HashMap::new();
        for a in &slugs {
            let users = &with[a];
            if users.len() < 5 {
                continue;
            }
            for b in &slugs {
                let theirs = &with[b];
                if a != b && may_add(b) && theirs.len() * 2 <= users.len() * 3 && users.is_subset(theirs) {
                    out.entry(*a).or_default().push(*b);
                }
            }
        }
        out
    }
}
