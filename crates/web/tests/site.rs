//! The site around the resources, through the router on both backends: `robots.txt`, the
//! sitemap (and its split into an index past the limit), the favicon, the operator's pages
//! written as Markdown files (theirs over our defaults, sanitised), and what tool, stackup and
//! decision pages tell search engines and link previews (canonical address, description,
//! OpenGraph), with one h1 and a skip link on every page.

use crate::common;

use std::collections::BTreeSet;
use std::path::PathBuf;

use axum::http::StatusCode;
use common::{TestApp, apps};
use stackdex_app::site::SiteSettings;

/// The instance's name and address are global to the process (pages are rendered once for
/// everybody): the tests that set them take turns.
static SETTINGS_LOCK: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

const NAME: &str = "Acme stacks";
const PUBLIC: &str = "https://stacks.example";

/// The apps, each configured with `settings` and its router rebuilt on them.
async fn configured(demo: bool, settings: impl Fn() -> SiteSettings) -> Vec<TestApp> {
    let mut out = apps(demo).await;
    for t in &mut out {
        t.app.configure_site(settings());
        t.router = stackdex_web::router(t.app.clone());
    }
    out
}

fn public(pages: Option<PathBuf>) -> SiteSettings {
    SiteSettings::new(Some(NAME), Some(PUBLIC), pages)
}

fn locs(xml: &str) -> Vec<String> {
    xml.split("<loc>").skip(1).map(|s| s.split("</loc>").next().unwrap().to_owned()).collect()
}

/// Every address the sitemap lists, following its index into the parts when it is split.
async fn sitemap_locs(t: &TestApp) -> Vec<String> {
    let r = t.get("/sitemap.xml").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    if !r.body.contains("<sitemapindex") {
        return locs(&r.body);
    }
    let mut all = Vec::new();
    for part in locs(&r.body) {
        let path = part.strip_prefix(PUBLIC).expect("parts are on the public address");
        let r = t.get(path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert!(r.body.contains("<urlset"), "a part lists addresses: {path}");
        all.extend(locs(&r.body));
    }
    all
}

fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

#[tokio::test]
async fn robots_txt_keeps_crawlers_off_forms_and_names_the_sitemap() {
    let _turn = SETTINGS_LOCK.lock().await;
    for t in configured(false, || SiteSettings::new(Some(NAME), None, None)).await {
        let r = t.browse("GET", "/robots.txt", None, &[], None).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.content_type.starts_with("text/plain"), "{}", r.content_type);
        for line in ["User-agent: *", "Disallow: /api/", "Disallow: /search", "Disallow: /login", "Disallow: /feed"] {
            assert!(r.body.lines().any(|l| l == line), "{line} in\n{}", r.body);
        }
        assert!(!r.body.lines().any(|l| l == "Disallow: /" || l == "Disallow: /tools"), "{}", r.body);
        // Without a configured address, the one the request was sent to.
        assert!(r.body.contains("Sitemap: http://stackdex.test/sitemap.xml"), "{}", r.body);
    }
    for t in configured(false, || public(None)).await {
        let r = t.browse("GET", "/robots.txt", None, &[], None).await;
        assert!(r.body.contains("Sitemap: https://stacks.example/sitemap.xml"), "{}", r.body);
    }
}

#[tokio::test]
async fn the_sitemap_lists_tools_stackups_stacks_and_decisions() {
    let _turn = SETTINGS_LOCK.lock().await;
    for t in configured(true, || public(None)).await {
        // A stackup is listed once it has been viewed.
        assert_eq!(t.get("/stackups/django-vs-rust").await.status, StatusCode::OK);
        t.app.flush_views().await.unwrap();
        let r = t.get("/sitemap.xml").await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.content_type.starts_with("application/xml"), "{}", r.content_type);
        assert!(
            r.body.starts_with("<?xml")
                && (r.body.contains("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">")
                    || r.body.contains("<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"))
        );
        let all = sitemap_locs(&t).await;
        let listed: BTreeSet<String> = all.iter().cloned().collect();
        assert_eq!(listed.len(), all.len(), "no address twice");
        for want in [
            "https://stacks.example/",
            "https://stacks.example/tools/django",
            "https://stacks.example/stackups/django-vs-rust",
        ] {
            assert!(listed.contains(want), "{want} in the sitemap ({:?})", t.backend());
        }
        let stacks = t.get("/api/v1/stacks").await.json();
        let stack = &stacks["stacks"][0];
        let stack_url = format!(
            "https://stacks.example/stacks/{}/{}",
            stack["owner"].as_str().unwrap(),
            stack["slug"].as_str().unwrap()
        );
        assert!(listed.contains(&stack_url), "{stack_url} in the sitemap ({stacks})");
        let decisions = t.get("/api/v1/decisions").await.json();
        let id = decisions["decisions"][0]["id"].as_i64().expect("a demo decision");
        assert!(listed.contains(&format!("https://stacks.example/decisions/{id}")));
        let first_part = if r.body.contains("<sitemapindex") { t.get("/sitemaps/1.xml").await.body } else { r.body };
        assert!(first_part.contains("<lastmod>"), "stacks and decisions carry the day they changed");
        assert!(listed.iter().all(|u| !u.contains("/api/") && !u.contains("/login")));
    }
}

