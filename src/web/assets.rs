//! Static files, compiled into the binary so the server runs from any directory. URLs carry
//! a content hash (`?v=`) and are cached for a year; a new build changes the hash.

use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

struct Asset {
    path: &'static str,
    content_type: &'static str,
    body: &'static [u8],
    /// Brotli and gzip of `body`, made by `build.rs`.
    br: &'static [u8],
    gz: &'static [u8],
}

/// An asset under `static/` with its precompressed forms.
macro_rules! asset {
    ($path:literal, $type:literal) => {
        Asset {
            path: $path,
            content_type: $type,
            body: include_bytes!(concat!("../../static/", $path)),
            br: include_bytes!(concat!(env!("OUT_DIR"), "/static/", $path, ".br")),
            gz: include_bytes!(concat!(env!("OUT_DIR"), "/static/", $path, ".gz")),
        }
    };
}

const ASSETS: &[Asset] = &[
    asset!("css/app.css", "text/css; charset=utf-8"),
    asset!("vendor/htmx/htmx.min.js", "text/javascript; charset=utf-8"),
    asset!("js/app.js", "text/javascript; charset=utf-8"),
    asset!(
        "vendor/echarts/echarts.dashboard.min.js",
        "text/javascript; charset=utf-8"
    ),
    asset!("vendor/echarts-map/neimenggu.json", "application/json"),
    asset!("js/targets.js", "text/javascript; charset=utf-8"),
    asset!("js/donate.js", "text/javascript; charset=utf-8"),
    asset!("img/favicon.svg", "image/svg+xml"),
];

static VERSIONS: LazyLock<Vec<String>> = LazyLock::new(|| {
    ASSETS
        .iter()
        .map(|a| {
            let d = Sha256::digest(a.body);
            d.iter().take(6).map(|b| format!("{b:02x}")).collect()
        })
        .collect()
});

/// The versioned URL of an asset, e.g. `/static/css/app.css?v=1a2b3c…`.
pub fn url(path: &str) -> String {
    match ASSETS.iter().position(|a| a.path == path) {
        Some(i) => format!("/static/{}?v={}", path, VERSIONS[i]),
        None => format!("/static/{path}"),
    }
}

/// `GET /static/{*path}`: the precompressed form the client accepts (brotli before gzip),
/// else the file itself; an `ETag` of the content either way.
pub async fn serve(Path(path): Path<String>, headers: HeaderMap) -> Response {
    let Some(i) = ASSETS.iter().position(|a| a.path == path) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let a = &ASSETS[i];
    let etag = format!("\"{}\"", VERSIONS[i]);
    let accepts = |coding: &str| accepts_encoding(&headers, coding);
    let (body, encoding) = if accepts("br") {
        (a.br, Some("br"))
    } else if accepts("gzip") {
        (a.gz, Some("gzip"))
    } else {
        (a.body, None)
    };
    let not_modified = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let mut res = if not_modified {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        body.into_response()
    };
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(a.content_type),
    );
    if let Some(e) = encoding
        && !not_modified
    {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(e));
    }
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    res
}

/// Whether `Accept-Encoding` lists this coding with a quality above zero.
fn accepts_encoding(headers: &HeaderMap, coding: &str) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|item| {
            let mut parts = item.split(';');
            let name = parts.next().unwrap_or("").trim();
            let q = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            name.eq_ignore_ascii_case(coding) && q > 0.0
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(accept: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(accept).unwrap(),
        );
        h
    }

    #[test]
    fn accept_encoding_is_read_with_its_qualities() {
        assert!(accepts_encoding(&with("gzip, deflate, br"), "br"));
        assert!(accepts_encoding(&with("gzip;q=0.5"), "gzip"));
        assert!(!accepts_encoding(&with("gzip;q=0"), "gzip"));
        assert!(!accepts_encoding(&with("gzip"), "br"));
        assert!(accepts_encoding(&with("BR;q=1.0"), "br"));
        assert!(!accepts_encoding(&HeaderMap::new(), "gzip"));
    }

    #[test]
    fn every_asset_has_its_compressed_forms_and_they_decompress_to_it() {
        use std::io::Read;
        for a in ASSETS {
            let (br, gz) = (a.br, a.gz);
            let mut out = Vec::new();
            brotli::Decompressor::new(br, 4096)
                .read_to_end(&mut out)
                .unwrap();
            assert_eq!(out, a.body, "{} (br)", a.path);
            let mut out = Vec::new();
            flate2::read::GzDecoder::new(gz)
                .read_to_end(&mut out)
                .unwrap();
            assert_eq!(out, a.body, "{} (gz)", a.path);
            assert!(br.len() < a.body.len(), "{} is smaller compressed", a.path);
        }
    }
}
