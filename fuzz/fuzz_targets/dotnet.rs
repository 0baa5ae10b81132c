//! Fuzzes the dotnet parsers: the first byte picks the file kind, the rest is the file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stackdex_scan::{FileKind, parse_manifest};

const KINDS: &[FileKind] = &[
    FileKind::MsbuildProject,
    FileKind::PackagesConfig,
    FileKind::DirectoryPackagesProps,
];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    let kind = KINDS[usize::from(selector) % KINDS.len()];
    if let Ok(text) = std::str::from_utf8(rest) {
        let _ = parse_manifest(kind, text);
    }
});