#[tokio::test]
async fn past_the_limit_the_sitemap_is_an_index_of_parts_that_together_list_everything() {
    let _turn = SETTINGS_LOCK.lock().await;
    for t in configured(true, || public(None)).await {
        let whole: BTreeSet<String> = sitemap_locs(&t).await.into_iter().collect();
        assert!(whole.len() > 250, "the demo lists {} addresses", whole.len());
        // Four parts, the last one shorter.
        let limit = whole.len().div_ceil(4) + 1;
        t.app.configure_site(SiteSettings { sitemap_limit: limit, ..public(None) });
        let r = t.get("/sitemap.xml").await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.contains("<sitemapindex"), "{}", &r.body[..r.body.len().min(400)]);
        let parts = locs(&r.body);
        assert_eq!(parts.len(), whole.len().div_ceil(limit));
        let mut together = BTreeSet::new();
        for (n, part) in parts.iter().enumerate() {
            assert_eq!(part, &format!("https://stacks.example/sitemaps/{}.xml", n + 1));
            let r = t.get(&format!("/sitemaps/{}.xml", n + 1)).await;
            assert_eq!(r.status, StatusCode::OK);
            let urls = locs(&r.body);
            assert!(!urls.is_empty() && urls.len() <= limit, "part {} holds {}", n + 1, urls.len());
            together.extend(urls);
        }
        assert_eq!(together, whole, "the parts list every address once");
        for missing in
            ["/sitemaps/0.xml", &format!("/sitemaps/{}.xml", parts.len() + 1), "/sitemaps/x.xml", "/sitemaps/1.txt"]
        {
            assert_eq!(t.get(missing).await.status, StatusCode::NOT_FOUND, "{missing}");
        }
    }
}

