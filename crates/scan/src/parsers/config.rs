//! Files that name tools directly rather than as dependencies: runtime version files
//! (`.nvmrc`, `.python-version`, `.ruby-version`, `rust-toolchain.toml`, `global.json`,
//! `.tool-versions`, `mise.toml`), `.pre-commit-config.yaml` hooks, devcontainer files,
//! Tiltfiles, `serverless.yml`, App Engine's `app.yaml`, `cloudbuild.yaml`, Kustomize and
//! Skaffold files, and Rails' `config/importmap.rb`.

use serde_json::Value as Json;
use serde_norway::Value as Yaml;
use stackdex_catalog::rules::Ecosystem::{Helm, Npm, TerraformResources};

use super::util::{json, quoted_strings, strip_hash_comment, tentries, toml, yaml, yentries, ykey, yscalar};
use crate::evidence::{FileFindings, Scope};

/// `.nvmrc`, `.node-version`, `.python-version`, `.ruby-version`: one version (the first
/// line; `lts/iron` or `system` name none, and still say the runtime is used).
pub fn single_version(tool: &str, file: &str, text: &str, out: &mut FileFindings) -> Result<(), String> {
    let first = text.lines().map(|l| strip_hash_comment(l).trim()).find(|l| !l.is_empty()).unwrap_or_default();
    if first.len() > 100 || first.contains(char::is_control) {
        return Err(format!("{file} holds no version"));
    }
    // `ruby-3.2.2`, `python-3.12`, `v20.11.0`, `3.12.1`
    let version = first.rsplit_once('-').map(|(_, v)| v).filter(|v| v.starts_with(char::is_numeric)).unwrap_or(first);
    out.tool(tool, Some(version), format!("version_file:{file}"));
    Ok(())
}

/// `rust-toolchain.toml` (`[toolchain] channel = "1.76"`) and the legacy `rust-toolchain`
/// holding the channel alone.
pub fn rust_toolchain(text: &str, out: &mut FileFindings) -> Result<(), String> {
    let channel = if text.contains('[') {
        let doc = toml(text)?;
        doc.get("toolchain").and_then(|t| t.get("channel")).and_then(toml::Value::as_str).map(str::to_owned)
    } else {
        text.lines().map(str::trim).find(|l| !l.is_empty()).map(str::to_owned)
    };
    // `stable`, `nightly-2024-01-01` name no version
    let version = channel.filter(|c| c.starts_with(|ch: char| ch.is_ascii_digit()));
    out.tool("rust", version.as_deref(), "version_file:rust-toolchain".to_owned());
    Ok(())
}

/// `global.json`: `{"sdk": {"version": "8.0.100"}}` is the .NET SDK.
pub fn global_json(text: &str, out: &mut FileFindings) -> Result<(), String> {
    let doc = json(text)?;
    if let Some(sdk) = doc.get("sdk") {
        let version = sdk.get("version").and_then(Json::as_str);
        out.tool("dot-net", version, "version_file:global.json".to_owned());
    }
    Ok(())
}

/// asdf's `.tool-versions`: `nodejs 20.11.0`, `python 3.12.1 3.11.7` (the first is in use).
pub fn tool_versions(text: &str, out: &mut FileFindings) {
    for raw in text.lines() {
        let line = strip_hash_comment(raw).trim();
        let mut words = line.split_whitespace();
        let (Some(plugin), version) = (words.next(), words.next()) else { continue };
        out.tool(runtime_name(plugin), version, format!("tool_versions:{plugin}"));
    }
}

/// mise's `mise.toml` / `.mise.toml`: `[tools]` with `node = "20"`, `python = ["3.12", "3.11"]`
/// or `go = { version = "1.22" }`.
pub fn mise_toml(text: &str, out: &mut FileFindings) -> Result<(), String> {
    let doc = toml(text)?;
    for (name, value) in tentries(doc.get("tools")) {
        let version = match value {
            toml::Value::String(s) => Some(s.as_str()),
            toml::Value::Array(list) => list.first().and_then(toml::Value::as_str),
            toml::Value::Table(t) => t.get("version").and_then(toml::Value::as_str),
            _ => None,
        };
        // `npm:prettier`, `cargo:ripgrep`, `aqua:cli/cli`: the tool is the last part
        let short = name.rsplit([':', '/']).next().unwrap_or(name);
        out.tool(runtime_name(short), version, format!("mise:{name}"));
    }
    Ok(())
}

