//! Cross-cutting middleware: the request language, turning error responses into pages, and
//! the Content-Security-Policy every response carries.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use super::i18n::query_lang;
use super::layout::{Chrome, error_page};
use super::{AppState, FLASH_COOKIE, Flash, FlashSlot, keys, without_lang};
use crate::accounts::CurrentUser;
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

/// Who is signed in, told to [`render_errors`] (which runs outside the session layer) through
/// an error response's extensions, so an error page keeps the full header.
#[derive(Clone)]
pub struct ErrorViewer {
    user: CurrentUser,
    csrf: Option<String>,
}

/// Inside the session layer: a session marked at sign-in as "enrol first" (its user's role
/// requires two-factor sign-in, not yet set up) is sent to `/me/two-factor` from every page
/// but enrolment itself, log-out, static files, health checks and the public API, until
/// enrolment is confirmed.
pub async fn enrol_first(req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let exempt = path.starts_with("/me/two-factor")
        || path == "/logout"
        || path.starts_with("/static/")
        || path.starts_with("/api/")
        || path == "/healthz"
        || path == "/readyz";
    if !exempt
        && req.headers().contains_key(header::COOKIE)
        && let Some(session) = req.extensions().get::<Session>()
        && let Ok(Some(true)) = session.get::<bool>(keys::ENROL_FIRST).await
    {
        return super::see_other("/me/two-factor");
    }
    next.run(req).await
}

/// Inside the session layer: on an error response that the error layer will replace, looks
/// up the signed-in user (one session read, usually cached, and one query) and attaches it.
/// Only error pages pay for it (not the API's JSON errors), and only requests with a cookie;
/// a failed look-up leaves the page with the signed-out header rather than failing again.
pub async fn error_viewer(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let page = !req.uri().path().starts_with("/api/");
    let session = (page && req.headers().contains_key(header::COOKIE))
        .then(|| req.extensions().get::<Session>().cloned())
        .flatten();
    let mut res = next.run(req).await;
    let status = res.status();
    let replaced = (status.is_client_error() || status.is_server_error())
        && status != StatusCode::UNAUTHORIZED
        && !renders_own_error(&res);
    if let (true, Some(session)) = (replaced, session)
        && let Ok(Some(user)) = super::session_user(&state.db, &session).await
    {
        let csrf = session.get::<String>(keys::CSRF).await.ok().flatten();
        res.extensions_mut().insert(ErrorViewer { user, csrf });
    }
    res
}

/// Renders every error response — from handlers ([`ErrorKind`]), from axum's extractors, the
/// body limit (413) or the router's fallback (404) — as an HTML page in the request's
/// language, or as JSON under `/api/`. "Log in first" becomes a redirect to the log-in page.
pub async fn render_errors(req: Request, next: Next) -> Response {
    // Kept for the error page only, so a request that succeeds pays no copy: the URI's clone
    // shares its bytes, and the language is the one [`language`] resolved (outside this layer).
    let uri = req.uri().clone();
    let lang = req.extensions().get::<Lang>().copied();
    let site = req
        .extensions()
        .get::<std::sync::Arc<super::config::SiteInfo>>()
        .cloned();
    let res = next.run(req).await;
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    let kind = res.extensions().get::<ErrorKind>().cloned();
    if renders_own_error(&res) {
        return res;
    }
    let lang = lang.unwrap_or_else(|| query_lang(uri.query()).unwrap_or_default());
    let site = site.unwrap_or_default();
    let path = uri.path();
    let path_and_query = uri.path_and_query().map(|p| p.as_str()).unwrap_or_default();
    let api = path.starts_with("/api/");
    if status == StatusCode::UNAUTHORIZED && !api {
        let next = urlencode(path_and_query);
        return Redirect::to(&format!("/login?next={next}")).into_response();
    }
    let (title, message) = describe(lang, status, kind.as_ref().and_then(|k| k.message.clone()));
    let viewer = res.extensions().get::<ErrorViewer>();
    let query = without_lang(path_and_query.split_once('?').map(|(_, q)| q));
    let chrome = Chrome {
        lang,
        user: viewer.map(|v| &v.user),
        csrf: viewer.and_then(|v| v.csrf.as_deref()),
        path,
        other_lang_href: format!(
            "{path}?{query}{}lang={}",
            if query.is_empty() { "" } else { "&" },
            lang.other().code()
        ),
        site: &site,
    };
    let mut out = if api {
        let mut out = super::api::error_response(status, title, message, Vec::new());
        // The API's own headers (CORS, `Allow`, `Retry-After`, …) stay on the JSON error.
        for (k, v) in res.headers() {
            if k != header::CONTENT_TYPE && k != header::CONTENT_LENGTH && k != header::SET_COOKIE {
                out.headers_mut().append(k, v.clone());
            }
        }
        out
    } else {
        (
            status,
            error_page(&chrome, status.as_u16(), &title, &message),
        )
            .into_response()
    };
    for (k, v) in res.headers() {
        if k == header::SET_COOKIE {
            out.headers_mut().append(k, v.clone());
        }
    }
    out
}

