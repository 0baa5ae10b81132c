//! The cli crate's integration tests, one binary (one link, one copy of every dependency on
//! disk) with a module per subject.

mod catalog_cli;
mod commands;
mod durability;
mod history_cli;
mod scan_cli;
