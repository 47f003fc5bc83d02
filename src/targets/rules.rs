//! Pure rules of the policy targets: the 30% ledger cell (total, social, share, gap), the
//! roll-up of unit cells along the division tree, year-over-year trends, target statuses and
//! the what-if helper. Exact integer arithmetic in fen; shares in basis points only for
//! display, every comparison with a target is made on the exact fraction.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::kernel::Lang;
use crate::kernel::codes::code_enum;
use crate::kernel::error::FieldErrors;
use crate::kernel::money::Fen;

/// The policy's targets; configurable per deployment (DOMAIN.md: "keep them configurable per
/// year and region").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetSettings {
    /// Share of new service purchases bought from social organizations, basis points.
    pub social_share_bp: i64,
    /// Share of rated organizations holding 3A or higher, basis points.
    pub grade3a_bp: i64,
    /// Share of organizations with a clean credit record, basis points.
    pub clean_credit_bp: i64,
    /// Jobs stabilized or created by social organizations.
    pub jobs: i64,
    /// Brand service projects.
    pub brands: i64,
    /// Brand projects the region recognizes each year.
    pub brands_region_per_year: i64,
    /// Brand projects each league/city recognizes each year.
    pub brands_league_per_year: i64,
    /// Party organizations meeting the standard, basis points (target is "more than").
    pub party_bp: i64,
    /// Nationally influential organizations.
    pub national: i64,
}

impl Default for TargetSettings {
    fn default() -> Self {
        TargetSettings {
            social_share_bp: 3_000,
            grade3a_bp: 8_000,
            clean_credit_bp: 9_000,
            jobs: 100_000,
            brands: 100,
            brands_region_per_year: 10,
            brands_league_per_year: 5,
            party_bp: 8_000,
            national: 50,
        }
    }
}

/// One ledger row: signed, non-terminated contract value of one unit in one year, split by
/// whether the supplier is a social organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct LedgerRow {
    /// Asia/Shanghai year of signing.
    pub year: i32,
    /// Purchasing unit.
    pub unit_id: i64,
    /// Supplier is a social organization.
    pub social: bool,
    /// Sum of values.
    pub total: Fen,
    /// Number of contracts.
    pub contracts: i64,
}

/// The numbers of one scope in one year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, utoipa::ToSchema)]
pub struct Cell {
    /// All new service-purchase value, fen.
    #[schema(value_type = i64)]
    pub total: Fen,
    /// Of which bought from social organizations, fen.
    #[schema(value_type = i64)]
    pub social: Fen,
    /// Contracts behind `total`.
    pub contracts: i64,
}

impl Cell {
    /// Adds a ledger row.
    pub fn add(&mut self, r: &LedgerRow) {
        self.total += r.total;
        if r.social {
            self.social += r.total;
        }
        self.contracts += r.contracts;
    }

    /// Nothing was bought: the share is undefined ("no data"), never a division by zero.
    pub fn is_empty(&self) -> bool {
        self.total.0 == 0
    }

    /// The share in basis points, rounded half up; `None` without purchases.
    pub fn share_bp(&self) -> Option<i64> {
        ratio_bp(self.social.0, self.total.0)
    }

    /// Whether the share reaches the target, decided on the exact fraction.
    pub fn meets(&self, target_bp: i64) -> Option<bool> {
        (!self.is_empty()).then(|| {
            i128::from(self.social.0) * 10_000 >= i128::from(self.total.0) * i128::from(target_bp)
        })
    }

    /// How much more would have had to go to social organizations, with the total unchanged,
    /// to reach the target: `max(0, ceil(target × total) − social)`.
    pub fn gap(&self, target_bp: i64) -> Fen {
        (Fen(ceil_bp(self.total.0, target_bp)) - self.social).max(Fen(0))
    }
}

/// `ceil(amount × bp / 10000)` exactly.
pub fn ceil_bp(amount: i64, bp: i64) -> i64 {
    let n = i128::from(amount) * i128::from(bp);
    let q = n.div_euclid(10_000) + i128::from(n.rem_euclid(10_000) != 0);
    i64::try_from(q).unwrap_or(i64::MAX)
}

