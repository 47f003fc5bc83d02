//! What every `/api/v1` answer has in common: the one JSON error shape, paging with
//! `page`/`per_page`, totals and `Link` headers, `ETag`/`304`, and the rate limit for
//! anonymous clients (`429` with `Retry-After`).
//!
//! The route table puts every `/api/v1` route behind [`etag`], [`rate_limit`] and a CORS
//! layer (GET only, any origin); the error middleware renders every other error under
//! `/api/` with [`error_response`], so a client meets one shape whatever went wrong.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use tower_sessions::Session;

use crate::kernel::Lang;
use crate::kernel::clock::Clock;

/// The body of every error answer under `/api/v1`.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ApiError {
    /// What went wrong.
    pub error: ApiErrorBody,
}

/// The error itself.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ApiErrorBody {
    /// The HTTP status, repeated for clients that only keep the body.
    pub status: u16,
    /// A short title in the request's language.
    pub title: String,
    /// What to do about it, in the request's language.
    pub message: String,
    /// One entry per unusable query parameter (400/422 only; absent otherwise).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub params: Vec<ParamProblem>,
}

/// One unusable query parameter.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ParamProblem {
    /// The parameter's name.
    pub param: String,
    /// What was sent.
    pub value: String,
    /// Why it cannot be used, in the request's language.
    pub message: String,
}

/// The one JSON error answer. No [`crate::kernel::error::ErrorKind`] is attached, so the
/// error middleware passes it through unchanged.
pub fn error_response(
    status: StatusCode,
    title: String,
    message: String,
    params: Vec<ParamProblem>,
) -> Response {
    let body = ApiError {
        error: ApiErrorBody {
            status: status.as_u16(),
            title,
            message,
            params,
        },
    };
    (status, axum::Json(body)).into_response()
}

/// 422 for unusable query parameters, titled and explained in the request's language.
pub fn unprocessable(lang: Lang, params: Vec<ParamProblem>) -> Response {
    let message = params
        .iter()
        .map(|p| p.message.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    error_response(
        StatusCode::UNPROCESSABLE_ENTITY,
        lang.t("api.err.params"),
        message,
        params,
    )
}

// ---------------------------------------------------------------------------------------
// Paging

/// Items per page when the client names none.
pub const DEFAULT_PER_PAGE: u64 = 20;
/// The most items a page may hold.
pub const MAX_PER_PAGE: u64 = 100;
/// The last page a client may ask for (deeper offsets cost the database, not the client).
pub const MAX_PAGE: u64 = 100_000;

/// The paging parameters of a list, as documented (the handlers read them with [`Paging`]).
#[derive(Debug, Clone, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// The page, from 1 (default 1).
    #[param(minimum = 1, maximum = 100000)]
    pub page: Option<u64>,
    /// Items per page, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<u64>,
}

/// The page asked for, checked: a `page` or `per_page` that is not a whole number in range
/// is refused with 422 in the one error shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    /// From 1.
    pub page: u64,
    /// 1 to [`MAX_PER_PAGE`].
    pub per_page: u64,
}

impl Paging {
    /// Reads `page` and `per_page` from a query string.
    pub fn parse(query: Option<&str>, lang: Lang) -> Result<Paging, Vec<ParamProblem>> {
        let pairs = query
            .and_then(super::extract::strict_pairs)
            .unwrap_or_default();
        let mut problems = Vec::new();
        let mut read = |name: &str, max: u64, default: u64, key: &str| -> u64 {
            match pairs.iter().rev().find(|(k, _)| k == name) {
                None => default,
                Some((_, v)) if v.trim().is_empty() => default,
                Some((_, v)) => match v.trim().parse::<u64>() {
                    Ok(n) if (1..=max).contains(&n) => n,
                    _ => {
                        problems.push(ParamProblem {
                            param: name.to_string(),
                            value: v.clone(),
                            message: lang.tf(key, &[("max", &max.to_string())]),
                        });
                        default
                    }
                },
            }
        };
        let page = read("page", MAX_PAGE, 1, "api.err.page");
        let per_page = read(
            "per_page",
            MAX_PER_PAGE,
            DEFAULT_PER_PAGE,
            "api.err.per_page",
        );
        if problems.is_empty() {
            Ok(Paging { page, per_page })
        } else {
            Err(problems)
        }
    }

