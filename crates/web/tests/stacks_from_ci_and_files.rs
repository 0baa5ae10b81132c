//! Stacks from CI and from files, on both backends: a push that changes nothing records
//! nothing; snapshots are numbered per stack; the git checkout, languages and components of a
//! push are shown on the stack page; a StackShare techstack.yml is imported through the API and
//! the stack editor, its packages mapped through the scanner's rules, its unknown names listed;
//! hostile input is refused without losing what is stored.

use crate::common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{Reply, TestApp};

const SHA: &str = "0123456789abcdef0123456789abcdef01234567";

/// ann (with an API token and a browser session) and eve, who may not push to ann's stacks.
async fn people(t: &TestApp) -> (String, String, String) {
    for user in ["ann", "eve"] {
        let body = format!(r#"{{"username": "{user}", "password": "correct horse"}}"#);
        assert_eq!(t.send("POST", "/api/v1/users", Some(&body), None).await.status, StatusCode::CREATED);
    }
    let r = t.browse("POST", "/login", None, &[("username", "ann"), ("password", "correct horse")], None).await;
    let session = common::session_of(&r).unwrap();
    (t.token("ann", "correct horse").await, t.token("eve", "correct horse").await, session)
}

/// A scan report as `stackdex push` sends it: CodeMirror from six packages of one manifest.
fn report(django: &str) -> String {
    let codemirror_sources: Vec<serde_json::Value> = ["view", "state", "commands", "language", "search", "lint"]
        .iter()
        .map(|p| serde_json::json!({"file": "web/package.json", "rule": format!("npm:@codemirror/{p}")}))
        .collect();
    serde_json::json!({
        "schema_version": 1,
        "root": ".",
        "tools": [
            {"slug": "django", "versions": [django], "sources": [{"file": "api/requirements.txt"}]},
            {"slug": "codemirror", "versions": ["6.0.1", "6.0.1"], "sources": codemirror_sources},
            {"slug": "no-such-tool-xyz"}
        ],
        "languages": [
            {"slug": "python", "name": "Python", "bytes": 7240, "files": 30, "share": 0.724, "kind": "programming"},
            {"slug": "typescript", "name": "TypeScript", "bytes": 2760, "files": 12, "share": 0.276, "kind": "programming"},
            {"slug": "json", "name": "JSON", "bytes": 999, "files": 3, "share": 0.0, "kind": "data"}
        ],
        "components": [
            {"path": "api", "name": "api", "manifests": ["api/requirements.txt"], "tools": ["django"]},
            {"path": "web", "name": "web-ui", "manifests": ["web/package.json"], "tools": ["codemirror"]}
        ],
        "git": {"commit": SHA, "branch": "main", "repository": "https://ci-bot:ghs_secret@github.com/ann/site.git"},
        "warnings": [],
        "stats": {"files_seen": 1, "files_parsed": 1}
    })
    .to_string()
}

fn yaml_put(uri: &str, body: impl Into<Body>, token: &str, content_type: &str) -> Request<Body> {
    Request::builder()
        .method("PUT")
        .uri(uri)
        .header(header::CONTENT_TYPE, content_type)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(body.into())
        .unwrap()
}

/// The stack editor's upload form, as a browser sends it (multipart/form-data).
async fn upload(t: &TestApp, session: &str, fields: &[(&str, &str)], file: &[u8]) -> Reply {
    let boundary = "----stackdexboundary7MA4YWxkTrZu0gW";
    let mut body: Vec<u8> = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"techstack.yml\"\r\nContent-Type: application/x-yaml\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let request = Request::builder()
        .method("POST")
        .uri("/stacks/upload")
        .header(header::HOST, "stackdex.test")
        .header(header::ORIGIN, "http://stackdex.test")
        .header(header::COOKIE, format!("sdx_session={session}"))
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
        .body(Body::from(body))
        .unwrap();
    t.request(request).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unchanged_push_records_nothing_and_snapshots_are_numbered_per_stack() {
    for t in common::apps(false).await {
        let be = t.backend();
        let (ann, _, _) = people(&t).await;
        // Another stack first, so that global ids and per-stack numbers differ.
        let other = r#"{"tools": [{"slug": "rust"}]}"#;
        assert_eq!(t.send("PUT", "/api/v1/stacks/ann/other", Some(other), Some(&ann)).await.status, StatusCode::OK);

        let first = t.send("PUT", "/api/v1/stacks/ann/site", Some(&report("5.0")), Some(&ann)).await;
        assert_eq!(first.status, StatusCode::OK, "{be:?} {}", first.body);
        let first = first.json();
        assert_eq!(
            (first["snapshot"]["number"].as_i64(), first["snapshot"]["unchanged"].as_bool()),
            (Some(1), Some(false))
        );
        assert_eq!(first["unknown"], serde_json::json!(["no-such-tool-xyz"]));
        let id = first["snapshot"]["id"].as_i64().unwrap();
        assert_eq!(id, 2, "the second snapshot of the database");

        // The same again (another scan of the same code): the latest, unchanged.
        let again = t.send("PUT", "/api/v1/stacks/ann/site", Some(&report("5.0")), Some(&ann)).await.json();
        assert_eq!(again["snapshot"]["id"].as_i64(), Some(id), "{be:?}");
        assert_eq!(again["snapshot"]["number"].as_i64(), Some(1));
        assert_eq!(again["snapshot"]["unchanged"].as_bool(), Some(true));
        assert_eq!(again["stack"]["snapshots"].as_array().unwrap().len(), 1);

        // A new version is a change: v2.
        let newer = t.send("PUT", "/api/v1/stacks/ann/site", Some(&report("5.1")), Some(&ann)).await.json();
        assert_eq!(
            (newer["snapshot"]["number"].as_i64(), newer["snapshot"]["unchanged"].as_bool()),
            (Some(2), Some(false))
        );
        let stack = t.get("/api/v1/stacks/ann/site").await.json();
        let numbers: Vec<i64> =
            stack["snapshots"].as_array().unwrap().iter().map(|s| s["number"].as_i64().unwrap()).collect();
        assert_eq!(numbers, [2, 1]);
        assert_eq!(stack["snapshots"][1]["id"].as_i64(), Some(id), "JSON keeps the ids");

        // Diffs take numbers; links from before numbering (a global id past the history) work.
        let diff = t.get("/api/v1/stacks/ann/site/diff?from=1&to=2").await.json();
        assert_eq!((diff["from_number"].as_i64(), diff["to_number"].as_i64()), (Some(1), Some(2)), "{diff}");
        assert_eq!(diff["changed"][0]["slug"], "django");
        let newest = stack["snapshots"][0]["id"].as_i64().unwrap();
        let old_link = t.get(&format!("/api/v1/stacks/ann/site/diff?to={newest}")).await.json();
        assert_eq!(old_link["to_number"].as_i64(), Some(2), "{old_link}");
        assert_eq!(t.get("/api/v1/stacks/ann/site/diff?to=99").await.status, StatusCode::NOT_FOUND);
        let page = t.get("/stacks/ann/site").await.body;
        assert!(page.contains(r#"href="/stacks/ann/site/diff?to=2""#), "{page}");
        assert!(page.contains("<strong>v2</strong>") && page.contains("<strong>v1</strong>"));
        let diff_page = t.get("/stacks/ann/site/diff?from=1&to=2").await.body;
        assert!(diff_page.contains("From v1 to v2"), "{diff_page}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_stack_page_shows_the_commit_languages_and_components_and_each_file_once() {
    for t in common::apps(false).await {
        let (ann, _, _) = people(&t).await;
        assert_eq!(
            t.send("PUT", "/api/v1/stacks/ann/site", Some(&report("5.0")), Some(&ann)).await.status,
            StatusCode::OK
        );
        let json = t.get("/api/v1/stacks/ann/site").await.json();
        assert_eq!(json["origin"]["commit"], SHA);
        assert_eq!(json["origin"]["branch"], "main");
        assert_eq!(json["origin"]["repository"], "https://github.com/ann/site.git", "credentials are dropped");
        assert_eq!(json["snapshots"][0]["commit"], SHA);
        let langs: Vec<&str> =
            json["languages"].as_array().unwrap().iter().map(|l| l["name"].as_str().unwrap()).collect();
        assert_eq!(langs, ["Python", "TypeScript"], "code only");
        assert_eq!(json["components"][1]["tools"][0]["slug"], "codemirror");

        let page = t.get("/stacks/ann/site").await.body;
        assert!(!page.contains("ghs_secret"), "no credentials on the page");
        assert!(
            page.contains(&format!(
                r#"<a href="https://github.com/ann/site/commit/{SHA}"><code>0123456789ab</code></a>"#
            )),
            "{page}"
        );
        assert!(page.contains("on branch <code>main</code>"));
        // The language bar: a picture with its figures in words, and the figures as text.
        assert!(page.contains(r#"role="img" aria-labelledby="language-bar-title""#));
        assert!(page.contains("Share of code bytes: Python 72.4%, TypeScript 27.6%"), "{page}");
        assert!(page.contains(r#"Python <span class="muted">72.4%</span>"#));
        assert!(!page.contains("JSON <span"), "data formats are no code");
        // Components with their own tools.
        assert!(page.contains("<h2>Components</h2>"));
        assert!(page.contains(r#"<strong>web-ui</strong> <code>web</code>: <a href="/tools/codemirror">"#), "{page}");
        // CodeMirror's file and version once, not once per package.
        assert_eq!(page.matches("web/package.json").count(), 1, "{page}");
        assert!(page.contains(r#"<span class="mini-stats">6.0.1</span>"#), "{page}");

        // A remote on an unknown host is shown, not linked.
        let elsewhere = report("5.0")
            .replace("https://ci-bot:ghs_secret@github.com/ann/site.git", "git@git.example.com:ann/site.git");
        t.send("PUT", "/api/v1/stacks/ann/mirror", Some(&elsewhere), Some(&ann)).await;
        let page = t.get("/stacks/ann/mirror").await.body;
        assert!(page.contains("<code>0123456789ab</code>") && !page.contains("/commit/"), "{page}");
        assert!(page.contains("<code>git@git.example.com:ann/site.git</code>"));
        // A commit that is no hash, or a branch on several lines, is refused.
        let bad = report("5.0").replace(SHA, "main; rm -rf /");
        assert_eq!(
            t.send("PUT", "/api/v1/stacks/ann/site", Some(&bad), Some(&ann)).await.status,
            StatusCode::BAD_REQUEST
        );
        let bad = report("5.0").replace(r#""branch":"main""#, r#""branch":"a\nb""#);
        assert_eq!(
            t.send("PUT", "/api/v1/stacks/ann/site", Some(&bad), Some(&ann)).await.status,
            StatusCode::BAD_REQUEST
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_techstack_yml_is_imported_through_the_api() {
    let koel = include_str!("../../scan/tests/fixtures/stack-files/koel.techstack.yml");
    for t in common::apps(false).await {
        let be = t.backend();
        let (ann, eve, _) = people(&t).await;
        let r = t.request(yaml_put("/api/v1/stacks/ann/koel", koel, &ann, "application/yaml")).await;
        assert_eq!(r.status, StatusCode::OK, "{be:?} {}", r.body);
        let answer = r.json();
        assert_eq!(answer["snapshot"]["number"], 1);
        let slugs: Vec<String> = answer["stack"]["layers"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|l| l["tools"].as_array().unwrap().iter().map(|t| t["slug"].as_str().unwrap().to_owned()))
            .collect();
        for tool in ["phpunit", "babel", "laravel", "vuejs"] {
            assert!(slugs.iter().any(|s| s == tool), "{be:?}: {tool} in {slugs:?}");
        }
        let unknown: Vec<&str> = answer["unknown"].as_array().unwrap().iter().map(|u| u.as_str().unwrap()).collect();
        assert!(!unknown.contains(&"phpunit/phpunit") && !unknown.contains(&"babel-core"), "{unknown:?}");
        assert!(!unknown.is_empty() && unknown.len() < 53, "fewer left out than before: {}", unknown.len());
        // The same file again changes nothing.
        let again = t.request(yaml_put("/api/v1/stacks/ann/koel", koel, &ann, "application/x-yaml")).await.json();
        assert_eq!(
            (again["snapshot"]["number"].as_i64(), again["snapshot"]["unchanged"].as_bool()),
            (Some(1), Some(true))
        );
        let page = t.get("/stacks/ann/koel").await.body;
        assert!(page.contains(r#"href="/tools/phpunit""#));

        // Hostile input: nothing stored is lost.
        let broken = "repo_name: [unclosed\ntools: {";
        let r = t.request(yaml_put("/api/v1/stacks/ann/koel", broken, &ann, "application/yaml")).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
        assert!(r.json()["error"]["message"].as_str().unwrap().contains("techstack.yml"), "{}", r.body);
        let r = t.request(yaml_put("/api/v1/stacks/ann/koel", "- just\n- a list\n", &ann, "application/yaml")).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        let huge = format!("repo_name: a/b\ntools:\n{}", "- name: x\n".repeat(200_000));
        let r = t.request(yaml_put("/api/v1/stacks/ann/koel", huge, &ann, "application/yaml")).await;
        assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.body);
        let r = t.request(yaml_put("/api/v1/stacks/ann/koel", vec![0xff, 0xfe, 0x00], &ann, "application/yaml")).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        let r = t.request(yaml_put("/api/v1/stacks/ann/koel", koel, "sdx_wrong", "application/yaml")).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        let r = t.request(yaml_put("/api/v1/stacks/ann/koel", koel, &eve, "application/yaml")).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "only ann and admins push to ann's stacks");
        let stack = t.get("/api/v1/stacks/ann/koel").await.json();
        assert_eq!(stack["snapshots"].as_array().unwrap().len(), 1, "{be:?}");
        assert!(stack["layers"].as_array().unwrap().len() > 1);

        // Names carrying markup are answered as data and shown as text.
        let xss = "repo_name: ann/x\ntools:\n- name: \"<script>alert(1)</script>\"\n- name: \"\\\"><img src=x onerror=alert(1)>\"\n  package_url: https://www.npmjs.com/x\n- name: Django\n";
        let r = t.request(yaml_put("/api/v1/stacks/ann/x", xss, &ann, "application/yaml")).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.json()["unknown"][0], "<script>alert(1)</script>");
        let page = t.get("/stacks/ann/x").await.body;
        assert!(!page.contains("<script>alert") && !page.contains("<img src=x"), "{page}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_stack_editor_takes_a_techstack_yml_upload() {
    for t in common::apps(false).await {
        let be = t.backend();
        let (_, _, session) = people(&t).await;
        let new = t.browse("GET", "/stacks/new", Some(&session), &[], None).await.body;
        assert!(
            new.contains(r#"enctype="multipart/form-data""#) && new.contains(r#"name="file" type="file""#),
            "{new}"
        );
        let csrf = common::csrf_of(&new).unwrap();
        let file = "repo_name: ann/app\ntools:\n- name: Django\n  version: 5.0\n- name: phpunit/phpunit\n  package_url: https://packagist.org/phpunit/phpunit\n- name: \"<b>Nope</b>\"\n";
        let r = upload(&t, &session, &[("csrf", &csrf), ("owner", "ann"), ("name", "app")], file.as_bytes()).await;
        assert_eq!(r.status, StatusCode::OK, "{be:?} {}", r.body);
        assert!(r.body.contains("Imported the techstack.yml as v1"), "{}", r.body);
        assert!(
            r.body.contains("<li>&#60;b&#62;Nope&#60;/b&#62;</li>")
                || r.body.contains("<li>&lt;b&gt;Nope&lt;/b&gt;</li>"),
            "{}",
            r.body
        );
        assert!(r.body.contains(r#"name="keep:phpunit" checked"#), "the editor of the new stack: {}", r.body);
        let stack = t.get("/api/v1/stacks/ann/app").await.json();
        assert_eq!(
            stack["layers"].as_array().unwrap().iter().map(|l| l["tools"].as_array().unwrap().len()).sum::<usize>(),
            2
        );
        // The same file again: nothing new.
        let r = upload(&t, &session, &[("csrf", &csrf), ("owner", "ann"), ("name", "app")], file.as_bytes()).await;
        assert!(r.body.contains("nothing new was recorded"), "{}", r.body);

        // A broken file: the editor again with what is wrong; nothing recorded.
        let r = upload(&t, &session, &[("csrf", &csrf), ("owner", "ann"), ("name", "app")], b"tools: [").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(r.body.contains("not a StackShare Stack File"), "{}", r.body);
        // Too big.
        let huge = vec![b'#'; 2 * 1024 * 1024];
        let r = upload(&t, &session, &[("csrf", &csrf), ("owner", "ann"), ("name", "app")], &huge).await;
        assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.body);
        // A wrong CSRF token, or another's stack: refused.
        let r = upload(&t, &session, &[("csrf", "00"), ("owner", "ann"), ("name", "app")], file.as_bytes()).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
        let r = upload(&t, &session, &[("csrf", &csrf), ("owner", "eve"), ("name", "app")], file.as_bytes()).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(t.get("/api/v1/stacks/eve/app").await.status == StatusCode::NOT_FOUND);
        let stack = t.get("/api/v1/stacks/ann/app").await.json();
        assert_eq!(stack["snapshots"].as_array().unwrap().len(), 1);
        // The editor of an existing stack carries the upload too.
        let edit = t.browse("GET", "/stacks/ann/app/edit", Some(&session), &[], None).await.body;
        assert!(edit.contains(r#"<input type="hidden" name="owner" value="ann">"#), "{edit}");
    }
}

#[tokio::test]
async fn the_share_box_and_page_say_what_exists() {
    for t in common::apps(false).await {
        let stackup = t.get("/stackups/django-vs-rust").await.body;
        let share = &stackup[stackup.find("Share your Stack").unwrap()..];
        let share = &share[..share.find("</aside>").unwrap()];
        assert!(share.contains(r#"href="/share">View Docs</a>"#), "{share}");
        assert!(share.contains("stackdex login --server") && share.contains("stackdex push --stack"), "{share}");
        assert!(share.contains(r#"<a href="/stacks/new">Manual</a>"#), "{share}");
        let page = t.get("/share").await.body;
        assert!(page.contains("techstack.yml") && page.contains("Content-Type: application/yaml"));
        assert!(!page.contains("coming next"), "the page describes what exists");
    }
}
