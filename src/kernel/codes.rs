//! `code_enum!`: a state or kind enum whose variants are stored as short text codes, with
//! `ALL`, `code()`, `parse()` and (given a locale prefix) `label()` generated once, so the
//! stored codes, the enum and the locale keys can never drift apart. Used by every room that
//! persists states or kinds.

/// Declares a `Copy` enum with a stored text code per variant. With `=> "prefix"` after the
/// name it also gets `label(lang)`, the translation of `prefix.<code>`.
macro_rules! code_enum {
    ($(#[$m:meta])* $name:ident => $prefix:literal { $($body:tt)* }) => {
        code_enum!($(#[$m])* $name { $($body)* });
        impl $name {
            /// Localized name.
            pub fn label(self, lang: $crate::kernel::Lang) -> String {
                lang.t(&format!(concat!($prefix, ".{}"), self.code()))
            }
        }
    };
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident = $c:literal),+ $(,)? }) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
        $(#[$m])*
        pub enum $name { $($(#[$vm])* $v),+ }
        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$v),+];
            /// Stored code.
            pub fn code(self) -> &'static str { match self { $($name::$v => $c),+ } }
            /// Parses a stored code.
            pub fn parse(s: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|v| v.code() == s)
            }
        }
    };
}

pub(crate) use code_enum;
