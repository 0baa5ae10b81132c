//! The OpenAPI document comes from the router's own route table; the docs page needs nothing
//! from the internet.

mod common;

use axum::http::StatusCode;

#[tokio::test]
async fn openapi_document_lists_every_api_route() {
    for t in common::apps(false).await {
        let doc = t.get("/api/openapi.json").await.json();
        assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"), "{}", doc["openapi"]);
        let mut paths: Vec<String> = doc["paths"].as_object().unwrap().keys().cloned().collect();
        paths.sort();
        insta::assert_debug_snapshot!("openapi_paths", paths);
        let schema = &doc["components"]["schemas"]["StackupPage"];
        assert!(schema.is_object(), "StackupPage schema missing");
        let docs = t.get("/api/docs").await;
        assert_eq!(docs.status, StatusCode::OK);
        assert!(docs.body.contains("/api/v1/stackups/{slug}"));
        assert!(!docs.body.contains("<script src=\"http"), "docs page must not load anything from the internet");
    }
}