/// The catalog name of an asdf plugin or mise tool (`nodejs` and `node` are Node.js).
fn runtime_name(plugin: &str) -> &str {
    match plugin {
        "node" | "nodejs" => "nodejs",
        "golang" | "go" => "golang",
        "dotnet" | "dotnet-core" => "dot-net",
        "java" | "openjdk" => "java",
        other => other,
    }
}

/// `.pre-commit-config.yaml`: every hook of every repository, by its id (`black`, `ruff`,
/// `prettier`, `eslint`, `mypy`); the repository's `rev` is the tool's version when the
/// repository is the tool's own or its mirror.
pub fn pre_commit(text: &str, out: &mut FileFindings) -> Result<(), String> {
    let doc = yaml(text)?;
    if !matches!(doc, Yaml::Mapping(_) | Yaml::Null) {
        return Err(".pre-commit-config.yaml is not a mapping".into());
    }
    out.tool("pre-commit", None, "pre_commit:config".to_owned());
    for repo in ykey(&doc, "repos").and_then(Yaml::as_sequence).into_iter().flatten() {
        let url = ykey(repo, "repo").and_then(Yaml::as_str).unwrap_or_default().to_ascii_lowercase();
        let rev = ykey(repo, "rev").and_then(yscalar);
        for hook in ykey(repo, "hooks").and_then(Yaml::as_sequence).into_iter().flatten() {
            let Some(id) = ykey(hook, "id").and_then(Yaml::as_str) else { continue };
            // A hook of the tool's own repository (`psf/black`, `mirrors-prettier`) runs the
            // tool at `rev`; `pre-commit-hooks` and `local` hooks name no versioned tool.
            let head = id.split(['-', '_']).next().unwrap_or(id).to_ascii_lowercase();
            let own = url.rsplit('/').next().is_some_and(|name| name.contains(&head));
            out.tool(id, if own { rev.as_deref() } else { None }, format!("pre_commit:{id}"));
        }
    }
    Ok(())
}

/// `devcontainer.json` (JSON with comments): its image, its features
/// (`ghcr.io/devcontainers/features/node:1` with `{"version": "20"}`) and Dev Containers itself.
pub fn devcontainer(text: &str, out: &mut FileFindings) -> Result<(), String> {
    let doc = json(&strip_json_comments(text))?;
    if !doc.is_object() {
        return Err("devcontainer.json is not a JSON object".into());
    }
    out.tool("devcontainers", None, "devcontainer:config".to_owned());
    if let Some(image) = doc.get("image").and_then(Json::as_str) {
        out.image(image);
    }
    if let Some(features) = doc.get("features").and_then(Json::as_object) {
        for (reference, options) in features {
            // `ghcr.io/devcontainers/features/docker-in-docker:2` -> `docker-in-docker`
            let path = reference.split('@').next().unwrap_or(reference);
            let last = path.rsplit('/').next().unwrap_or(path);
            let name = last.split(':').next().unwrap_or(last);
            let name = match name {
                "docker-in-docker" | "docker-outside-of-docker" | "docker-from-docker" => "docker",
                "github-cli" => "github-cli",
                "kubectl-helm-minikube" => "kubernetes",
                other => runtime_name(other),
            };
            let version = options.get("version").and_then(Json::as_str).filter(|v| *v != "latest" && *v != "lts");
            out.tool(name, version, format!("devcontainer:{name}"));
        }
    }
    Ok(())
}

