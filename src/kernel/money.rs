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

    /// `percent_bp` basis points (1/100 of a percent) of this amount, rounded half up
    /// (computed in 128 bits, so no amount overflows on the way).
    pub fn share_bp(self, percent_bp: i64) -> Fen {
        let v = (i128::from(self.0) * i128::from(percent_bp) + 5_000) / 10_000;
        Fen(i64::try_from(v).unwrap_or(if v < 0 { i64::MIN } else { i64::MAX }))
    }

    /// The sum, or `None` beyond what an `i64` of fen holds.
    pub fn checked_add(self, o: Fen) -> Option<Fen> {
        self.0.checked_add(o.0).map(Fen)
    }

    /// The difference, or `None` beyond what an `i64` of fen holds.
    pub fn checked_sub(self, o: Fen) -> Option<Fen> {
        self.0.checked_sub(o.0).map(Fen)
    }
}

// Sums and differences of amounts saturate at the bounds of `i64` (about ¥9.2 × 10^16):
// a single amount is capped at ¥10^12 when typed, so no real total gets there, and should a
// corrupt row make one try, a page shows the bound instead of panicking on the request path
// or wrapping to a negative total. Use `checked_add`/`checked_sub` to refuse instead.
impl std::ops::Add for Fen {
    type Output = Fen;
    fn add(self, o: Fen) -> Fen {
        Fen(self.0.saturating_add(o.0))
    }
}

impl std::ops::AddAssign for Fen {
    fn add_assign(&mut self, o: Fen) {
        *self = *self + o;
    }
}

impl std::ops::Sub for Fen {
    type Output = Fen;
    fn sub(self, o: Fen) -> Fen {
        Fen(self.0.saturating_sub(o.0))
    }
}

impl std::ops::SubAssign for Fen {
    fn sub_assign(&mut self, o: Fen) {
        *self = *self - o;
    }
}

impl std::iter::Sum for Fen {
    fn sum<I: Iterator<Item = Fen>>(iter: I) -> Fen {
        iter.fold(Fen(0), |a, b| a + b)
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
    let floor = |bp: i64| {
        let v = i128::from(total.0) * i128::from(bp) / 10_000;
        Fen(i64::try_from(v).unwrap_or(if v < 0 { i64::MIN } else { i64::MAX }))
    };
    let mut parts: Vec<Fen> = bps.iter().map(|&bp| floor(bp)).collect();
    let assigned: Fen = parts.iter().copied().sum();
    if let Some(last) = parts.last_mut() {
        *last += total - assigned;
    }
    parts
}

#[cfg(test)]
mod tests {
    #[test]
    fn arithmetic_saturates_and_checked_refuses() {
        assert_eq!(Fen(250) + Fen(50), Fen(300));
        assert_eq!(Fen(250) - Fen(300), Fen(-50));
        let mut f = Fen(1);
        f += Fen(2);
        f -= Fen(1);
        assert_eq!(f, Fen(2));
        assert_eq!([Fen(1), Fen(2), Fen(3)].into_iter().sum::<Fen>(), Fen(6));
        assert_eq!(Fen(i64::MAX) + Fen(1), Fen(i64::MAX));
        assert_eq!(Fen(i64::MIN) - Fen(1), Fen(i64::MIN));
        assert_eq!(Fen(i64::MAX).checked_add(Fen(1)), None);
        assert_eq!(Fen(i64::MIN).checked_sub(Fen(1)), None);
        assert_eq!(Fen(7).checked_sub(Fen(2)), Some(Fen(5)));
        assert_eq!(Fen(i64::MAX).share_bp(10_000), Fen(i64::MAX));
        assert_eq!(Fen(i64::MAX).share_bp(20_000), Fen(i64::MAX));
    }

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