    /// Rows to skip.
    pub fn offset(&self) -> u64 {
        (self.page - 1) * self.per_page
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Paging {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let lang = parts.extensions.get::<Lang>().copied().unwrap_or_else(|| {
            super::i18n::query_lang(parts.uri.query())
                .unwrap_or_else(|| Lang::from_headers(&parts.headers))
        });
        Paging::parse(parts.uri.query(), lang).map_err(|p| unprocessable(lang, p))
    }
}

/// One page of a list.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// How many items the whole list has.
    pub total: u64,
    /// This page, from 1.
    pub page: u64,
    /// Items per page.
    pub per_page: u64,
    /// How many pages the list has (0 when it is empty).
    pub pages: u64,
}

impl<T> Page<T> {
    /// A page of `items` out of `total`.
    pub fn new(items: Vec<T>, total: u64, paging: Paging) -> Page<T> {
        Page {
            items,
            total,
            page: paging.page,
            per_page: paging.per_page,
            pages: total.div_ceil(paging.per_page),
        }
    }
}

/// The `Link` header of a page (RFC 8288, relative references): `first` and `last` always,
/// `prev` and `next` where they exist. The request's other parameters are kept.
pub fn link_header(path: &str, query: Option<&str>, paging: Paging, total: u64) -> String {
    let kept: Vec<(String, String)> = query
        .and_then(super::extract::strict_pairs)
        .unwrap_or_default()
        .into_iter()
        .filter(|(k, _)| k != "page" && k != "per_page")
        .collect();
    let url = |page: u64| {
        let mut pairs = kept.clone();
        pairs.push(("page".into(), page.to_string()));
        pairs.push(("per_page".into(), paging.per_page.to_string()));
        let q = serde_urlencoded::to_string(&pairs).unwrap_or_default();
        format!("<{path}?{q}>")
    };
    let last = total.div_ceil(paging.per_page).max(1);
    let mut links = vec![format!("{}; rel=\"first\"", url(1))];
    if paging.page > 1 {
        links.push(format!(
            "{}; rel=\"prev\"",
            url((paging.page - 1).min(last))
        ));
    }
    if paging.page < last {
        links.push(format!("{}; rel=\"next\"", url(paging.page + 1)));
    }
    links.push(format!("{}; rel=\"last\"", url(last)));
    links.join(", ")
}

/// A page as JSON with its `Link` and `X-Total-Count` headers.
pub fn paged<T: serde::Serialize>(parts: &axum::http::Uri, page: Page<T>) -> Response {
    let paging = Paging {
        page: page.page,
        per_page: page.per_page,
    };
    let link = link_header(parts.path(), parts.query(), paging, page.total);
    let total = page.total;
    let mut res = axum::Json(page).into_response();
    with_paging_headers(res.headers_mut(), &link, total);
    res
}

/// Adds `Link` and `X-Total-Count` to a response's headers.
pub fn with_paging_headers(headers: &mut HeaderMap, link: &str, total: u64) {
    if let Ok(v) = HeaderValue::from_str(link) {
        headers.insert(header::LINK, v);
    }
    headers.insert("x-total-count", HeaderValue::from(total));
}

// ---------------------------------------------------------------------------------------
// ETag

/// The ETag of a body: a strong validator from its SHA-256 (the answers are deterministic
/// for the same data, so equal bodies mean nothing changed).
pub fn etag_of(body: &[u8]) -> String {
    let d = Sha256::digest(body);
    format!("\"{}\"", hex::encode(&d[..16]))
}

/// Whether an `If-None-Match` header matches the tag (`*`, or any tag in the list, weak
/// comparison as RFC 9110 asks for GET).
pub fn none_match(header_value: &str, etag: &str) -> bool {
    let bare = |t: &str| t.trim().trim_start_matches("W/").to_string();
    header_value
        .split(',')
        .any(|t| t.trim() == "*" || bare(t) == bare(etag))
}

/// Gives every successful GET under `/api/v1` an `ETag` and `Cache-Control: no-cache`
/// (revalidate each time), and answers `304 Not Modified` without a body when the client's
/// `If-None-Match` names it.
pub async fn etag(req: Request, next: Next) -> Response {
    conditional(req, next, |_| true, "no-cache").await
}

