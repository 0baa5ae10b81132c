//! Tool logos: `data/logos/{slug}.svg`, compiled in by `build.rs`. They are converted once from
//! open-licence icon sets by `scripts/logos/generate.mjs` and credited in
//! `data/logos/CREDITS.md`. Each SVG is safe to serve as is and to inline in a page: no scripts,
//! event handlers or external references, ids and classes prefixed with the slug, a `viewBox`
//! and no fixed size, so it scales to any box. A tool without a logo gets a letter tile from
//! whoever shows it.

use crate::Catalog;

include!(concat!(env!("OUT_DIR"), "/logo_files.rs"));

impl Catalog {
    /// The SVG text of a tool's logo, by the tool's slug (not an alias); `None` when the tool has
    /// no logo.
    pub fn logo(&self, slug: &str) -> Option<&'static str> {
        LOGO_FILES.binary_search_by(|(s, _)| (*s).cmp(slug)).ok().map(|i| LOGO_FILES[i].1)
    }

    /// Whether the tool (by slug) has a logo.
    pub fn has_logo(&self, slug: &str) -> bool {
        self.logo(slug).is_some()
    }

    /// A short fingerprint of a tool's logo (16 hex digits), which changes whenever the SVG
    /// does: put it in the logo's URL to serve it with a long cache lifetime.
    pub fn logo_fingerprint(&self, slug: &str) -> Option<String> {
        self.logo(slug).map(|svg| format!("{:016x}", fnv1a(svg.as_bytes())))
    }
}

