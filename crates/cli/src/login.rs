//! `stackdex login`: trades a username and password for an API token and keeps it, per
//! server, in a file only its owner can read; `stackdex push` uses it when no token is given,
//! and its server when no server is given and only one log-in is saved.

use std::collections::BTreeMap;
use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

/// `$STACKDEX_CONFIG_DIR/credentials.json`, else under `$XDG_CONFIG_HOME/stackdex` or
/// `~/.config/stackdex`.
pub fn credentials_path() -> PathBuf {
    let dir = if let Some(dir) = std::env::var_os("STACKDEX_CONFIG_DIR") {
        PathBuf::from(dir)
    } else if let Some(dir) = std::env::var_os("XDG_CONFIG_HOME") {
        PathBuf::from(dir).join("stackdex")
    } else {
        let home = std::env::var_os("HOME").map_or_else(|| PathBuf::from("."), PathBuf::from);
        home.join(".config").join("stackdex")
    };
    dir.join("credentials.json")
}

fn server_key(server: &str) -> String {
    server.trim_end_matches('/').to_owned()
}

fn read_all() -> BTreeMap<String, String> {
    std::fs::read_to_string(credentials_path())
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
}

/// The token `stackdex login` saved for `server`, if any.
pub fn saved_token(server: &str) -> Option<String> {
    read_all().remove(&server_key(server))
}

/// The server of the one saved log-in, for `stackdex push` without `--server`; an error
/// saying what to do when none or several are saved.
pub fn only_server() -> anyhow::Result<String> {
    let all = read_all();
    let mut servers = all.keys();
    match (servers.next(), servers.next()) {
        (Some(server), None) => Ok(server.clone()),
        (None, _) => anyhow::bail!(
            "no server: pass --server URL (or set STACKDEX_SERVER), or run `stackdex login --server URL` first"
        ),
        (Some(_), Some(_)) => anyhow::bail!(
            "several log-ins are saved ({}): pass --server URL to say which server to push to",
            all.keys().cloned().collect::<Vec<_>>().join(", ")
        ),
    }
}

fn save(server: &str, token: &str) -> anyhow::Result<PathBuf> {
    let path = credentials_path();
    let mut all = read_all();
    all.insert(server_key(server), token.to_owned());
    let dir = path.parent().expect("a file in a folder");
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let text = serde_json::to_string_pretty(&all)?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&path).with_context(|| format!("writing {}", path.display()))?;
    #[cfg(unix)]
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o600))?;
    std::io::Write::write_all(&mut file, text.as_bytes())?;
    Ok(path)
}

pub async fn login(server: &str, username: &str, password_stdin: bool) -> anyhow::Result<ExitCode> {
    let password = if password_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        line.trim_end_matches(['\r', '\n']).to_owned()
    } else if std::io::stdin().is_terminal() {
        rpassword::prompt_password(format!("Password for {username}: "))?
    } else {
        anyhow::bail!("no terminal to ask for the password: pass it on standard input with --password-stdin");
    };
    let url = format!("{}/api/v1/tokens", server_key(server));
    let name = format!("stackdex login ({})", chrono::Utc::now().format("%Y-%m-%d"));
    let response = reqwest::Client::builder()
        .user_agent(concat!("stackdex/", env!("CARGO_PKG_VERSION")))
        .timeout(std::time::Duration::from_secs(30))
        .build()?
        .post(&url)
        .json(&serde_json::json!({"username": username, "password": password, "name": name}))
        .send()
        .await
        .with_context(|| format!("sending to {url}"))?;
    let status = response.status();
    let body: serde_json::Value = response.json().await.unwrap_or_default();
    let Some(token) = body["token"].as_str().filter(|_| status.is_success()) else {
        let message = body["error"]["message"].as_str().unwrap_or("no details");
        anyhow::bail!("the server refused the log-in ({status}): {message}");
    };
    let path = save(server, token)?;
    println!("logged in to {} as {username}; token saved in {}", server_key(server), path.display());
    Ok(ExitCode::SUCCESS)
}
