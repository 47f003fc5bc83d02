//! The compatibility layer between async-stripe and localstripe — for tests and CI only.
//!
//! The app talks to Stripe through async-stripe, whose types require every field Stripe
//! always sends. localstripe (the stand-in CI runs, `STRIPE_API_BASE`) leaves some out:
//! on a PaymentIntent `amount_capturable`, `amount_received`, `confirmation_method` and
//! `payment_method_types`; on a Charge `amount_captured`, `billing_details` and
//! `disputed`. Read as they come, its answers fail to deserialize and the app would take
//! localstripe for unreachable. So a test starts this small HTTP proxy in front of
//! localstripe and points the app at it: requests pass through unchanged, and JSON answers
//! get the missing fields filled with what Stripe would have sent for that state (existing
//! fields are never changed). Production talks to Stripe directly: nothing here is in the
//! library.
//!
//! The proxy also records each request's `Idempotency-Key` (localstripe ignores it), so
//! tests can check that the app sends one.

use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::{Value, json};

/// One request the proxy passed on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    /// `POST /v1/payment_intents`.
    pub call: String,
    /// Its `Idempotency-Key`, if any.
    pub idempotency_key: Option<String>,
}

/// A running proxy.
pub struct StripeCompat {
    /// Its base URL, for `STRIPE_API_BASE`.
    pub url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl StripeCompat {
    /// What the app has asked so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

#[derive(Clone)]
struct Proxy {
    upstream: String,
    http: Client<HttpConnector, Full<Bytes>>,
    seen: Arc<Mutex<Vec<Seen>>>,
}

/// Starts a proxy on a free loopback port in front of localstripe at `upstream`.
pub async fn start(upstream: &str) -> StripeCompat {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let proxy = Proxy {
        upstream: upstream.trim_end_matches('/').to_string(),
        http: Client::builder(TokioExecutor::new()).build_http(),
        seen: seen.clone(),
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let app = axum::Router::new().fallback(forward).with_state(proxy);
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    StripeCompat { url, seen }
}

async fn forward(State(p): State<Proxy>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let path = parts
        .uri
        .path_and_query()
        .map_or("/", |pq| pq.as_str())
        .to_string();
    p.seen.lock().unwrap().push(Seen {
        call: format!("{} {}", parts.method, parts.uri.path()),
        idempotency_key: parts
            .headers
            .get("idempotency-key")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
    });
    let Ok(body) = axum::body::to_bytes(body, 1 << 20).await else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let mut up = axum::http::request::Builder::new()
        .method(parts.method)
        .uri(format!("{}{path}", p.upstream));
    for (k, v) in &parts.headers {
        if k != header::HOST {
            up = up.header(k, v);
        }
    }
    let Ok(res) = p.http.request(up.body(Full::new(body)).unwrap()).await else {
        return StatusCode::BAD_GATEWAY.into_response();
    };
    let status = res.status();
    let bytes = res
        .into_body()
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let out = match serde_json::from_slice::<Value>(&bytes) {
        Ok(mut v) => {
            fill(&mut v);
            Bytes::from(v.to_string())
        }
        Err(_) => bytes,
    };
    let mut r = Response::new(Body::from(out));
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

/// Fills, everywhere in `v` (lists, expanded objects), the fields async-stripe requires
/// and localstripe omits, with what Stripe sends for the object's state.
pub fn fill(v: &mut Value) {
    match v {
        Value::Array(items) => items.iter_mut().for_each(fill),
        Value::Object(o) => {
            o.values_mut().for_each(fill);
            let amount = o.get("amount").and_then(Value::as_i64).unwrap_or(0);
            let status = o.get("status").and_then(Value::as_str).unwrap_or("");
            match o.get("object").and_then(Value::as_str) {
                Some("payment_intent") => {
                    let received = if status == "succeeded" { amount } else { 0 };
                    let capturable = if status == "requires_capture" {
                        amount
                    } else {
                        0
                    };
                    o.entry("amount_received").or_insert(json!(received));
                    o.entry("amount_capturable").or_insert(json!(capturable));
                    o.entry("confirmation_method").or_insert(json!("automatic"));
                    o.entry("payment_method_types").or_insert(json!(["card"]));
                }
                Some("charge") => {
                    let captured = o.get("captured").and_then(Value::as_bool) == Some(true);
                    o.entry("amount_captured")
                        .or_insert(json!(if captured { amount } else { 0 }));
                    o.entry("billing_details").or_insert(json!({
                        "address": null, "email": null, "name": null, "phone": null
                    }));
                    o.entry("disputed").or_insert(json!(false));
                }
                _ => {}
            }
        }
        _ => {}
    }
}
