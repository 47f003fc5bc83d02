//! Languages and translation. All user-facing text goes through the locale files in
//! `src/locales/` (loaded by `rust-i18n` at compile time); a page's language is resolved from
//! the request in `web::i18n`.

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
        rust_i18n::t!(key, locale = self.code()).into_owned()
    }

    /// Translates a key and fills `%{name}` placeholders.
    pub fn tf(self, key: &str, args: &[(&str, &str)]) -> String {
        let mut s = self.t(key);
        for (k, v) in args {
            s = s.replace(&format!("%{{{k}}}"), v);
        }
        s
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
}
