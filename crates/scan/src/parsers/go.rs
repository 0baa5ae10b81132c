//! Go modules: go.mod and go.work.

use stackdex_catalog::rules::Ecosystem::Go;

use crate::evidence::FileFindings;

pub fn go_mod(text: &str, out: &mut FileFindings) {
    let mut in_require = false;
    for raw in text.lines() {
        let indirect = raw.contains("// indirect");
        let line = raw.split("//").next().unwrap_or_default().trim();
        if let Some(module) = line.strip_prefix("module ") {
            out.component(Some(module.trim().trim_matches('"')));
            continue;
        }
        // `go 1.22`: the Go version the module is written for.
        if let Some(version) = line.strip_prefix("go ") {
            out.tool("golang", Some(version.trim()), "go_mod:go".to_owned());
            continue;
        }
        if line.starts_with("require (") || line == "require(" {
            in_require = true;
            continue;
        }
        if in_require && line.starts_with(')') {
            in_require = false;
            continue;
        }
        let spec = if in_require {
            line
        } else if let Some(spec) = line.strip_prefix("require ") {
            spec
        } else {
            continue;
        };
        // Indirect requirements are other modules' dependencies, not this one's stack.
        if indirect {
            continue;
        }
        let mut parts = spec.split_whitespace();
        if let (Some(path), Some(version)) = (parts.next(), parts.next()) {
            // go.mod pins exact versions (minimum version selection).
            out.declared(Go, path.trim_matches('"'), Some(version));
        }
    }
    if out.component.is_none() {
        out.component(None);
    }
}

pub fn go_work(text: &str, out: &mut FileFindings) {
    let mut in_use = false;
    let mut members = Vec::new();
    for raw in text.lines() {
        let line = raw.split("//").next().unwrap_or_default().trim();
        if line.starts_with("use (") || line == "use(" {
            in_use = true;
        } else if in_use && line.starts_with(')') {
            in_use = false;
        } else if in_use && !line.is_empty() {
            members.push(line.trim_matches('"').to_owned());
        } else if let Some(dir) = line.strip_prefix("use ") {
            members.push(dir.trim().trim_matches('"').to_owned());
        }
    }
    out.component(None).members.extend(members);
}
