//! The site around the resources: the instance's name and public address, the pages its
//! operator writes in Markdown (about, contact, privacy, terms, with defaults of ours where a
//! file is missing), and the sitemap (split in parts past a limit of addresses per file).

use std::path::{Path, PathBuf};
use std::time::Duration;

use pulldown_cmark::{Event, HeadingLevel, Tag as MdTag, TagEnd};
use serde::Serialize;
use stackdex_store::Tag;

use crate::{App, AppError, Result, Shown};

/// How one instance presents itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteSettings {
    /// The instance's name, in titles and the footer (`STACKDEX_NAME`).
    pub name: String,
    /// The address the public reaches it at, without a trailing slash
    /// (`https://stackdex.example.com`): canonical links and the sitemap use it.
    pub public_url: Option<String>,
    /// Where the operator's pages are, `{dir}/{about,contact,privacy,terms}.md`.
    pub pages_dir: Option<PathBuf>,
    /// The most addresses one sitemap file holds; past it, `/sitemap.xml` is an index of
    /// parts ([`SITEMAP_LIMIT`]; smaller in tests).
    pub sitemap_limit: usize,
}

impl Default for SiteSettings {
    fn default() -> SiteSettings {
        SiteSettings { name: "stackdex".into(), public_url: None, pages_dir: None, sitemap_limit: SITEMAP_LIMIT }
    }
}

impl SiteSettings {
    /// Settings with a name (blank: the default) and a public address (trailing slashes
    /// dropped; blank: none).
    pub fn new(name: Option<&str>, public_url: Option<&str>, pages_dir: Option<PathBuf>) -> SiteSettings {
        let name = name.map(str::trim).filter(|n| !n.is_empty()).unwrap_or("stackdex").to_owned();
        let public_url = public_url.map(|u| u.trim().trim_end_matches('/').to_owned()).filter(|u| !u.is_empty());
        SiteSettings { name, public_url, pages_dir, sitemap_limit: SITEMAP_LIMIT }
    }
}

/// A page the operator writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SitePage {
    About,
    Contact,
    Privacy,
    Terms,
}

impl SitePage {
    pub const ALL: [SitePage; 4] = [SitePage::About, SitePage::Contact, SitePage::Privacy, SitePage::Terms];

    /// Its address without the slash, and its file's name without `.md`.
    pub fn slug(self) -> &'static str {
        match self {
            SitePage::About => "about",
            SitePage::Contact => "contact",
            SitePage::Privacy => "privacy",
            SitePage::Terms => "terms",
        }
    }

    /// Its title when the Markdown does not start with one.
    fn fallback_title(self) -> &'static str {
        match self {
            SitePage::About => "About",
            SitePage::Contact => "Contact",
            SitePage::Privacy => "Privacy",
            SitePage::Terms => "Terms of use",
        }
    }

    fn default_markdown(self) -> &'static str {
        match self {
            SitePage::About => include_str!("site/about.md"),
            SitePage::Contact => include_str!("site/contact.md"),
            SitePage::Privacy => include_str!("site/privacy.md"),
            SitePage::Terms => include_str!("site/terms.md"),
        }
    }
}

/// An operator's page, ready to show: its title (the Markdown's first `#` heading) and the
/// rest as sanitised HTML.
#[derive(Debug, Clone, Serialize)]
pub struct SitePageView {
    pub slug: &'static str,
    pub title: String,
    pub body_html: String,
}

/// An address in the sitemap, relative to the site (`/tools/django`), and the day it last
/// changed when known (`2026-12-07`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SitemapUrl {
    pub path: String,
    pub lastmod: Option<String>,
}

/// One sitemap file: addresses, or (past the limit) the index of the parts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Sitemap {
    Urls(Vec<SitemapUrl>),
    /// Parts `1..=parts`, each served as its own file.
    Index {
        parts: usize,
    },
}

/// The most addresses one sitemap file may hold (the protocol's limit).
pub const SITEMAP_LIMIT: usize = 50_000;

