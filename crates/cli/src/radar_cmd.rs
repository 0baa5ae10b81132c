//! `stackdex radar check`: a repository against its organisation's tech radar, offline, for CI.
//! Exit status 0 when it uses no tool on hold, 1 when it does (each named with the files that
//! show it), 2 when the radar file cannot be read.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use stackdex_catalog::Catalog;
use stackdex_scan::ScanOptions;
use stackdex_scan::radar::{self, RadarCheck};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A line per finding.
    Table,
    /// `{"hold": [slug...], "unlisted": [slug...], "unknown": [{"name", "suggestions"}]}`.
    Json,
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// The repository to scan (default: the current folder).
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// The radar file (techradar.yml).
    #[arg(long)]
    pub radar: PathBuf,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

pub fn check(args: &CheckArgs) -> anyhow::Result<ExitCode> {
    let catalog = Catalog::builtin();
    let read = std::fs::read_to_string(&args.radar)
        .map_err(|e| e.to_string())
        .and_then(|text| radar::read(catalog, &text).map_err(|e| e.to_string()));
    let radar = match read {
        Ok(radar) => radar,
        Err(e) => {
            eprintln!("error: {}: {e}", args.radar.display());
            return Ok(ExitCode::from(2));
        }
    };
    let unknown: Vec<(String, Vec<String>)> = radar
        .unknown
        .iter()
        .map(|name| (name.clone(), stackdex_app::search::suggest_tools(catalog, name, 3)))
        .collect();
    for (name, suggestions) in &unknown {
        let hint =
            if suggestions.is_empty() { String::new() } else { format!(" (did you mean {}?)", suggestions.join(", ")) };
        eprintln!("warning: {}: {name:?} is not a tool the catalog knows{hint}", args.radar.display());
    }
    let report = stackdex_scan::scan(catalog, &args.path, &ScanOptions::default())?;
    let result = radar::check(&report, &radar);
    match args.format {
        Format::Json => {
            let json = serde_json::json!({
                "hold": result.hold.iter().map(|h| h.slug.as_str()).collect::<Vec<_>>(),
                "unlisted": result.unlisted,
                "unknown": unknown.iter().map(|(name, s)| serde_json::json!({"name": name, "suggestions": s})).collect::<Vec<_>>(),
            });
            println!("{}", serde_json::to_string_pretty(&json)?);
        }
        Format::Table => print!("{}", table(&args.path, &result)),
    }
    Ok(if result.hold.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

fn table(path: &Path, result: &RadarCheck) -> String {
    let mut out = String::new();
    for h in &result.hold {
        out.push_str(&format!("hold: {} ({}) is used in {}\n", h.name, h.slug, h.files.join(", ")));
    }
    if !result.unlisted.is_empty() {
        out.push_str(&format!("not on the radar: {}\n", result.unlisted.join(", ")));
    }
    if result.hold.is_empty() {
        out.push_str(&format!("{}: no tool on hold\n", path.display()));
    }
    out
}

/// `stackdex radar push FILE --org SLUG`: sends the file as it is; the server reads it.
pub async fn push(file: &Path, server: &str, org: &str, token: &str) -> anyhow::Result<ExitCode> {
    use anyhow::Context;
    let text = std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let server = server.trim_end_matches('/');
    let url = format!("{server}/api/v1/organisations/{org}/radar");
    let response = reqwest::Client::builder()
        .user_agent(concat!("stackdex/", env!("CARGO_PKG_VERSION")))
        .timeout(std::time::Duration::from_secs(60))
        .build()?
        .put(&url)
        .bearer_auth(token)
        .header(reqwest::header::CONTENT_TYPE, "application/yaml")
        .body(text)
        .send()
        .await
        .with_context(|| format!("sending to {url}"))?;
    let status = response.status();
    let body: serde_json::Value = response.json().await.unwrap_or_default();
    if !status.is_success() {
        let message = body["error"]["message"].as_str().unwrap_or("no details");
        anyhow::bail!("the server refused the radar ({status}): {message}");
    }
    println!("recorded the radar of {org} as version {} ({} tools)", body["version"], body["entries"]);
    println!("{server}{}", body["url"].as_str().unwrap_or(""));
    for u in body["unknown"].as_array().into_iter().flatten() {
        let hints: Vec<&str> = u["suggestions"].as_array().into_iter().flatten().filter_map(|s| s.as_str()).collect();
        let hint = if hints.is_empty() { String::new() } else { format!(" (did you mean {}?)", hints.join(", ")) };
        eprintln!("warning: {} is not a tool the catalog knows and was left out{hint}", u["name"]);
    }
    Ok(ExitCode::SUCCESS)
}
