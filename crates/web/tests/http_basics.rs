//! What every answer does for the network: compressed as the client accepts (brotli, gzip),
//! tagged with an `ETag` so that a revisit costs a `304` and no body, and never tagged when
//! the page is personal.

use crate::common;

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;
use tower_http::decompression::Decompression;

/// A GET with extra headers; the raw status, headers and body bytes.
async fn raw(
    t: &common::TestApp,
    uri: &str,
    headers: &[(header::HeaderName, &str)],
) -> (StatusCode, HeaderMap, Vec<u8>) {
    let mut request = Request::builder().uri(uri).header(header::HOST, "stackdex.test");
    for (name, value) in headers {
        request = request.header(name, *value);
    }
    let response = t.router.clone().oneshot(request.body(Body::empty()).unwrap()).await.unwrap();
    let (status, headers) = (response.status(), response.headers().clone());
    (status, headers, response.into_body().collect().await.unwrap().to_bytes().to_vec())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_are_compressed_as_the_client_accepts() {
    for t in common::apps(false).await {
        let be = t.backend();
        for uri in ["/stackups/django-vs-rust", "/api/v1/stackups/django-vs-rust", "/tools", "/static/app.css"] {
            let (_, plain_headers, plain) = raw(&t, uri, &[]).await;
            assert!(plain_headers.get(header::CONTENT_ENCODING).is_none(), "{be:?} {uri}: plain unless asked");
            for (accept, expected) in
                [("br", "br"), ("gzip", "gzip"), ("gzip, br", "br"), ("gzip;q=1, br;q=0.5", "gzip")]
            {
                let (status, headers, body) = raw(&t, uri, &[(header::ACCEPT_ENCODING, accept)]).await;
                assert_eq!(status, StatusCode::OK);
                let encoding = headers.get(header::CONTENT_ENCODING).map(|v| v.to_str().unwrap());
                assert_eq!(encoding, Some(expected), "{be:?} {uri} for {accept}");
                assert!(body.len() * 2 < plain.len(), "{be:?} {uri}: {} of {} bytes", body.len(), plain.len());
            }
            // Decoded, the same bytes.
            let decoding = Decompression::new(t.router.clone());
            let request =
                Request::builder().uri(uri).header(header::HOST, "stackdex.test").body(Body::empty()).unwrap();
            let response = decoding.oneshot(request).await.unwrap();
            assert_eq!(response.into_body().collect().await.unwrap().to_bytes().to_vec(), plain, "{be:?} {uri}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revisit_costs_a_304_until_the_page_changes() {
    for t in common::apps(false).await {
        let be = t.backend();
        // A cached page, its JSON twin, a page built per request, and the style sheet.
        for uri in ["/tools/django", "/api/v1/tools/django", "/tools?sort=name", "/static/app.css"] {
            let (status, headers, body) = raw(&t, uri, &[]).await;
            assert_eq!(status, StatusCode::OK, "{be:?} {uri}");
            let etag = headers.get(header::ETAG).expect("an ETag").to_str().unwrap().to_owned();
            assert!(etag.starts_with("W/\""), "{etag}");
            assert!(!body.is_empty());
            let (again, headers, body) = raw(&t, uri, &[(header::IF_NONE_MATCH, &etag)]).await;
            assert_eq!(again, StatusCode::NOT_MODIFIED, "{be:?} {uri}");
            assert!(body.is_empty(), "a 304 has no body");
            assert_eq!(headers.get(header::ETAG).unwrap(), etag.as_str());
            let other = raw(&t, uri, &[(header::IF_NONE_MATCH, "W/\"0000\"")]).await;
            assert_eq!(other.0, StatusCode::OK, "{be:?} {uri}: another version gets the page");
        }

        // A vote changes the tool page: the old tag no longer matches.
        let token = {
            t.send("POST", "/api/v1/users", Some(r#"{"username":"etag","password":"a long password"}"#), None).await;
            t.token("etag", "a long password").await
        };
        let body = r#"{"kind":"pro","text":"Batteries included"}"#;
        let pro = t.send("POST", "/api/v1/tools/django/reasons", Some(body), Some(&token)).await.json()["id"]
            .as_i64()
            .unwrap();
        t.app.poll_changes().await.unwrap();
        let (_, headers, _) = raw(&t, "/tools/django", &[]).await;
        let before = headers.get(header::ETAG).unwrap().to_str().unwrap().to_owned();
        let r = t.send("POST", &format!("/api/v1/reasons/{pro}/vote"), None, Some(&token)).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        t.app.poll_changes().await.unwrap();
        let (status, headers, _) = raw(&t, "/tools/django", &[(header::IF_NONE_MATCH, &before)]).await;
        assert_eq!(status, StatusCode::OK, "{be:?}: the page changed");
        assert_ne!(headers.get(header::ETAG).unwrap().to_str().unwrap(), before);

        // A signed-in visitor's page is theirs alone: no tag, never stored.
        let cookie = t.browser_sign_up("ann").await;
        let cookie = format!("sdx_session={cookie}");
        let (status, headers, _) =
            raw(&t, "/tools/django", &[(header::COOKIE, &cookie), (header::IF_NONE_MATCH, &before)]).await;
        assert_eq!(status, StatusCode::OK);
        assert!(headers.get(header::ETAG).is_none(), "{be:?}");
        assert_eq!(headers.get(header::CACHE_CONTROL).unwrap(), "private, no-store");
    }
}