/// How long an operator's page or a sitemap is kept before it is read again (files and new
/// stacks leave no entry in the change log).
pub const SITE_KEPT: Duration = Duration::from_secs(60);

impl App {
    /// Sets how the instance presents itself (before the router is built).
    pub fn configure_site(&self, settings: SiteSettings) {
        *self.site.write() = settings;
    }

    pub fn site(&self) -> SiteSettings {
        self.site.read().clone()
    }

    /// Writes our default of each operator page whose file is missing, for the operator to
    /// edit; returns the files written. Without a pages folder, writes nothing.
    pub fn write_default_pages(&self) -> std::io::Result<Vec<PathBuf>> {
        let settings = self.site();
        let Some(dir) = settings.pages_dir else { return Ok(Vec::new()) };
        std::fs::create_dir_all(&dir)?;
        let mut written = Vec::new();
        for page in SitePage::ALL {
            let file = page_file(&dir, page);
            if !file.exists() {
                std::fs::write(&file, default_text(page, &settings.name))?;
                written.push(file);
            }
        }
        Ok(written)
    }

    /// An operator's page: their file when there is one, else our default.
    pub async fn site_page(&self, page: SitePage) -> Result<Shown<SitePageView>> {
        let settings = self.site();
        let text = match &settings.pages_dir {
            Some(dir) => match tokio::fs::read_to_string(page_file(dir, page)).await {
                Ok(text) => text,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => default_text(page, &settings.name),
                Err(e) => return Err(AppError::Internal(format!("reading the {} page: {e}", page.slug()))),
            },
            None => default_text(page, &settings.name),
        };
        let (title, body_html) = render_page(&text);
        let title = title.unwrap_or_else(|| page.fallback_title().to_owned());
        Ok(Shown::new(SitePageView { slug: page.slug(), title, body_html }, Vec::new()))
    }

    /// The sitemap, `per_file` addresses at most per file ([`SITEMAP_LIMIT`] in production):
    /// `part` `None` is `/sitemap.xml` (every address, or the index of the parts when there are
    /// more), `Some(n)` the n-th part (from 1). Lists the home page, tools, stackups, stacks
    /// and decisions.
    pub async fn sitemap(&self, per_file: usize, part: Option<usize>) -> Result<Shown<Sitemap>> {
        let per_file = per_file.max(1);
        let counts = [
            1,
            self.catalog.tools().len(),
            usize::try_from(self.store.count_stackups().await?).unwrap_or(0),
            usize::try_from(self.store.count_stacks(Default::default()).await?).unwrap_or(0),
            usize::try_from(self.store.count_decisions().await?).unwrap_or(0),
        ];
        let total: usize = counts.iter().sum();
        let parts = total.div_ceil(per_file);
        let tags = vec![Tag::Decisions];
        let range = match part {
            None if parts > 1 => return Ok(Shown::new(Sitemap::Index { parts }, tags)),
            None => 0..total,
            Some(n) if (1..=parts).contains(&n) => (n - 1) * per_file..(n * per_file).min(total),
            Some(_) => return Err(AppError::not_found("that part of the sitemap")),
        };
        let mut urls = Vec::with_capacity(range.len());
        let mut first = 0;
        for (kind, count) in counts.into_iter().enumerate() {
            let (from, to) = (range.start.max(first), range.end.min(first + count));
            if from < to {
                self.sitemap_urls(kind, from - first, to - from, &mut urls).await?;
            }
            first += count;
        }
        Ok(Shown::new(Sitemap::Urls(urls), tags))
    }

