//! CSRF protection by a synchronizer token bound to the session. The check runs as a
//! middleware in front of every route, so no state-changing handler can forget it: a
//! POST/PUT/PATCH/DELETE must carry the session's token in the `x-csrf-token` header or in a
//! `_csrf` field of its body, urlencoded or multipart. A token in the query string is never
//! looked at: URLs end up in logs, histories and `Referer` headers.
//!
//! A multipart body is read only as far as its `_csrf` part (our forms put it first; it must
//! come within `Config::body_limit` bytes), and the chunks read are put back in front of the
//! rest, so the handler still streams the whole body and an upload is not buffered here.

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use futures_util::StreamExt;
use subtle::ConstantTimeEq;
use tower_sessions::Session;

use crate::kernel::error::AppError;
use crate::web::AppState;

/// Name of the hidden form field.
pub const FIELD: &str = "_csrf";

/// A fresh random token (256 bits, URL-safe base64).
pub fn new_token() -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>())
}

fn field_from(form: &str) -> Option<String> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(form)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == FIELD)
        .map(|(_, v)| v)
}

/// Whether a provided token matches the expected one, in constant time.
pub fn matches(expected: Option<&str>, provided: Option<&str>) -> bool {
    match (expected, provided) {
        (Some(e), Some(p)) if !e.is_empty() => e.as_bytes().ct_eq(p.as_bytes()).into(),
        _ => false,
    }
}

/// The kind of body a token may be read from.
enum BodyKind {
    /// `application/x-www-form-urlencoded`.
    Urlencoded,
    /// `multipart/form-data` with its boundary.
    Multipart(String),
    /// Anything else: only the header counts.
    Other,
}

fn body_kind(req: &Request) -> BodyKind {
    let Some(ct) = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return BodyKind::Other;
    };
    let lower = ct.trim_start().to_ascii_lowercase();
    if lower.starts_with("application/x-www-form-urlencoded") {
        BodyKind::Urlencoded
    } else if lower.starts_with("multipart/form-data") {
        match multer::parse_boundary(ct) {
            Ok(b) => BodyKind::Multipart(b),
            Err(_) => BodyKind::Other,
        }
    } else {
        BodyKind::Other
    }
}

/// The body as the multipart parser sees it: small slices of the chunks, one per poll. The
/// parser takes every chunk that is ready at once, so a fast client's whole upload would
/// otherwise be read (and count against the limit) before the first part is looked at.
/// Every chunk taken from the body is kept, to be given back to the handler.
struct Trickle<'a> {
    body: &'a mut axum::body::BodyDataStream,
    taken: &'a mut Vec<Bytes>,
    rest: Bytes,
    paused: bool,
    /// What the parser gets per poll: a small part of the limit, enough for a few headers.
    slice: usize,
}

impl futures_util::Stream for Trickle<'_> {
    type Item = Result<Bytes, axum::Error>;

    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        use std::task::Poll;
        let this = &mut *self;
        if this.paused {
            // Let the parser look at what it has before it asks for more.
            this.paused = false;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        while this.rest.is_empty() {
            match this.body.poll_next_unpin(cx) {
                Poll::Ready(Some(Ok(chunk))) => {
                    this.taken.push(chunk.clone());
                    this.rest = chunk;
                }
                other => return other,
            }
        }
        let n = this.rest.len().min(this.slice);
        this.paused = true;
        Poll::Ready(Some(Ok(this.rest.split_to(n))))
    }
}

/// Reads a multipart body up to its `_csrf` part (at most `limit` bytes of it), and gives
/// back the token and a body equal to the original: the chunks read, then the unread rest.
async fn multipart_token(body: Body, boundary: String, limit: usize) -> (Option<String>, Body) {
    let mut body = body.into_data_stream();
    let mut taken: Vec<Bytes> = Vec::new();
    let token = {
        let trickle = Trickle {
            body: &mut body,
            taken: &mut taken,
            rest: Bytes::new(),
            paused: false,
            slice: (limit / 4).clamp(64, 4096),
        };
        let constraints = multer::Constraints::new()
            .size_limit(multer::SizeLimit::new().whole_stream(limit as u64));
        let mut parts = multer::Multipart::with_constraints(trickle, boundary, constraints);
        let mut token = None;
        // Parts before `_csrf` are skipped unread by `next_field`; a broken or oversized
        // prefix simply yields no token.
        while let Ok(Some(field)) = parts.next_field().await {
            if field.name() == Some(FIELD) {
                token = field.text().await.ok();
                break;
            }
        }
        token
    };
    let again = futures_util::stream::iter(taken.into_iter().map(Ok::<_, axum::Error>)).chain(body);
    (token, Body::from_stream(again))
}

