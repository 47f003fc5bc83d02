//! Pure KPI arithmetic: quarters as Asia/Shanghai instants, the figures of one incubator and
//! their sums, occupancy and service hours, roll-ups by level and league/city, and the CSV
//! lines of the quarterly report. No I/O, no clock.

use std::collections::BTreeMap;

use crate::kernel::money::Fen;

/// Seconds in a day.
const DAY: i64 = 86_400;
/// Asia/Shanghai is UTC+8 all year (no daylight saving).
const SHANGHAI_OFFSET: i64 = 8 * 3_600;

/// A calendar quarter in Asia/Shanghai.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Quarter {
    /// Calendar year.
    pub year: i32,
    /// 1–4.
    pub q: u8,
}

impl Quarter {
    /// The quarter containing a date.
    pub fn of(date: time::Date) -> Quarter {
        Quarter {
            year: date.year(),
            q: (u8::from(date.month()) - 1) / 3 + 1,
        }
    }

    /// The quarter typed in a query (`year`, `quarter` 1–4), each part falling back to
    /// `default`'s when absent or not a number in range.
    pub fn parse(year: &str, quarter: &str, default: Quarter) -> Quarter {
        let year = year
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|y| (2000..=2200).contains(y))
            .unwrap_or(default.year);
        let q = quarter
            .trim()
            .parse::<u8>()
            .ok()
            .filter(|q| (1..=4).contains(q))
            .unwrap_or(default.q);
        Quarter { year, q }
    }

    /// `[start, end)` in Unix seconds: midnight in Asia/Shanghai on the quarter's first day
    /// and on the next quarter's first day.
    pub fn bounds(self) -> (i64, i64) {
        let first = |year: i32, month0: u8| -> i64 {
            let month = time::Month::try_from(month0 + 1).unwrap_or(time::Month::January);
            let d = time::Date::from_calendar_date(year, month, 1)
                .unwrap_or(time::Date::MIN)
                .midnight()
                .assume_utc()
                .unix_timestamp();
            d - SHANGHAI_OFFSET
        };
        let start = first(self.year, (self.q - 1) * 3);
        let end = if self.q == 4 {
            first(self.year + 1, 0)
        } else {
            first(self.year, self.q * 3)
        };
        (start, end)
    }

    /// Days in the quarter (90–92).
    pub fn days(self) -> i64 {
        let (s, e) = self.bounds();
        (e - s) / DAY
    }

    /// `2026Q3`, for file names and CSV.
    pub fn label(self) -> String {
        format!("{}Q{}", self.year, self.q)
    }
}

/// The figures of one incubator (or a sum of several) for one quarter.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Figures {
    /// Applications submitted in the quarter.
    pub applications: i64,
    /// Tenants admitted in the quarter.
    pub admissions: i64,
    /// Tenants in residence at the quarter's end.
    pub residents: i64,
    /// Of those, registered organizations (a USCC, an organization record).
    pub registered: i64,
    /// Tenants graduated in the quarter.
    pub graduations: i64,
    /// Rooms and desks (what can be allocated).
    pub spaces: i64,
    /// Seconds of room and desk allocations inside the quarter.
    pub allocated_secs: i64,
    /// Seconds the rooms and desks were available: `spaces × quarter length`.
    pub available_secs: i64,
    /// Trainings held in the quarter.
    pub trainings: i64,
    /// Attendances of those trainings (one per tenant and training).
    pub attendance: i64,
    /// Σ training minutes × attending tenants.
    pub training_minutes: i64,
    /// Guidance sessions held in the quarter.
    pub guidance: i64,
    /// Σ guidance minutes.
    pub guidance_minutes: i64,
    /// Contracts signed in the quarter by tenants and graduates.
    pub contracts: i64,
    /// Their value.
    pub contract_value: Fen,
    /// Grants won by tenants and graduates; `None` while no grants face exists.
    pub grants: Option<i64>,
    /// Their value.
    pub grant_value: Option<Fen>,
    /// Staff (full- and part-time) in the latest accepted annual reports of tenants in
    /// residence that are registered organizations.
    pub staff: i64,
    /// Venture-philanthropy support given to tenants in the quarter (services log).
    pub vp_support: i64,
    /// Σ its minutes (part of the service hours).
    pub vp_minutes: i64,
    /// Σ the money handed over with it.
    pub vp_amount: Fen,
}

fn add_opt<T: std::ops::Add<Output = T>>(a: Option<T>, b: Option<T>) -> Option<T> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a + b),
        (a, None) => a,
        (None, b) => b,
    }
}