#[tokio::test]
async fn the_favicon_is_answered_and_linked() {
    let _turn = SETTINGS_LOCK.lock().await;
    for t in configured(false, || public(None)).await {
        for path in ["/favicon.svg", "/favicon.ico"] {
            let r = t.get(path).await;
            assert_eq!(r.status, StatusCode::OK, "{path}");
            assert_eq!(r.content_type, "image/svg+xml");
            assert!(r.body.starts_with("<svg"));
        }
        assert!(t.get("/").await.body.contains(r#"<link rel="icon" href="/favicon.svg" type="image/svg+xml">"#));
    }
}

#[tokio::test]
async fn operator_pages_come_from_their_markdown_files_sanitised_with_our_defaults_beside() {
    let _turn = SETTINGS_LOCK.lock().await;
    let dir = tempfile::tempdir().unwrap();
    let pages = dir.path().join("pages");
    std::fs::create_dir_all(&pages).unwrap();
    std::fs::write(
        pages.join("about.md"),
        "# About Acme\n\nWe compare stacks. <script>alert(1)</script>\n\n\
         [click](javascript:alert(1)) <img src=x onerror=\"alert(2)\"> <iframe src=\"https://evil.example\"></iframe>\n\n\
         # A second title\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```\ncode\n```\n\n> quoted\n",
    )
    .unwrap();
    for t in configured(false, || public(Some(pages.clone()))).await {
        // Ours are written beside the operator's, never over it.
        let written = t.app.write_default_pages().unwrap();
        let names: BTreeSet<String> =
            written.iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
        assert!(!names.contains("about.md"), "{names:?}");
        assert!(std::fs::read_to_string(pages.join("about.md")).unwrap().starts_with("# About Acme"));

        let r = t.get("/about").await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(count(&r.body, "<h1"), 1, "one h1: {}", r.body);
        assert!(r.body.contains("<h1 class=\"title\">About Acme</h1>"), "{}", r.body);
        assert!(r.body.contains("<title>About Acme · Acme stacks</title>"));
        assert!(r.body.contains("<h2>A second title</h2>"), "later # headings are lowered");
        assert!(r.body.contains("<table>") && r.body.contains("<pre><code>") && r.body.contains("<blockquote>"));
        for hostile in ["<script", "javascript:", "onerror", "<iframe", "alert(2)"] {
            assert!(!r.body.contains(hostile), "{hostile} in {}", r.body);
        }
        assert!(r.body.contains(r#"<link rel="canonical" href="https://stacks.example/about">"#));

        // The others are our defaults, naming the instance.
        for (path, h1) in [("/contact", "Contact"), ("/privacy", "Privacy"), ("/terms", "Terms of use")] {
            let r = t.get(path).await;
            assert_eq!(r.status, StatusCode::OK, "{path}");
            assert_eq!(count(&r.body, "<h1"), 1, "{path}");
            assert!(r.body.contains(&format!("<h1 class=\"title\">{h1}</h1>")), "{path}: {}", r.body);
            assert!(r.body.contains("Acme stacks"), "{path} names the instance");
        }
    }
    // Without any file, the default about page credits the data.
    for t in configured(false, || public(None)).await {
        let r = t.get("/about").await;
        assert!(r.body.contains("<h1 class=\"title\">About Acme stacks</h1>"), "{}", r.body);
        for credit in ["ODbL", "stack-analyser", "Simple Icons", "Devicon"] {
            assert!(r.body.contains(credit), "{credit} credited");
        }
    }
}

#[tokio::test]
async fn the_footer_names_the_instance_and_links_its_pages_and_credits() {
    let _turn = SETTINGS_LOCK.lock().await;
    for t in configured(false, || public(None)).await {
        let r = t.get("/").await;
        let footer = &r.body[r.body.find("<footer").expect("a footer")..];
        for link in ["href=\"/about\"", "href=\"/contact\"", "href=\"/privacy\"", "href=\"/terms\""] {
            assert!(footer.contains(link), "{link} in the footer");
        }
        assert!(footer.contains("Acme stacks"));
        for credit in ["ODbL", "specfy/stack-analyser", "Simple Icons", "Devicon"] {
            assert!(footer.contains(credit), "{credit} in the footer");
        }
        assert!(r.body.contains("<title>Discover and compare technology stacks · Acme stacks</title>"));
    }
}

/// The value of `<meta {attr}="{key}" content="...">`.
fn meta<'a>(html: &'a str, attr: &str, key: &str) -> Option<&'a str> {
    let start = format!("<meta {attr}=\"{key}\" content=\"");
    let at = html.find(&start)? + start.len();
    Some(&html[at..at + html[at..].find('"')?])
}

fn canonical(html: &str) -> Option<&str> {
    let start = "<link rel=\"canonical\" href=\"";
    let at = html.find(start)? + start.len();
    Some(&html[at..at + html[at..].find('"')?])
}

#[tokio::test]
async fn tool_stackup_and_decision_pages_carry_canonical_description_and_opengraph() {
    let _turn = SETTINGS_LOCK.lock().await;
    for t in configured(true, || public(None)).await {
        let id = t.get("/api/v1/decisions").await.json()["decisions"][0]["id"].as_i64().unwrap();
        let decision = format!("/decisions/{id}");
        for (path, title, kind) in [
            ("/tools/django", Some("Django"), "website"),
            ("/stackups/django-vs-rust", Some("Django vs Rust"), "website"),
            ("/stackups/django-vs-flask-vs-rails-vs-rust", None, "website"),
            (decision.as_str(), None, "article"),
        ] {
            let r = t.get(path).await;
            assert_eq!(r.status, StatusCode::OK, "{path}");
            let url = format!("{PUBLIC}{path}");
            assert_eq!(canonical(&r.body), Some(url.as_str()), "{path}");
            assert_eq!(meta(&r.body, "property", "og:url"), Some(url.as_str()), "{path}");
            assert_eq!(meta(&r.body, "property", "og:type"), Some(kind), "{path}");
            assert_eq!(meta(&r.body, "property", "og:site_name"), Some(NAME), "{path}");
            let description = meta(&r.body, "name", "description").unwrap_or_default();
            assert!((20..=170 * 6).contains(&description.len()), "{path}: description {description:?}");
            assert!(!description.contains('<'), "{path}: plain text, {description:?}");
            assert_eq!(meta(&r.body, "property", "og:description"), Some(description));
            let og_title = meta(&r.body, "property", "og:title").unwrap_or_default();
            assert!(!og_title.is_empty(), "{path}");
            if let Some(title) = title {
                assert_eq!(og_title, title, "{path}");
            }
        }
        // A non-canonical stackup address is not a page of its own: it moves.
        assert_eq!(t.get("/stackups/rust-vs-django").await.status, StatusCode::MOVED_PERMANENTLY);
    }
}

#[tokio::test]
async fn every_page_has_one_h1_a_skip_link_and_a_named_main_navigation() {
    let _turn = SETTINGS_LOCK.lock().await;
    for t in configured(true, || public(None)).await {
        let id = t.get("/api/v1/decisions").await.json()["decisions"][0]["id"].as_i64().unwrap();
        let stacks = t.get("/api/v1/stacks").await.json();
        let stack = format!(
            "/stacks/{}/{}",
            stacks["stacks"][0]["owner"].as_str().unwrap(),
            stacks["stacks"][0]["slug"].as_str().unwrap()
        );
        let orgs = t.get("/api/v1/organisations").await.json();
        let org = format!("/organisations/{}", orgs["organisations"][0]["slug"].as_str().unwrap());
        let decision = format!("/decisions/{id}");
        let pages = [
            "/",
            "/tools",
            "/tools/django",
            "/tools/django/alternatives",
            "/stackups",
            "/stackups/django-vs-rust",
            "/stackups/django-vs-flask-vs-rust",
            "/stackups/django-vs-flask-vs-rails-vs-rust",
            "/stacks",
            &stack,
            "/decisions",
            &decision,
            "/organisations",
            &org,
            "/users",
            "/categories/application-and-data",
            "/search?q=postgres",
            "/login",
            "/signup",
            "/about",
            "/contact",
            "/privacy",
            "/terms",
            "/share",
            "/api/docs",
            "/tools/no-such-tool",
        ];
        for path in pages {
            let r = t.get(path).await;
            assert!(r.status == StatusCode::OK || path.ends_with("no-such-tool"), "{path}: {}", r.status);
            assert_eq!(count(&r.body, "<h1"), 1, "{path} has one h1");
            assert!(r.body.contains(r##"<a class="skip-link" href="#main">"##), "{path}: skip link");
            assert!(r.body.contains(r#"<main class="wrap" id="main""#), "{path}: main#main");
            assert!(r.body.contains(r#"<nav class="main-nav" aria-label="Main">"#), "{path}");
            assert!(r.body.contains(r#"<details class="menu">"#), "{path}: the phone menu");
        }
    }
}

#[tokio::test]
async fn headings_users_write_stay_below_the_page_title() {
    let _turn = SETTINGS_LOCK.lock().await;
    for t in configured(false, || public(None)).await {
        let body = serde_json::json!({"username": "writer", "password": "correct horse battery"}).to_string();
        assert_eq!(t.send("POST", "/api/v1/users", Some(&body), None).await.status, StatusCode::CREATED);
        let token = t.token("writer", "correct horse battery").await;
        let body = serde_json::json!({
            "kind": "decided",
            "body": "# We chose Rust\n\n## Why\n\nBecause `cargo` & friends.\n\n```\nfn main() {}\n```",
            "tools": ["rust"],
        });
        let r = t.send("POST", "/api/v1/decisions", Some(&body.to_string()), Some(&token)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let id = r.json()["id"].as_i64().unwrap();
        let r = t.get(&format!("/decisions/{id}")).await;
        assert_eq!(count(&r.body, "<h1"), 1, "{}", r.body);
        assert!(r.body.contains("<h3>We chose Rust</h3>") && r.body.contains("<h3>Why</h3>"), "{}", r.body);
        assert_eq!(
            meta(&r.body, "name", "description"),
            Some("We chose Rust Why Because cargo &#38; friends. fn main() {}")
        );
    }
}
