//! Money as an integer number of fen (1 yuan = 100 fen); never floating point.

use std::fmt;

/// An amount in fen.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    serde::Serialize,
    serde::Deserialize,
)]
pub struct Fen(pub i64);

impl Fen {
    /// Parses what a user typed in yuan: `12345`, `12,345.6`, `￥12345.67`, `12 345.00`.
    /// At most two decimals; no negatives; at most 10^12 yuan.
    pub fn parse_yuan(s: &str) -> Option<Fen> {
        let cleaned: String = s
            .trim()
            .trim_start_matches(['¥', '￥'])
            .chars()
            .filter(|c| !matches!(c, ',' | ' ' | '，'))
            .collect();
        let (int, frac) = match cleaned.split_once('.') {
            Some((i, f)) => (i, f),
            None => (cleaned.as_str(), ""),
        };
        if int.is_empty() || int.len() > 13 || frac.len() > 2 {
            return None;
        }
        if !int.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let yuan: i64 = int.parse().ok()?;
        let fen_part: i64 = if frac.is_empty() {
            0
        } else {
            format!("{frac:0<2}").parse().ok()?
        };
        yuan.checked_mul(100)?.checked_add(fen_part).map(Fen)
    }

    /// The amount as a plain decimal string for form fields, e.g. `12345.60`.
    pub fn to_input(self) -> String {
        format!("{}.{:02}", self.0 / 100, (self.0 % 100).abs())
    }

    /// `percent_bp` basis points (1/100 of a percent) of this amount, rounded half up.
    pub fn share_bp(self, percent_bp: i64) -> Fen {
        Fen((self.0 * percent_bp + 5_000) / 10_000)
    }
}

impl fmt::Display for Fen {
    /// `¥12,345.60`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let neg = self.0 < 0;
        let abs = self.0.unsigned_abs();
        let yuan = (abs / 100).to_string();
        let mut grouped = String::new();
        for (i, c) in yuan.chars().enumerate() {
            if i > 0 && (yuan.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(c);
        }
        write!(
            f,
            "{}¥{}.{:02}",
            if neg { "-" } else { "" },
            grouped,
            abs % 100
        )
    }
}

/// Splits `total` into parts by basis points so that the parts add up to the total exactly:
/// every part is rounded down and the remainder goes to the last part.
pub fn split_by_bp(total: Fen, bps: &[i64]) -> Vec<Fen> {
    let mut parts: Vec<Fen> = bps.iter().map(|bp| Fen(total.0 * bp / 10_000)).collect();
    let assigned: i64 = parts.iter().map(|p| p.0).sum();
    if let Some(last) = parts.last_mut() {
        last.0 += total.0 - assigned;
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_what_people_type() {
        assert_eq!(Fen::parse_yuan("12345"), Some(Fen(1_234_500)));
        assert_eq!(Fen::parse_yuan("12,345.6"), Some(Fen(1_234_560)));
        assert_eq!(Fen::parse_yuan("￥12345.67"), Some(Fen(1_234_567)));
        assert_eq!(Fen::parse_yuan(" 0.05 "), Some(Fen(5)));
        for bad in [
            "",
            "-1",
            "1.234",
            "abc",
            "1e5",
            "12.3.4",
            ".5",
            "99999999999999",
        ] {
            assert_eq!(Fen::parse_yuan(bad), None, "{bad}");
        }
    }

    #[test]
    fn displays_grouped_yuan() {
        assert_eq!(Fen(1_234_567).to_string(), "¥12,345.67");
        assert_eq!(Fen(5).to_string(), "¥0.05");
        assert_eq!(Fen(100_000_000).to_string(), "¥1,000,000.00");
        assert_eq!(Fen(-250).to_string(), "-¥2.50");
        assert_eq!(Fen(1_234_560).to_input(), "12345.60");
    }

    #[test]
    fn splits_exactly() {
        let parts = split_by_bp(Fen(100_001), &[3_000, 3_000, 4_000]);
        assert_eq!(parts, vec![Fen(30_000), Fen(30_000), Fen(40_001)]);
        assert_eq!(parts.iter().map(|p| p.0).sum::<i64>(), 100_001);
        assert_eq!(Fen(10_000).share_bp(3_333), Fen(3_333));
    }
}