/// The `ETag` / `If-None-Match` exchange for successful GETs whose response `tagged` selects:
/// the body is buffered and tagged by its hash, `Cache-Control` is set to `cache_control`
/// unless the handler set one, and a matching `If-None-Match` gets `304` without a body. A
/// handler that tags its own answer (the OCDS bulk files: a tag of the file, with
/// Last-Modified and its own 304) keeps its tag and is not buffered here.
pub async fn conditional(
    req: Request,
    next: Next,
    tagged: fn(&axum::http::HeaderMap) -> bool,
    cache_control: &'static str,
) -> Response {
    let get = matches!(*req.method(), Method::GET | Method::HEAD);
    let if_none_match = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let res = next.run(req).await;
    if !get
        || res.status() != StatusCode::OK
        || res.headers().contains_key(header::ETAG)
        || !tagged(res.headers())
    {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let tag = etag_of(&bytes);
    if let Ok(v) = HeaderValue::from_str(&tag) {
        parts.headers.insert(header::ETAG, v);
    }
    if !parts.headers.contains_key(header::CACHE_CONTROL) {
        parts.headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(cache_control),
        );
    }
    if if_none_match.is_some_and(|h| none_match(&h, &tag)) {
        parts.status = StatusCode::NOT_MODIFIED;
        parts.headers.remove(header::CONTENT_LENGTH);
        parts.headers.remove(header::CONTENT_TYPE);
        return Response::from_parts(parts, Body::empty());
    }
    Response::from_parts(parts, Body::from(bytes))
}

// ---------------------------------------------------------------------------------------
// Rate limit

/// The rate limit of anonymous API clients: at most `limit` requests per client address in
/// each window of `window_secs` seconds. Signed-in users are not limited (they are known and
/// their sessions can be ended). Windows are read from the injectable clock, so tests move
/// through them without sleeping.
pub struct RateLimiter {
    limit: u32,
    window_secs: i64,
    clock: Clock,
    /// Client address → (start of its window, requests in it).
    seen: Mutex<HashMap<String, (i64, u32)>>,
}

/// Above this many addresses, windows that ended are dropped before adding one.
const PRUNE_AT: usize = 10_000;

impl RateLimiter {
    /// A limiter; `limit` 0 turns it off.
    pub fn new(limit: u32, window_secs: u32, clock: Clock) -> RateLimiter {
        RateLimiter {
            limit,
            window_secs: i64::from(window_secs.max(1)),
            clock,
            seen: Mutex::new(HashMap::new()),
        }
    }

    /// Counts a request from `key`: `Ok` when it may go on, `Err(seconds)` to wait.
    pub fn check(&self, key: &str) -> Result<(), i64> {
        if self.limit == 0 {
            return Ok(());
        }
        let now = self.clock.now();
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        if seen.len() >= PRUNE_AT && !seen.contains_key(key) {
            let w = self.window_secs;
            seen.retain(|_, (start, _)| now < *start + w);
        }
        let entry = seen.entry(key.to_string()).or_insert((now, 0));
        if now >= entry.0 + self.window_secs || now < entry.0 {
            *entry = (now, 0);
        }
        if entry.1 >= self.limit {
            return Err((entry.0 + self.window_secs - now).max(1));
        }
        entry.1 += 1;
        Ok(())
    }
}

/// Refuses an anonymous client over its limit with `429 Too Many Requests`, `Retry-After`
/// and the one error shape. The client is keyed by its address as the app reads it
/// everywhere (the configured source: the socket or a trusted proxy's header).
pub async fn rate_limit(req: Request, next: Next) -> Response {
    let Some(limiter) = req.extensions().get::<Arc<RateLimiter>>().cloned() else {
        return next.run(req).await;
    };
    let session = req
        .headers()
        .contains_key(header::COOKIE)
        .then(|| req.extensions().get::<Session>().cloned())
        .flatten();
    if signed_in(session).await {
        return next.run(req).await;
    }
    let (mut parts, body) = req.into_parts();
    let key = axum_client_ip::ClientIp::from_request_parts(&mut parts, &())
        .await
        .map(|c| c.0.to_string())
        .unwrap_or_else(|_| "unknown".to_string());
    let lang = parts
        .extensions
        .get::<Lang>()
        .copied()
        .unwrap_or_else(|| Lang::from_headers(&parts.headers));
    match limiter.check(&key) {
        Ok(()) => next.run(Request::from_parts(parts, body)).await,
        Err(wait) => {
            let mut res = error_response(
                StatusCode::TOO_MANY_REQUESTS,
                lang.t("error.too_many.title"),
                lang.tf("api.err.rate", &[("seconds", &wait.to_string())]),
                Vec::new(),
            );
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(wait));
            res
        }
    }
}

