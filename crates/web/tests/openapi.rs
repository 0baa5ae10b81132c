//! The OpenAPI document comes from the router's own route table, names every status each
//! endpoint answers, and the docs page needs nothing from the internet.

use crate::common;

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

/// Every operation lists the statuses its inputs can cause: a 400 when it takes parameters or
/// a body, a 404 when it names something in its path, a 401 when it needs a token, a 413 when it
/// takes a body; and each error status comes with the error body's schema.
#[tokio::test]
async fn every_operation_lists_the_errors_it_can_answer() {
    let t = common::apps(false).await.remove(0);
    let doc = t.get("/api/openapi.json").await.json();
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let statuses: Vec<&str> = op["responses"].as_object().unwrap().keys().map(String::as_str).collect();
            let params = op["parameters"].as_array().map(Vec::as_slice).unwrap_or_default();
            let has = |s: &str| statuses.contains(&s);
            let at = format!("{} {path}", method.to_uppercase());
            let typed_path = params.iter().any(|p| p["in"] == "path" && p["schema"]["type"] == "integer");
            if typed_path || params.iter().any(|p| p["in"] == "query") || !op["requestBody"].is_null() {
                assert!(has("400"), "{at} takes input that may not parse but lists no 400: {statuses:?}");
            }
            if params.iter().any(|p| p["in"] == "path") {
                // A push (PUT) and a pushed history create the stack they name: nothing to miss.
                let creates = method == "put" || path.ends_with("/history");
                assert!(has("404") || creates, "{at} names something in its path but lists no 404");
            }
            if !op["security"].is_null() {
                assert!(has("401"), "{at} needs a token but lists no 401");
            }
            if !op["requestBody"].is_null() {
                assert!(has("413"), "{at} takes a body but lists no 413");
            }
            for status in statuses.iter().filter(|s| s.starts_with('4')) {
                let schema = &op["responses"][*status]["content"]["application/json"]["schema"];
                let error_body = schema["$ref"] == "#/components/schemas/ErrorBody"
                    || schema["properties"]["error"]["$ref"] == "#/components/schemas/ErrorDetail";
                assert!(error_body, "{at} {status}: {schema}");
            }
            checked += 1;
        }
    }
    assert!(checked >= 30, "only {checked} operations");
}

/// A stack's follow address works with its key's slash as is and encoded, as the document
/// writes it (`/api/v1/follows/{kind}/{key}`).
#[tokio::test]
async fn a_stack_is_followed_at_either_spelling_of_its_address() {
    for t in common::apps(false).await {
        let body = r#"{"username": "ann", "password": "correct horse"}"#;
        assert_eq!(t.send("POST", "/api/v1/users", Some(body), None).await.status, StatusCode::CREATED);
        let token = t.token("ann", "correct horse").await;
        let report = r#"{"tools": [{"slug": "django"}]}"#;
        assert_eq!(t.send("PUT", "/api/v1/stacks/ann/web", Some(report), Some(&token)).await.status, StatusCode::OK);
        let r = t.send("PUT", "/api/v1/follows/stack/ann%2Fweb", None, Some(&token)).await;
        assert_eq!((r.status, r.json()["followers"].as_i64()), (StatusCode::OK, Some(1)), "{:?}", t.backend());
        let r = t.send("GET", "/api/v1/follows/stack/ann/web", None, Some(&token)).await;
        assert_eq!(r.json()["following"], true);
        let r = t.send("GET", "/api/v1/follows/planet/earth", None, Some(&token)).await;
        assert_eq!((r.status, r.json()["error"]["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")));
        // An address no route names is a JSON 404 under /api/, an HTML one elsewhere.
        let r = t.get("/api/v1/nothing-here").await;
        assert_eq!((r.status, r.content_type.as_str()), (StatusCode::NOT_FOUND, "application/json"));
        let r = t.get("/nothing-here").await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert!(r.content_type.starts_with("text/html"));
    }
}