impl Figures {
    /// The sum of two incubators' figures (occupancy is recomputed from the sums, never
    /// averaged).
    pub fn add(&self, o: &Figures) -> Figures {
        Figures {
            applications: self.applications + o.applications,
            admissions: self.admissions + o.admissions,
            residents: self.residents + o.residents,
            registered: self.registered + o.registered,
            graduations: self.graduations + o.graduations,
            spaces: self.spaces + o.spaces,
            allocated_secs: self.allocated_secs + o.allocated_secs,
            available_secs: self.available_secs + o.available_secs,
            trainings: self.trainings + o.trainings,
            attendance: self.attendance + o.attendance,
            training_minutes: self.training_minutes + o.training_minutes,
            guidance: self.guidance + o.guidance,
            guidance_minutes: self.guidance_minutes + o.guidance_minutes,
            contracts: self.contracts + o.contracts,
            contract_value: Fen(self.contract_value.0.saturating_add(o.contract_value.0)),
            grants: add_opt(self.grants, o.grants),
            grant_value: add_opt(self.grant_value.map(|f| f.0), o.grant_value.map(|f| f.0))
                .map(Fen),
            staff: self.staff + o.staff,
            vp_support: self.vp_support + o.vp_support,
            vp_minutes: self.vp_minutes + o.vp_minutes,
            vp_amount: Fen(self.vp_amount.0.saturating_add(o.vp_amount.0)),
        }
    }

    /// Occupancy in basis points (allocated ÷ available, rounded half up); `None` without
    /// rooms or desks.
    pub fn occupancy_bp(&self) -> Option<i64> {
        ratio_bp(self.allocated_secs, self.available_secs)
    }

    /// Service minutes: trainings counted once per attending tenant, plus guidance and
    /// venture-philanthropy support.
    pub fn service_minutes(&self) -> i64 {
        self.training_minutes + self.guidance_minutes + self.vp_minutes
    }
}

/// `part ÷ whole` in basis points, rounded half up; `None` when `whole` is not positive.
pub fn ratio_bp(part: i64, whole: i64) -> Option<i64> {
    (whole > 0).then(|| {
        let v = (i128::from(part) * 10_000 + i128::from(whole) / 2) / i128::from(whole);
        i64::try_from(v).unwrap_or(i64::MAX)
    })
}

/// Basis points as a percentage with two decimals: `1234` → `12.34`.
pub fn bp_percent(bp: i64) -> String {
    format!("{}.{:02}", bp / 100, bp % 100)
}

/// Minutes as hours with two decimals: `90` → `1.50` (exact to the hundredth, rounded half
/// up).
pub fn minutes_hours(minutes: i64) -> String {
    let hundredths = (minutes * 100 + 30) / 60;
    format!("{}.{:02}", hundredths / 100, hundredths % 100)
}

/// One incubator's figures with what the roll-up groups by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// Incubator.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Level code (`regions::Level::code()`).
    pub level: String,
    /// League/city code, if any.
    pub league: Option<String>,
    /// Its figures.
    pub figures: Figures,
}

/// The rows summed per key (rows whose key is `None` go under `""`), in key order.
pub fn group_by<F: Fn(&Row) -> Option<String>>(rows: &[Row], key: F) -> BTreeMap<String, Figures> {
    let mut out: BTreeMap<String, Figures> = BTreeMap::new();
    for r in rows {
        let e = out.entry(key(r).unwrap_or_default()).or_default();
        *e = e.add(&r.figures);
    }
    out
}

/// The sum of every row.
pub fn total(rows: &[Row]) -> Figures {
    rows.iter()
        .fold(Figures::default(), |acc, r| acc.add(&r.figures))
}

/// One CSV field (RFC 4180), with a leading `'` on text a spreadsheet would run as a formula
/// (names are typed by applicants). The same rule as the dashboard's CSV.
pub fn csv_field(s: &str) -> String {
    let formula = s.starts_with(['=', '+', '-', '@', '\t', '\r']) && s.parse::<f64>().is_err();
    let s = if formula {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// One CSV record, ending in CRLF.
pub fn csv_line(fields: &[String]) -> String {
    let mut s = fields
        .iter()
        .map(|f| csv_field(f))
        .collect::<Vec<_>>()
        .join(",");
    s.push_str("\r\n");
    s
}

/// The report's columns, in order: locale key suffixes (`kpi.col.*`) and whether the
/// column is money (yuan with two decimals) or a percentage.
pub const COLUMNS: [(&str, Cell); 18] = [
    ("applications", Cell::Count),
    ("admissions", Cell::Count),
    ("residents", Cell::Count),
    ("registered", Cell::Count),
    ("graduations", Cell::Count),
    ("occupancy", Cell::Percent),
    ("service_hours", Cell::Hours),
    ("trainings", Cell::Count),
    ("attendance", Cell::Count),
    ("guidance", Cell::Count),
    ("guidance_hours", Cell::Hours),
    ("contracts", Cell::Count),
    ("contract_value", Cell::Money),
    ("grants", Cell::Count),
    ("grant_value", Cell::Money),
    ("staff", Cell::Count),
    ("vp_support", Cell::Count),
    ("vp_amount", Cell::Money),
];

/// How a column's values are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell {
    /// A whole number.
    Count,
    /// A percentage with two decimals (from basis points).
    Percent,
    /// Hours with two decimals (from minutes).
    Hours,
    /// Yuan with two decimals (from fen).
    Money,
}

/// A column's value: `None` when it has none (no space, no grants face).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value {
    /// A count.
    Count(i64),
    /// Basis points.
    Percent(i64),
    /// Minutes.
    Hours(i64),
    /// Fen.
    Money(Fen),
}

