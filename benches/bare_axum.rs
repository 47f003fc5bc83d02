//! The yardstick of issue 18 point 1: plain axum on tokio's multi-thread runtime, nothing
//! else (no middleware, no database, no templates), answering one GET route with a static
//! HTML body of a given size. `benches/load.sh` starts it beside `civicbridge serve` in the
//! same run, sized to the measured `/orgs?league=…` page, and reports each endpoint of the
//! server as a ratio of this handler's requests per second: absolute numbers on a noisy
//! machine are not comparable between runs, ratios in one run are.
//!
//! `cargo bench --bench bare_axum -- --bind 127.0.0.1:8099 --bytes 30000` serves
//! `http://127.0.0.1:8099/` (any path) until killed.

use std::net::SocketAddr;

use axum::Router;
use axum::body::Bytes;
use axum::http::header;
use axum::routing::get;

/// Default body size: about the size of the `/orgs?league=150100` page without compression
/// (18,178 bytes on 2026-12-04; `load.sh` passes the size it measured instead).
const DEFAULT_BYTES: usize = 18_000;

/// A syntactically plain HTML page of exactly `bytes` bytes (at least the frame's length):
/// a paragraph of filler inside a minimal document, so the body is what a browser would get.
fn page(bytes: usize) -> Bytes {
    const HEAD: &str = "<!DOCTYPE html><html><head><title>bare</title></head><body><p>";
    const TAIL: &str = "</p></body></html>\n";
    let filler = bytes.saturating_sub(HEAD.len() + TAIL.len());
    let mut body = String::with_capacity(HEAD.len() + filler + TAIL.len());
    body.push_str(HEAD);
    body.extend(std::iter::repeat_n('x', filler));
    body.push_str(TAIL);
    Bytes::from(body)
}

fn usage() -> ! {
    eprintln!(
        "usage: bare_axum [--bind ADDR] [--bytes N]   (default 127.0.0.1:8099, {DEFAULT_BYTES})"
    );
    std::process::exit(2);
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--list" || a == "--test") {
        return; // `cargo test --benches` probes bench binaries; this is a server, not a test.
    }
    let mut bind: SocketAddr = "127.0.0.1:8099".parse().expect("default address");
    let mut bytes = DEFAULT_BYTES;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--bind" => {
                bind = it
                    .next()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or_else(|| usage())
            }
            "--bytes" => {
                bytes = it
                    .next()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or_else(|| usage())
            }
            // `cargo bench` passes `--bench` to every bench binary.
            "--bench" => {}
            _ => usage(),
        }
    }
    let body = page(bytes);
    let len = body.len();
    // Any path answers, so the route is one match like the server's and `/` needs no care.
    let handler = move || {
        let body = body.clone();
        async move { ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], body) }
    };
    let app = Router::new()
        .route("/", get(handler.clone()))
        .fallback(get(handler));
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
        .block_on(async move {
            let listener = tokio::net::TcpListener::bind(bind).await.expect("bind");
            eprintln!("bare_axum: serving {len} bytes on http://{bind}/");
            axum::serve(listener, app).await.expect("serve");
        });
}
