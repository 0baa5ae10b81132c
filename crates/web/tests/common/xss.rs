//! Hostile text for every text field, and a check that rendered HTML holds nothing that runs.
//!
//! The vectors are the lines of `tests/xss-vectors.txt`, the one list the Rust tests and the
//! Chromium test (e2e/xss.test.mjs) share: script tags, event handlers, `javascript:` and
//! `data:` URLs in every attribute that takes one, SVG and MathML tricks, broken and nested
//! markup, attribute break-outs, entity-encoded and markdown-link forms.

use std::sync::LazyLock;

/// Every vector, in file order (at least 50).
pub static VECTORS: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| include_str!("../xss-vectors.txt").lines().filter(|l| !l.trim().is_empty()).collect());

/// Elements that run or load code, or change where the page's links and forms go.
const FORBIDDEN_TAGS: &[&str] =
    &["script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "link", "form", "svg", "math"];
/// The classes of the drawings our templates make.
const OWN_SVG_CLASSES: &[&str] =
    &["chart-svg", "swatch", "language-bar", "timeline-track", "version-bar-svg", "radar", "upgrade-chart"];
/// Attributes whose value is a URL a browser may follow or load.
const URL_ATTRIBUTES: &[&str] =
    &["href", "src", "action", "formaction", "xlink:href", "data", "poster", "background", "lowsrc", "dynsrc"];
/// Elements whose content is text, not markup, up to their end tag.
const RAW_TEXT: &[&str] = &["script", "style", "title", "textarea"];

/// What in `html` could run script: `<script>` and other active elements, `on*` handler
/// attributes, `srcdoc`, URL attributes with a `javascript:`, `vbscript:` or `data:text/html`
/// value (after entity decoding and white space removal), script in `style` attributes, and
/// `<meta http-equiv=refresh>`. `allowed_forms` lists the actions of the page's own forms.
/// Empty when the page is safe.
pub fn executable_markup(html: &str, allowed_forms: &[&str]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut i = 0;
    while let Some(at) = html[i..].find('<') {
        let start = i + at;
        let rest = &html[start..];
        if rest.starts_with("<!--") {
            i = start + rest.find("-->").map_or(rest.len(), |e| e + 3);
            continue;
        }
        if rest.starts_with("</") || rest.starts_with("<!") {
            i = start + rest.find('>').map_or(rest.len(), |e| e + 1);
            continue;
        }
        let name_len = rest[1..].bytes().take_while(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b':').count();
        if name_len == 0 {
            i = start + 1;
            continue;
        }
        let name = rest[1..1 + name_len].to_ascii_lowercase();
        let (attributes, end) = parse_attributes(html, start + 1 + name_len);
        let tag = &html[start..end.min(html.len())];
        check_tag(&name, &attributes, tag, allowed_forms, &mut problems);
        i = end;
        if RAW_TEXT.contains(&name.as_str()) {
            let close = format!("</{name}");
            i = html[i..].to_ascii_lowercase().find(&close).map_or(html.len(), |e| i + e);
        }
    }
    problems
}

fn check_tag(name: &str, attributes: &[(String, String)], tag: &str, forms: &[&str], problems: &mut Vec<String>) {
    let short: String = tag.chars().take(160).collect();
    if FORBIDDEN_TAGS.contains(&name) {
        let own_form = name == "form"
            && attributes.iter().any(|(n, v)| n == "action" && forms.iter().any(|f| v == f || v.starts_with(f)));
        // Our style sheet, icon and canonical address (a path of this site), in the head.
        let attr = |want: &str| attributes.iter().find(|(n, _)| n == want).map(|(_, v)| v.as_str());
        let own_link = name == "link"
            && match (attr("rel"), attr("href")) {
                (Some("stylesheet"), Some("/static/app.css")) | (Some("icon"), Some("/favicon.svg")) => true,
                (Some("canonical"), Some(href)) => href.starts_with('/') && !href.starts_with("//"),
                _ => false,
            };
        // The tool picker, our one script, from our own origin.
        let own_script = name == "script"
            && attributes.iter().any(|(n, v)| n == "src" && v == "/static/picker.js")
            && tag.ends_with("defer>");
        // Our drawings (charts, bars, swatches), each with one of our classes: what a visitor
        // writes never comes back as an element, so a class cannot be smuggled in with one.
        let own_svg = name == "svg" && attr("class").is_some_and(|c| OWN_SVG_CLASSES.contains(&c));
        if !own_form && !own_link && !own_script && !own_svg {
            problems.push(format!("<{name}> element: {short}"));
        }
    }
    if name == "meta" && attributes.iter().any(|(n, _)| n == "http-equiv") {
        problems.push(format!("meta http-equiv: {short}"));
    }
    for (attr, value) in attributes {
        if attr.starts_with("on") {
            problems.push(format!("{attr} handler: {short}"));
        }
        if attr == "srcdoc" {
            problems.push(format!("srcdoc: {short}"));
        }
        let url: String = decode_entities(value).chars().filter(|c| !c.is_whitespace() && !c.is_control()).collect();
        let url = url.to_ascii_lowercase();
        if URL_ATTRIBUTES.contains(&attr.as_str())
            && (url.starts_with("javascript:") || url.starts_with("vbscript:") || url.starts_with("data:text/html"))
        {
            problems.push(format!("{attr}={url}: {short}"));
        }
        if attr == "style" && (url.contains("javascript:") || url.contains("expression(") || url.contains("url(")) {
            problems.push(format!("style with script or URL: {short}"));
        }
    }
}

/// The attributes of a start tag whose name ends at `from`, and where the tag ends.
fn parse_attributes(html: &str, from: usize) -> (Vec<(String, String)>, usize) {
    let b = html.as_bytes();
    let mut i = from;
    let mut out = Vec::new();
    loop {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        if i >= b.len() {
            return (out, b.len());
        }
        if b[i] == b'>' {
            return (out, i + 1);
        }
        let start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>' | b'/') {
            i += 1;
        }
        let name = html[start..i].to_ascii_lowercase();
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = String::new();
        if i < b.len() && b[i] == b'=' {
            i += 1;
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                let quote = b[i];
                let v = i + 1;
                i = v;
                while i < b.len() && b[i] != quote {
                    i += 1;
                }
                value = html[v..i.min(b.len())].to_owned();
                i += 1;
            } else {
                let v = i;
                while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                    i += 1;
                }
                value = html[v..i].to_owned();
            }
        }
        out.push((name, value));
    }
}

/// Decodes `&#NN;`, `&#xNN;` and the named entities a serializer writes.
fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest.find(';').filter(|e| *e <= 10);
        let decoded = end.and_then(|e| {
            let entity = &rest[1..e];
            let c = match entity {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" | "#39" => Some('\''),
                "colon" => Some(':'),
                "Tab" => Some('\t'),
                "NewLine" => Some('\n'),
                _ => entity
                    .strip_prefix("#x")
                    .or_else(|| entity.strip_prefix("#X"))
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            }?;
            Some((c, e + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}