/// Whether the request's session is a signed-in user's (the caller passes it only when a
/// cookie came with the request, so anonymous clients cost no session look-up).
async fn signed_in(session: Option<Session>) -> bool {
    match session {
        Some(s) => matches!(s.get::<i64>(super::keys::USER_ID).await, Ok(Some(_))),
        None => false,
    }
}

/// The CORS policy of the API: any origin may read it with GET (it is public data; no
/// credentials are honoured), and may see the paging and caching headers.
pub fn cors() -> tower_http::cors::CorsLayer {
    use tower_http::cors::{AllowOrigin, CorsLayer};
    CorsLayer::new()
        .allow_origin(AllowOrigin::any())
        .allow_methods([Method::GET, Method::HEAD])
        .allow_headers([
            header::IF_NONE_MATCH,
            header::ACCEPT,
            header::ACCEPT_LANGUAGE,
        ])
        .expose_headers([
            header::LINK,
            header::ETAG,
            header::RETRY_AFTER,
            header::HeaderName::from_static("x-total-count"),
        ])
        .max_age(std::time::Duration::from_secs(3600))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paging_defaults_and_refusals() {
        assert_eq!(
            Paging::parse(None, Lang::En),
            Ok(Paging {
                page: 1,
                per_page: 20
            })
        );
        assert_eq!(
            Paging::parse(Some("page=3&per_page=100&x=1"), Lang::En),
            Ok(Paging {
                page: 3,
                per_page: 100
            })
        );
        let e = Paging::parse(Some("page=0&per_page=101"), Lang::En).unwrap_err();
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].param, "page");
        assert_eq!(e[1].param, "per_page");
        assert!(Paging::parse(Some("page=abc"), Lang::En).is_err());
        assert!(Paging::parse(Some("page=-1"), Lang::En).is_err());
    }

    #[test]
    fn link_header_keeps_filters_and_names_neighbours() {
        let p = Paging {
            page: 2,
            per_page: 10,
        };
        let l = link_header("/api/v1/tenders", Some("state=published&page=2"), p, 35);
        assert_eq!(
            l,
            "</api/v1/tenders?state=published&page=1&per_page=10>; rel=\"first\", \
             </api/v1/tenders?state=published&page=1&per_page=10>; rel=\"prev\", \
             </api/v1/tenders?state=published&page=3&per_page=10>; rel=\"next\", \
             </api/v1/tenders?state=published&page=4&per_page=10>; rel=\"last\""
        );
        let empty = link_header(
            "/x",
            None,
            Paging {
                page: 1,
                per_page: 20,
            },
            0,
        );
        assert_eq!(
            empty,
            "</x?page=1&per_page=20>; rel=\"first\", </x?page=1&per_page=20>; rel=\"last\""
        );
    }

    #[test]
    fn if_none_match_compares_weakly() {
        let tag = etag_of(b"{}");
        assert!(none_match(&tag, &tag));
        assert!(none_match(&format!("\"x\", W/{tag}"), &tag));
        assert!(none_match("*", &tag));
        assert!(!none_match("\"other\"", &tag));
    }

    #[test]
    fn limiter_counts_per_key_and_window() {
        let clock = Clock::fixed(1000);
        let l = RateLimiter::new(2, 60, clock.clone());
        assert_eq!(l.check("a"), Ok(()));
        assert_eq!(l.check("a"), Ok(()));
        assert_eq!(l.check("a"), Err(60));
        assert_eq!(l.check("b"), Ok(()));
        clock.advance(45);
        assert_eq!(l.check("a"), Err(15));
        clock.advance(15);
        assert_eq!(l.check("a"), Ok(()));
        assert_eq!(RateLimiter::new(0, 60, clock).check("a"), Ok(()));
    }
}
