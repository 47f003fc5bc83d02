//! CSRF protection by a synchronizer token bound to the session. The check runs as a
//! middleware in front of every route, so no state-changing handler can forget it: a
//! POST/PUT/PATCH/DELETE must carry the session's token in the `x-csrf-token` header, a
//! `_csrf` form field or (for multipart uploads) a `_csrf` query parameter.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
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

fn field_from(query_or_form: &str) -> Option<String> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(query_or_form)
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

/// The middleware.
pub async fn check(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let Some(session) = req.extensions().get::<Session>().cloned() else {
        return AppError::Csrf.into_response();
    };
    let expected = match session.get::<String>(super::keys::CSRF).await {
        Ok(t) => t,
        Err(e) => return AppError::Internal(e.to_string()).into_response(),
    };
    let mut provided = req
        .headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .or_else(|| req.uri().query().and_then(field_from));
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let req = if provided.is_none() && is_form {
        let (parts, body) = req.into_parts();
        let bytes = match axum::body::to_bytes(body, state.config.body_limit).await {
            Ok(b) => b,
            Err(_) => return (StatusCode::PAYLOAD_TOO_LARGE, "payload too large").into_response(),
        };
        provided = std::str::from_utf8(&bytes).ok().and_then(field_from);
        Request::from_parts(parts, Body::from(bytes))
    } else {
        req
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
}
