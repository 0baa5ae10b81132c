//! Small helpers shared by the parsers: typed access into parsed documents, quoted strings.

use serde_json::Value as Json;
use serde_norway::Value as Yaml;

pub fn json(text: &str) -> Result<Json, String> {
    serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| format!("invalid JSON: {e}"))
}

pub fn toml(text: &str) -> Result<toml::Table, String> {
    text.trim_start_matches('\u{feff}').parse::<toml::Table>().map_err(|e| format!("invalid TOML: {}", e.message()))
}

/// Parses YAML; a file with several documents yields them all.
pub fn yaml_documents(text: &str) -> Result<Vec<Yaml>, String> {
    use serde::Deserialize;
    let mut docs = Vec::new();
    for doc in serde_norway::Deserializer::from_str(text) {
        match Yaml::deserialize(doc) {
            Ok(value) => docs.push(value),
            Err(e) => return Err(format!("invalid YAML: {e}")),
        }
    }
    Ok(docs)
}

pub fn yaml(text: &str) -> Result<Yaml, String> {
    Ok(yaml_documents(text)?.into_iter().next().unwrap_or(Yaml::Null))
}

/// `value[key]` for a YAML mapping with string keys.
pub fn ykey<'a>(value: &'a Yaml, key: &str) -> Option<&'a Yaml> {
    value.as_mapping()?.get(key)
}

/// The string entries of a YAML mapping, as (key, value).
pub fn yentries(value: Option<&Yaml>) -> impl Iterator<Item = (&str, &Yaml)> {
    value.and_then(Yaml::as_mapping).into_iter().flat_map(|m| m.iter()).filter_map(|(k, v)| Some((k.as_str()?, v)))
}

/// A YAML scalar as text (numbers too: `version: 16` is a version).
pub fn yscalar(value: &Yaml) -> Option<String> {
    match value {
        Yaml::String(s) => Some(s.clone()),
        Yaml::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The string entries of a JSON object.
pub fn jentries<'a>(value: &'a Json, key: &str) -> impl Iterator<Item = (&'a str, &'a Json)> {
    value.get(key).and_then(Json::as_object).into_iter().flat_map(|m| m.iter()).map(|(k, v)| (k.as_str(), v))
}

/// The string entries of a TOML table.
pub fn tentries(value: Option<&toml::Value>) -> impl Iterator<Item = (&str, &toml::Value)> {
    value.and_then(toml::Value::as_table).into_iter().flat_map(|t| t.iter()).map(|(k, v)| (k.as_str(), v))
}

pub fn tget<'a>(table: &'a toml::Table, path: &[&str]) -> Option<&'a toml::Value> {
    let (first, rest) = path.split_first()?;
    let mut value = table.get(*first)?;
    for key in rest {
        value = value.as_table()?.get(*key)?;
    }
    Some(value)
}

/// The contents of every `"..."` or `'...'` string on a line, in order.
pub fn quoted_strings(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(start) = rest.find(['"', '\'']) {
        let quote = rest[start..].chars().next().unwrap_or('"');
        let after = &rest[start + 1..];
        let Some(end) = after.find(quote) else { break };
        out.push(&after[..end]);
        rest = &after[end + 1..];
    }
    out
}

/// The line without a trailing `#` comment (outside quotes, roughly).
pub fn strip_hash_comment(line: &str) -> &str {
    let mut in_quote = None;
    for (i, c) in line.char_indices() {
        match (c, in_quote) {
            ('"' | '\'', None) => in_quote = Some(c),
            (c, Some(q)) if c == q => in_quote = None,
            ('#', None) => return &line[..i],
            _ => {}
        }
    }
    line
}

/// The line without a trailing `//` comment; `://` (a URL) is not a comment.
pub fn strip_slash_comment(line: &str) -> &str {
    let mut from = 0;
    while let Some(pos) = line[from..].find("//") {
        let at = from + pos;
        if at > 0 && line.as_bytes()[at - 1] == b':' {
            from = at + 2;
            continue;
        }
        return &line[..at];
    }
    line
}
