//! Languages. A page's language follows `?lang=`, then the `lang` cookie, then
//! `Accept-Language`, and defaults to Chinese. All user-facing text goes through the locale
//! files in `src/locales/` (loaded by `rust-i18n` at compile time).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};

use crate::kernel::Lang;

impl Lang {
    /// Resolves the language of a request without a `?lang=` override.
    pub fn from_headers(headers: &HeaderMap) -> Lang {
        if let Some(l) = cookie(headers, "lang").and_then(|v| Lang::parse(&v)) {
            return l;
        }
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.split(',')
                    .filter_map(|part| Lang::parse(part.split(';').next().unwrap_or("")))
                    .next()
            })
            .unwrap_or_default()
    }
}

/// Reads one cookie value from the request headers.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// The `lang` query parameter, if present and valid.
pub fn query_lang(query: Option<&str>) -> Option<Lang> {
    query?
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == "lang")
        .and_then(|(_, v)| Lang::parse(v))
}

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        // The language middleware resolves once per request; fall back for routers without it.
        Ok(parts.extensions.get::<Lang>().copied().unwrap_or_else(|| {
            query_lang(parts.uri.query()).unwrap_or_else(|| Lang::from_headers(&parts.headers))
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::{HeaderMap, header};

    #[test]
    fn header_resolution() {
        let mut h = HeaderMap::new();
        assert_eq!(Lang::from_headers(&h), Lang::Zh);
        h.insert(header::ACCEPT_LANGUAGE, "en-US,en;q=0.9".parse().unwrap());
        assert_eq!(Lang::from_headers(&h), Lang::En);
        h.insert(header::COOKIE, "a=b; lang=zh-CN".parse().unwrap());
        assert_eq!(Lang::from_headers(&h), Lang::Zh);
        assert_eq!(query_lang(Some("page=2&lang=en")), Some(Lang::En));
        assert_eq!(query_lang(Some("lang=fr")), None);
    }
}