/// The one path outside the CSRF check: Stripe's signed webhook.
pub const WEBHOOK_PATH: &str = "/webhooks/stripe";

/// The middleware.
pub async fn check(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    // Stripe's webhook carries no session: it is authenticated by its signature over the
    // raw body instead (`payments::rules::verify_signature`).
    if req.uri().path() == WEBHOOK_PATH {
        return next.run(req).await;
    }
    let Some(session) = req.extensions().get::<Session>().cloned() else {
        return AppError::Csrf.into_response();
    };
    let expected = match session.get::<String>(super::keys::CSRF).await {
        Ok(t) => t,
        Err(e) => return AppError::Internal(e.to_string()).into_response(),
    };
    let header_token = req
        .headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let (provided, req) = match (header_token, body_kind(&req)) {
        (Some(t), _) => (Some(t), req),
        (None, BodyKind::Urlencoded) => {
            let (parts, body) = req.into_parts();
            let bytes = match axum::body::to_bytes(body, state.config.body_limit).await {
                Ok(b) => b,
                Err(_) => {
                    return (StatusCode::PAYLOAD_TOO_LARGE, "payload too large").into_response();
                }
            };
            let token = std::str::from_utf8(&bytes).ok().and_then(field_from);
            (token, Request::from_parts(parts, Body::from(bytes)))
        }
        (None, BodyKind::Multipart(boundary)) => {
            let (parts, body) = req.into_parts();
            let (token, body) = multipart_token(body, boundary, state.config.body_limit).await;
            (token, Request::from_parts(parts, body))
        }
        (None, BodyKind::Other) => (None, req),
    };
    if matches(expected.as_deref(), provided.as_deref()) {
        next.run(req).await
    } else {
        AppError::Csrf.into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_matching() {
        let t = new_token();
        assert_eq!(t.len(), 43);
        assert!(matches(Some(&t), Some(&t)));
        assert!(!matches(Some(&t), Some("x")));
        assert!(!matches(Some(&t), None));
        assert!(!matches(None, Some(&t)));
        assert!(!matches(Some(""), Some("")));
        assert_ne!(new_token(), t);
    }

    #[test]
    fn field_extraction() {
        assert_eq!(
            field_from("a=1&_csrf=abc%2Bd&b=2").as_deref(),
            Some("abc+d")
        );
        assert_eq!(field_from("a=1"), None);
    }

    fn multipart(parts: &[(&str, &str)]) -> Vec<u8> {
        let mut b = String::new();
        for (name, value) in parts {
            b.push_str(&format!(
                "--XyZ\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            ));
        }
        b.push_str("--XyZ--\r\n");
        b.into_bytes()
    }

    /// Runs the multipart reader with the body split into small chunks, as it arrives from
    /// the network, and checks that the body given back is byte for byte the original.
    /// Also with the body in one chunk, as a fast client's whole upload may be ready at once.
    async fn read_token(body: &[u8], limit: usize) -> Option<String> {
        let mut found = Vec::new();
        for size in [7, body.len().max(1)] {
            let chunks: Vec<Result<Bytes, std::io::Error>> = body
                .chunks(size)
                .map(|c| Ok(Bytes::copy_from_slice(c)))
                .collect();
            let stream = futures_util::stream::iter(chunks);
            let (token, again) =
                multipart_token(Body::from_stream(stream), "XyZ".into(), limit).await;
            let back = axum::body::to_bytes(again, usize::MAX).await.unwrap();
            assert_eq!(&back[..], body, "the body is given back unchanged");
            found.push(token);
        }
        assert_eq!(found[0], found[1], "chunking changes nothing");
        found.pop().unwrap()
    }

    #[tokio::test]
    async fn multipart_field_extraction() {
        let big = "x".repeat(50_000);
        let first = multipart(&[("_csrf", "tok"), ("org_id", "1"), ("file", &big)]);
        assert_eq!(read_token(&first, 1024).await.as_deref(), Some("tok"));
        let later = multipart(&[("org_id", "1"), ("_csrf", "tok2")]);
        assert_eq!(read_token(&later, 1024).await.as_deref(), Some("tok2"));
        let none = multipart(&[("org_id", "1"), ("file", "abc")]);
        assert_eq!(read_token(&none, 1024).await, None);
        // Only the first `limit` bytes are searched.
        let behind = multipart(&[("file", &big), ("_csrf", "tok")]);
        assert_eq!(read_token(&behind, 1024).await, None);
        assert_eq!(read_token(&behind, 60_000).await.as_deref(), Some("tok"));
        assert_eq!(read_token(b"not multipart at all", 1024).await, None);
    }
}