/// `part / whole` in basis points rounded half up; `None` when `whole` is zero.
pub fn ratio_bp(part: i64, whole: i64) -> Option<i64> {
    if whole <= 0 {
        return None;
    }
    let n = i128::from(part) * 20_000 + i128::from(whole);
    i64::try_from(n / (2 * i128::from(whole))).ok()
}

/// A basis-point share as a percentage with two decimals, e.g. `31.25%`.
pub fn percent(bp: i64) -> String {
    format!("{}.{:02}%", bp / 100, bp % 100)
}

/// The cell once one contract is taken out of it (a termination): its value leaves the
/// total, and the social part too when the supplier is a social organization.
pub fn without(cell: &Cell, social: bool, value: Fen) -> Cell {
    Cell {
        total: (cell.total - value).max(Fen(0)),
        social: if social {
            (cell.social - value).max(Fen(0))
        } else {
            cell.social
        },
        contracts: (cell.contracts - 1).max(0),
    }
}

/// Where a purchasing unit sits in the division tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitPlace {
    /// Name.
    pub name: String,
    /// Its banner/county, if at or below that level.
    pub county: Option<String>,
    /// Its league/city, if at or below that level.
    pub league: Option<String>,
}

/// A level of aggregation.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    /// The whole region.
    Region,
    /// A league/city by code.
    League(String),
    /// A banner/county by code.
    County(String),
    /// A purchasing unit by id.
    Unit(i64),
}

/// Every scope's cells per year.
#[derive(Debug, Clone, Default)]
pub struct Ledger {
    /// Years with any purchase, ascending.
    pub years: BTreeSet<i32>,
    cells: HashMap<Scope, BTreeMap<i32, Cell>>,
}

impl Ledger {
    /// Rolls unit rows up the tree: unit → its banner/county → league/city → region. A unit
    /// above a level (a league's bureau) counts in its league and the region only; a unit
    /// the map does not know counts in the region only.
    pub fn build(rows: &[LedgerRow], units: &HashMap<i64, UnitPlace>) -> Ledger {
        let mut l = Ledger::default();
        for r in rows {
            l.years.insert(r.year);
            let mut scopes = vec![Scope::Region, Scope::Unit(r.unit_id)];
            if let Some(p) = units.get(&r.unit_id) {
                if let Some(c) = &p.county {
                    scopes.push(Scope::County(c.clone()));
                }
                if let Some(g) = &p.league {
                    scopes.push(Scope::League(g.clone()));
                }
            }
            for s in scopes {
                l.cells
                    .entry(s)
                    .or_default()
                    .entry(r.year)
                    .or_default()
                    .add(r);
            }
        }
        l
    }

    /// The cell of a scope in a year (empty when nothing was bought).
    pub fn cell(&self, scope: &Scope, year: i32) -> Cell {
        self.cells
            .get(scope)
            .and_then(|m| m.get(&year))
            .copied()
            .unwrap_or_default()
    }

    /// The scope's cells for every year of the ledger, ascending (empty years included).
    pub fn series(&self, scope: &Scope) -> Vec<(i32, Cell)> {
        self.years
            .iter()
            .map(|y| (*y, self.cell(scope, *y)))
            .collect()
    }

    /// The latest year with purchases.
    pub fn latest_year(&self) -> Option<i32> {
        self.years.iter().next_back().copied()
    }
}

code_enum! {
    /// Direction of the share against the year before.
    #[derive(utoipa::ToSchema)]
    Trend => "targets.trend" {
        /// Higher share than the year before.
        Up = "up",
        /// Lower.
        Down = "down",
        /// The same.
        Flat = "flat",
        /// No comparison possible (either year without purchases).
        Unknown = "unknown",
    }
}

impl Trend {
    /// Compares two cells on their exact fractions.
    pub fn between(before: &Cell, now: &Cell) -> Trend {
        if before.is_empty() || now.is_empty() {
            return Trend::Unknown;
        }
        let a = i128::from(now.social.0) * i128::from(before.total.0);
        let b = i128::from(before.social.0) * i128::from(now.total.0);
        match a.cmp(&b) {
            std::cmp::Ordering::Greater => Trend::Up,
            std::cmp::Ordering::Less => Trend::Down,
            std::cmp::Ordering::Equal => Trend::Flat,
        }
    }

