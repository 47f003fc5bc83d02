//! Photos of an incubator, the pure part: how many, the caption's limits, and how a move
//! (up, down, to the cover) reorders them.

use crate::kernel::Lang;
use crate::kernel::error::FieldErrors;
use crate::kernel::text::{self, Kind};

/// The most photos an incubator shows.
pub const MAX_PHOTOS: u64 = 8;

/// The longest caption, in characters.
pub const CAPTION: usize = 120;

/// Checks a caption (optional; one line): the trimmed text, or the message next to the field.
pub fn validate_caption(caption: &str, lang: Lang) -> Result<String, FieldErrors> {
    let mut e = FieldErrors::default();
    text::check(&mut e, "caption", caption, Kind::Line, CAPTION, lang);
    e.into_result(caption.trim().to_string())
}

/// Where a photo goes in the incubator's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    /// One place earlier.
    Up,
    /// One place later.
    Down,
    /// First: the cover shown in the directory.
    Cover,
}

impl Move {
    /// Reads the form's value (`up`, `down`, `cover`).
    pub fn parse(s: &str) -> Option<Move> {
        match s.trim() {
            "up" => Some(Move::Up),
            "down" => Some(Move::Down),
            "cover" => Some(Move::Cover),
            _ => None,
        }
    }

    /// The code in forms and the audit log.
    pub fn code(self) -> &'static str {
        match self {
            Move::Up => "up",
            Move::Down => "down",
            Move::Cover => "cover",
        }
    }
}

/// The order after moving `id` (`order` is the current one, first the cover); `None` when
/// `id` is not in it or the move changes nothing (the first moved up or made the cover, the
/// last moved down).
pub fn reorder(order: &[i64], id: i64, m: Move) -> Option<Vec<i64>> {
    let at = order.iter().position(|x| *x == id)?;
    let mut out = order.to_vec();
    match m {
        Move::Up | Move::Cover if at == 0 => return None,
        Move::Up => out.swap(at, at - 1),
        Move::Down if at + 1 == out.len() => return None,
        Move::Down => out.swap(at, at + 1),
        Move::Cover => {
            let x = out.remove(at);
            out.insert(0, x);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_reorder_and_refuse_what_changes_nothing() {
        let o = [10, 20, 30, 40];
        assert_eq!(reorder(&o, 30, Move::Up), Some(vec![10, 30, 20, 40]));
        assert_eq!(reorder(&o, 20, Move::Down), Some(vec![10, 30, 20, 40]));
        assert_eq!(reorder(&o, 40, Move::Cover), Some(vec![40, 10, 20, 30]));
        assert_eq!(reorder(&o, 20, Move::Cover), Some(vec![20, 10, 30, 40]));
        assert_eq!(reorder(&o, 10, Move::Up), None);
        assert_eq!(reorder(&o, 10, Move::Cover), None);
        assert_eq!(reorder(&o, 40, Move::Down), None);
        assert_eq!(reorder(&o, 99, Move::Up), None);
        assert_eq!(reorder(&[], 1, Move::Cover), None);
        assert_eq!(reorder(&[5], 5, Move::Down), None);
    }

    #[test]
    fn moves_parse_from_their_codes() {
        for m in [Move::Up, Move::Down, Move::Cover] {
            assert_eq!(Move::parse(m.code()), Some(m));
        }
        assert_eq!(Move::parse("first"), None);
    }

    #[test]
    fn captions_are_one_bounded_line() {
        assert_eq!(validate_caption("  活动室  ", Lang::Zh).unwrap(), "活动室");
        assert_eq!(validate_caption("", Lang::Zh).unwrap(), "");
        assert!(validate_caption("a\nb", Lang::Zh).is_err());
        assert!(validate_caption(&"字".repeat(CAPTION + 1), Lang::Zh).is_err());
        assert!(validate_caption(&"字".repeat(CAPTION), Lang::Zh).is_ok());
    }
}
