//! `stackdex scan`: detect the stack of one or more repositories, offline. See docs/scan.md.

use std::fs;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::SystemTime;

use anyhow::Context;
use stackdex_catalog::Catalog;
use stackdex_scan::{History, HistoryError, HistoryOptions, MultiReport, Report, ScanOptions, render, techstack};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Tools grouped by layer, then languages, components and warnings.
    Table,
    /// The documented JSON report (docs/scan.md).
    Json,
    /// The same report as YAML.
    Yaml,
    /// A Markdown summary.
    Markdown,
    /// StackShare's Stack File pair: techstack.yml and techstack.md.
    Techstack,
}

#[derive(Debug, clap::Args)]
pub struct ScanArgs {
    /// Folders to scan (default: the current folder). Several folders give one report each
    /// and an aggregate view.
    pub paths: Vec<PathBuf>,
    /// Scan every git repository found below the given folders.
    #[arg(short, long)]
    pub recursive: bool,
    #[arg(short, long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Treat warnings (unreadable or malformed files) as an error: exit with status 1.
    #[arg(long)]
    pub strict: bool,
    /// Write the report into this folder (stack.txt, stack.json, stack.yaml, stack.md, or
    /// techstack.yml + techstack.md) instead of standard output. For `--format techstack` the
    /// default is the current folder.
    #[arg(short, long, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Also walk vendored and build folders (node_modules, vendor, target, dist, ...).
    #[arg(long)]
    pub include_vendored: bool,
    /// Follow symbolic links to folders (loops are reported as warnings).
    #[arg(long)]
    pub follow_links: bool,
    /// Skip manifests larger than this many bytes (with a warning).
    #[arg(long, default_value_t = 32 * 1024 * 1024, value_name = "BYTES")]
    pub max_file_size: u64,
    /// No progress bar, even on a terminal.
    #[arg(long)]
    pub no_progress: bool,
    /// With the table format, also list every package (direct dependency) with its version,
    /// scope, registry and the tool it maps to. (JSON and YAML always hold them.)
    #[arg(long)]
    pub packages: bool,
    /// Read the repository's first-parent history instead of its files: when each tool was
    /// first seen, last seen, and its versions over time (docs/history.md). One PATH at most.
    #[arg(long, conflicts_with_all = ["recursive", "packages"])]
    pub history: bool,
    #[command(flatten)]
    pub bounds: HistoryBounds,
}

/// How far back `--history` reads (scan and push).
#[derive(Debug, Clone, clap::Args)]
pub struct HistoryBounds {
    /// With --history: stop at the first commit older than this day (YYYY-MM-DD, UTC, by
    /// committer date).
    #[arg(long, value_name = "DATE", requires = "history")]
    pub since: Option<String>,
    /// With --history: read at most this many commits, the newest.
    #[arg(long, value_name = "N", default_value_t = 10_000)]
    pub max_commits: usize,
}

/// Exit status when a history cannot be read (not a repository, no commits, shallow).
pub const CANNOT_READ_HISTORY: u8 = 2;

