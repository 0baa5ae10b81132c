//! CI and infrastructure: GitHub Actions workflows, GitLab CI, Terraform, .env.example files.

use serde_norway::Value as Yaml;
use stackdex_catalog::rules::Ecosystem::{GithubActions, TerraformProviders, TerraformResources};

use super::util::{quoted_strings, strip_slash_comment, yaml, yentries, ykey, yscalar};
use crate::evidence::{Evidence, FileFindings};

pub fn github_workflow(text: &str, out: &mut FileFindings) -> Result<(), String> {
    let doc = yaml(text)?;
    for (_, job) in yentries(ykey(&doc, "jobs")) {
        // A reusable workflow call: `uses: owner/repo/.github/workflows/x.yml@ref`
        if let Some(uses) = ykey(job, "uses").and_then(Yaml::as_str) {
            action(uses, out);
        }
        if let Some(container) = ykey(job, "container") {
            service_image(container, out);
        }
        for (_, service) in yentries(ykey(job, "services")) {
            service_image(service, out);
        }
        for step in ykey(job, "steps").and_then(Yaml::as_sequence).into_iter().flatten() {
            if let Some(uses) = ykey(step, "uses").and_then(Yaml::as_str) {
                action(uses, out);
            }
        }
    }
    Ok(())
}

fn action(uses: &str, out: &mut FileFindings) {
    let uses = uses.trim();
    if let Some(image) = uses.strip_prefix("docker://") {
        out.image(image);
    } else if !uses.starts_with("./") {
        // The ref is the action's version, not a version of the tool it stands for.
        let name = uses.split('@').next().unwrap_or(uses);
        out.declared(GithubActions, name, None);
    }
}

/// A service or container: a bare image string, or a mapping with `image` (GitHub) or `name`
/// (GitLab).
fn service_image(value: &Yaml, out: &mut FileFindings) {
    let image = match value {
        Yaml::String(s) => Some(s.clone()),
        _ => ykey(value, "image").or_else(|| ykey(value, "name")).and_then(yscalar),
    };
    if let Some(image) = image
        && !image.contains("${{")
    {
        out.image(&image);
    }
}

pub fn gitlab_ci(text: &str, out: &mut FileFindings) -> Result<(), String> {
    let doc = yaml(text)?;
    let mut jobs: Vec<&Yaml> = vec![&doc];
    jobs.extend(yentries(Some(&doc)).map(|(_, v)| v));
    if let Some(default) = ykey(&doc, "default") {
        jobs.push(default);
    }
    for job in jobs {
        if let Some(image) = ykey(job, "image") {
            service_image(image, out);
        }
        for service in ykey(job, "services").and_then(Yaml::as_sequence).into_iter().flatten() {
            service_image(service, out);
        }
    }
    Ok(())
}

/// Terraform (HCL read line by line): `resource "type" "name"`, `data "type" "name"`,
/// `source = "owner/provider"` inside `required_providers`, and `provider "name"` blocks.
pub fn terraform(text: &str, out: &mut FileFindings) {
    let mut in_required_providers = false;
    let mut depth = 0i32;
    let mut pending_source: Option<String> = None;
    for raw in text.lines() {
        let line = strip_slash_comment(raw);
        let line = line.split('#').next().unwrap_or_default().trim();
        let strings = quoted_strings(line);
        let word = line.split_whitespace().next().unwrap_or_default();
        match word {
            "resource" | "data" if !strings.is_empty() => {
                out.declared(TerraformResources, strings[0], None);
            }
            "provider" if !strings.is_empty() => {
                out.declared(TerraformProviders, &format!("hashicorp/{}", strings[0]), None);
            }
            "required_providers" => {
                in_required_providers = true;
                depth = 0;
            }
            _ => {}
        }
        if in_required_providers {
            if let Some(value) = line.strip_prefix("source").map(str::trim)
                && value.starts_with('=')
                && let Some(source) = strings.first()
            {
                pending_source = Some(source.to_string());
            }
            if let Some(value) = line.strip_prefix("version").map(str::trim)
                && value.starts_with('=')
                && let Some(source) = pending_source.take()
            {
                // A provider's version is the plugin's, not the cloud's.
                out.declared(TerraformProviders, &source, None);
            }
            depth += line.matches('{').count() as i32 - line.matches('}').count() as i32;
            if depth <= 1
                && let Some(source) = pending_source.take()
            {
                out.declared(TerraformProviders, &source, None);
            }
            if depth <= 0 && line.contains('}') {
                in_required_providers = false;
            }
        }
    }
}

pub fn dotenv(text: &str, out: &mut FileFindings) {
    for raw in text.lines() {
        let line = raw.trim().trim_start_matches("export ").trim();
        if line.starts_with('#') {
            continue;
        }
        if let Some((name, _)) = line.split_once('=') {
            let name = name.trim();
            if !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
                out.evidence.push(Evidence::EnvVar { name: name.to_owned() });
            }
        }
    }
}
