//! Fuzzes the parsers of files that name tools directly (runtime version files, pre-commit,
//! devcontainers, Tiltfiles, serverless, App Engine, Cloud Build, Kustomize, Skaffold,
//! importmaps): the first byte picks the file kind, the rest is the file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stackdex_scan::{FileKind, parse_manifest};

const KINDS: &[FileKind] = &[
    FileKind::NodeVersion,
    FileKind::PythonVersion,
    FileKind::RubyVersion,
    FileKind::RustToolchain,
    FileKind::GlobalJson,
    FileKind::ToolVersions,
    FileKind::MiseToml,
    FileKind::PreCommit,
    FileKind::Devcontainer,
    FileKind::Tiltfile,
    FileKind::Serverless,
    FileKind::AppYaml,
    FileKind::CloudBuild,
    FileKind::Kustomization,
    FileKind::Skaffold,
    FileKind::Importmap,
];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    let kind = KINDS[usize::from(selector) % KINDS.len()];
    if let Ok(text) = std::str::from_utf8(rest) {
        let _ = parse_manifest(kind, text);
    }
});
