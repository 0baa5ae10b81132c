//! The instance as every page names it: its name (in titles and the footer) and its public
//! address (in canonical links and OpenGraph tags). Pages are rendered once and cached for
//! everybody, so templates read these from here (`{{ crate::instance::name() }}`); the router
//! sets them from the application's settings when it is built.

use std::fmt::Display;
use std::sync::{Arc, LazyLock, RwLock};

use stackdex_app::site::SiteSettings;

static SETTINGS: LazyLock<RwLock<Arc<SiteSettings>>> = LazyLock::new(|| RwLock::new(Arc::default()));

tokio::task_local! {
    /// The settings of the router answering the request at hand: several routers in one
    /// process (the tests build many) each render with their own.
    static CURRENT: Arc<SiteSettings>;
}

/// Takes the settings pages are rendered with from now on, outside any request.
pub(crate) fn set(settings: Arc<SiteSettings>) {
    *SETTINGS.write().unwrap_or_else(|e| e.into_inner()) = settings;
}

fn settings() -> Arc<SiteSettings> {
    CURRENT.try_with(Arc::clone).unwrap_or_else(|_| SETTINGS.read().unwrap_or_else(|e| e.into_inner()).clone())
}

/// Middleware: the request is answered, and its pages rendered, with this router's settings.
pub(crate) async fn scope(
    axum::extract::State(settings): axum::extract::State<Arc<SiteSettings>>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    CURRENT.scope(settings, next.run(request)).await
}

/// The instance's name (`STACKDEX_NAME`, default "stackdex").
pub(crate) fn name() -> String {
    settings().name.clone()
}

/// Whether the instance goes by the software's own name (the header then shows its mark).
pub(crate) fn is_stackdex() -> bool {
    settings().name == "stackdex"
}

/// This site's address for `stackdex login --server`: the public address when it is known,
/// else a placeholder the reader replaces.
pub(crate) fn cli_server() -> String {
    settings().public_url.clone().unwrap_or_else(|| "SERVER".to_owned())
}

/// A path of this site as an address: absolute when the public address is known, else the
/// path itself.
pub(crate) fn absolute(path: impl Display) -> String {
    match &settings().public_url {
        Some(base) => format!("{base}{path}"),
        None => path.to_string(),
    }
}

/// `absolute` of `prefix` followed by `rest` (`link("/tools/", slug)`).
pub(crate) fn link(prefix: &str, rest: impl Display) -> String {
    absolute(format_args!("{prefix}{rest}"))
}

/// A description of at most about 160 characters, cut at a word, from plain text.
pub(crate) fn summary(text: impl Display) -> String {
    const MAX: usize = 160;
    let text = text.to_string();
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if words.chars().count() <= MAX {
        return words;
    }
    let cut: String = words.chars().take(MAX).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{}…", cut.trim_end_matches(|c: char| c.is_ascii_punctuation()))
}

/// [`summary`] of sanitised HTML (a decision's body): its text, tags dropped and the
/// sanitiser's entities read back.
pub(crate) fn summary_of_html(html: &str) -> String {
    const BLOCKS: [&str; 15] =
        ["p", "br", "li", "ul", "ol", "pre", "blockquote", "h1", "h2", "h3", "h4", "tr", "td", "th", "hr"];
    let mut text = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        text.push_str(&rest[..open]);
        let close = rest[open..].find('>').map_or(rest.len(), |c| open + c + 1);
        let name: String =
            rest[open + 1..close].trim_start_matches('/').chars().take_while(char::is_ascii_alphanumeric).collect();
        if BLOCKS.contains(&name.as_str()) {
            text.push(' ');
        }
        rest = &rest[close..];
    }
    text.push_str(rest);
    let text = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&");
    summary(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_are_short_plain_text() {
        assert_eq!(summary("  a\n b  "), "a b");
        let long = "word ".repeat(60);
        let s = summary(&long);
        assert!(s.chars().count() <= 161 && s.ends_with("word…"), "{s}");
        assert_eq!(
            summary_of_html("<p>We moved to <code>Rust</code> &amp; <em>Axum</em>.</p>"),
            "We moved to Rust & Axum."
        );
    }
}