    /// `limit` addresses of one kind (0 home, 1 tools, 2 stackups, 3 stacks, 4 decisions) from
    /// `offset`.
    async fn sitemap_urls(&self, kind: usize, offset: usize, limit: usize, out: &mut Vec<SitemapUrl>) -> Result<()> {
        let (offset_i, limit_i) = (offset as i64, limit as i64);
        match kind {
            0 => out.push(SitemapUrl { path: "/".into(), lastmod: None }),
            1 => out.extend(
                self.catalog
                    .tools()
                    .iter()
                    .skip(offset)
                    .take(limit)
                    .map(|t| SitemapUrl { path: format!("/tools/{}", t.slug), lastmod: None }),
            ),
            2 => out.extend(
                self.store
                    .stackup_locations(limit_i, offset_i)
                    .await?
                    .into_iter()
                    .map(|s| SitemapUrl { path: format!("/stackups/{}", s.slug), lastmod: None }),
            ),
            3 => {
                out.extend(self.store.stack_locations(limit_i, offset_i).await?.into_iter().map(|s| SitemapUrl {
                    path: format!("/stacks/{}/{}", s.owner, s.slug),
                    lastmod: day(s.updated_at),
                }))
            }
            _ => out.extend(
                self.store
                    .decision_locations(limit_i, offset_i)
                    .await?
                    .into_iter()
                    .map(|d| SitemapUrl { path: format!("/decisions/{}", d.id), lastmod: day(d.created_at) }),
            ),
        }
        Ok(())
    }
}

fn page_file(dir: &Path, page: SitePage) -> PathBuf {
    dir.join(format!("{}.md", page.slug()))
}

fn default_text(page: SitePage, name: &str) -> String {
    page.default_markdown().replace("{name}", name)
}

/// `2026-12-07` for a Unix time.
fn day(unix: i64) -> Option<String> {
    chrono::DateTime::from_timestamp(unix, 0).map(|d| d.format("%Y-%m-%d").to_string())
}

/// The Markdown's first heading when it is a `#` one (the page's title, shown as its only
/// h1), and the rest as sanitised HTML with any other `#` heading lowered to `##`.
fn render_page(markdown: &str) -> (Option<String>, String) {
    let options = pulldown_cmark::Options::ENABLE_STRIKETHROUGH | pulldown_cmark::Options::ENABLE_TABLES;
    let events: Vec<Event<'_>> = pulldown_cmark::Parser::new_ext(markdown, options).collect();
    let mut title = None;
    let mut body = events.as_slice();
    if let Some(Event::Start(MdTag::Heading { level: HeadingLevel::H1, .. })) = body.first()
        && let Some(end) = body.iter().position(|e| matches!(e, Event::End(TagEnd::Heading(HeadingLevel::H1))))
    {
        let text: String = body[1..end]
            .iter()
            .filter_map(|e| match e {
                Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                _ => None,
            })
            .collect();
        title = Some(text.trim().to_owned()).filter(|t| !t.is_empty());
        body = &body[end + 1..];
    }
    let lowered = body.iter().cloned().map(|e| match e {
        Event::Start(MdTag::Heading { level: HeadingLevel::H1, id, classes, attrs }) => {
            Event::Start(MdTag::Heading { level: HeadingLevel::H2, id, classes, attrs })
        }
        Event::End(TagEnd::Heading(HeadingLevel::H1)) => Event::End(TagEnd::Heading(HeadingLevel::H2)),
        other => other,
    });
    let mut html = String::with_capacity(markdown.len() * 2);
    pulldown_cmark::html::push_html(&mut html, lowered);
    (title, crate::format::sanitise(&html))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_heading_is_the_title_and_others_are_lowered() {
        let (title, html) = render_page("# About *us*\n\nHello.\n\n# Again\n\n## Sub\n");
        assert_eq!(title.as_deref(), Some("About us"));
        assert!(!html.contains("<h1"), "{html}");
        assert!(html.contains("<h2>Again</h2>") && html.contains("<h2>Sub</h2>"), "{html}");
        let (title, html) = render_page("Hello <script>alert(1)</script>\n\n# Late title");
        assert_eq!(title, None);
        assert!(!html.contains("<script") && !html.contains("<h1"), "{html}");
    }

    #[test]
    fn settings_drop_blanks_and_trailing_slashes() {
        let s = SiteSettings::new(Some("  "), Some("https://x.example/ "), None);
        assert_eq!((s.name.as_str(), s.public_url.as_deref()), ("stackdex", Some("https://x.example")));
        assert_eq!(SiteSettings::new(Some("Acme stacks"), Some(""), None).public_url, None);
    }
}