impl Value {
    /// As text for CSV and the page: plain numbers, no thousands separators.
    pub fn text(self) -> String {
        match self {
            Value::Count(n) => n.to_string(),
            Value::Percent(bp) => bp_percent(bp),
            Value::Hours(m) => minutes_hours(m),
            Value::Money(f) => f.to_input(),
        }
    }

    /// As a number for a spreadsheet cell (exact for counts; two decimals otherwise).
    pub fn number(self) -> f64 {
        match self {
            Value::Count(n) => n as f64,
            Value::Percent(bp) => bp as f64 / 100.0,
            Value::Hours(m) => ((m * 100 + 30) / 60) as f64 / 100.0,
            Value::Money(f) => f.0 as f64 / 100.0,
        }
    }
}

/// The values of [`COLUMNS`] for these figures, in order.
pub fn values(f: &Figures) -> [Option<Value>; 18] {
    [
        Some(Value::Count(f.applications)),
        Some(Value::Count(f.admissions)),
        Some(Value::Count(f.residents)),
        Some(Value::Count(f.registered)),
        Some(Value::Count(f.graduations)),
        f.occupancy_bp().map(Value::Percent),
        Some(Value::Hours(f.service_minutes())),
        Some(Value::Count(f.trainings)),
        Some(Value::Count(f.attendance)),
        Some(Value::Count(f.guidance)),
        Some(Value::Hours(f.guidance_minutes)),
        Some(Value::Count(f.contracts)),
        Some(Value::Money(f.contract_value)),
        f.grants.map(Value::Count),
        f.grant_value.map(Value::Money),
        Some(Value::Count(f.staff)),
        Some(Value::Count(f.vp_support)),
        Some(Value::Money(f.vp_amount)),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarters_are_shanghai_midnights() {
        let q = Quarter { year: 2026, q: 1 };
        // 2026-01-01T00:00+08:00 = 2025-12-31T16:00Z.
        assert_eq!(q.bounds(), (1_767_196_800, 1_774_972_800));
        assert_eq!(q.days(), 90);
        assert_eq!(Quarter { year: 2024, q: 1 }.days(), 91);
        assert_eq!(Quarter { year: 2026, q: 3 }.days(), 92);
        let q4 = Quarter { year: 2026, q: 4 };
        assert_eq!(q4.bounds().1, Quarter { year: 2027, q: 1 }.bounds().0);
        assert_eq!(q4.label(), "2026Q4");
        for q in 1..4 {
            let a = Quarter { year: 2026, q };
            let b = Quarter {
                year: 2026,
                q: q + 1,
            };
            assert_eq!(a.bounds().1, b.bounds().0);
        }
    }

    #[test]
    fn quarter_of_a_date_and_parsing() {
        use time::macros::date;
        assert_eq!(
            Quarter::of(date!(2026 - 03 - 31)),
            Quarter { year: 2026, q: 1 }
        );
        assert_eq!(
            Quarter::of(date!(2026 - 04 - 01)),
            Quarter { year: 2026, q: 2 }
        );
        assert_eq!(
            Quarter::of(date!(2026 - 12 - 31)),
            Quarter { year: 2026, q: 4 }
        );
        let d = Quarter { year: 2026, q: 2 };
        assert_eq!(Quarter::parse("2025", "4", d), Quarter { year: 2025, q: 4 });
        assert_eq!(Quarter::parse("", "", d), d);
        assert_eq!(Quarter::parse("x", "5", d), d);
        assert_eq!(Quarter::parse("1999", "0", d), d);
        assert_eq!(
            Quarter::parse(" 2024 ", "1", d),
            Quarter { year: 2024, q: 1 }
        );
    }

    #[test]
    fn ratios_round_half_up_and_need_a_whole() {
        assert_eq!(ratio_bp(1, 3), Some(3_333));
        assert_eq!(ratio_bp(2, 3), Some(6_667));
        assert_eq!(ratio_bp(0, 5), Some(0));
        assert_eq!(ratio_bp(5, 5), Some(10_000));
        assert_eq!(ratio_bp(5, 0), None);
        assert_eq!(ratio_bp(i64::MAX, 1), Some(i64::MAX));
        assert_eq!(bp_percent(1_234), "12.34");
        assert_eq!(bp_percent(5), "0.05");
        assert_eq!(minutes_hours(90), "1.50");
        assert_eq!(minutes_hours(0), "0.00");
        assert_eq!(minutes_hours(20), "0.33");
        assert_eq!(minutes_hours(40), "0.67");
    }

    fn figs(residents: i64, allocated: i64, available: i64) -> Figures {
        Figures {
            residents,
            allocated_secs: allocated,
            available_secs: available,
            training_minutes: 120,
            guidance_minutes: 30,
            vp_minutes: 15,
            vp_support: 1,
            vp_amount: Fen(500),
            contract_value: Fen(150),
            ..Default::default()
        }
    }

    #[test]
    fn sums_recompute_occupancy_and_keep_missing_grants_missing() {
        let a = figs(2, 10, 100);
        let b = figs(3, 90, 100);
        let s = a.add(&b);
        assert_eq!(s.residents, 5);
        assert_eq!(s.occupancy_bp(), Some(5_000));
        assert_eq!(a.occupancy_bp(), Some(1_000));
        assert_eq!(s.service_minutes(), 330);
        assert_eq!((s.vp_support, s.vp_amount), (2, Fen(1_000)));
        assert_eq!(s.contract_value, Fen(300));
        assert_eq!(s.grants, None);
        let g = Figures {
            grants: Some(2),
            grant_value: Some(Fen(7)),
            ..Default::default()
        };
        assert_eq!(s.add(&g).grants, Some(2));
        assert_eq!(g.add(&g).grant_value, Some(Fen(14)));
        assert_eq!(Figures::default().occupancy_bp(), None);
    }

    #[test]
    fn roll_ups_group_by_key() {
        let row = |id, level: &str, league: Option<&str>, r| Row {
            id,
            name: format!("n{id}"),
            level: level.into(),
            league: league.map(str::to_string),
            figures: figs(r, 0, 0),
        };
        let rows = vec![
            row(1, "region", None, 1),
            row(2, "league_city", Some("1501"), 2),
            row(3, "banner_county", Some("1501"), 4),
            row(4, "banner_county", Some("1502"), 8),
        ];
        let by_level = group_by(&rows, |r| Some(r.level.clone()));
        assert_eq!(by_level["banner_county"].residents, 12);
        assert_eq!(by_level.len(), 3);
        let by_league = group_by(&rows, |r| r.league.clone());
        assert_eq!(by_league[""].residents, 1);
        assert_eq!(by_league["1501"].residents, 6);
        assert_eq!(by_league["1502"].residents, 8);
        assert_eq!(total(&rows).residents, 15);
        assert_eq!(total(&[]), Figures::default());
    }

    #[test]
    fn values_follow_the_columns() {
        let f = Figures {
            applications: 3,
            allocated_secs: 1,
            available_secs: 4,
            contract_value: Fen(123_456),
            ..figs(2, 1, 4)
        };
        let v = values(&f);
        assert_eq!(v.len(), COLUMNS.len());
        assert_eq!(v[0], Some(Value::Count(3)));
        assert_eq!(v[5].map(Value::text).as_deref(), Some("25.00"));
        assert_eq!(v[6].map(Value::text).as_deref(), Some("2.75"));
        assert_eq!(v[17].map(Value::text).as_deref(), Some("5.00"));
        assert_eq!(v[12].map(Value::text).as_deref(), Some("1234.56"));
        assert_eq!(v[12].map(Value::number), Some(1234.56));
        assert_eq!(v[13], None);
        for (i, (_, cell)) in COLUMNS.iter().enumerate() {
            if let Some(val) = v[i] {
                let kind = match val {
                    Value::Count(_) => Cell::Count,
                    Value::Percent(_) => Cell::Percent,
                    Value::Hours(_) => Cell::Hours,
                    Value::Money(_) => Cell::Money,
                };
                assert_eq!(kind, *cell, "column {i}");
            }
        }
        assert_eq!(Value::Hours(90).number(), 1.5);
        assert_eq!(Value::Percent(1_234).number(), 12.34);
    }

    #[test]
    fn csv_quotes_and_defuses_formulas() {
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=1+1"), "'=1+1");
        assert_eq!(csv_field("-12.5"), "-12.5");
        assert_eq!(csv_line(&["x".into(), "1".into()]), "x,1\r\n");
    }
}
