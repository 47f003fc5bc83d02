//! HTTP on loopback for the benches and the multi-instance test (`tests/multi.rs`): a
//! session signed in through the log-in form (its cookie and form token) and one request's
//! status, cookies and body. Included by `#[path]`; each includer uses part of it.
#![allow(dead_code)]

use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, header};
use http_body_util::BodyExt;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;

/// A plain HTTP/1 client.
pub type Http = Client<HttpConnector, Body>;

/// A signed-in user: the server's address, the cookie and the form token.
pub struct Session {
    pub base: String,
    pub cookie: String,
    pub csrf: String,
}

/// The form token in a page.
pub fn find_csrf(html: &str) -> Option<String> {
    let i = html.find("name=\"_csrf\" value=\"")? + "name=\"_csrf\" value=\"".len();
    Some(html[i..].split('"').next()?.to_string())
}

/// Sends `req`: the status, the cookies set (name=value) and the body.
pub async fn send(http: &Http, req: Request<Body>) -> (u16, Vec<String>, String) {
    let res = http.request(req).await.expect("request");
    let status = res.status().as_u16();
    let cookies = res
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or("").to_string())
        .collect();
    let body = String::from_utf8_lossy(&res.into_body().collect().await.expect("body").to_bytes())
        .to_string();
    (status, cookies, body)
}

impl Session {
    /// Signs in through the form: the log-in page, the log-in, then the workspace (which must
    /// answer 200) for the signed-in form token.
    pub async fn login(http: &Http, base: &str, email: &str, password: &str) -> Session {
        let (_, cookies, body) = send(
            http,
            Request::get(format!("{base}/login"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        let mut s = Session {
            base: base.to_string(),
            cookie: cookies.join("; "),
            csrf: find_csrf(&body).expect("csrf"),
        };
        let form = serde_urlencoded::to_string([
            ("email", email),
            ("password", password),
            ("_csrf", &s.csrf),
        ])
        .unwrap();
        let (status, cookies, _) = send(http, s.post("/login", form)).await;
        assert_eq!(status, 303, "log-in of {email}");
        s.cookie = cookies.join("; ");
        let (status, _, body) = send(http, s.get("/me")).await;
        assert_eq!(status, 200, "the workspace after log-in of {email}");
        s.csrf = find_csrf(&body).expect("csrf after log-in");
        s
    }

    /// A GET with the session's cookie.
    pub fn get(&self, path: &str) -> Request<Body> {
        Request::get(format!("{}{path}", self.base))
            .header(header::COOKIE, &self.cookie)
            .body(Body::empty())
            .unwrap()
    }

    /// A form POST with the session's cookie.
    pub fn post(&self, path: &str, form: String) -> Request<Body> {
        Request::post(format!("{}{path}", self.base))
            .header(header::COOKIE, &self.cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(form))
            .unwrap()
    }
}

/// The `p` quantile (0–1) of sorted durations.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}
