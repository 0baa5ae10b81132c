//! Where a git checkout stands: its commit, branch and remote URL, read from the files of its
//! `.git` folder (HEAD, loose refs, packed-refs, config), as `stackdex push` records them with a
//! snapshot. No `git` process is started and no object is read, so this works wherever the
//! scanner does, and a repository without commits, a detached HEAD or a linked worktree gives
//! what it has.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// What a checkout says about itself; each part only when it could be read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GitInfo {
    /// The full hash of the checked-out commit (none in a repository without commits).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// The checked-out branch (none on a detached HEAD).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branch: Option<String>,
    /// The URL of the branch's remote, else of `origin`, else of the first remote; without
    /// credentials (`https://user:token@host/…` gives `https://host/…`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository: Option<String>,
}

/// The git state of the checkout `path` is in (the folder itself or one above it); `None` when
/// it is in none.
pub fn read(path: &Path) -> Option<GitInfo> {
    let start = path.canonicalize().ok()?;
    let (git_dir, common_dir) = start.ancestors().find_map(git_dirs)?;
    let head = std::fs::read_to_string(git_dir.join("HEAD")).ok()?;
    let head = head.trim();
    let mut info = GitInfo::default();
    match head.strip_prefix("ref:") {
        Some(reference) => {
            let reference = reference.trim();
            info.branch = reference.strip_prefix("refs/heads/").map(str::to_owned);
            info.commit = resolve(&git_dir, &common_dir, reference);
        }
        None => info.commit = is_hash(head).then(|| head.to_ascii_lowercase()),
    }
    let config = std::fs::read_to_string(common_dir.join("config")).unwrap_or_default();
    info.repository = remote_url(&config, info.branch.as_deref()).map(|url| without_credentials(&url));
    Some(info)
}

/// The git folder and the common folder (where refs and config live; another one for a
/// linked worktree) of a checkout whose top is `dir`.
fn git_dirs(dir: &Path) -> Option<(PathBuf, PathBuf)> {
    let dot_git = dir.join(".git");
    let git_dir = if dot_git.is_dir() {
        dot_git
    } else if dot_git.is_file() {
        // A linked worktree or a submodule: `gitdir: <path>`, relative to the file's folder.
        let text = std::fs::read_to_string(&dot_git).ok()?;
        let target = text.lines().find_map(|l| l.strip_prefix("gitdir:"))?.trim();
        dir.join(target)
    } else {
        return None;
    };
    if !git_dir.join("HEAD").is_file() {
        return None;
    }
    let common_dir = match std::fs::read_to_string(git_dir.join("commondir")) {
        Ok(text) => git_dir.join(text.trim()),
        Err(_) => git_dir.clone(),
    };
    Some((git_dir, common_dir))
}

/// The commit a reference names: a loose ref file (the worktree's own, then the common one;
/// following symbolic refs a few levels), else its line in packed-refs.
fn resolve(git_dir: &Path, common_dir: &Path, reference: &str) -> Option<String> {
    let mut reference = reference.to_owned();
    for _ in 0..5 {
        // A ref name never climbs out of the git folder.
        if !reference.starts_with("refs/") || reference.split('/').any(|part| part == ".." || part.is_empty()) {
            return None;
        }
        let loose = [git_dir, common_dir].iter().find_map(|dir| std::fs::read_to_string(dir.join(&reference)).ok());
        let Some(text) = loose else { break };
        let text = text.trim();
        match text.strip_prefix("ref:") {
            Some(next) => reference = next.trim().to_owned(),
            None => return is_hash(text).then(|| text.to_ascii_lowercase()),
        }
    }
    let packed = std::fs::read_to_string(common_dir.join("packed-refs")).ok()?;
    packed
        .lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with('^'))
        .filter_map(|l| l.split_once(' '))
        .find(|(_, name)| name.trim() == reference)
        .map(|(hash, _)| hash.trim())
        .filter(|hash| is_hash(hash))
        .map(str::to_ascii_lowercase)
}

