//! Free text as users type it: which characters a field may hold and how long it may be.
//! Every room's rules check their text fields with [`check`] (limits kept in one table per
//! room), so a NUL never reaches the database (PostgreSQL refuses it in text, which would be
//! a 500) and no field is unbounded.

use super::Lang;
use super::error::FieldErrors;

/// What a text field holds, deciding which characters it may contain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// One line (a title, a reference, a search query): no control character at all, and
    /// no line or paragraph separator.
    Line,
    /// The name of a person, organization or unit: a line, and also none of the invisible
    /// marks that reorder text (a right-to-left override makes one name look like another).
    Name,
    /// Several lines (a description, a reason): control characters other than line feed,
    /// carriage return and tab are refused.
    Multi,
}

/// Why a text was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// It holds a character the field may not (NUL, another control character, …).
    Control,
    /// It has more characters (not bytes) than allowed, after trimming.
    TooLong {
        /// The limit.
        max: usize,
    },
}

impl Refusal {
    /// The message shown next to the field.
    pub fn message(self, lang: Lang) -> String {
        match self {
            Refusal::Control => lang.t("text.err.control"),
            Refusal::TooLong { max } => lang.tf("form.too_long", &[("max", &max.to_string())]),
        }
    }
}

/// Invisible marks that change the order text is shown in (Unicode bidi controls).
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// Whether `c` may appear in a field of this kind.
pub fn allowed(c: char, kind: Kind) -> bool {
    let line = !c.is_control() && !matches!(c, '\u{2028}' | '\u{2029}');
    match kind {
        Kind::Line => line,
        Kind::Name => line && !is_bidi_control(c),
        Kind::Multi => matches!(c, '\n' | '\r' | '\t') || (!c.is_control()),
    }
}

/// Checks a text: its characters, then its length in characters once trimmed.
pub fn refusal(value: &str, kind: Kind, max: usize) -> Option<Refusal> {
    if !value.chars().all(|c| allowed(c, kind)) {
        Some(Refusal::Control)
    } else if value.trim().chars().count() > max {
        Some(Refusal::TooLong { max })
    } else {
        None
    }
}

/// Checks a text field and adds the message to `e` when it is refused; true when it passed.
/// Fields that already carry a message keep only their first one, so this can run before or
/// after a field's own checks.
pub fn check(
    e: &mut FieldErrors,
    field: &'static str,
    value: &str,
    kind: Kind,
    max: usize,
    lang: Lang,
) -> bool {
    match refusal(value, kind, max) {
        None => true,
        Some(r) => {
            if e.get(field).is_none() {
                e.add(field, r.message(lang));
            }
            false
        }
    }
}

/// The same check for a handler that shows one message: `Err(message)` when refused.
pub fn checked(value: &str, kind: Kind, max: usize, lang: Lang) -> Result<(), String> {
    refusal(value, kind, max).map_or(Ok(()), |r| Err(r.message(lang)))
}

/// A page number as typed in a list's query: a number from 1, anything else 1; past the last
/// page (of `total` rows, `per_page` a page), the last; 1 when there are none.
pub fn page_number(asked: &str, total: u64, per_page: u64) -> u64 {
    let pages = total.div_ceil(per_page.max(1)).max(1);
    asked.trim().parse::<u64>().unwrap_or(1).clamp(1, pages)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typed_page_is_a_number_within_the_pages() {
        assert_eq!(page_number("", 0, 50), 1);
        assert_eq!(page_number("3", 0, 50), 1);
        assert_eq!(page_number("2", 51, 50), 2);
        assert_eq!(page_number(" 2 ", 51, 50), 2);
        assert_eq!(page_number("3", 100, 50), 2);
        assert_eq!(page_number("0", 100, 50), 1);
        assert_eq!(page_number("-1", 100, 50), 1);
        assert_eq!(page_number("two", 100, 50), 1);
        assert_eq!(page_number("99999999999999999999999", 100, 50), 1);
        // No division by zero: a page size of 0 counts as 1.
        assert_eq!(page_number("2", 100, 0), 2);
    }

    #[test]
    fn controls_by_kind() {
        for c in [
            '\0', '\u{1}', '\u{7}', '\u{1b}', '\u{7f}', '\u{85}', '\u{9f}',
        ] {
            for k in [Kind::Line, Kind::Name, Kind::Multi] {
                assert!(!allowed(c, k), "{c:?} {k:?}");
            }
        }
        for c in ['\n', '\r', '\t'] {
            assert!(allowed(c, Kind::Multi));
            assert!(!allowed(c, Kind::Line));
            assert!(!allowed(c, Kind::Name));
        }
        for c in ['\u{2028}', '\u{2029}'] {
            assert!(!allowed(c, Kind::Line) && !allowed(c, Kind::Name));
            assert!(allowed(c, Kind::Multi));
        }
        for c in ['\u{202E}', '\u{2066}', '\u{200F}', '\u{061C}'] {
            assert!(!allowed(c, Kind::Name), "{c:?}");
            assert!(allowed(c, Kind::Line) && allowed(c, Kind::Multi));
        }
        for c in ['a', ' ', '养', '·', '（', '€', '\u{3000}', '😀'] {
            for k in [Kind::Line, Kind::Name, Kind::Multi] {
                assert!(allowed(c, k), "{c:?} {k:?}");
            }
        }
    }

    #[test]
    fn length_counts_characters_not_bytes_after_trimming() {
        assert_eq!(refusal(&"养".repeat(10), Kind::Line, 10), None);
        assert_eq!(
            refusal(&"养".repeat(11), Kind::Line, 10),
            Some(Refusal::TooLong { max: 10 })
        );
        assert_eq!(
            refusal(&format!("  {}  ", "a".repeat(10)), Kind::Line, 10),
            None
        );
        // A control character is named before the length.
        assert_eq!(
            refusal(&format!("{}\0", "a".repeat(20)), Kind::Multi, 10),
            Some(Refusal::Control)
        );
        assert_eq!(refusal("a\nb", Kind::Multi, 10), None);
        assert_eq!(refusal("a\nb", Kind::Line, 10), Some(Refusal::Control));
    }

    #[test]
    fn check_adds_one_message_per_field() {
        let mut e = FieldErrors::default();
        assert!(check(&mut e, "a", "ok", Kind::Line, 5, Lang::En));
        assert!(!check(&mut e, "a", "x\0", Kind::Line, 5, Lang::En));
        assert!(!check(&mut e, "a", "toolong", Kind::Line, 5, Lang::En));
        assert_eq!(e.0.len(), 1);
        assert_eq!(e.get("a"), Some(Lang::En.t("text.err.control").as_str()));
        assert_eq!(
            checked("toolong", Kind::Line, 5, Lang::En),
            Err(Lang::En.tf("form.too_long", &[("max", "5")]))
        );
    }
}