    /// An arrow for tables.
    pub fn arrow(self) -> &'static str {
        match self {
            Trend::Up => "↑",
            Trend::Down => "↓",
            Trend::Flat => "→",
            Trend::Unknown => "–",
        }
    }
}

code_enum! {
    /// Where a target stands.
    #[derive(utoipa::ToSchema)]
    Status => "targets.status" {
        /// Reached.
        Met = "met",
        /// Not reached.
        Below = "below",
        /// The platform holds no data for it yet.
        NoData = "no_data",
    }
}

/// A ratio target's status: met when `part / whole ≥ target` exactly.
pub fn ratio_status(part: i64, whole: i64, target_bp: i64) -> Status {
    if whole <= 0 {
        Status::NoData
    } else if i128::from(part) * 10_000 >= i128::from(whole) * i128::from(target_bp) {
        Status::Met
    } else {
        Status::Below
    }
}

/// A count target's status.
pub fn count_status(value: Option<i64>, target: i64) -> Status {
    match value {
        None => Status::NoData,
        Some(v) if v >= target => Status::Met,
        Some(_) => Status::Below,
    }
}

// ---------------------------------------------------------------------------------------
// What-if

/// What a buyer typed on the what-if form (yuan).
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct WhatIfForm {
    /// Unit id.
    #[serde(default)]
    pub unit_id: String,
    /// Planned new purchases this year, in yuan.
    #[serde(default)]
    pub planned_total: String,
    /// Of which planned from social organizations, in yuan.
    #[serde(default)]
    pub planned_social: String,
}

/// A validated what-if question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WhatIfInput {
    /// Unit.
    pub unit_id: i64,
    /// Planned new purchases.
    pub planned_total: Fen,
    /// Of which from social organizations.
    pub planned_social: Fen,
}

/// Checks the what-if form against the units the user buys for.
pub fn validate_what_if(
    f: &WhatIfForm,
    units: &[i64],
    lang: Lang,
) -> Result<WhatIfInput, FieldErrors> {
    let mut e = FieldErrors::default();
    let unit_id = f.unit_id.trim().parse::<i64>().ok();
    if !unit_id.is_some_and(|u| units.contains(&u)) {
        e.add("unit_id", lang.t("targets.err.unit"));
    }
    let total = Fen::parse_yuan(&f.planned_total);
    match total {
        None => e.add("planned_total", lang.t("targets.err.amount")),
        Some(t) if t.0 == 0 => e.add("planned_total", lang.t("targets.err.positive")),
        _ => {}
    }
    let social = if f.planned_social.trim().is_empty() {
        Some(Fen(0))
    } else {
        Fen::parse_yuan(&f.planned_social)
    };
    match (social, total) {
        (None, _) => e.add("planned_social", lang.t("targets.err.amount")),
        (Some(s), Some(t)) if t.0 > 0 && s > t => {
            e.add("planned_social", lang.t("targets.err.social_gt"))
        }
        _ => {}
    }
    e.into_result(WhatIfInput {
        unit_id: unit_id.unwrap_or(0),
        planned_total: total.unwrap_or_default(),
        planned_social: social.unwrap_or_default(),
    })
}

/// The answer to a what-if question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct WhatIfResult {
    /// The year so far plus the plan.
    pub after: Cell,
    /// Share the plan would reach, basis points.
    pub reached_bp: Option<i64>,
    /// Whether it meets the target.
    pub met: bool,
    /// Of the planned purchases, the least that must go to social organizations for the year
    /// to reach the target.
    pub required_social: Fen,
    /// How much more than planned must go to social organizations (zero when the plan
    /// suffices).
    pub extra_needed: Fen,
    /// Whether the target can be reached within the planned purchases at all.
    pub reachable: bool,
}