/// A full SHA-1 or SHA-256 object name.
fn is_hash(text: &str) -> bool {
    matches!(text.len(), 40 | 64) && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The URL of the remote the branch tracks, else `origin`'s, else the first remote's, from a
/// git config file (`[remote "name"]` sections, `url = …` keys).
fn remote_url(config: &str, branch: Option<&str>) -> Option<String> {
    let mut section = String::new();
    let mut remotes: Vec<(String, String)> = Vec::new();
    let mut tracked: Option<String> = None;
    let branch_section = branch.map(|b| format!("branch \"{b}\""));
    for line in config.lines() {
        let line = line.trim();
        if line.starts_with('#') || line.starts_with(';') || line.is_empty() {
            continue;
        }
        if let Some(header) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = header.trim().to_owned();
            continue;
        }
        let Some((key, value)) = line.split_once('=') else { continue };
        let (key, value) = (key.trim().to_ascii_lowercase(), unquote(value.trim()));
        if let Some(name) = section.strip_prefix("remote \"").and_then(|s| s.strip_suffix('"'))
            && key == "url"
            && !remotes.iter().any(|(n, _)| n == name)
        {
            remotes.push((name.to_owned(), value));
        } else if branch_section.as_deref() == Some(section.as_str()) && key == "remote" {
            tracked = Some(value);
        }
    }
    let named = |name: &str| remotes.iter().find(|(n, _)| n == name).map(|(_, url)| url.clone());
    tracked.as_deref().and_then(named).or_else(|| named("origin")).or_else(|| remotes.first().map(|(_, u)| u.clone()))
}

fn unquote(value: &str) -> String {
    value.strip_prefix('"').and_then(|v| v.strip_suffix('"')).unwrap_or(value).to_owned()
}

/// A remote URL without the user and password an http(s) URL may carry (a CI token often
/// sits there); other URLs keep their user (`git@host:path`), never a password.
pub fn without_credentials(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_owned() };
    let (authority, path) = rest.split_once('/').map_or((rest, ""), |(a, p)| (a, p));
    let Some((userinfo, host)) = authority.rsplit_once('@') else { return url.to_owned() };
    let scheme_lower = scheme.to_ascii_lowercase();
    let authority = if scheme_lower == "http" || scheme_lower == "https" {
        host.to_owned()
    } else {
        let user = userinfo.split(':').next().unwrap_or("");
        format!("{user}@{host}")
    };
    if rest.contains('/') { format!("{scheme}://{authority}/{path}") } else { format!("{scheme}://{authority}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_dropped_from_remote_urls() {
        assert_eq!(
            without_credentials("https://x-access-token:ghs_abc@github.com/a/b.git"),
            "https://github.com/a/b.git"
        );
        assert_eq!(without_credentials("https://github.com/a/b"), "https://github.com/a/b");
        assert_eq!(without_credentials("ssh://git:secret@host.example/a/b"), "ssh://git@host.example/a/b");
        assert_eq!(without_credentials("git@github.com:a/b.git"), "git@github.com:a/b.git");
    }

    #[test]
    fn the_tracked_remote_wins_over_origin() {
        let config = "[core]\n\tbare = false\n[remote \"origin\"]\n\turl = https://github.com/me/fork\n\
                      [remote \"upstream\"]\n\turl = \"https://github.com/them/repo\"\n[branch \"main\"]\n\tremote = upstream\n";
        assert_eq!(remote_url(config, Some("main")).as_deref(), Some("https://github.com/them/repo"));
        assert_eq!(remote_url(config, Some("dev")).as_deref(), Some("https://github.com/me/fork"));
        assert_eq!(remote_url("", None), None);
    }

    #[test]
    fn hand_made_git_folders_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let git = dir.path().join(".git");
        std::fs::create_dir_all(git.join("refs/heads")).unwrap();
        std::fs::write(git.join("HEAD"), "ref: refs/heads/main\n").unwrap();
        let sha = "0123456789abcdef0123456789abcdef01234567";
        std::fs::write(git.join("packed-refs"), format!("# pack-refs with: peeled\n{sha} refs/heads/main\n")).unwrap();
        std::fs::create_dir_all(dir.path().join("src")).unwrap();
        let info = read(&dir.path().join("src")).unwrap();
        assert_eq!(info, GitInfo { commit: Some(sha.into()), branch: Some("main".into()), repository: None });
        // A loose ref is newer than packed-refs; a ref climbing out of the folder is refused.
        let newer = "89abcdef0123456789abcdef0123456789abcdef";
        std::fs::write(git.join("refs/heads/main"), format!("{newer}\n")).unwrap();
        assert_eq!(read(dir.path()).unwrap().commit.as_deref(), Some(newer));
        std::fs::write(git.join("HEAD"), "ref: refs/../../../etc/passwd\n").unwrap();
        assert_eq!(read(dir.path()).unwrap().commit, None);
        // Detached.
        std::fs::write(git.join("HEAD"), format!("{sha}\n")).unwrap();
        assert_eq!(read(dir.path()).unwrap(), GitInfo { commit: Some(sha.into()), branch: None, repository: None });
        assert_eq!(read(tempfile::tempdir().unwrap().path()), None);
    }
}
