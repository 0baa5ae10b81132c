//! How figures, dates and user-written text are shown: numbers and dates as the seed page shows
//! them, Markdown always through the sanitiser.

/// `38712` -> `38.7K`, `34791` -> `34.8K`, `5012` -> `5.0K`, `107634` -> `107.6K`,
/// `1250000` -> `1.3M`, `678` -> `678`: rounded to one decimal, as the seed page shows counts.
pub fn compact(n: i64) -> String {
    let sign = if n < 0 { "-" } else { "" };
    let n = n.unsigned_abs();
    if n < 1000 {
        return format!("{sign}{n}");
    }
    // Tenths of a thousand, rounded half up; 999,950 rounds to 1.0M, not 1000.0K.
    let tenths_k = (n + 50) / 100;
    if tenths_k < 10_000 {
        return format!("{sign}{}.{}K", tenths_k / 10, tenths_k % 10);
    }
    let tenths_m = (n + 50_000) / 100_000;
    format!("{sign}{}.{}M", tenths_m / 10, tenths_m % 10)
}

/// View counts as the seed shows them: `524310` -> `524k`, `950` -> `950`.
/// A count with thousands separated: `38,712`.
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

pub fn views(n: i64) -> String {
    if n >= 1000 { format!("{}k", n / 1000) } else { n.to_string() }
}

/// `Mar 25, 2020`.
pub fn date(unix: i64) -> String {
    chrono::DateTime::from_timestamp(unix, 0).map(|d| d.format("%b %-d, %Y").to_string()).unwrap_or_default()
}

/// The start of what a user wrote, as one line of plain text of at most `max` characters: the
/// first line with words, without markdown's marks.
pub fn excerpt(markdown: &str, max: usize) -> String {
    let first = markdown.lines().map(str::trim).find(|l| l.chars().any(char::is_alphanumeric)).unwrap_or("");
    let plain: String = first.chars().filter(|c| !matches!(c, '*' | '_' | '#' | '`' | '>')).collect();
    let plain = plain.split_whitespace().collect::<Vec<_>>().join(" ");
    if plain.chars().count() > max {
        format!("{}…", plain.chars().take(max.saturating_sub(1)).collect::<String>().trim_end())
    } else {
        plain
    }
}

/// The sanitiser for what users write: ammonia's safe defaults, and links that earn no credit
/// from search engines (`nofollow ugc`) and give the page they open no hold on ours.
static SANITISER: std::sync::LazyLock<ammonia::Builder<'static>> = std::sync::LazyLock::new(|| {
    let mut builder = ammonia::Builder::default();
    builder.link_rel(Some("nofollow ugc noopener noreferrer"));
    builder
});

/// Markdown to HTML, always through the sanitiser: user text never carries script.
pub fn render_markdown(markdown: &str) -> String {
    let options = pulldown_cmark::Options::ENABLE_STRIKETHROUGH | pulldown_cmark::Options::ENABLE_TABLES;
    let parser = pulldown_cmark::Parser::new_ext(markdown, options).map(below_page_headings);
    let mut html = String::with_capacity(markdown.len() * 2);
    pulldown_cmark::html::push_html(&mut html, parser);
    sanitise(&html)
}

/// What users write sits under the page's own headings: a `#` or `##` heading becomes an h3,
/// so a page keeps one h1 and its outline.
fn below_page_headings(event: pulldown_cmark::Event<'_>) -> pulldown_cmark::Event<'_> {
    use pulldown_cmark::{Event, HeadingLevel, Tag, TagEnd};
    let lower = |level| if level < HeadingLevel::H3 { HeadingLevel::H3 } else { level };
    match event {
        Event::Start(Tag::Heading { level, id, classes, attrs }) => {
            Event::Start(Tag::Heading { level: lower(level), id, classes, attrs })
        }
        Event::End(TagEnd::Heading(level)) => Event::End(TagEnd::Heading(lower(level))),
        other => other,
    }
}

/// HTML made from Markdown, through the same sanitiser.
pub(crate) fn sanitise(html: &str) -> String {
    SANITISER.clean(html).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_matches_the_seed() {
        assert_eq!(compact(38_712), "38.7K");
        assert_eq!(compact(5_012), "5.0K");
        assert_eq!(compact(107_634), "107.6K");
        assert_eq!(views(524_310), "524k");
        assert_eq!(compact(85_649), "85.6K");
        assert_eq!(compact(999), "999");
        assert_eq!(compact(34_791), "34.8K");
        assert_eq!(compact(1_187), "1.2K");
        assert_eq!(compact(999_950), "1.0M");
        assert_eq!(compact(1_250_000), "1.3M");
        assert_eq!(compact(0), "0");
    }

    #[test]
    fn links_users_write_earn_no_credit_and_scripts_never_pass() {
        let html = render_markdown("[site](https://example.com) <script>alert(1)</script> [x](javascript:alert(1))");
        assert!(
            html.contains(r#"<a href="https://example.com" rel="nofollow ugc noopener noreferrer">site</a>"#),
            "{html}"
        );
        assert!(!html.contains("<script") && !html.contains("javascript:"), "{html}");
    }

    #[test]
    fn tables_and_code_blocks_come_through() {
        let html = render_markdown("| a | b |\n|---|---|\n| 1 | 2 |\n\n```\nlet x = 1;\n```\n\n> quoted");
        for part in ["<table>", "<td>1</td>", "<pre><code>let x = 1;", "<blockquote>"] {
            assert!(html.contains(part), "{part} in {html}");
        }
    }

    #[test]
    fn date_is_month_day_year() {
        assert_eq!(date(1_590_019_200), "May 21, 2020");
    }
}
