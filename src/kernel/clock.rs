//! The injectable clock: every "now" in the application comes from here, so deadline
//! behaviour is tested by moving a clock instead of sleeping.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use time::{OffsetDateTime, UtcOffset};

/// Asia/Shanghai has had no daylight saving since 1991: a fixed +08:00 is exact.
pub const SHANGHAI: UtcOffset = match UtcOffset::from_hms(8, 0, 0) {
    Ok(o) => o,
    Err(_) => UtcOffset::UTC,
};

/// A source of the current UTC instant.
#[derive(Debug, Clone)]
pub enum Clock {
    /// The system clock.
    System,
    /// A settable clock for tests, in Unix seconds.
    Fixed(Arc<AtomicI64>),
}

impl Clock {
    /// A test clock starting at `unix_seconds`.
    pub fn fixed(unix_seconds: i64) -> Clock {
        Clock::Fixed(Arc::new(AtomicI64::new(unix_seconds)))
    }

    /// Now, in Unix seconds (UTC).
    pub fn now(&self) -> i64 {
        match self {
            Clock::System => OffsetDateTime::now_utc().unix_timestamp(),
            Clock::Fixed(t) => t.load(Ordering::SeqCst),
        }
    }

    /// Now as a date-time in UTC.
    pub fn now_utc(&self) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(self.now()).unwrap_or(OffsetDateTime::UNIX_EPOCH)
    }

    /// Today's date in Asia/Shanghai.
    pub fn today(&self) -> time::Date {
        shanghai_date(self.now())
    }

    /// Moves a fixed clock forward; no effect on the system clock.
    pub fn advance(&self, seconds: i64) {
        if let Clock::Fixed(t) = self {
            t.fetch_add(seconds, Ordering::SeqCst);
        }
    }
}

/// The date in Asia/Shanghai at a Unix instant.
pub fn shanghai_date(unix_seconds: i64) -> time::Date {
    OffsetDateTime::from_unix_timestamp(unix_seconds)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
        .to_offset(SHANGHAI)
        .date()
}

/// The Asia/Shanghai calendar year of an instant (the year a contract counts in).
pub fn shanghai_year(unix_seconds: i64) -> i32 {
    shanghai_date(unix_seconds).year()
}

/// Parses a `datetime-local` form value (`YYYY-MM-DDTHH:MM`, a space also accepted) as
/// Asia/Shanghai time, the one way every form with a deadline or a window reads it.
pub fn parse_local(s: &str) -> Option<i64> {
    let s = s.trim().replace(' ', "T");
    let fmt = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]");
    let dt = time::PrimitiveDateTime::parse(&s, &fmt).ok()?;
    Some(dt.assume_offset(SHANGHAI).unix_timestamp())
}

/// Formats an instant for a `datetime-local` field in Asia/Shanghai time (the inverse of
/// [`parse_local`] to the minute).
pub fn format_local(unix: i64) -> String {
    display_instant(unix).replace(' ', "T")
}

/// Formats a Unix instant for display in Asia/Shanghai, e.g. `2026-11-27 13:32`.
pub fn display_instant(unix_seconds: i64) -> String {
    let t = OffsetDateTime::from_unix_timestamp(unix_seconds)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
        .to_offset(SHANGHAI);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_clock_moves_only_when_told() {
        let c = Clock::fixed(1_000);
        assert_eq!(c.now(), 1_000);
        c.advance(60);
        assert_eq!(c.now(), 1_060);
    }

    #[test]
    fn shanghai_display_and_date() {
        // 2026-11-27 16:30 UTC is 2026-11-28 00:30 in Shanghai.
        let t = time::macros::datetime!(2026-11-27 16:30 UTC).unix_timestamp();
        assert_eq!(display_instant(t), "2026-11-28 00:30");
        assert_eq!(Clock::fixed(t).today(), time::macros::date!(2026 - 11 - 28));
    }

    #[test]
    fn years_and_dates_are_shanghai() {
        // 2026-12-31 16:00 UTC is already 2027-01-01 in Shanghai.
        let t = time::macros::datetime!(2026-12-31 16:00 UTC).unix_timestamp();
        assert_eq!(shanghai_year(t), 2027);
        assert_eq!(shanghai_year(t - 1), 2026);
        assert_eq!(shanghai_date(t), time::macros::date!(2027 - 01 - 01));
        assert_eq!(shanghai_date(t - 1), time::macros::date!(2026 - 12 - 31));
    }
}