/// A page or an API answer that renders its own error state (messages per field): HTML or
/// JSON without an [`ErrorKind`]. Every other error response is replaced by an error page.
fn renders_own_error(res: &Response) -> bool {
    let content_type = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    res.extensions().get::<ErrorKind>().is_none()
        && (content_type.starts_with("text/html") || content_type.starts_with("application/json"))
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

/// Pages and CSV downloads get an `ETag` (a hash of the body) and revalidate each time:
/// a list that has not changed since the browser's copy is answered `304` with no body.
/// `private`: a page may show the signed-in user's things, so no shared cache keeps it.
pub async fn etag_pages(req: Request, next: Next) -> Response {
    fn page_or_csv(h: &axum::http::HeaderMap) -> bool {
        h.get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.starts_with("text/html") || t.starts_with("text/csv"))
    }
    crate::web::api::conditional(req, next, page_or_csv, "private, no-cache").await
}

/// What the response compression applies to: text (pages, CSV, JSON, feeds, SVG, scripts)
/// of some size; never what is compressed already (images, PDFs, zips, the gzip bulk files).
pub fn compressible(
    status: axum::http::StatusCode,
    _: axum::http::Version,
    h: &axum::http::HeaderMap,
    _: &axum::http::Extensions,
) -> bool {
    let size_ok = h
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .is_none_or(|n| n >= 256);
    let text = h
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| {
            let t = t.split(';').next().unwrap_or("").trim();
            t.starts_with("text/")
                || t == "application/json"
                || t == "application/javascript"
                || t == "image/svg+xml"
                || t.ends_with("+json")
                || t.ends_with("+xml")
                || t == "application/xml"
        });
    // No body to compress (a 304 keeps its content type but sends nothing).
    let has_body = !(status.is_informational()
        || status == axum::http::StatusCode::NO_CONTENT
        || status == axum::http::StatusCode::NOT_MODIFIED);
    has_body && size_ok && text
}

/// A fallback for unknown routes.
pub async fn not_found() -> Response {
    crate::kernel::error::AppError::NotFound.into_response()
}

/// Turns a panic into a 500 page (the panic is logged by the hook).
pub fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response<Body> {
    crate::kernel::error::AppError::Internal("panic".into()).into_response()
}

/// The flash message a request carries in its cookie, if it reads.
pub fn flash_from(headers: &axum::http::HeaderMap) -> Option<Flash> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == FLASH_COOKIE)
        .and_then(|(_, v)| serde_urlencoded::from_str::<Flash>(v).ok())
}

/// Carries flash messages in a short-lived cookie: gives each request a [`FlashSlot`], sets
/// the cookie from what the handler left there, and clears it once a page (a GET) has read
/// it. The message is a form-encoded kind and text: nothing secret, shown only to the
/// browser that holds it (and escaped like every text), so it is not signed.
pub async fn flash_cookie(State(secure): State<bool>, mut req: Request, next: Next) -> Response {
    let slot = FlashSlot::default();
    let shown = req.method() == axum::http::Method::GET && flash_from(req.headers()).is_some();
    req.extensions_mut().insert(slot.clone());
    let mut res = next.run(req).await;
    let attrs = || {
        format!(
            "; Path=/; HttpOnly; SameSite=Lax{}",
            if secure { "; Secure" } else { "" }
        )
    };
    let cookie = match slot.take() {
        Some(f) => serde_urlencoded::to_string(&f)
            .ok()
            .map(|v| format!("{FLASH_COOKIE}={v}{}; Max-Age=300", attrs())),
        None if shown => Some(format!("{FLASH_COOKIE}={}; Max-Age=0", attrs())),
        None => None,
    };
    if let Some(v) = cookie.and_then(|c| HeaderValue::from_str(&c).ok()) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

#[cfg(test)]
mod compression_tests {
    use super::compressible;
    use axum::http::{Extensions, HeaderMap, HeaderValue, StatusCode, Version, header};

    fn with(content_type: &str, length: Option<u64>) -> bool {
        let mut h = HeaderMap::new();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_str(content_type).unwrap(),
        );
        if let Some(n) = length {
            h.insert(header::CONTENT_LENGTH, HeaderValue::from(n));
        }
        compressible(StatusCode::OK, Version::HTTP_11, &h, &Extensions::new())
    }

    #[test]
    fn text_is_compressed_and_what_is_compressed_already_is_not() {
        for t in [
            "text/html; charset=utf-8",
            "text/csv; charset=utf-8",
            "application/json",
            "application/problem+json",
            "application/atom+xml",
            "image/svg+xml",
            "text/javascript; charset=utf-8",
        ] {
            assert!(with(t, None), "{t}");
            assert!(with(t, Some(10_000)), "{t}");
        }
        for t in [
            "image/png",
            "image/jpeg",
            "image/webp",
            "application/pdf",
            "application/gzip",
            "application/zip",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "application/octet-stream",
        ] {
            assert!(!with(t, Some(10_000)), "{t}");
        }
        // Too small to gain anything.
        assert!(!with("text/html", Some(100)));
        assert!(with("text/html", Some(256)));
        let none = HeaderMap::new();
        assert!(!compressible(
            StatusCode::OK,
            Version::HTTP_11,
            &none,
            &Extensions::new()
        ));
        let mut css = HeaderMap::new();
        css.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/css"));
        let ext = Extensions::new();
        assert!(!compressible(
            StatusCode::NOT_MODIFIED,
            Version::HTTP_11,
            &css,
            &ext
        ));
        assert!(compressible(
            StatusCode::NOT_FOUND,
            Version::HTTP_11,
            &css,
            &ext
        ));
    }
}
