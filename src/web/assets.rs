//! Static files, compiled into the binary so the server runs from any directory. URLs carry
//! a content hash (`?v=`) and are cached for a year; a new build changes the hash.

use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

struct Asset {
    path: &'static str,
    content_type: &'static str,
    body: &'static [u8],
}

const ASSETS: &[Asset] = &[
    Asset {
        path: "css/app.css",
        content_type: "text/css; charset=utf-8",
        body: include_bytes!("../../static/css/app.css"),
    },
    Asset {
        path: "vendor/htmx/htmx.min.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../static/vendor/htmx/htmx.min.js"),
    },
    Asset {
        path: "js/app.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../static/js/app.js"),
    },
    Asset {
        path: "vendor/echarts/echarts.min.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../static/vendor/echarts/echarts.min.js"),
    },
    Asset {
        path: "vendor/echarts-map/neimenggu.json",
        content_type: "application/json",
        body: include_bytes!("../../static/vendor/echarts-map/neimenggu.json"),
    },
    Asset {
        path: "js/targets.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../static/js/targets.js"),
    },
    Asset {
        path: "js/donate.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../static/js/donate.js"),
    },
    Asset {
        path: "img/favicon.svg",
        content_type: "image/svg+xml",
        body: include_bytes!("../../static/img/favicon.svg"),
    },
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

/// `GET /static/{*path}`
pub async fn serve(Path(path): Path<String>) -> Response {
    let Some(a) = ASSETS.iter().find(|a| a.path == path) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let mut res = a.body.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(a.content_type),
    );
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