/// JSON with `//` and `/* */` comments and trailing commas, as devcontainer.json allows, made
/// plain JSON. Strings are copied as they are.
fn strip_json_comments(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut copied_from = 0;
    let mut in_string = false;
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            if b == b'\\' {
                i += 2;
                continue;
            }
            if b == b'"' {
                in_string = false;
            }
            i += 1;
            continue;
        }
        match b {
            b'"' => {
                in_string = true;
                i += 1;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                out.push_str(&text[copied_from..i]);
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                copied_from = i;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                out.push_str(&text[copied_from..i]);
                i += 2;
                while i < bytes.len() && !(bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/')) {
                    i += 1;
                }
                i = (i + 2).min(bytes.len());
                copied_from = i;
            }
            b',' => {
                // a trailing comma: the next significant byte closes the object or array
                let next = text[i + 1..].trim_start_matches(|c: char| c.is_whitespace());
                if next.starts_with(['}', ']']) {
                    out.push_str(&text[copied_from..i]);
                    copied_from = i + 1;
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    out.push_str(&text[copied_from.min(text.len())..]);
    out
}

/// Tiltfile (Starlark): the functions it calls say what it drives: `docker_build` (Docker),
/// `k8s_yaml` / `k8s_resource` (Kubernetes), `helm` / `helm_resource` (Helm), `kustomize`,
/// `docker_compose`; Tilt itself.
pub fn tiltfile(text: &str, out: &mut FileFindings) {
    out.tool("tilt", None, "tiltfile:Tiltfile".to_owned());
    const CALLS: [(&str, &str); 7] = [
        ("docker_build(", "docker"),
        ("custom_build(", "docker"),
        ("k8s_yaml(", "kubernetes"),
        ("k8s_resource(", "kubernetes"),
        ("helm(", "helm"),
        ("kustomize(", "kustomize"),
        ("docker_compose(", "docker-compose"),
    ];
    let mut seen = Vec::new();
    for raw in text.lines() {
        let line = strip_hash_comment(raw);
        for (call, tool) in CALLS {
            let found = line.match_indices(call).any(|(at, _)| {
                at == 0 || !line.as_bytes()[at - 1].is_ascii_alphanumeric() && line.as_bytes()[at - 1] != b'_'
            });
            if found && !seen.contains(&tool) {
                seen.push(tool);
                out.tool(tool, None, format!("tiltfile:{}", call.trim_end_matches('(')));
            }
        }
        if line.contains("helm_resource(") && !seen.contains(&"helm") {
            seen.push("helm");
            out.tool("helm", None, "tiltfile:helm_resource".to_owned());
        }
    }
}

/// `serverless.yml`: the provider (`aws` -> AWS Lambda), its runtime (`nodejs20.x` ->
/// Node.js 20), CloudFormation resources (`AWS::DynamoDB::Table` is read as the Terraform
/// resource type `aws_dynamodb_table`, which the rules know), and plugins (npm packages).
pub fn serverless(text: &str, out: &mut FileFindings) -> Result<(), String> {
    let doc = yaml(text)?;
    if !matches!(doc, Yaml::Mapping(_)) {
        return Err("serverless.yml is not a mapping".into());
    }
    out.tool("serverless", None, "serverless:config".to_owned());
    let provider = ykey(&doc, "provider");
    let provider_name = provider.and_then(|p| ykey(p, "name").and_then(Yaml::as_str).or_else(|| p.as_str()));
    match provider_name {
        Some("aws") => out.tool("aws-lambda", None, "serverless:provider.aws".to_owned()),
        Some("azure") => out.tool("azure-functions", None, "serverless:provider.azure".to_owned()),
        Some("google") => out.tool("google-cloud-functions", None, "serverless:provider.google".to_owned()),
        _ => {}
    }
    let mut runtimes: Vec<&str> =
        provider.and_then(|p| ykey(p, "runtime")).and_then(Yaml::as_str).into_iter().collect();
    for (_, function) in yentries(ykey(&doc, "functions")) {
        runtimes.extend(ykey(function, "runtime").and_then(Yaml::as_str));
    }
    for runtime in runtimes {
        runtime_tool(runtime, "serverless:runtime", out);
    }
    for plugin in ykey(&doc, "plugins").and_then(Yaml::as_sequence).into_iter().flatten() {
        if let Some(name) = plugin.as_str() {
            out.declared_as(Npm, name, None, Scope::Dev);
        }
    }
    let resources = ykey(&doc, "resources").and_then(|r| ykey(r, "Resources"));
    for (_, resource) in yentries(resources) {
        if let Some(kind) = ykey(resource, "Type").and_then(Yaml::as_str) {
            cloudformation_type(kind, out);
        }
    }
    Ok(())
}

/// `AWS::DynamoDB::Table` -> the Terraform resource type `aws_dynamodb_table`.
fn cloudformation_type(kind: &str, out: &mut FileFindings) {
    let parts: Vec<&str> = kind.split("::").collect();
    if let [provider, service, resource] = parts[..] {
        let snake = |s: &str| {
            let mut o = String::new();
            let mut previous: Option<char> = None;
            for c in s.chars() {
                if c.is_ascii_uppercase() && previous.is_some_and(|p| !p.is_ascii_uppercase()) {
                    o.push('_');
                }
                o.push(c.to_ascii_lowercase());
                previous = Some(c);
            }
            o
        };
        let name = format!("{}_{}_{}", provider.to_ascii_lowercase(), service.to_ascii_lowercase(), snake(resource));
        out.dependency(TerraformResources, &name, None, false, None);
    }
}

/// A serverless runtime id: `nodejs20.x`, `python3.12`, `java21`, `go1.x`, `ruby3.3`,
/// `dotnet8`, `provided.al2` (none).
fn runtime_tool(runtime: &str, rule: &str, out: &mut FileFindings) {
    let lower = runtime.to_ascii_lowercase();
    let split = lower.find(|c: char| c.is_ascii_digit()).unwrap_or(lower.len());
    let (name, version) = lower.split_at(split);
    let tool = match name.trim_end_matches(['-', '_']) {
        "nodejs" | "node" => "nodejs",
        "python" => "python",
        "java" => "java",
        "go" | "golang" => "golang",
        "ruby" => "ruby",
        "dotnet" | "dotnetcore" => "dot-net",
        "php" => "php",
        _ => return,
    };
    let version = version.trim_end_matches(".x").trim_end_matches('.');
    let version = match (tool, version) {
        // `python39`, `go113`: App Engine writes no dot
        ("python" | "golang", v) if v.len() >= 2 && !v.contains('.') => format!("{}.{}", &v[..1], &v[1..]),
        (_, v) => v.to_owned(),
    };
    out.tool(tool, (!version.is_empty()).then_some(version.as_str()), format!("{rule}:{runtime}"));
}

/// App Engine's `app.yaml`: `runtime: python312` (with `env: flex` or standard).
pub fn app_yaml(text: &str, out: &mut FileFindings) -> Result<(), String> {
    let doc = yaml(text)?;
    let Some(runtime) = ykey(&doc, "runtime").and_then(Yaml::as_str) else {
        return Ok(()); // another kind of app.yaml
    };
    out.tool("google-app-engine", None, "app_engine:runtime".to_owned());
    runtime_tool(runtime, "app_engine", out);
    Ok(())
}

/// `cloudbuild.yaml`: Cloud Build, and the builder image of each step.
pub fn cloudbuild(text: &str, out: &mut FileFindings) -> Result<(), String> {
    let doc = yaml(text)?;
    if !matches!(doc, Yaml::Mapping(_)) {
        return Err("cloudbuild.yaml is not a mapping".into());
    }
    out.tool("google-cloud-build", None, "cloud_build:config".to_owned());
    for step in ykey(&doc, "steps").and_then(Yaml::as_sequence).into_iter().flatten() {
        if let Some(name) = ykey(step, "name").and_then(Yaml::as_str) {
            out.image(name);
        }
    }
    Ok(())
}

/// `kustomization.yaml`: Kustomize, the images it sets (`name`/`newName` with `newTag`), and
/// the Helm charts it inflates.
pub fn kustomization(text: &str, out: &mut FileFindings) -> Result<(), String> {
    let doc = yaml(text)?;
    if !matches!(doc, Yaml::Mapping(_) | Yaml::Null) {
        return Err("kustomization.yaml is not a mapping".into());
    }
    out.tool("kustomize", None, "kustomize:kustomization".to_owned());
    for image in ykey(&doc, "images").and_then(Yaml::as_sequence).into_iter().flatten() {
        let name = ykey(image, "newName").or_else(|| ykey(image, "name")).and_then(Yaml::as_str);
        let tag = ykey(image, "newTag").and_then(yscalar);
        match (name, tag) {
            (Some(name), Some(tag)) => out.image(&format!("{name}:{tag}")),
            (Some(name), None) => out.image(name),
            _ => {}
        }
    }
    for chart in ykey(&doc, "helmCharts").and_then(Yaml::as_sequence).into_iter().flatten() {
        if let Some(name) = ykey(chart, "name").and_then(Yaml::as_str) {
            out.tool("helm", None, "kustomize:helmCharts".to_owned());
            out.dependency(Helm, &format!("*/{name}"), None, false, None);
        }
    }
    Ok(())
}

/// `skaffold.yaml`: Skaffold, and what it builds and deploys with (Docker, Jib, Buildpacks,
/// ko, Bazel; kubectl, Helm, Kustomize), in every profile.
pub fn skaffold(text: &str, out: &mut FileFindings) -> Result<(), String> {
    let docs = super::util::yaml_documents(text)?;
    out.tool("skaffold", None, "skaffold:config".to_owned());
    let mut sections: Vec<&Yaml> = Vec::new();
    for doc in &docs {
        sections.push(doc);
        sections.extend(ykey(doc, "profiles").and_then(Yaml::as_sequence).into_iter().flatten());
    }
    for section in sections {
        let build = ykey(section, "build");
        for artifact in build.and_then(|b| ykey(b, "artifacts")).and_then(Yaml::as_sequence).into_iter().flatten() {
            for (builder, tool) in
                [("docker", "docker"), ("jib", "jib"), ("buildpacks", "buildpacks"), ("ko", "ko"), ("bazel", "bazel")]
            {
                if ykey(artifact, builder).is_some() {
                    out.tool(tool, None, format!("skaffold:build.{builder}"));
                }
            }
        }
        for key in ["deploy", "manifests"] {
            let Some(stage) = ykey(section, key) else { continue };
            for (deployer, tool) in [
                ("kubectl", "kubernetes"),
                ("rawYaml", "kubernetes"),
                ("helm", "helm"),
                ("kustomize", "kustomize"),
                ("kpt", "kpt"),
                ("docker", "docker"),
                ("cloudrun", "google-cloud-run"),
            ] {
                if ykey(stage, deployer).is_some() {
                    out.tool(tool, None, format!("skaffold:{key}.{deployer}"));
                }
            }
        }
    }
    Ok(())
}

/// Rails' `config/importmap.rb`: `pin "name"` lines are npm packages, their version from the
/// CDN URL (`to: "https://ga.jspm.io/npm:@hotwired/stimulus@3.2.2/..."`) when there is one.
pub fn importmap(text: &str, out: &mut FileFindings) {
    for raw in text.lines() {
        let line = strip_hash_comment(raw).trim();
        let Some(rest) = line.strip_prefix("pin ").or_else(|| line.strip_prefix("pin(")) else {
            continue;
        };
        let strings = quoted_strings(rest);
        let Some(name) = strings.first() else { continue };
        // local files (`pin "application"`) have no URL and are not packages when they have
        // no `to:` or a `to:` without a registry path; keep pins that look like packages
        let url = strings.iter().skip(1).find(|s| s.contains("://"));
        let version = url.and_then(|u| {
            let after = u.split_once(&format!("{name}@"))?.1;
            Some(after.split(['/', '?', '#']).next().unwrap_or_default().to_owned())
        });
        if url.is_none() && !rest.contains("to:") && name.contains('/') && !name.starts_with('@') {
            continue; // `pin "controllers/hello"`: an app file
        }
        if matches!(*name, "application" | "app") {
            continue;
        }
        out.declared_as(Npm, name, version.as_deref(), Scope::Runtime);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_and_trailing_commas_leave_json() {
        let text = "{\n // a comment\n \"image\": \"x://y\", /* more */\n \"a\": [1, 2,],\n}";
        let plain = strip_json_comments(text);
        let doc: Json = serde_json::from_str(&plain).unwrap();
        assert_eq!(doc["image"], "x://y");
        assert_eq!(doc["a"][1], 2);
    }

    #[test]
    fn cloudformation_types_read_as_terraform_types() {
        let mut out = FileFindings::default();
        cloudformation_type("AWS::DynamoDB::Table", &mut out);
        cloudformation_type("AWS::S3::Bucket", &mut out);
        cloudformation_type("AWS::SQS::Queue", &mut out);
        let names: Vec<String> = out
            .evidence
            .iter()
            .filter_map(|e| match e {
                crate::evidence::Evidence::Dependency { name, .. } => Some(name.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(names, ["aws_dynamodb_table", "aws_s3_bucket", "aws_sqs_queue"]);
    }
}
