//! Languages. A page's language follows `?lang=`, then the `lang` cookie, then
//! `Accept-Language`, and defaults to Chinese. All user-facing text goes through the locale
//! files in `src/locales/` (loaded by `rust-i18n` at compile time).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};

/// A supported interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub enum Lang {
    /// Simplified Chinese, the default.
    #[default]
    Zh,
    /// English.
    En,
}

impl Lang {
    /// BCP 47 tag, also the locale file name.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// Parses a tag loosely (`zh`, `zh-CN`, `zh_cn`, `en`, `en-US`, …).
    pub fn parse(s: &str) -> Option<Lang> {
        let s = s.trim().to_ascii_lowercase();
        if s.starts_with("zh") {
            Some(Lang::Zh)
        } else if s.starts_with("en") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// The other language, for the switch link.
    pub fn other(self) -> Lang {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }

    /// Translates a key.
    pub fn t(self, key: &str) -> String {
        crate::_rust_i18n_translate(self.code(), key).into_owned()
    }

    /// Translates a key and fills `%{name}` placeholders.
    pub fn tf(self, key: &str, args: &[(&str, &str)]) -> String {
        let mut s = self.t(key);
        for (k, v) in args {
            s = s.replace(&format!("%{{{k}}}"), v);
        }
        s
    }

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
    use std::collections::BTreeSet;

    fn keys(file: &str) -> BTreeSet<String> {
        file.lines()
            .filter(|l| !l.starts_with('#') && !l.starts_with("_version") && l.contains(':'))
            .map(|l| l.split_once(':').unwrap().0.trim().to_string())
            .collect()
    }

    #[test]
    fn both_locales_have_the_same_keys() {
        let zh = keys(include_str!("../locales/zh-CN.yml"));
        let en = keys(include_str!("../locales/en.yml"));
        let only_zh: Vec<_> = zh.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&zh).collect();
        assert!(
            only_zh.is_empty() && only_en.is_empty(),
            "zh only: {only_zh:?}; en only: {only_en:?}"
        );
    }

    #[test]
    fn translates_and_fills() {
        assert_eq!(Lang::Zh.t("nav.orgs"), "社会组织");
        assert_eq!(Lang::En.t("nav.orgs"), "Organizations");
        assert_eq!(
            Lang::En.tf("uscc.bad_length", &[("len", "17")]),
            Lang::En.t("uscc.bad_length").replace("%{len}", "17")
        );
    }

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
