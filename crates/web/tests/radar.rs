//! An organisation's tech radar, on both backends: versions pushed by its members, drawn with
//! its drift from the stacks and the moves since the version before.

use crate::common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::json;

/// `PUT /api/v1/organisations/{org}/radar` with a YAML body.
async fn push(t: &common::TestApp, org: &str, yaml: &str, token: Option<&str>) -> common::Reply {
    let mut request = Request::builder()
        .method("PUT")
        .uri(format!("/api/v1/organisations/{org}/radar"))
        .header(header::CONTENT_TYPE, "application/yaml");
    if let Some(token) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    t.request(request.body(Body::from(yaml.to_owned())).unwrap()).await
}

#[tokio::test]
async fn the_radar_is_drawn_with_its_drift_and_moves() {
    for t in common::apps(false).await {
        t.browser_sign_up("ann").await;
        let ann = t.token("ann", "correct horse battery").await;
        t.browser_sign_up("bob").await;
        let bob = t.token("bob", "correct horse battery").await;
        let org = json!({"slug": "acme", "name": "Acme"}).to_string();
        assert_eq!(t.send("POST", "/api/v1/organisations", Some(&org), Some(&ann)).await.status, StatusCode::CREATED);
        for (stack, tools) in
            [("api", json!([{"slug": "postgresql"}, {"slug": "django"}])), ("web", json!([{"slug": "redis"}]))]
        {
            let body = json!({ "tools": tools }).to_string();
            assert!(
                t.send("PUT", &format!("/api/v1/stacks/acme/{stack}"), Some(&body), Some(&ann))
                    .await
                    .status
                    .is_success()
            );
        }
        let empty = t.get("/organisations/acme/radar").await;
        assert!(empty.status == StatusCode::OK && empty.body.contains("has no radar yet"));

        let v1 = "entries:\n  - {tool: Django, ring: hold, note: Moving to FastAPI}\n  - {tool: postgresql, ring: adopt}\n  - {tool: kafka, ring: trial}\n  - {tool: mongodb, ring: adopt}\n  - {tool: Kafkaa, ring: assess}\n";
        assert_eq!(push(&t, "acme", v1, Some(&bob)).await.status, StatusCode::FORBIDDEN, "not a member");
        assert_eq!(push(&t, "acme", v1, None).await.status, StatusCode::UNAUTHORIZED);
        let r = push(&t, "acme", v1, Some(&ann)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let pushed = r.json();
        assert_eq!((pushed["version"].as_i64(), pushed["entries"].as_i64()), (Some(1), Some(4)));
        assert_eq!(pushed["unknown"][0]["name"], "Kafkaa");
        assert!(pushed["unknown"][0]["suggestions"].as_array().unwrap().iter().any(|s| s == "kafka"));
        let broken = push(&t, "acme", "entries: [", Some(&ann)).await;
        assert_eq!(broken.status, StatusCode::BAD_REQUEST);

        let radar = t.get("/api/v1/organisations/acme/radar").await.json();
        assert_eq!(radar["version"], 1, "the broken push recorded nothing: {radar}");
        assert_eq!(
            radar["drift"]["hold_in_use"],
            json!([{"slug": "django", "name": "Django", "stacks": ["acme/api"]}])
        );
        assert_eq!(radar["drift"]["adopt_unused"][0]["slug"], "mongodb");
        assert_eq!(radar["drift"]["unlisted"][0]["slug"], "redis", "{:?}", t.backend());
        assert_eq!(radar["moves"], json!([]));

        let v2 = "entries:\n  - {tool: django, ring: hold}\n  - {tool: postgresql, ring: adopt}\n  - {tool: kafka, ring: adopt}\n  - {tool: redis, ring: trial}\n";
        assert_eq!(push(&t, "acme", v2, Some(&ann)).await.status, StatusCode::CREATED);
        let radar = t.get("/api/v1/organisations/acme/radar").await.json();
        let moves: Vec<(String, serde_json::Value, serde_json::Value)> = radar["moves"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| (m["slug"].as_str().unwrap().to_owned(), m["from"].clone(), m["to"].clone()))
            .collect();
        assert_eq!(
            moves,
            [
                ("kafka".to_owned(), json!("trial"), json!("adopt")),
                ("redis".to_owned(), json!(null), json!("trial")),
                ("mongodb".to_owned(), json!("adopt"), json!(null)),
            ]
        );
        assert_eq!(radar["versions"].as_array().map(Vec::len), Some(2), "every version kept");

        let page = t.get("/organisations/acme/radar").await;
        assert!(page.body.contains("<a href=\"/tools/kafka\" aria-label=\"Kafka (adopt)\">"), "blips link their tools");
        assert!(
            page.body.contains("On hold, still used")
                && page.body.contains("<a href=\"/stacks/acme/api\">acme/api</a>")
        );
        assert!(page.body.contains("trial → adopt"));
        assert_eq!(t.get("/api/v1/organisations/nobody/radar").await.status, StatusCode::NOT_FOUND);
    }
}
