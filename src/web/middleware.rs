//! Cross-cutting middleware: the request language, turning error responses into pages, and
//! the Content-Security-Policy every response carries.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

use super::i18n::query_lang;
use super::layout::error_page;
use crate::kernel::Lang;
use crate::kernel::error::ErrorKind;

/// The Content-Security-Policy of every response. Scripts and styles come only from our own
/// `/static/` files: no inline `<script>`, no `on…=` handler, no `javascript:` URL, no
/// `style` attribute, no `<style>` element, no `eval`, so an injected fragment of markup can
/// neither run nor restyle anything. Pages keep to it: behaviour lives in `static/js/*.js`
/// keyed by `data-` attributes, chart data travels in a `<script type="application/json">`
/// block (data, never executed), htmx is told by its `htmx-config` meta element not to add
/// its indicator `<style>` or evaluate anything, and ECharts styles its elements through the
/// CSSOM (`element.style`), which a policy does not govern, while our tooltips are built as
/// elements rather than HTML with `style` attributes. `img-src data:` is for the images ECharts
/// makes as data URLs (symbols, patterns); `frame-ancestors 'none'` is `X-Frame-Options: DENY` for
/// browsers that read only the policy.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
    style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; \
    form-action 'self'; frame-ancestors 'none'";

/// Resolves the language once per request; `?lang=` also sets the cookie for later visits.
pub async fn language(mut req: Request, next: Next) -> Response {
    let from_query = query_lang(req.uri().query());
    let lang = from_query.unwrap_or_else(|| Lang::from_headers(req.headers()));
    req.extensions_mut().insert(lang);
    let mut res = next.run(req).await;
    if let Some(l) = from_query
        && let Ok(v) = HeaderValue::from_str(&format!(
            "lang={}; Path=/; Max-Age=31536000; SameSite=Lax",
            l.code()
        ))
    {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res.extensions_mut().insert(lang);
    res
}

/// Renders every error response — from handlers ([`ErrorKind`]), from axum's extractors, the
/// body limit (413) or the router's fallback (404) — as an HTML page in the request's
/// language, or as JSON under `/api/`. "Log in first" becomes a redirect to the log-in page.
pub async fn render_errors(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let path_and_query = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default();
    let lang = query_lang(req.uri().query()).unwrap_or_else(|| Lang::from_headers(req.headers()));
    let res = next.run(req).await;
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    let kind = res.extensions().get::<ErrorKind>().cloned();
    let is_html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if kind.is_none() && (is_html || is_json) {
        // A page or an API answer that renders its own error state (messages per field).
        return res;
    }
    let api = path.starts_with("/api/");
    if status == StatusCode::UNAUTHORIZED && !api {
        let next = urlencode(&path_and_query);
        return Redirect::to(&format!("/login?next={next}")).into_response();
    }
    let (title, message) = describe(lang, status, kind.as_ref().and_then(|k| k.message.clone()));
    let mut out = if api {
        let body = serde_json::json!({ "error": { "status": status.as_u16(), "title": title, "message": message } });
        (status, axum::Json(body)).into_response()
    } else {
        (status, error_page(lang, status.as_u16(), &title, &message)).into_response()
    };
    for (k, v) in res.headers() {
        if k == header::SET_COOKIE {
            out.headers_mut().append(k, v.clone());
        }
    }
    out
}

fn describe(lang: Lang, status: StatusCode, message: Option<String>) -> (String, String) {
    let key = match status.as_u16() {
        400 => "bad_request",
        401 => "login_required",
        403 if message.as_deref() == Some("csrf") => "csrf",
        403 => "forbidden",
        404 => "not_found",
        405 => "method_not_allowed",
        413 => "too_large",
        415 | 422 => "bad_request",
        429 => "too_many",
        503 => "unavailable",
        s if s >= 500 => "internal",
        _ => "bad_request",
    };
    let title = lang.t(&format!("error.{key}.title"));
    let msg = match message {
        Some(m) if m != "csrf" => m,
        _ => lang.t(&format!("error.{key}.message")),
    };
    (title, msg)
}

/// Percent-encodes a return path for a query parameter.
pub fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)])
        .map(|x| x[1..].to_string())
        .unwrap_or_default()
}

/// A fallback for unknown routes.
pub async fn not_found() -> Response {
    crate::kernel::error::AppError::NotFound.into_response()
}

/// Turns a panic into a 500 page (the panic is logged by the hook).
pub fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response<Body> {
    crate::kernel::error::AppError::Internal("panic".into()).into_response()
}
