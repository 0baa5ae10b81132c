//! GitHub statistics: stars and forks from `GET /repos/{owner}/{repo}` responses, read live
//! from the REST API (any base URL, so tests use a local fake server) or from a JSON file of
//! such responses for offline use.

use std::collections::HashMap;

use serde::Deserialize;
use stackdex_store::GithubReading;

use crate::{App, AppError, Result};

/// The fields stackdex reads from a repository response.
#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq, Eq)]
pub struct RepoResponse {
    pub full_name: String,
    pub stargazers_count: i64,
    pub forks_count: i64,
}

/// Parses a JSON file holding an array of repository responses (extra fields are ignored).
pub fn parse_responses(json: &str) -> Result<Vec<RepoResponse>> {
    serde_json::from_str(json)
        .map_err(|e| AppError::BadRequest(format!("not a JSON array of GitHub repository responses: {e}")))
}

impl App {
    /// The GitHub repositories (`owner/name`) of catalog tools, whose responses
    /// [`App::import_github`] reads.
    pub fn github_repositories(&self) -> Vec<&'static str> {
        self.catalog.tools().iter().filter_map(|t| t.github_repo()).collect()
    }

    /// Stores the stars and forks of every catalog tool whose repository is in `responses`.
    /// Returns how many tools were updated.
    pub async fn import_github(&self, responses: &[RepoResponse], read_at: i64) -> Result<usize> {
        let by_repo: HashMap<String, &RepoResponse> =
            responses.iter().map(|r| (r.full_name.to_ascii_lowercase(), r)).collect();
        let readings: Vec<GithubReading> = self
            .catalog
            .tools()
            .iter()
            .filter_map(|t| {
                let r = by_repo.get(&t.github_repo()?.to_ascii_lowercase())?;
                Some(GithubReading {
                    tool_id: self.tool_id(&t.slug)?,
                    stars: r.stargazers_count.max(0),
                    forks: r.forks_count.max(0),
                    read_at,
                })
            })
            .collect();
        self.store.record_github(&readings).await?;
        Ok(readings.len())
    }
}