/// The share a unit's year would reach with the plan, and what it takes to reach the target.
pub fn what_if(current: &Cell, input: &WhatIfInput, target_bp: i64) -> WhatIfResult {
    let after = Cell {
        total: current.total + input.planned_total,
        social: current.social + input.planned_social,
        contracts: current.contracts,
    };
    let required = (Fen(ceil_bp(after.total.0, target_bp)) - current.social).max(Fen(0));
    WhatIfResult {
        after,
        reached_bp: after.share_bp(),
        met: after.meets(target_bp).unwrap_or(false),
        required_social: required,
        extra_needed: (required - input.planned_social).max(Fen(0)),
        reachable: required <= input.planned_total,
    }
}

/// One CSV field (RFC 4180): quoted when it holds a comma, quote or line break; and a text
/// that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, a tab or a
/// carriage return, and not a plain number) gets a leading `'`, since names in these files are
/// typed by whoever registers an organization or a unit.
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

/// One CSV record of these fields, ending in CRLF.
pub fn csv_line(fields: &[String]) -> String {
    let mut s = fields
        .iter()
        .map(|f| csv_field(f))
        .collect::<Vec<_>>()
        .join(",");
    s.push_str("\r\n");
    s
}

// ---------------------------------------------------------------------------------------
// Targets from annual reports

/// A "more than" ratio target's status (party building: > 80%): met when
/// `part / whole > target` exactly.
pub fn above_status(part: i64, whole: i64, target_bp: i64) -> Status {
    if whole <= 0 {
        Status::NoData
    } else if i128::from(part) * 10_000 > i128::from(whole) * i128::from(target_bp) {
        Status::Met
    } else {
        Status::Below
    }
}

/// Accepted annual reports summed over one year and place, as `regulation` hands them out:
/// year, league/city, banner/county, sums.
pub type ReportCell = (i32, Option<String>, Option<String>, ReportTally);

pub use crate::regulation::ReportTally;

/// Where a sum of reports is taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportScope {
    /// The whole region.
    Region,
    /// One league/city.
    League(String),
    /// One banner/county.
    County(String),
}

/// The sums of the reports of one year within a scope.
pub fn report_sum(cells: &[ReportCell], year: i32, scope: &ReportScope) -> ReportTally {
    let mut t = ReportTally::default();
    for (y, league, county, c) in cells {
        let inside = match scope {
            ReportScope::Region => true,
            ReportScope::League(l) => league.as_deref() == Some(l),
            ReportScope::County(k) => county.as_deref() == Some(k),
        };
        if *y == year && inside {
            t.reporting += c.reporting;
            t.party += c.party;
            t.party_standard += c.party_standard;
            t.jobs = t.jobs.saturating_add(c.jobs);
            t.volunteers = t.volunteers.saturating_add(c.volunteers);
        }
    }
    t
}

