//! `stackdex`: the web app, the scanner and the admin commands, in one binary.

mod catalog_cmd;
mod login;
mod radar_cmd;
mod scan_cmd;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use stackdex_app::App;
use stackdex_app::rate_limits::RateLimits;
use stackdex_app::site::SiteSettings;
use stackdex_app::stacks::{PushReport, PushSource, PushTool, valid_handle};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

#[derive(Parser)]
#[command(name = "stackdex", version, about = "Discover, compare and share technology stacks")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args, Clone)]
struct DbArgs {
    /// Database URL: sqlite:///absolute/path/stackdex.db or postgres://user@host:port/db.
    /// Default: a SQLite file in the data folder ($STACKDEX_DATA_DIR, else
    /// $XDG_DATA_HOME/stackdex, else ~/.local/share/stackdex).
    #[arg(long, env = "DATABASE_URL")]
    database_url: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Detect the stack of one or more repositories, offline (no server, no database).
    Scan(scan_cmd::ScanArgs),
    /// List the built-in catalog (slug, name, place, aliases, package names), or the tools a
    /// query names.
    Catalog(catalog_cmd::CatalogArgs),
    /// Serve the web app (creates and migrates the database, loads the catalog).
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: String,
        #[command(flatten)]
        db: DbArgs,
        /// Build the demo community on first start (reused afterwards).
        #[arg(long)]
        demo: bool,
        /// Multiply the demo community N times (for benchmarks).
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=100))]
        demo_scale: u32,
        /// Rate limits: `off`, or changes to the defaults such as `vote=600/60,signup=off`
        /// (N per SECONDS; actions signup, login, vote, post, push).
        #[arg(long, env = "STACKDEX_RATE_LIMIT")]
        rate_limit: Option<String>,
        /// A reverse proxy in front appends the client's address to X-Forwarded-For; count
        /// rate limits per that address (without a proxy the header is the client's to forge).
        #[arg(long, env = "STACKDEX_TRUST_PROXY")]
        trust_proxy: bool,
        /// The instance's name, in page titles and the footer.
        #[arg(long, env = "STACKDEX_NAME")]
        name: Option<String>,
        /// The address the public reaches this instance at (https://stackdex.example.com), for
        /// canonical links, OpenGraph tags and the sitemap (default: the request's Host).
        #[arg(long, env = "STACKDEX_PUBLIC_URL")]
        public_url: Option<String>,
        /// The most bytes of rendered pages kept in memory; past it the least recently used
        /// go (at least 1 MiB).
        #[arg(long, env = "STACKDEX_PAGE_CACHE_BYTES", default_value_t = stackdex_app::DEFAULT_CACHE_BYTES as u64,
              value_parser = clap::value_parser!(u64).range(1_048_576..))]
        page_cache_bytes: u64,
    },
    /// Grant or withdraw the admin role; rebuild the daily figures.
    Admin {
        #[command(subcommand)]
        action: AdminAction,
    },
    /// Apply database migrations and exit (for PostgreSQL deployments with several servers).
    Migrate {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Scan a repository and send the result to a stackdex server as a snapshot of a stack.
    Push {
        /// The repository to scan (default: the current folder).
        #[arg(default_value = ".")]
        path: PathBuf,
        /// The server, e.g. https://stackdex.example.com (default: the one `stackdex login`
        /// saved, when it saved one).
        #[arg(long, env = "STACKDEX_SERVER")]
        server: Option<String>,
        /// The stack to record it in, as OWNER/NAME.
        #[arg(long)]
        stack: String,
        /// An API token (default: the one `stackdex login` saved for this server).
        #[arg(long, env = "STACKDEX_TOKEN", hide_env_values = true)]
        token: Option<String>,
        /// First send the repository's history as dated snapshots (one per commit where the
        /// stack changed; the stack must have none yet), then push the current state.
        #[arg(long)]
        history: bool,
        #[command(flatten)]
        bounds: scan_cmd::HistoryBounds,
    },
    /// Log in to a stackdex server and keep an API token for `stackdex push`.
    Login {
        /// The server, e.g. https://stackdex.example.com
        #[arg(long, env = "STACKDEX_SERVER")]
        server: String,
        #[arg(long)]
        username: String,
        /// Read the password from standard input instead of asking for it.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Import a StackShare Stack File (techstack.yml) as a snapshot of a stack.
    Import {
        /// The techstack.yml file.
        file: PathBuf,
        /// The stack to record it in, as OWNER/NAME (default: the file's repo_name).
        #[arg(long)]
        stack: Option<String>,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Import a tool's release cycles and end-of-life dates, in endoflife.date's JSON format
    /// (an array of {"cycle", "releaseDate", "eol", "latest"}), for the fleet pages. Replaces
    /// the cycles the tool had. Offline: fetch the file yourself (endoflife.date/api/SLUG.json).
    ImportEol {
        /// The catalog tool (slug, name or alias), e.g. postgresql.
        #[arg(long)]
        tool: String,
        /// The JSON file.
        #[arg(long)]
        file: PathBuf,
        #[command(flatten)]
        db: DbArgs,
    },
    /// A tech radar as code (techradar.yml): check a repository against it (for CI).
    Radar {
        #[command(subcommand)]
        action: RadarAction,
    },
    /// Import GitHub stars and forks for catalog tools.
    ImportGithub {
        #[command(flatten)]
        db: DbArgs,
        /// A JSON file holding an array of `GET /repos/{owner}/{repo}` responses (offline).
        #[arg(long, conflicts_with = "live")]
        file: Option<PathBuf>,
        /// Read each catalog repository from the GitHub REST API.
        #[arg(long)]
        live: bool,
        /// Base URL of the GitHub API (for GitHub Enterprise, or a local fake in tests).
        #[arg(long, default_value = "https://api.github.com", env = "STACKDEX_GITHUB_API")]
        api_url: String,
        /// Token for the API (optional; raises GitHub's rate limit).
        #[arg(long, env = "GITHUB_TOKEN", hide_env_values = true)]
        token: Option<String>,
    },
}

#[derive(Subcommand)]
enum RadarAction {
    /// Scan PATH (offline) and exit with status 1 when it uses a tool the radar puts on hold,
    /// naming each with the files that show it; 0 otherwise; 2 when the radar file is broken.
    /// Tools the radar does not mention are listed, and names the catalog does not know are
    /// reported with suggestions.
    Check(radar_cmd::CheckArgs),
    /// Record a radar file as a new version of an organisation's radar on a server (its members
    /// may), shown at /organisations/SLUG/radar with its drift from the organisation's stacks.
    Push {
        /// The radar file (techradar.yml).
        file: PathBuf,
        /// The server (default: the one `stackdex login` saved, when it saved one).
        #[arg(long, env = "STACKDEX_SERVER")]
        server: Option<String>,
        /// The organisation's slug.
        #[arg(long)]
        org: String,
        /// An API token (default: the one `stackdex login` saved for this server).
        #[arg(long, env = "STACKDEX_TOKEN", hide_env_values = true)]
        token: Option<String>,
    },
}

#[derive(Subcommand)]
enum AdminAction {
    /// Make USER an administrator.
    Grant {
        user: String,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Take the admin role from USER.
    Revoke {
        user: String,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Rewrite the daily figures of every tool and stack from the stored dates of snapshots,
    /// follows and votes (docs/figures-over-time.md).
    Figures {
        #[command(flatten)]
        db: DbArgs,
    },
}

fn main() -> ExitCode {
    // `STACKDEX_LOG=debug` or per-target levels, `stackdex_web=debug,info`. (Targets rather than
    // EnvFilter: EnvFilter's regex features would also slow the scanner's .gitignore matching.)
    let filter: tracing_subscriber::filter::Targets = std::env::var("STACKDEX_LOG")
        .ok()
        .and_then(|spec| spec.parse().ok())
        .unwrap_or_else(|| tracing_subscriber::filter::Targets::new().with_default(tracing::Level::INFO));
    tracing_subscriber::registry()
        .with(tracing_subscriber::fmt::layer().with_writer(std::io::stderr))
        .with(filter)
        .init();
    let cli = Cli::parse();
    if let Command::Scan(args) = &cli.command {
        return scan_cmd::run(args).unwrap_or_else(|e| {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        });
    }
    if let Command::Radar { action: RadarAction::Check(args) } = &cli.command {
        return radar_cmd::check(args).unwrap_or_else(|e| {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        });
    }
    if let Command::Catalog(args) = &cli.command {
        return catalog_cmd::run(args).unwrap_or_else(|e| {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        });
    }
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Scan(_) | Command::Catalog(_) | Command::Radar { action: RadarAction::Check(_) } => {
            unreachable!("handled before the runtime starts")
        }
        Command::Radar { action: RadarAction::Push { file, server, org, token } } => {
            let (server, token) = server_and_token(server, token)?;
            radar_cmd::push(&file, &server, &org, &token).await
        }
        Command::Serve { addr, db, demo, demo_scale, rate_limit, trust_proxy, name, public_url, page_cache_bytes } => {
            let limits = RateLimits::parse(rate_limit.as_deref())
                .map_err(|e| anyhow::anyhow!("--rate-limit / STACKDEX_RATE_LIMIT: {e}"))?;
            let site = SiteSettings::new(name.as_deref(), public_url.as_deref(), Some(data_dir().join("pages")));
            serve(&addr, &db, demo, demo_scale, (limits, trust_proxy, page_cache_bytes), site).await
        }
        Command::Admin { action: AdminAction::Figures { db } } => {
            let app = open_app(&db).await?;
            let started = std::time::Instant::now();
            app.rebuild_figures().await?;
            println!("daily figures rebuilt in {:.1} s", started.elapsed().as_secs_f64());
            Ok(ExitCode::SUCCESS)
        }
        Command::Admin { action } => {
            let (user, admin, db) = match &action {
                AdminAction::Grant { user, db } => (user, true, db),
                AdminAction::Revoke { user, db } => (user, false, db),
                AdminAction::Figures { .. } => unreachable!("handled above"),
            };
            let app = open_app(db).await?;
            match app.set_admin(user, admin).await {
                Err(stackdex_app::AppError::NotFound { .. }) => anyhow::bail!("there is no user {user:?}"),
                other => other?,
            }
            println!("{user} {} an administrator", if admin { "is now" } else { "is no longer" });
            Ok(ExitCode::SUCCESS)
        }
        Command::Migrate { db } => {
            let app = open_app(&db).await?;
            println!("database at schema version {}", app.schema_version().await?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Push { path, server, stack, token, history, bounds } => {
            let (server, token) = server_and_token(server, token)?;
            if history && let Some(code) = push_history(&path, &server, &stack, &token, &bounds).await? {
                return Ok(code);
            }
            push(&path, &server, &stack, &token).await
        }
        Command::Login { server, username, password_stdin } => login::login(&server, &username, password_stdin).await,
        Command::Import { file, stack, db } => import_stack_file(&file, stack.as_deref(), &db).await,
        Command::ImportEol { tool, file, db } => {
            let text = std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
            let app = open_app(&db).await?;
            let n = app.import_release_cycles(&tool, &text).await?;
            println!("imported {n} release cycles of {tool}");
            Ok(ExitCode::SUCCESS)
        }
        Command::ImportGithub { db, file, live, api_url, token } => {
            let app = open_app(&db).await?;
            let responses = match (file, live) {
                (Some(path), _) => {
                    let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
                    stackdex_app::github::parse_responses(&text)?
                }
                (None, true) => fetch_live(&app, &api_url, token.as_deref()).await?,
                (None, false) => anyhow::bail!("give --file FILE or --live"),
            };
            let n = app.import_github(&responses, chrono::Utc::now().timestamp()).await?;
            println!("updated GitHub stars and forks for {n} tools");
            Ok(ExitCode::SUCCESS)
        }
    }
}

async fn serve(
    addr: &str,
    db: &DbArgs,
    demo: bool,
    demo_scale: u32,
    (limits, trust_proxy, page_cache_bytes): (RateLimits, bool, u64),
    site: SiteSettings,
) -> anyhow::Result<ExitCode> {
    let app = open_app(db).await?;
    app.set_page_cache_bytes(usize::try_from(page_cache_bytes).unwrap_or(usize::MAX));
    app.set_rate_limits(limits);
    app.trust_proxy(trust_proxy);
    app.configure_site(site);
    // The operator's pages (about, contact, privacy, terms), ours until they edit them.
    match app.write_default_pages() {
        Ok(written) => {
            for file in written {
                tracing::info!(file = %file.display(), "wrote a default page to edit");
            }
        }
        Err(e) => tracing::warn!(error = %e, "could not write the default pages; ours are shown"),
    }
    if demo {
        let started = std::time::Instant::now();
        let progress = std::io::IsTerminal::is_terminal(&std::io::stderr());
        if stackdex_app::demo::build_if_missing(&app, demo_scale, progress).await? {
            tracing::info!(seconds = started.elapsed().as_secs_f64(), scale = demo_scale, "demo community built");
        }
        app.poll_changes().await?;
    }
    app.spawn_background();
    let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("listening on {addr}"))?;
    let local = listener.local_addr()?;
    println!("stackdex listening on http://{local}");
    axum::serve(
        listener,
        stackdex_web::router(app.clone()).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    app.flush_views().await?;
    Ok(ExitCode::SUCCESS)
}

/// Scans `path` and PUTs the report, with the git checkout it is in, to
/// `{server}/api/v1/stacks/{owner}/{name}`; says what became of it and where the stack is.
/// The server and token a command sends with: those given, else those `stackdex login` saved.
fn server_and_token(server: Option<String>, token: Option<String>) -> anyhow::Result<(String, String)> {
    let server = match server {
        Some(server) => server,
        None => login::only_server()?,
    };
    let Some(token) = token.or_else(|| login::saved_token(&server)) else {
        anyhow::bail!("no token: set STACKDEX_TOKEN, pass --token, or run `stackdex login --server {server}`");
    };
    Ok((server, token))
}

async fn push(path: &std::path::Path, server: &str, stack: &str, token: &str) -> anyhow::Result<ExitCode> {
    let Some((owner, name)) = stack.split_once('/').filter(|(o, n)| valid_handle(o) && valid_handle(n)) else {
        anyhow::bail!("--stack must be OWNER/NAME (letters, digits, '-', '_', '.'), not {stack:?}");
    };
    let catalog = stackdex_catalog::Catalog::builtin();
    let report = stackdex_scan::scan(catalog, path, &stackdex_scan::ScanOptions::default())
        .with_context(|| format!("scanning {}", path.display()))?;
    let mut body = serde_json::to_value(&report)?;
    if let Some(git) = git_checkout(path) {
        body["git"] = serde_json::to_value(git)?;
    }
    let server = server.trim_end_matches('/');
    let url = format!("{server}/api/v1/stacks/{owner}/{name}");
    let response = reqwest::Client::builder()
        .user_agent(concat!("stackdex/", env!("CARGO_PKG_VERSION")))
        .timeout(std::time::Duration::from_secs(60))
        .build()?
        .put(&url)
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .with_context(|| format!("sending to {url}"))?;
    let status = response.status();
    let body: serde_json::Value = response.json().await.unwrap_or_default();
    if !status.is_success() {
        let message = body["error"]["message"].as_str().unwrap_or("no details");
        anyhow::bail!("the server refused the push ({status}): {message}");
    }
    let snapshot = &body["snapshot"];
    let number = snapshot["number"].as_i64().unwrap_or_default();
    if snapshot["unchanged"].as_bool() == Some(true) {
        println!("{owner}/{name} is unchanged since v{number}: nothing new recorded");
    } else {
        println!("pushed {} tools to {owner}/{name} as v{number}", report.tools.len());
    }
    println!("{server}/stacks/{owner}/{name}");
    if let Some(unknown) = snapshot["unknown_tools"].as_array().filter(|u| !u.is_empty()) {
        eprintln!("the server does not know {} of them: {unknown:?}", unknown.len());
    }
    Ok(ExitCode::SUCCESS)
}

/// Most bytes of an API request body (the server's limit).
const BODY_LIMIT: usize = 1024 * 1024;
/// Most source files a history snapshot names per tool (keeps the body within the limit).
const HISTORY_SOURCES: usize = 10;

/// Reads the repository's history and POSTs its snapshots to
/// `{server}/api/v1/stacks/{owner}/{name}/history`; says how many were recorded. `Some` exit
/// code when the history cannot be read.
async fn push_history(
    path: &std::path::Path,
    server: &str,
    stack: &str,
    token: &str,
    bounds: &scan_cmd::HistoryBounds,
) -> anyhow::Result<Option<ExitCode>> {
    let Some((owner, name)) = stack.split_once('/').filter(|(o, n)| valid_handle(o) && valid_handle(n)) else {
        anyhow::bail!("--stack must be OWNER/NAME (letters, digits, '-', '_', '.'), not {stack:?}");
    };
    let history = match scan_cmd::read_history(path, bounds, stackdex_scan::ScanOptions::default(), true)? {
        Ok(history) => history,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(Some(ExitCode::from(scan_cmd::CANNOT_READ_HISTORY)));
        }
    };
    for warning in &history.warnings {
        eprintln!("warning: {} {}: {}", &warning.commit[..warning.commit.len().min(8)], warning.file, warning.message);
    }
    if history.snapshots.is_empty() {
        println!("no tools in the history of {}: no dated snapshot to send", path.display());
        return Ok(None);
    }
    let git = git_checkout(path).map(|g| serde_json::json!({"branch": g.branch, "repository": g.repository}));
    let snapshots: Vec<serde_json::Value> = history
        .snapshots
        .iter()
        .map(|s| {
            let report = s.report.as_deref();
            let tools: Vec<serde_json::Value> = report
                .map(|r| &r.tools[..])
                .unwrap_or_default()
                .iter()
                .map(|t| {
                    let mut files: Vec<&str> = t.sources.iter().map(|s| s.file.as_str()).collect();
                    files.dedup();
                    let sources: Vec<_> =
                        files.iter().take(HISTORY_SOURCES).map(|f| serde_json::json!({"file": f})).collect();
                    serde_json::json!({"slug": t.slug, "versions": t.versions, "sources": sources})
                })
                .collect();
            serde_json::json!({
                "date": s.date,
                "commit": s.commit,
                "report": {
                    "tools": tools,
                    "languages": report.map(|r| serde_json::json!(r.languages)).unwrap_or_default(),
                    "components": report.map(|r| serde_json::json!(r.components)).unwrap_or_default(),
                    "git": git,
                },
            })
        })
        .collect();
    let body = serde_json::to_vec(&serde_json::json!({ "snapshots": snapshots }))?;
    if body.len() > BODY_LIMIT {
        anyhow::bail!(
            "the history's {} snapshots take {} KiB, over the server's 1 MiB limit: send less with --since DATE or --max-commits N",
            history.snapshots.len(),
            body.len() / 1024
        );
    }
    let server = server.trim_end_matches('/');
    let url = format!("{server}/api/v1/stacks/{owner}/{name}/history");
    let response = reqwest::Client::builder()
        .user_agent(concat!("stackdex/", env!("CARGO_PKG_VERSION")))
        .timeout(std::time::Duration::from_secs(300))
        .build()?
        .post(&url)
        .bearer_auth(token)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(body)
        .send()
        .await
        .with_context(|| format!("sending to {url}"))?;
    let status = response.status();
    let answer: serde_json::Value = response.json().await.unwrap_or_default();
    if !status.is_success() {
        let message = answer["error"]["message"].as_str().unwrap_or("no details");
        anyhow::bail!("the server refused the history ({status}): {message}");
    }
    let recorded = answer["history"]["recorded"].as_u64().unwrap_or_default();
    println!(
        "recorded {recorded} dated snapshots of {owner}/{name} (v1 to v{recorded}) from {} commits",
        history.commits_scanned
    );
    Ok(None)
}

/// The git checkout `path` is in (read from its files, no `git` process); on a detached HEAD,
/// as CI checks commits out, the branch CI names.
fn git_checkout(path: &std::path::Path) -> Option<stackdex_scan::git::GitInfo> {
    let mut git = stackdex_scan::git::read(path)?;
    if git.branch.is_none() {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        git.branch = var("GITHUB_HEAD_REF")
            .or_else(|| var("GITHUB_REF_TYPE").filter(|t| t == "branch").and_then(|_| var("GITHUB_REF_NAME")))
            .or_else(|| var("CI_COMMIT_BRANCH"));
    }
    Some(git)
}

/// Reads a techstack.yml, matches its tools to the catalog and records them as a snapshot.
async fn import_stack_file(path: &std::path::Path, stack: Option<&str>, db: &DbArgs) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let file = stackdex_scan::techstack::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let target = stack.unwrap_or(&file.repo_name);
    let Some((owner, name)) = target.split_once('/').filter(|(o, n)| valid_handle(o) && valid_handle(n)) else {
        anyhow::bail!("the stack must be OWNER/NAME (letters, digits, '-', '_', '.'), not {target:?}; give --stack");
    };
    let imported = stackdex_scan::techstack::import(stackdex_catalog::Catalog::builtin(), &file);
    // The file's tools the catalog knows, as a report like a scan's.
    let report = PushReport {
        tools: imported
            .tools
            .iter()
            .filter_map(|t| {
                Some(PushTool {
                    slug: t.slug.clone()?,
                    versions: t.version.iter().cloned().collect(),
                    sources: t.detection_source.iter().map(|file| PushSource { file: file.clone() }).collect(),
                })
            })
            .collect(),
        ..PushReport::default()
    };
    let app = open_app(db).await?;
    let pushed = app.import_stack_file(owner, name, &report).await?;
    let count = app.stack_page(owner, name).await?.layers.iter().map(|l| l.tools.len()).sum::<usize>();
    if pushed.unchanged {
        println!("{owner}/{name} is unchanged since v{}: nothing new recorded ({count} tools)", pushed.number);
    } else {
        println!("imported {count} tools into {owner}/{name} as v{}", pushed.number);
    }
    let unmatched: Vec<&str> = imported.unmatched().map(|t| t.name.as_str()).collect();
    if !unmatched.is_empty() {
        eprintln!("{} tools are not in the catalog and were left out: {}", unmatched.len(), unmatched.join(", "));
    }
    Ok(ExitCode::SUCCESS)
}

/// Opens the application on the configured database (a SQLite file in the data folder by
/// default), created and migrated when needed.
async fn open_app(db: &DbArgs) -> anyhow::Result<std::sync::Arc<App>> {
    let url = match &db.database_url {
        Some(url) => url.clone(),
        None => {
            let dir = data_dir();
            std::fs::create_dir_all(&dir).with_context(|| format!("creating data folder {}", dir.display()))?;
            format!("sqlite://{}", dir.join("stackdex.db").display())
        }
    };
    App::connect(&url).await.with_context(|| format!("opening database {}", redact(&url)))
}

fn data_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("STACKDEX_DATA_DIR") {
        return PathBuf::from(dir);
    }
    if let Some(dir) = std::env::var_os("XDG_DATA_HOME") {
        return PathBuf::from(dir).join("stackdex");
    }
    let home = std::env::var_os("HOME").map_or_else(|| PathBuf::from("."), PathBuf::from);
    home.join(".local/share/stackdex")
}

/// A database URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}{user}:***{}", &url[..scheme + 3], &url[at..])
        }
        _ => url.to_owned(),
    }
}

/// Reads `GET /repos/{owner}/{repo}` for every catalog tool on GitHub.
async fn fetch_live(
    app: &App,
    api_url: &str,
    token: Option<&str>,
) -> anyhow::Result<Vec<stackdex_app::github::RepoResponse>> {
    let client =
        reqwest::Client::builder().user_agent("stackdex").timeout(std::time::Duration::from_secs(20)).build()?;
    let mut out = Vec::new();
    for repo in app.github_repositories() {
        let mut request = client.get(format!("{}/repos/{repo}", api_url.trim_end_matches('/')));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.with_context(|| format!("GitHub API for {repo}"))?;
        if !response.status().is_success() {
            tracing::warn!(repo, status = %response.status(), "skipped");
            continue;
        }
        match response.json().await {
            Ok(r) => out.push(r),
            Err(e) => tracing::warn!(repo, error = %e, "unreadable response"),
        }
    }
    Ok(out)
}
