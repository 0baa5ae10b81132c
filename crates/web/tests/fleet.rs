//! The fleet of an organisation, on both backends: each tool across its stacks with the
//! versions they are on now, how many are behind the newest major, end of life from imported
//! release cycles, and upgrade progress month by month from the snapshots.

use crate::common;

use axum::http::StatusCode;
use serde_json::json;

const CYCLES: &str = r#"[
  {"cycle": "16", "releaseDate": "2023-09-14", "eol": "2099-11-09", "latest": "16.6"},
  {"cycle": "15", "releaseDate": "2022-10-13", "eol": "2000-01-01", "latest": "15.10"},
  {"cycle": "14", "releaseDate": "2021-09-30", "eol": false}
]"#;

#[tokio::test]
async fn the_fleet_lists_versions_behind_and_end_of_life() {
    for t in common::apps(false).await {
        t.browser_sign_up("ann").await;
        let token = t.token("ann", "correct horse battery").await;
        let org = json!({"slug": "acme", "name": "Acme"}).to_string();
        assert_eq!(t.send("POST", "/api/v1/organisations", Some(&org), Some(&token)).await.status, StatusCode::CREATED);
        let push = |tools: serde_json::Value| json!({ "tools": tools }).to_string();
        for (stack, version) in [("api", "15.4"), ("web", "16.1"), ("jobs", "14.9")] {
            let body = push(json!([{"slug": "postgresql", "versions": [version]}, {"slug": "redis"}]));
            let r = t.send("PUT", &format!("/api/v1/stacks/acme/{stack}"), Some(&body), Some(&token)).await;
            assert!(r.status.is_success(), "{}", r.body);
        }
        t.app.import_release_cycles("postgresql", CYCLES).await.unwrap();

        let fleet = t.get("/api/v1/organisations/acme/fleet").await.json();
        assert_eq!(fleet["stack_count"], 3, "{fleet}");
        let pg = fleet["tools"].as_array().unwrap().iter().find(|x| x["slug"] == "postgresql").unwrap();
        assert_eq!((pg["stacks"].as_i64(), pg["behind"].as_i64()), (Some(3), Some(2)), "{pg}");
        assert_eq!((pg["newest"].as_str(), pg["oldest"].as_str()), (Some("16.1"), Some("14.9")));
        let versions: Vec<(&str, bool, Option<&str>)> = pg["versions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| (v["version"].as_str().unwrap(), v["past_eol"].as_bool().unwrap(), v["eol"].as_str()))
            .collect();
        assert_eq!(
            versions,
            [("16.1", false, Some("2099-11-09")), ("15.4", true, Some("2000-01-01")), ("14.9", false, None)],
            "{:?}",
            t.backend()
        );
        assert_eq!(pg["versions"][1]["stacks"], json!(["acme/api"]));
        let redis = fleet["tools"].as_array().unwrap().iter().find(|x| x["slug"] == "redis").unwrap();
        assert_eq!((redis["stacks"].as_i64(), redis["behind"].as_i64()), (Some(3), Some(0)), "no version: not behind");

        let page = t.get("/organisations/acme/fleet").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body.contains("href=\"/organisations/acme/fleet/postgresql\"")
                && page.body.contains("past end of life"),
            "{}",
            page.body
        );
        // An upgrade: the drill-down's latest month has two of three on 16.
        let body = push(json!([{"slug": "postgresql", "versions": ["16.2"]}]));
        assert!(t.send("PUT", "/api/v1/stacks/acme/api", Some(&body), Some(&token)).await.status.is_success());
        let tool = t.get("/api/v1/organisations/acme/fleet/postgres").await.json();
        assert_eq!(tool["tool"]["behind"], 1, "{tool}");
        let last = tool["progress"].as_array().unwrap().last().unwrap().clone();
        assert_eq!((last["stacks"].as_i64(), last["on_newest"].as_i64()), (Some(3), Some(2)));

        let drill = t.get("/organisations/acme/fleet/postgresql").await;
        assert!(
            drill.body.contains("role=\"img\"") && drill.body.contains("Share on the newest major version by month")
        );
        assert!(drill.body.contains("<a href=\"/stacks/acme/jobs\">acme/jobs</a>"));
        assert_eq!(t.get("/organisations/acme/fleet/django").await.status, StatusCode::NOT_FOUND, "not in its stacks");
        assert_eq!(t.get("/api/v1/organisations/nobody/fleet").await.status, StatusCode::NOT_FOUND);

        // A broken file changes nothing.
        assert!(t.app.import_release_cycles("postgresql", r#"[{"cycle": {}}]"#).await.is_err());
        let again = t.get("/api/v1/organisations/acme/fleet").await.json();
        let pg = again["tools"].as_array().unwrap().iter().find(|x| x["slug"] == "postgresql").unwrap();
        assert_eq!(pg["versions"][0]["eol"], "2099-11-09", "the cycles stored before stay");
    }
}
