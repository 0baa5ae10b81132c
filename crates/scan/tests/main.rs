//! The scan crate's integration tests, one binary (one link, one copy of every dependency on
//! disk) with a module per subject.

mod bad_input;
mod common;
mod ecosystems;
mod history;
mod infrastructure;
mod languages;
mod packages;
mod parsers;
mod sources;
mod stack_files;
