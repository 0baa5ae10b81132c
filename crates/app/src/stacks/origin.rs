//! The git checkout a snapshot was scanned in, as the stack page shows it: the commit linked
//! to its page on a known code host, the branch, the repository.

use serde::Serialize;
use stackdex_store::Origin;
use utoipa::ToSchema;

/// Hosts whose commit pages are `{repository}/commit/{sha}`.
const KNOWN_HOSTS: &[&str] = &["github.com", "gitlab.com", "codeberg.org", "gitea.com"];

/// Where the latest snapshot was scanned.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OriginView {
    /// The full commit hash.
    pub commit: Option<String>,
    pub branch: Option<String>,
    /// The remote URL, as pushed (without credentials).
    pub repository: Option<String>,
    /// The repository's web page, when it is on a known host.
    pub repository_page: Option<String>,
    /// The commit's web page, when the repository is on a known host.
    pub commit_page: Option<String>,
}

impl OriginView {
    /// The view of a snapshot's origin; none when it has none.
    pub fn of(origin: &Origin) -> Option<OriginView> {
        if origin.commit_sha.is_none() && origin.branch.is_none() && origin.repository_url.is_none() {
            return None;
        }
        let page = origin.repository_url.as_deref().and_then(repository_page);
        Some(OriginView {
            commit: origin.commit_sha.clone(),
            branch: origin.branch.clone(),
            repository: origin.repository_url.clone(),
            commit_page: match (&origin.repository_url, &origin.commit_sha) {
                (Some(repository), Some(sha)) => commit_url(repository, sha),
                _ => None,
            },
            repository_page: page,
        })
    }

    /// The commit's first 12 digits, as the page shows it.
    pub fn short_commit(&self) -> Option<&str> {
        self.commit.as_deref().map(|c| &c[..c.len().min(12)])
    }
}

/// The commit's page: `{repository}/commit/{sha}` for a repository on a known host (given as
/// an https URL, `git@host:owner/repo.git` or `ssh://git@host/owner/repo.git`); none
/// otherwise, or when the hash is no hash.
pub fn commit_url(repository: &str, sha: &str) -> Option<String> {
    if !(matches!(sha.len(), 40 | 64) && sha.bytes().all(|b| b.is_ascii_hexdigit())) {
        return None;
    }
    Some(format!("{}/commit/{sha}", repository_page(repository)?))
}

/// `https://host/owner/repo` for a remote on a known host.
fn repository_page(remote: &str) -> Option<String> {
    let remote = remote.trim();
    let (host, path) = if let Some(rest) = remote.strip_prefix("https://").or_else(|| remote.strip_prefix("ssh://")) {
        let rest = rest.rsplit_once('@').map_or(rest, |(_, r)| r).split_once('/')?;
        (rest.0, rest.1)
    } else if let Some(rest) = remote.strip_prefix("git@") {
        rest.split_once(':')?
    } else {
        return None;
    };
    let host = host.to_ascii_lowercase();
    if !KNOWN_HOSTS.contains(&host.as_str()) {
        return None;
    }
    let path = path.trim_end_matches('/');
    let path = path.strip_suffix(".git").unwrap_or(path);
    let parts: Vec<&str> = path.split('/').collect();
    let fine = |p: &&str| {
        !p.is_empty() && *p != "." && *p != ".." && p.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    };
    // owner/repo (GitLab also groups/subgroups/repo)
    if parts.len() < 2 || !parts.iter().all(fine) {
        return None;
    }
    Some(format!("https://{host}/{}", parts.join("/")))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHA: &str = "0123456789abcdef0123456789abcdef01234567";

    #[test]
    fn commits_on_known_hosts_are_linked() {
        let want = format!("https://github.com/koel/koel/commit/{SHA}");
        for remote in [
            "https://github.com/koel/koel",
            "https://github.com/koel/koel.git",
            "git@github.com:koel/koel.git",
            "ssh://git@github.com/koel/koel.git",
        ] {
            assert_eq!(commit_url(remote, SHA).as_deref(), Some(want.as_str()), "{remote}");
        }
        assert_eq!(
            commit_url("git@gitlab.com:group/sub/app.git", SHA).as_deref(),
            Some(format!("https://gitlab.com/group/sub/app/commit/{SHA}").as_str())
        );
    }

    #[test]
    fn other_remotes_and_hostile_paths_are_not_linked() {
        for remote in [
            "https://git.example.com/a/b",
            "http://github.com/a/b",
            "/srv/git/a.git",
            "javascript:alert(1)//github.com/a/b",
            "https://github.com/a/\"onmouseover=alert(1)",
            "https://github.com/only-owner",
            "https://github.com/a/../b",
        ] {
            assert_eq!(commit_url(remote, SHA), None, "{remote}");
        }
        assert_eq!(commit_url("https://github.com/a/b", "main"), None);
    }
}