pub fn run(args: &ScanArgs) -> anyhow::Result<ExitCode> {
    if args.history {
        return run_history(args);
    }
    let catalog = Catalog::builtin();
    let options = ScanOptions {
        include_vendored: args.include_vendored,
        follow_links: args.follow_links,
        max_file_bytes: args.max_file_size,
        threads: 0,
    };
    let roots = roots(args)?;
    let progress = progress_bar(args, roots.len());
    let mut reports = Vec::with_capacity(roots.len());
    for root in &roots {
        if let Some(bar) = &progress {
            bar.set_message(root.display().to_string());
        }
        let report = stackdex_scan::scan(catalog, root, &options)?;
        reports.push(report);
        if let Some(bar) = &progress {
            bar.inc(1);
        }
    }
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }

    let warnings: usize = reports.iter().map(|r| r.warnings.len()).sum();
    if args.paths.len() <= 1 && !args.recursive && reports.len() == 1 {
        let report = reports.pop().expect("one report");
        emit_single(args, catalog, &roots[0], &report)?;
    } else {
        emit_multi(args, catalog, &roots, MultiReport::new(reports))?;
    }
    if warnings > 0 && args.strict {
        eprintln!("error: {warnings} warning(s) and --strict was given");
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

/// `stackdex scan --history`: the history as a table (default), JSON or YAML.
fn run_history(args: &ScanArgs) -> anyhow::Result<ExitCode> {
    let path = match args.paths.as_slice() {
        [] => PathBuf::from("."),
        [one] => one.clone(),
        _ => anyhow::bail!("--history reads one repository; give one PATH"),
    };
    if matches!(args.format, Format::Markdown | Format::Techstack) {
        anyhow::bail!("--history writes a table, JSON or YAML (--format table|json|yaml)");
    }
    let options = ScanOptions {
        include_vendored: args.include_vendored,
        follow_links: false,
        max_file_bytes: args.max_file_size,
        threads: 0,
    };
    let history = match read_history(&path, &args.bounds, options, !args.no_progress)? {
        Ok(history) => history,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(ExitCode::from(CANNOT_READ_HISTORY));
        }
    };
    let text = match args.format {
        Format::Json => render::json(&history),
        Format::Yaml => render::yaml(&history),
        _ => render::history_table(&history),
    };
    deliver(args, args.format, &text)?;
    if !history.warnings.is_empty() && args.strict {
        eprintln!("error: {} warning(s) and --strict was given", history.warnings.len());
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

/// Reads a repository's history within `bounds`, with a progress bar on a terminal. The outer
/// error is a bad argument; the inner one, a repository whose history cannot be read.
pub fn read_history(
    path: &Path,
    bounds: &HistoryBounds,
    scan: ScanOptions,
    progress: bool,
) -> anyhow::Result<Result<History, HistoryError>> {
    let since = match &bounds.since {
        Some(day) => Some(
            chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d")
                .with_context(|| format!("--since {day:?}: expected a day as YYYY-MM-DD"))?
                .and_time(chrono::NaiveTime::MIN)
                .and_utc()
                .timestamp(),
        ),
        None => None,
    };
    if bounds.max_commits == 0 {
        anyhow::bail!("--max-commits must be at least 1");
    }
    let options = HistoryOptions { since, max_commits: bounds.max_commits, scan };
    let bar = (progress && std::io::stderr().is_terminal()).then(|| {
        let bar = indicatif::ProgressBar::new(0);
        let style = indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} commits  {wide_msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
        bar.set_style(style);
        bar.set_message(path.display().to_string());
        bar
    });
    let result = stackdex_scan::history(Catalog::builtin(), path, &options, &mut |done, total| {
        if let Some(bar) = &bar {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        }
    });
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    Ok(result)
}

fn roots(args: &ScanArgs) -> anyhow::Result<Vec<PathBuf>> {
    let given = if args.paths.is_empty() { vec![PathBuf::from(".")] } else { args.paths.clone() };
    if !args.recursive {
        return Ok(given);
    }
    let mut roots = Vec::new();
    for folder in &given {
        let found = stackdex_scan::find_repositories(folder)?;
        if found.is_empty() {
            eprintln!("warning: no git repository below {}", folder.display());
        }
        roots.extend(found);
    }
    Ok(roots)
}

fn progress_bar(args: &ScanArgs, count: usize) -> Option<indicatif::ProgressBar> {
    if count < 2 || args.no_progress || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(count as u64);
    let style = indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} repositories  {wide_msg}")
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
    bar.set_style(style);
    Some(bar)
}

fn emit_single(args: &ScanArgs, catalog: &Catalog, root: &Path, report: &Report) -> anyhow::Result<()> {
    match args.format {
        Format::Techstack => {
            let dir = args.output.clone().unwrap_or_else(|| PathBuf::from("."));
            write_techstack(catalog, root, report, &dir)
        }
        format => {
            let text = match format {
                Format::Json => render::json(report),
                Format::Yaml => render::yaml(report),
                Format::Markdown => render::markdown(report),
                _ if args.packages => format!("{}\n{}", render::table(report), render::packages_table(report)),
                _ => render::table(report),
            };
            deliver(args, format, &text)
        }
    }
}

fn emit_multi(args: &ScanArgs, catalog: &Catalog, roots: &[PathBuf], multi: MultiReport) -> anyhow::Result<()> {
    match args.format {
        Format::Techstack => {
            let base = args.output.clone().unwrap_or_else(|| PathBuf::from("."));
            for (root, report) in roots.iter().zip(&multi.repositories) {
                let dir = base.join(sanitize(&repo_name(root)));
                write_techstack(catalog, root, report, &dir)?;
            }
            Ok(())
        }
        format => {
            let text = match format {
                Format::Json => render::json(&multi),
                Format::Yaml => render::yaml(&multi),
                Format::Markdown => render::markdown_multi(&multi),
                _ if args.packages => {
                    let mut text = render::table_multi(&multi);
                    for report in &multi.repositories {
                        text.push('\n');
                        text.push_str(&render::packages_table(report));
                    }
                    text
                }
                _ => render::table_multi(&multi),
            };
            deliver(args, format, &text)
        }
    }
}

fn deliver(args: &ScanArgs, format: Format, text: &str) -> anyhow::Result<()> {
    match &args.output {
        Some(dir) => {
            fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
            let name = match format {
                Format::Json => "stack.json",
                Format::Yaml => "stack.yaml",
                Format::Markdown => "stack.md",
                _ => "stack.txt",
            };
            let path = dir.join(name);
            fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!("wrote {}", path.display());
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (`| head`) is not an error worth a message.
            let _ = stdout.write_all(text.as_bytes());
        }
    }
    Ok(())
}

fn write_techstack(catalog: &Catalog, root: &Path, report: &Report, dir: &Path) -> anyhow::Result<()> {
    let file = techstack::stack_file(catalog, report, &repo_name(root), &techstack::rfc3339_utc(SystemTime::now()));
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for (name, text) in [("techstack.yml", techstack::to_yaml(&file)), ("techstack.md", techstack::to_markdown(&file))]
    {
        let path = dir.join(name);
        fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}

/// `owner/repo` from the git remote `origin`, else the folder's name.
fn repo_name(root: &Path) -> String {
    if let Ok(config) = fs::read_to_string(root.join(".git/config")) {
        let mut in_origin = false;
        for line in config.lines() {
            let line = line.trim();
            if line.starts_with('[') {
                in_origin = line == "[remote \"origin\"]";
            } else if in_origin && let Some(url) = line.strip_prefix("url =").map(str::trim) {
                let path = url.trim_end_matches(".git").replace(':', "/");
                let parts: Vec<&str> = path.rsplit('/').take(2).collect();
                if let [repo, owner] = parts[..] {
                    return format!("{owner}/{repo}");
                }
            }
        }
    }
    let canonical = fs::canonicalize(root).unwrap_or_else(|_| root.to_owned());
    canonical.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "repository".to_owned())
}

fn sanitize(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() || "-_.".contains(c) { c } else { '_' }).collect()
}
