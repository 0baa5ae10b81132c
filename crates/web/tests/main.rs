//! The web crate's integration tests, one binary (one link, one copy of every dependency on
//! disk) with a module per subject.

mod authorization;
mod browse;
mod browser_accounts;
mod common;
mod decisions;
mod differences;
mod feed;
mod figures_over_time;
mod fleet;
mod forms;
mod freshness;
mod hostile_text;
mod http_basics;
mod openapi;
mod own_content;
mod radar;
mod seed_page;
mod site;
mod stack_history;
mod stacks_from_ci_and_files;
mod stackup_pairs;
mod version_spread;
mod visitor;
mod write_api;