/// FNV-1a, 64 bits: stable across Rust versions and platforms, unlike `DefaultHasher`.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The issue asks for 95% of the 200 tools in most stacks; the three icon sets have no logo
    /// for about 25 of them (see `scripts/logos/README.md`), so this guards what they give.
    const TOP_200_FLOOR: f64 = 0.85;
    const CATALOG_FLOOR: f64 = 0.50;
    const MAX_TOTAL_BYTES: usize = 6_000_000;

    #[test]
    fn every_logo_names_a_catalog_tool() {
        let catalog = Catalog::builtin();
        let strays: Vec<&str> = LOGO_FILES
            .iter()
            .map(|(slug, _)| *slug)
            .filter(|slug| catalog.tool(slug).is_none_or(|t| t.slug != *slug))
            .collect();
        assert!(strays.is_empty(), "logos named after no tool's slug: {strays:?}");
    }

    #[test]
    fn every_logo_is_safe_to_serve_and_scales() {
        let unsafe_logos: Vec<String> = LOGO_FILES
            .iter()
            .filter_map(|(slug, svg)| {
                let found = problems(svg);
                (!found.is_empty()).then(|| format!("{slug}.svg: {}", found.join("; ")))
            })
            .collect();
        assert!(unsafe_logos.is_empty(), "{}", unsafe_logos.join("\n"));
    }

    #[test]
    fn every_logo_is_credited() {
        let credits = include_str!("../data/logos/CREDITS.md");
        let missing: Vec<&str> = LOGO_FILES
            .iter()
            .map(|(slug, _)| *slug)
            .filter(|slug| !credits.contains(&format!("\n| {slug} | ")))
            .collect();
        assert!(missing.is_empty(), "logos missing from data/logos/CREDITS.md: {missing:?}");
    }

    #[test]
    fn logos_cover_the_popular_tools_and_half_the_catalog() {
        let catalog = Catalog::builtin();
        let mut by_stacks: Vec<_> = catalog.tools().iter().collect();
        by_stacks.sort_by(|a, b| b.popularity.stacks.cmp(&a.popularity.stacks).then(a.slug.cmp(&b.slug)));
        let top = &by_stacks[..by_stacks.len().min(200)];
        let top_with = top.iter().filter(|t| catalog.has_logo(&t.slug)).count();
        let all_with = catalog.tools().iter().filter(|t| catalog.has_logo(&t.slug)).count();
        let share = |n: usize, of: usize| n as f64 / of as f64;
        println!(
            "logos: top {}: {top_with} ({:.1}%); catalog: {all_with} of {} ({:.1}%)",
            top.len(),
            100.0 * share(top_with, top.len()),
            catalog.tools().len(),
            100.0 * share(all_with, catalog.tools().len()),
        );
        let top_missing: Vec<&str> =
            top.iter().filter(|t| !catalog.has_logo(&t.slug)).map(|t| t.slug.as_str()).collect();
        println!("top {} without a logo: {top_missing:?}", top.len());
        assert!(share(top_with, top.len()) >= TOP_200_FLOOR, "too few popular tools have a logo: {top_missing:?}");
        assert!(
            share(all_with, catalog.tools().len()) >= CATALOG_FLOOR,
            "fewer than half the tools have a logo: run scripts/logos again"
        );
    }

    #[test]
    fn logos_stay_small() {
        let total: usize = LOGO_FILES.iter().map(|(_, svg)| svg.len()).sum();
        println!("logos: {} files, {total} bytes", LOGO_FILES.len());
        assert!(total < MAX_TOTAL_BYTES, "the logos take {total} bytes");
    }

    #[test]
    fn lookup_by_slug() {
        let catalog = Catalog::builtin();
        let (slug, svg) = LOGO_FILES[0];
        assert_eq!(catalog.logo(slug), Some(svg));
        assert!(catalog.has_logo(slug));
        assert!(catalog.logo("no-such-tool").is_none());
        assert_eq!(catalog.logo_fingerprint(slug).unwrap().len(), 16);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn the_safety_check_catches_what_it_should() {
        let ok = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path fill="url(#a)" d="M0 0h1"/><use href="#b"/></svg>"##;
        assert_eq!(problems(ok), Vec::<String>::new());
        for bad in [
            r#"<svg viewBox="0 0 1 1"><script>alert(1)</script></svg>"#,
            r#"<svg viewBox="0 0 1 1"><foreignObject/></svg>"#,
            r#"<svg viewBox="0 0 1 1" onload="alert(1)"></svg>"#,
            r#"<svg viewBox="0 0 1 1"><a xlink:href="javascript:alert(1)"/></svg>"#,
            r#"<svg viewBox="0 0 1 1"><use href="https://example.com/x.svg#a"/></svg>"#,
            r#"<svg viewBox="0 0 1 1"><path fill="url(https://example.com/a)"/></svg>"#,
            r#"<svg viewBox="0 0 1 1"><style>@import "x.css";</style></svg>"#,
            r#"<svg viewBox="0 0 1 1"><image href="data:image/png;base64,AA"/></svg>"#,
            r#"<svg width="24" height="24" viewBox="0 0 1 1"></svg>"#,
            r#"<svg><path d="M0 0"/></svg>"#,
        ] {
            assert!(!problems(bad).is_empty(), "not caught: {bad}");
        }
    }

    /// Elements that run code, load something or navigate; none belongs in a logo.
    const FORBIDDEN_ELEMENTS: &[&str] =
        &["script", "foreignobject", "iframe", "embed", "object", "image", "a", "set", "animate", "audio", "video"];

    /// What makes an SVG unfit to serve as a logo.
    fn problems(svg: &str) -> Vec<String> {
        let mut found = Vec::new();
        let lower = svg.to_ascii_lowercase();
        if lower.contains("javascript:") || lower.contains("@import") {
            found.push("javascript: or @import".to_owned());
        }
        if lower.split("url(").skip(1).any(|rest| !rest.trim_start_matches(['"', '\'', ' ']).starts_with('#')) {
            found.push("url() pointing outside the file".to_owned());
        }
        let tags = tags(svg);
        match tags.first() {
            Some((name, attrs)) if name == "svg" => {
                if !attrs.iter().any(|(a, _)| a == "viewBox") {
                    found.push("no viewBox".to_owned());
                }
                if attrs.iter().any(|(a, _)| a == "width" || a == "height") {
                    found.push("fixed width or height".to_owned());
                }
            }
            _ => found.push("does not start with <svg>".to_owned()),
        }
        for (name, attrs) in &tags {
            let local = name.rsplit(':').next().unwrap_or(name).to_ascii_lowercase();
            if FORBIDDEN_ELEMENTS.contains(&local.as_str()) {
                found.push(format!("<{name}> element"));
            }
            for (attr, value) in attrs {
                let attr_local = attr.rsplit(':').next().unwrap_or(attr).to_ascii_lowercase();
                if attr_local.starts_with("on") {
                    found.push(format!("event handler {attr}"));
                }
                if attr_local == "href" && !value.starts_with('#') {
                    found.push(format!("{attr}={value:?} pointing outside the file"));
                }
            }
        }
        found
    }

    /// The opening tags of an XML text, each with its attributes; enough for the checks above,
    /// on files that svgo has already parsed and written.
    fn tags(xml: &str) -> Vec<(String, Vec<(String, String)>)> {
        let mut tags = Vec::new();
        for chunk in xml.split('<').skip(1) {
            if chunk.starts_with(['/', '!', '?']) {
                continue;
            }
            let mut rest = chunk;
            let name_end = rest.find(|c: char| c.is_whitespace() || c == '>' || c == '/').unwrap_or(rest.len());
            let name = rest[..name_end].to_owned();
            rest = &rest[name_end..];
            let mut attrs = Vec::new();
            while let Some(eq) = rest.find('=') {
                if rest[..eq].contains('>') {
                    break;
                }
                let attr = rest[..eq].trim().to_owned();
                let after = rest[eq + 1..].trim_start();
                let Some(quote) = after.chars().next().filter(|c| *c == '"' || *c == '\'') else { break };
                let Some(close) = after[1..].find(quote) else { break };
                attrs.push((attr, after[1..1 + close].to_owned()));
                rest = &after[close + 2..];
            }
            tags.push((name, attrs));
        }
        tags
    }
}
