//! Page weight as a browser on a slow line meets it (issue 18 point 5): answers compressed
//! (brotli or gzip, as the client accepts), static files precompressed, the dashboard's chart
//! bundle holding only what it draws, and budgets — every public page ≤ 60 KB transferred
//! with its styles and scripts (before images), the targets dashboard ≤ 350 KB with its
//! chart bundle and map — plus `ETag`/`Cache-Control` on static files and lists. On the demo
//! data; SQLite, and PostgreSQL when `TEST_DATABASE_URL` is set.

use std::io::Read;

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;

use crate::common::TestApp;

/// What a browser asks for.
const BROWSER: &str = "gzip, deflate, br, zstd";

/// An answer as it crosses the wire: status, headers and the bytes sent.
struct Wire {
    status: StatusCode,
    headers: HeaderMap,
    bytes: Vec<u8>,
}

impl Wire {
    fn header(&self, name: header::HeaderName) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// The body as the client reads it after undoing the content coding.
    fn decoded(&self) -> Vec<u8> {
        let mut out = Vec::new();
        match self.header(header::CONTENT_ENCODING) {
            "br" => {
                brotli::Decompressor::new(&self.bytes[..], 4096)
                    .read_to_end(&mut out)
                    .unwrap();
            }
            "gzip" => {
                flate2::read::GzDecoder::new(&self.bytes[..])
                    .read_to_end(&mut out)
                    .unwrap();
            }
            "" => out.clone_from(&self.bytes),
            other => panic!("unexpected coding {other}"),
        }
        out
    }
}

