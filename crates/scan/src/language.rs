//! Languages: what kind of text a language is (code, data or prose), and the language of an
//! extension-less script from its `#!` line.
//!
//! Which extensions belong to which language is data (the catalog's rules); this module only
//! knows the few conventions the rule format cannot say.

use serde::{Deserialize, Serialize};

/// What a language's files are, as GitHub Linguist classifies them. Code (`programming` and
/// `markup`) makes up the share of code bytes; `data` and `prose` formats are listed beside it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LanguageKind {
    /// A programming language (Rust, Python, shell).
    #[default]
    Programming,
    /// Markup and styles that are part of the code (HTML, CSS, Vue, Svelte).
    Markup,
    /// A data format (JSON, YAML, XML, GraphQL, Protocol Buffers).
    Data,
    /// Prose (Markdown).
    Prose,
}

impl LanguageKind {
    /// The kind of a language, by its catalog slug; a language not named here is programming.
    pub(crate) fn of(slug: &str) -> LanguageKind {
        match slug {
            "html5" | "css-3" | "scss" | "sass" | "less" | "vuejs" | "svelte" => LanguageKind::Markup,
            "json" | "yaml" | "xml-format" | "graphql" | "protobuf" => LanguageKind::Data,
            "markdown" => LanguageKind::Prose,
            _ => LanguageKind::Programming,
        }
    }

    /// The name used in reports (`programming`, `markup`, `data`, `prose`).
    pub fn as_str(self) -> &'static str {
        match self {
            LanguageKind::Programming => "programming",
            LanguageKind::Markup => "markup",
            LanguageKind::Data => "data",
            LanguageKind::Prose => "prose",
        }
    }

    /// Programming languages and markup count toward the share of code bytes.
    pub fn is_code(self) -> bool {
        matches!(self, LanguageKind::Programming | LanguageKind::Markup)
    }
}

/// Bytes read from an extension-less executable file to find its `#!` line.
pub(crate) const SHEBANG_BYTES: usize = 256;

/// The interpreter a `#!` line names and the extension its scripts conventionally have
/// (`#!/usr/bin/env bash` -> `("bash", ".bash")`), so the catalog's extension rules name the
/// language. `None` when `head` is no shebang or names an interpreter not listed here.
pub(crate) fn shebang_interpreter(head: &[u8]) -> Option<(String, &'static str)> {
    let rest = head.strip_prefix(b"#!")?;
    let line = rest.split(|&b| b == b'\n').next().unwrap_or_default();
    let line = std::str::from_utf8(line).ok()?;
    let mut words = line.split_ascii_whitespace();
    let mut program = basename(words.next()?);
    if program == "env" {
        // `env [-S] [-i] [NAME=value...] interpreter [args]`
        program = basename(words.find(|w| !w.starts_with('-') && !w.contains('='))?);
    }
    // `python3.12` -> `python`, `ksh93` -> `ksh`
    let name = program.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
    let extension = match name {
        "sh" | "dash" | "ash" | "ksh" | "mksh" | "pdksh" | "yash" => ".sh",
        "bash" => ".bash",
        "zsh" => ".zsh",
        "python" | "pypy" => ".py",
        "node" | "nodejs" => ".js",
        "ts-node" | "tsx" => ".ts",
        "ruby" => ".rb",
        "perl" => ".pl",
        "php" => ".php",
        "pwsh" => ".ps1",
        "lua" | "luajit" => ".lua",
        _ => return None,
    };
    Some((name.to_owned(), extension))
}

fn basename(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn interpreter(line: &str) -> Option<(String, &'static str)> {
        shebang_interpreter(line.as_bytes())
    }

    #[test]
    fn shebang_lines() {
        assert_eq!(interpreter("#!/bin/sh\nset -e\n"), Some(("sh".into(), ".sh")));
        assert_eq!(interpreter("#!/usr/bin/env bash\n"), Some(("bash".into(), ".bash")));
        assert_eq!(interpreter("#! /bin/bash -eu\n"), Some(("bash".into(), ".bash")));
        assert_eq!(interpreter("#!/usr/bin/env -S zsh -f\n"), Some(("zsh".into(), ".zsh")));
        assert_eq!(interpreter("#!/usr/bin/env LC_ALL=C python3.12\n"), Some(("python".into(), ".py")));
        assert_eq!(interpreter("#!/usr/bin/ksh93"), Some(("ksh".into(), ".sh")));
        assert_eq!(interpreter("#!/usr/bin/env node"), Some(("node".into(), ".js")));
        assert_eq!(interpreter("#!/usr/bin/env"), None);
        assert_eq!(interpreter("#!/usr/bin/make -f\n"), None);
        assert_eq!(interpreter("# comment\n#!/bin/sh"), None);
        assert_eq!(interpreter(""), None);
        assert_eq!(interpreter("#!\u{0}\u{ff}"), None);
    }

    #[test]
    fn kinds() {
        assert_eq!(LanguageKind::of("rust"), LanguageKind::Programming);
        assert_eq!(LanguageKind::of("css-3"), LanguageKind::Markup);
        assert_eq!(LanguageKind::of("yaml"), LanguageKind::Data);
        assert_eq!(LanguageKind::of("markdown"), LanguageKind::Prose);
        assert!(LanguageKind::Markup.is_code() && !LanguageKind::Data.is_code());
    }
}