/// The years with accepted reports, newest first.
pub fn report_years(cells: &[ReportCell]) -> Vec<i32> {
    let set: BTreeSet<i32> = cells.iter().map(|c| c.0).collect();
    set.into_iter().rev().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn taking_a_contract_out_lowers_or_raises_the_share() {
        let cell = Cell {
            total: Fen(1_000),
            social: Fen(400),
            contracts: 3,
        };
        let social_out = without(&cell, true, Fen(200));
        assert_eq!(social_out.share_bp(), Some(2_500));
        assert_eq!(social_out.contracts, 2);
        let other_out = without(&cell, false, Fen(200));
        assert_eq!(other_out.share_bp(), Some(5_000));
        let last = Cell {
            total: Fen(500),
            social: Fen(500),
            contracts: 1,
        };
        let empty = without(&last, true, Fen(500));
        assert!(empty.is_empty());
        assert_eq!(empty.share_bp(), None);
    }

    #[test]
    fn csv_fields_are_quoted_and_never_formulas() {
        assert_eq!(csv_field("呼和浩特市民政局"), "呼和浩特市民政局");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(
            csv_field("=HYPERLINK(\"http://x\")"),
            "\"'=HYPERLINK(\"\"http://x\"\")\""
        );
        assert_eq!(csv_field("+1+cmd"), "'+1+cmd");
        assert_eq!(csv_field("-2+3"), "'-2+3");
        assert_eq!(csv_field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_field("\t=1"), "'\t=1");
        assert_eq!(csv_field("\r=1"), "\"'\r=1\"");
        // Numbers stay numbers.
        assert_eq!(csv_field("-12.50"), "-12.50");
        assert_eq!(csv_field("+3"), "+3");
        assert_eq!(csv_field("30.00"), "30.00");
        assert_eq!(
            csv_line(&["a".to_string(), "=1".to_string(), "-1".to_string()]),
            "a,'=1,-1\r\n"
        );
    }

    fn row(year: i32, unit_id: i64, social: bool, yuan: i64) -> LedgerRow {
        LedgerRow {
            year,
            unit_id,
            social,
            total: Fen(yuan * 100),
            contracts: 1,
        }
    }

    fn place(county: Option<&str>, league: Option<&str>) -> UnitPlace {
        UnitPlace {
            name: String::new(),
            county: county.map(str::to_string),
            league: league.map(str::to_string),
        }
    }

    #[test]
    fn share_gap_and_status_are_exact() {
        let c = Cell {
            total: Fen(1_000),
            social: Fen(299),
            contracts: 2,
        };
        assert_eq!(c.share_bp(), Some(2_990));
        assert_eq!(c.meets(3_000), Some(false));
        assert_eq!(c.gap(3_000), Fen(1));
        let c = Cell {
            total: Fen(1_001),
            social: Fen(300),
            contracts: 2,
        };
        // 300/1001 = 29.97%; ceil(300.3) = 301 → 1 fen short.
        assert_eq!(c.share_bp(), Some(2_997));
        assert_eq!(c.gap(3_000), Fen(1));
        assert_eq!(c.meets(3_000), Some(false));
        let c = Cell {
            total: Fen(3),
            social: Fen(1),
            contracts: 1,
        };
        // 33.33% rounds half up to 3333 bp.
        assert_eq!(c.share_bp(), Some(3_333));
        assert_eq!(c.gap(3_000), Fen(0));
        assert_eq!(c.meets(3_000), Some(true));
        // 2/3 → 6666.67 → 6667.
        assert_eq!(ratio_bp(2, 3), Some(6_667));
        assert_eq!(ratio_bp(1, 20_000), Some(1), "0.5 bp rounds up");
    }

    #[test]
    fn an_empty_cell_has_no_share_and_no_gap() {
        let c = Cell::default();
        assert!(c.is_empty());
        assert_eq!(c.share_bp(), None);
        assert_eq!(c.meets(3_000), None);
        assert_eq!(c.gap(3_000), Fen(0));
        assert_eq!(ratio_status(0, 0, 8_000), Status::NoData);
    }

    #[test]
    fn ceil_bp_rounds_up_only_remainders() {
        assert_eq!(ceil_bp(100, 3_000), 30);
        assert_eq!(ceil_bp(101, 3_000), 31);
        assert_eq!(ceil_bp(0, 3_000), 0);
        assert_eq!(ceil_bp(i64::MAX / 2, 10_000), i64::MAX / 2);
    }

    #[test]
    fn large_values_do_not_overflow() {
        let c = Cell {
            total: Fen(i64::MAX / 2),
            social: Fen(i64::MAX / 4),
            contracts: 1,
        };
        assert_eq!(c.share_bp(), Some(5_000));
        assert_eq!(c.gap(3_000), Fen(0));
    }

    #[test]
    fn roll_ups_follow_the_division_tree() {
        let units = HashMap::from([
            (1, place(Some("150102"), Some("150100"))),
            (2, place(Some("150103"), Some("150100"))),
            (3, place(None, Some("150100"))),
            (4, place(None, None)),
            (5, place(Some("150202"), Some("150200"))),
        ]);
        let rows = [
            row(2025, 1, true, 300),
            row(2025, 1, false, 700),
            row(2025, 2, false, 1_000),
            row(2025, 3, true, 500),
            row(2025, 4, true, 100),
            row(2026, 5, false, 100),
            row(2026, 9, true, 50),
        ];
        let l = Ledger::build(&rows, &units);
        let yuan = |c: Cell| (c.total.0 / 100, c.social.0 / 100, c.contracts);
        assert_eq!(yuan(l.cell(&Scope::Unit(1), 2025)), (1_000, 300, 2));
        assert_eq!(
            yuan(l.cell(&Scope::County("150102".into()), 2025)),
            (1_000, 300, 2)
        );
        assert_eq!(
            yuan(l.cell(&Scope::County("150103".into()), 2025)),
            (1_000, 0, 1)
        );
        // The league bureau counts in its league, not in any banner.
        assert_eq!(
            yuan(l.cell(&Scope::League("150100".into()), 2025)),
            (2_500, 800, 4)
        );
        assert_eq!(yuan(l.cell(&Scope::Region, 2025)), (2_600, 900, 5));
        // An unknown unit counts in the region only.
        assert_eq!(yuan(l.cell(&Scope::Region, 2026)), (150, 50, 2));
        assert_eq!(
            yuan(l.cell(&Scope::League("150200".into()), 2026)),
            (100, 0, 1)
        );
        assert!(l.cell(&Scope::Unit(2), 2026).is_empty());
        assert_eq!(
            l.years.iter().copied().collect::<Vec<_>>(),
            vec![2025, 2026]
        );
        assert_eq!(l.latest_year(), Some(2026));
        let s = l.series(&Scope::Unit(1));
        assert_eq!(s.len(), 2);
        assert!(s[1].1.is_empty());
        // Shares and gaps at each level.
        let county = l.cell(&Scope::County("150102".into()), 2025);
        assert_eq!(
            (county.share_bp(), county.gap(3_000)),
            (Some(3_000), Fen(0))
        );
        let league = l.cell(&Scope::League("150100".into()), 2025);
        assert_eq!(league.share_bp(), Some(3_200));
        let other = l.cell(&Scope::County("150103".into()), 2025);
        assert_eq!(other.gap(3_000), Fen(30_000));
    }

    #[test]
    fn trends_compare_exact_fractions() {
        let a = Cell {
            total: Fen(3),
            social: Fen(1),
            contracts: 1,
        };
        let b = Cell {
            total: Fen(6),
            social: Fen(2),
            contracts: 1,
        };
        let c = Cell {
            total: Fen(10),
            social: Fen(4),
            contracts: 1,
        };
        assert_eq!(Trend::between(&a, &b), Trend::Flat);
        assert_eq!(Trend::between(&a, &c), Trend::Up);
        assert_eq!(Trend::between(&c, &a), Trend::Down);
        assert_eq!(Trend::between(&Cell::default(), &a), Trend::Unknown);
        assert_eq!(Trend::between(&a, &Cell::default()), Trend::Unknown);
    }

    #[test]
    fn statuses() {
        assert_eq!(ratio_status(8, 10, 8_000), Status::Met);
        assert_eq!(ratio_status(7, 10, 8_000), Status::Below);
        assert_eq!(count_status(None, 100), Status::NoData);
        assert_eq!(count_status(Some(100), 100), Status::Met);
        assert_eq!(count_status(Some(99), 100), Status::Below);
        assert_eq!(percent(3_125), "31.25%");
        assert_eq!(percent(5), "0.05%");
    }

    #[test]
    fn what_if_answers_share_and_required_amount() {
        let cur = Cell {
            total: Fen(100_000),
            social: Fen(10_000),
            contracts: 3,
        };
        let input = WhatIfInput {
            unit_id: 1,
            planned_total: Fen(100_000),
            planned_social: Fen(20_000),
        };
        let r = what_if(&cur, &input, 3_000);
        assert_eq!(r.after.total, Fen(200_000));
        assert_eq!(r.reached_bp, Some(1_500));
        assert!(!r.met);
        // 30% of 200,000 = 60,000; 10,000 already → 50,000 of the plan; 30,000 more.
        assert_eq!(r.required_social, Fen(50_000));
        assert_eq!(r.extra_needed, Fen(30_000));
        assert!(r.reachable);
        // A plan that cannot reach it.
        let small = WhatIfInput {
            planned_total: Fen(10_000),
            planned_social: Fen(10_000),
            ..input
        };
        let r = what_if(&cur, &small, 3_000);
        assert_eq!(r.required_social, Fen(23_000));
        assert!(!r.reachable);
        // Already above: nothing required.
        let rich = Cell {
            total: Fen(100),
            social: Fen(100),
            contracts: 1,
        };
        let r = what_if(
            &rich,
            &WhatIfInput {
                unit_id: 1,
                planned_total: Fen(100),
                planned_social: Fen(0),
            },
            3_000,
        );
        assert_eq!(
            (r.required_social, r.extra_needed, r.met),
            (Fen(0), Fen(0), true)
        );
        // A year without purchases so far.
        let r = what_if(
            &Cell::default(),
            &WhatIfInput {
                unit_id: 1,
                planned_total: Fen(1_001),
                planned_social: Fen(300),
            },
            3_000,
        );
        assert_eq!((r.required_social, r.extra_needed), (Fen(301), Fen(1)));
    }

    #[test]
    fn what_if_form_validation() {
        let ok = WhatIfForm {
            unit_id: "3".into(),
            planned_total: "1,000,000".into(),
            planned_social: "250000.5".into(),
        };
        let v = validate_what_if(&ok, &[3], Lang::Zh).unwrap();
        assert_eq!(
            (v.unit_id, v.planned_total, v.planned_social),
            (3, Fen(100_000_000), Fen(25_000_050))
        );
        let blank_social = WhatIfForm {
            planned_social: " ".into(),
            ..ok.clone()
        };
        assert_eq!(
            validate_what_if(&blank_social, &[3], Lang::Zh)
                .unwrap()
                .planned_social,
            Fen(0)
        );
        let fields = |f: &WhatIfForm| {
            validate_what_if(f, &[3], Lang::En)
                .unwrap_err()
                .0
                .into_iter()
                .map(|(k, _)| k)
                .collect::<Vec<_>>()
        };
        let bad = WhatIfForm {
            unit_id: "4".into(),
            planned_total: "-5".into(),
            planned_social: "abc".into(),
        };
        assert_eq!(
            fields(&bad),
            vec!["unit_id", "planned_total", "planned_social"]
        );
        let zero = WhatIfForm {
            planned_total: "0".into(),
            ..ok.clone()
        };
        assert_eq!(fields(&zero), vec!["planned_total"]);
        let over = WhatIfForm {
            planned_social: "2000000".into(),
            ..ok
        };
        assert_eq!(fields(&over), vec!["planned_social"]);
    }

    #[test]
    fn report_sums_follow_the_scope_and_year() {
        let t = |n, p, s, j| ReportTally {
            reporting: n,
            party: p,
            party_standard: s,
            jobs: j,
            volunteers: 0,
        };
        let cells: Vec<ReportCell> = vec![
            (
                2025,
                Some("150100".into()),
                Some("150102".into()),
                t(4, 4, 3, 40),
            ),
            (
                2025,
                Some("150100".into()),
                Some("150103".into()),
                t(1, 0, 0, 5),
            ),
            (
                2025,
                Some("150200".into()),
                Some("150202".into()),
                t(5, 4, 2, 50),
            ),
            (
                2024,
                Some("150100".into()),
                Some("150102".into()),
                t(9, 1, 1, 90),
            ),
            (2025, None, None, t(1, 1, 1, 1)),
        ];
        assert_eq!(
            report_sum(&cells, 2025, &ReportScope::Region),
            t(11, 9, 6, 96)
        );
        assert_eq!(
            report_sum(&cells, 2025, &ReportScope::League("150100".into())),
            t(5, 4, 3, 45)
        );
        assert_eq!(
            report_sum(&cells, 2025, &ReportScope::County("150102".into())),
            t(4, 4, 3, 40)
        );
        assert_eq!(
            report_sum(&cells, 2023, &ReportScope::Region),
            t(0, 0, 0, 0)
        );
        assert_eq!(report_years(&cells), vec![2025, 2024]);
    }

    #[test]
    fn party_building_must_be_above_the_target() {
        assert_eq!(
            above_status(8, 10, 8_000),
            Status::Below,
            "80% is not more than 80%"
        );
        assert_eq!(above_status(81, 100, 8_000), Status::Met);
        assert_eq!(above_status(0, 0, 8_000), Status::NoData);
    }
}