async fn fetch(app: &TestApp, path: &str, accept: &str, if_none_match: Option<&str>) -> Wire {
    let mut b = Request::builder().method(Method::GET).uri(path);
    if !accept.is_empty() {
        b = b.header(header::ACCEPT_ENCODING, accept);
    }
    if let Some(tag) = if_none_match {
        b = b.header(header::IF_NONE_MATCH, tag);
    }
    let res = app
        .router
        .clone()
        .oneshot(b.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    Wire {
        status,
        headers,
        bytes,
    }
}

/// The `href`s of the page's stylesheets and the `src`s of its scripts.
fn subresources(html: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    let mut out = Vec::new();
    for (sel, attr) in [("link[rel=stylesheet]", "href"), ("script[src]", "src")] {
        let sel = scraper::Selector::parse(sel).unwrap();
        for e in doc.select(&sel) {
            if let Some(v) = e.value().attr(attr) {
                out.push(v.to_string());
            }
        }
    }
    out
}

/// Bytes a browser receives for the page with its styles and scripts (and `extra`, fetched
/// by its script), each compressed as the server chose.
async fn transferred(app: &TestApp, path: &str, extra: &[&str]) -> (usize, Vec<String>) {
    let page = fetch(app, path, BROWSER, None).await;
    assert_eq!(page.status, StatusCode::OK, "{path}");
    assert_eq!(
        page.header(header::CONTENT_ENCODING),
        "br",
        "{path} is compressed"
    );
    let html = String::from_utf8(page.decoded()).unwrap();
    let mut total = page.bytes.len();
    let mut parts = vec![format!("{path}: {}", page.bytes.len())];
    let mut more = subresources(&html);
    more.extend(extra.iter().map(|s| s.to_string()));
    for sub in more {
        let r = fetch(app, &sub, BROWSER, None).await;
        assert_eq!(r.status, StatusCode::OK, "{sub}");
        assert_eq!(
            r.header(header::CONTENT_ENCODING),
            "br",
            "{sub} is precompressed"
        );
        total += r.bytes.len();
        parts.push(format!("{sub}: {}", r.bytes.len()));
    }
    (total, parts)
}

async fn demo() -> TestApp {
    let app = TestApp::new().await;
    civicbridge::app::seed::run(&app.state.db, app.clock(), 60, 3, false)
        .await
        .unwrap();
    civicbridge::app::seed::procurement::run(&app.state.db, &app.state.seal, app.clock().now(), 1)
        .await
        .unwrap();
    app
}

#[tokio::test]
async fn public_pages_fit_their_budgets_compressed() {
    let app = demo().await;
    const PAGE_BUDGET: usize = 60 * 1024;
    for path in [
        "/",
        "/tenders",
        "/tenders?state=published",
        "/orgs",
        "/search?q=%E5%85%BB%E8%80%81",
        "/brands",
        "/incubators",
        "/calls",
        "/credit",
        "/data",
        "/api/docs",
        "/?lang=en",
        "/orgs?lang=en",
    ] {
        let (total, parts) = transferred(&app, path, &[]).await;
        println!("{path}: {total} bytes transferred ({parts:?})");
        assert!(
            total <= PAGE_BUDGET,
            "{path}: {total} bytes transferred, budget {PAGE_BUDGET}: {parts:?}"
        );
    }
    // The dashboard: its page, styles and scripts (the chart bundle) and the map its
    // script fetches.
    let page = fetch(&app, "/targets", "", None).await;
    let html = String::from_utf8(page.bytes).unwrap();
    let map = html
        .split('"')
        .find(|s| s.contains("vendor/echarts-map/"))
        .expect("the dashboard names its map")
        .replace("\\u0026", "&");
    assert!(
        html.contains("vendor/echarts/echarts.dashboard.min.js"),
        "the dashboard loads the custom chart bundle"
    );
    let (total, parts) = transferred(&app, "/targets", &[&map]).await;
    println!("/targets: {total} bytes transferred ({parts:?})");
    assert!(
        total <= 350 * 1024,
        "/targets: {total} bytes transferred, budget 350 KB: {parts:?}"
    );
    app.check_invariants().await.unwrap();
}

#[tokio::test]
async fn compression_follows_accept_encoding_and_keeps_the_content() {
    let app = demo().await;
    // The same page three ways: identical once decoded.
    let plain = fetch(&app, "/orgs", "", None).await;
    let gz = fetch(&app, "/orgs", "gzip", None).await;
    let br = fetch(&app, "/orgs", BROWSER, None).await;
    assert_eq!(plain.header(header::CONTENT_ENCODING), "");
    assert_eq!(gz.header(header::CONTENT_ENCODING), "gzip");
    assert_eq!(br.header(header::CONTENT_ENCODING), "br");
    assert!(
        br.bytes.len() * 3 < plain.bytes.len(),
        "a list compresses well"
    );
    assert_eq!(gz.decoded(), plain.bytes);
    assert_eq!(br.decoded(), plain.bytes);
    assert!(
        plain
            .header(header::VARY)
            .to_ascii_lowercase()
            .contains("accept-encoding")
    );
    // A refused coding is not used.
    let no_br = fetch(&app, "/orgs", "br;q=0, gzip", None).await;
    assert_eq!(no_br.header(header::CONTENT_ENCODING), "gzip");

    // Static files: precompressed, the same bytes once decoded, cached for a year, tagged.
    let css = civicbridge::web::assets::url("css/app.css");
    let raw = fetch(&app, &css, "", None).await;
    let s_br = fetch(&app, &css, BROWSER, None).await;
    let s_gz = fetch(&app, &css, "gzip", None).await;
    assert_eq!(s_br.header(header::CONTENT_ENCODING), "br");
    assert_eq!(s_gz.header(header::CONTENT_ENCODING), "gzip");
    assert_eq!(s_br.decoded(), raw.bytes);
    assert_eq!(s_gz.decoded(), raw.bytes);
    assert!(s_br.header(header::CACHE_CONTROL).contains("immutable"));
    let tag = s_br.header(header::ETAG).to_string();
    assert!(!tag.is_empty());
    assert_eq!(raw.header(header::ETAG), tag, "one tag for every coding");
    let again = fetch(&app, &css, BROWSER, Some(&tag)).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.bytes.is_empty());

    // Lists: tagged, revalidated each time, 304 while unchanged, 200 once changed.
    let list = fetch(&app, "/tenders", BROWSER, None).await;
    let tag = list.header(header::ETAG).to_string();
    assert!(!tag.is_empty(), "a list has an ETag");
    assert_eq!(list.header(header::CACHE_CONTROL), "private, no-cache");
    let same = fetch(&app, "/tenders", BROWSER, Some(&tag)).await;
    assert_eq!(same.status, StatusCode::NOT_MODIFIED);
    assert!(same.bytes.is_empty());
    let other = fetch(&app, "/tenders?lang=en", BROWSER, Some(&tag)).await;
    assert_eq!(other.status, StatusCode::OK, "another page does not match");
    // CSV downloads are tagged and compressed too, and so is the SVG icon (text).
    let csv = fetch(&app, "/targets.csv", BROWSER, None).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(!csv.header(header::ETAG).is_empty());
    assert_eq!(csv.header(header::CONTENT_ENCODING), "br");
    let svg = fetch(
        &app,
        &civicbridge::web::assets::url("img/favicon.svg"),
        BROWSER,
        None,
    )
    .await;
    assert_eq!(svg.header(header::CONTENT_TYPE), "image/svg+xml");
    assert_eq!(svg.header(header::CONTENT_ENCODING), "br");
    app.check_invariants().await.unwrap();
}
