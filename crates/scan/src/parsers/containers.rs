//! Container images: Dockerfile FROM lines, docker-compose services, Helm charts, and `image:`
//! lines of Kubernetes manifests and Helm values (read line by line: templates are not YAML).

use std::collections::HashMap;

use stackdex_catalog::rules::Ecosystem::Helm;

use super::util::{yaml, yentries, ykey, yscalar};
use crate::evidence::FileFindings;

pub fn dockerfile(text: &str, out: &mut FileFindings) {
    let mut args: HashMap<String, String> = HashMap::new();
    let mut stages: Vec<String> = Vec::new();
    for raw in text.lines() {
        let line = raw.trim();
        let mut words = line.split_whitespace();
        let Some(instruction) = words.next() else { continue };
        if instruction.eq_ignore_ascii_case("ARG") {
            if let Some((name, default)) = words.next().and_then(|a| a.split_once('=')) {
                args.insert(name.to_owned(), default.trim_matches('"').to_owned());
            }
            continue;
        }
        if !instruction.eq_ignore_ascii_case("FROM") {
            continue;
        }
        let rest: Vec<&str> = words.filter(|w| !w.starts_with("--")).collect();
        let Some(image) = rest.first() else { continue };
        if let (Some(as_kw), Some(stage)) = (rest.get(1), rest.get(2))
            && as_kw.eq_ignore_ascii_case("as")
        {
            stages.push(stage.to_ascii_lowercase());
        }
        let image = substitute_args(image, &args);
        if image.contains('$') || image.eq_ignore_ascii_case("scratch") || stages.contains(&image.to_ascii_lowercase())
        {
            continue;
        }
        out.image(&image);
    }
}

fn substitute_args(image: &str, args: &HashMap<String, String>) -> String {
    let mut result = image.to_owned();
    for (name, value) in args {
        result = result.replace(&format!("${{{name}}}"), value).replace(&format!("${name}"), value);
    }
    result
}

pub fn compose(text: &str, out: &mut FileFindings) -> Result<(), String> {
    let doc = yaml(text)?;
    for (_, service) in yentries(ykey(&doc, "services")) {
        if let Some(image) = ykey(service, "image").and_then(yscalar) {
            out.image(&image);
        }
    }
    Ok(())
}

/// Chart.yaml: the chart itself is a component; its dependencies are Helm charts.
pub fn helm_chart(text: &str, out: &mut FileFindings) -> Result<(), String> {
    let doc = yaml(text)?;
    out.component(ykey(&doc, "name").and_then(|v| v.as_str()));
    for dep in ykey(&doc, "dependencies").and_then(|d| d.as_sequence()).into_iter().flatten() {
        let Some(name) = ykey(dep, "name").and_then(|v| v.as_str()) else {
            continue;
        };
        let repository = ykey(dep, "repository").and_then(|v| v.as_str()).unwrap_or("local");
        let full = format!("{}/{name}", repository.trim_end_matches('/'));
        // The chart's version is not the version of what it deploys.
        out.declared(Helm, &full, None);
    }
    Ok(())
}

/// `image: name:tag` lines, and `repository:` + `tag:` pairs of Helm values files.
pub fn image_lines(text: &str, out: &mut FileFindings) {
    let mut repository: Option<String> = None;
    for raw in text.lines() {
        let line = raw.trim().trim_start_matches("- ").trim();
        if line.contains("{{") {
            continue;
        }
        let value_of = |key: &str| {
            line.strip_prefix(key)
                .map(|v| v.split(" #").next().unwrap_or_default().trim().trim_matches(['"', '\'']).to_owned())
        };
        // Custom resources of a service mesh or operator: `apiVersion: networking.istio.io/v1`.
        if let Some(api) = value_of("apiVersion:") {
            if let Some((group, _)) = api.split_once('/') {
                let tool = if group.ends_with("istio.io") {
                    Some("istio")
                } else if group.ends_with("cert-manager.io") {
                    Some("cert-manager")
                } else if group.ends_with("argoproj.io") {
                    Some("argo")
                } else if group == "monitoring.coreos.com" {
                    Some("prometheus")
                } else {
                    None
                };
                if let Some(tool) = tool {
                    out.tool(tool, None, format!("kubernetes:{group}"));
                }
            }
            continue;
        }
        if let Some(image) = value_of("image:") {
            if !image.is_empty() {
                out.image(&image);
            }
            repository = None;
        } else if let Some(repo) = value_of("repository:") {
            repository = (!repo.is_empty() && !repo.contains("://")).then_some(repo);
        } else if let Some(tag) = value_of("tag:")
            && let Some(repo) = repository.take()
        {
            if tag.is_empty() {
                out.image(&repo);
            } else {
                out.image(&format!("{repo}:{tag}"));
            }
        }
    }
    if let Some(repo) = repository {
        out.image(&repo);
    }
}
