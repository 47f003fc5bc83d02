//! `code_enum!`: a state or kind enum whose variants are stored as short text codes, with
//! `ALL`, `code()` and `parse()` generated once so the stored codes and the enum can never
//! drift apart. Used by every room that persists states.

/// Declares a `Copy` enum with a stored text code per variant.
macro_rules! code_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident = $c:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
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
