//! Pure regulation rules: the annual report's states and their one transition function, the
//! filing deadline and timeliness, the validation of a report (numbers that must add up,
//! the year that may be filed), of a review and of a penalty. No I/O, no clock: "now" and
//! "this year" come in as arguments.

use time::{Date, Month, UtcOffset};

use crate::kernel::Lang;
use crate::kernel::codes::code_enum;
use crate::kernel::error::FieldErrors;
use crate::kernel::money::Fen;
use crate::kernel::text::{self, Kind};

/// The longest each free-text field of this room's forms may be, in characters: the one
/// place these limits are set.
pub mod limits {
    /// The activities of the year (annual report).
    pub const ACTIVITIES: usize = 5_000;
    /// Changes of key people (annual report).
    pub const KEY_CHANGES: usize = 2_000;
    /// A regulator's reasons for returning a report.
    pub const REASON: usize = 1_000;
    /// A penalty's legal basis.
    pub const LEGAL_BASIS: usize = 300;
    /// A penalty's decision text.
    pub const DECISION: usize = 3_000;
}

/// The most people a report may state in one staff field (a typo guard, not a policy).
pub const MAX_PEOPLE: i64 = 1_000_000;

/// The earliest year a report may be filed for.
pub const FIRST_YEAR: i32 = 2000;

/// Settings that vary by locality.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegulationSettings {
    /// Month of the following year by which a year's report is due (default May).
    pub deadline_month: u8,
    /// Day of that month (default 31): the report is due by the end of that day,
    /// Asia/Shanghai.
    pub deadline_day: u8,
}

impl Default for RegulationSettings {
    fn default() -> Self {
        RegulationSettings {
            deadline_month: 5,
            deadline_day: 31,
        }
    }
}

impl RegulationSettings {
    /// Parses `MM-DD` (`CIVICBRIDGE_REPORT_DEADLINE`), e.g. `05-31`. February 29 is
    /// refused: it would not exist most years.
    pub fn parse_deadline(s: &str) -> Result<RegulationSettings, String> {
        let bad = || format!("report deadline must be MM-DD, e.g. 05-31 (got {s:?})");
        let (m, d) = s.trim().split_once('-').ok_or_else(bad)?;
        let m: u8 = m.parse().map_err(|_| bad())?;
        let d: u8 = d.parse().map_err(|_| bad())?;
        let month = Month::try_from(m).map_err(|_| bad())?;
        // 2023 is not a leap year: a day valid there is valid every year.
        Date::from_calendar_date(2023, month, d).map_err(|_| bad())?;
        Ok(RegulationSettings {
            deadline_month: m,
            deadline_day: d,
        })
    }

    /// The instant a year's report is due: the end of the deadline day of the following
    /// year, Asia/Shanghai, as Unix seconds.
    pub fn deadline(&self, year: i32) -> i64 {
        let month = Month::try_from(self.deadline_month).unwrap_or(Month::May);
        let day =
            Date::from_calendar_date(year + 1, month, self.deadline_day).unwrap_or_else(|_| {
                Date::from_calendar_date(year + 1, Month::May, 31).unwrap_or(Date::MIN)
            });
        let next = day.next_day().unwrap_or(day);
        let offset = UtcOffset::from_hms(8, 0, 0).unwrap_or(UtcOffset::UTC);
        next.midnight().assume_offset(offset).unix_timestamp()
    }

    /// The deadline day as shown, e.g. `2026-05-31`.
    pub fn deadline_day_label(&self, year: i32) -> String {
        crate::kernel::clock::shanghai_date(self.deadline(year) - 1).to_string()
    }
}

code_enum! {
    /// Where an annual report stands.
    #[serde(rename_all = "snake_case")]
    ReportState => "regulation.state" {
        /// Being written by the organization; only its members see it.
        Draft = "draft",
        /// Filed, waiting for the regulator.
        Submitted = "submitted",
        /// Accepted by the regulator: counts for the targets.
        Accepted = "accepted",
        /// Sent back with reasons; the organization corrects and resubmits.
        Returned = "returned",
    }
}

/// What can happen to a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportEvent {
    /// The organization saves its changes.
    Save,
    /// The organization files (or refiles) it.
    Submit,
    /// The regulator accepts it.
    Accept,
    /// The regulator returns it with reasons.
    Return,
}

/// A transition that is not allowed from the current state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IllegalTransition {
    /// The state it was in.
    pub from: ReportState,
    /// What was tried.
    pub event: ReportEvent,
}

impl IllegalTransition {
    /// The message shown to the user.
    pub fn message(self, lang: Lang) -> String {
        lang.tf(
            "regulation.err.transition",
            &[("state", &self.from.label(lang))],
        )
    }
}

impl ReportState {
    /// The one transition function: the state after `event`, or why not.
    pub fn apply(self, event: ReportEvent) -> Result<ReportState, IllegalTransition> {
        use ReportEvent as E;
        use ReportState as S;
        match (self, event) {
            (S::Draft | S::Returned, E::Save) => Ok(self),
            (S::Draft | S::Returned, E::Submit) => Ok(S::Submitted),
            (S::Submitted, E::Accept) => Ok(S::Accepted),
            (S::Submitted, E::Return) => Ok(S::Returned),
            (from, event) => Err(IllegalTransition { from, event }),
        }
    }

    /// Whether the organization may still change it.
    pub fn editable(self) -> bool {
        self.apply(ReportEvent::Save).is_ok()
    }
}

/// How a year's report stands against its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Timeliness {
    /// Filed by the deadline.
    OnTime,
    /// Filed after the deadline.
    Late,
    /// Not filed, and the deadline has passed.
    Overdue,
    /// Not filed yet, still within the deadline.
    Open,
}

impl Timeliness {
    /// Stored/CSS code.
    pub fn code(self) -> &'static str {
        match self {
            Timeliness::OnTime => "on_time",
            Timeliness::Late => "late",
            Timeliness::Overdue => "overdue",
            Timeliness::Open => "open",
        }
    }

    /// Localized label.
    pub fn label(self, lang: Lang) -> String {
        lang.t(&format!("regulation.timeliness.{}", self.code()))
    }
}

/// Timeliness from the first filing (a resubmission after a return keeps the first date:
/// the organization met its obligation then) against the deadline.
pub fn timeliness(first_submitted_at: Option<i64>, deadline: i64, now: i64) -> Timeliness {
    match first_submitted_at {
        Some(t) if t <= deadline => Timeliness::OnTime,
        Some(_) => Timeliness::Late,
        None if now > deadline => Timeliness::Overdue,
        None => Timeliness::Open,
    }
}

/// The years an organization may file for today: from its registration year (or
/// [`FIRST_YEAR`]) up to last year (a year is reported once it has ended), newest first.
pub fn fileable_years(registration_year: i32, this_year: i32) -> Vec<i32> {
    let first = registration_year.max(FIRST_YEAR);
    (first..this_year).rev().collect()
}

/// What an organization typed in its annual report (all as text, kept on a 422).
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ReportForm {
    /// The year reported on (only when filing a new report).
    #[serde(default)]
    pub year: String,
    /// Total income, yuan.
    #[serde(default)]
    pub income: String,
    /// Total expenses, yuan.
    #[serde(default)]
    pub expense: String,
    /// Program (business activity) costs, yuan.
    #[serde(default)]
    pub expense_program: String,
    /// Management costs, yuan.
    #[serde(default)]
    pub expense_admin: String,
    /// Fundraising costs, yuan.
    #[serde(default)]
    pub expense_fundraising: String,
    /// Other expenses, yuan.
    #[serde(default)]
    pub expense_other: String,
    /// Net assets at year end, yuan.
    #[serde(default)]
    pub net_assets: String,
    /// Income from government purchase of services, yuan (part of income).
    #[serde(default)]
    pub gov_purchase: String,
    /// Grant income, yuan (part of income).
    #[serde(default)]
    pub grant: String,
    /// Full-time staff.
    #[serde(default)]
    pub staff_full: String,
    /// Part-time staff.
    #[serde(default)]
    pub staff_part: String,
    /// Volunteers.
    #[serde(default)]
    pub volunteers: String,
    /// `yes` / `no`: a party organization is established.
    #[serde(default)]
    pub party_established: String,
    /// `yes` / `no`: it meets the standard.
    #[serde(default)]
    pub party_standard: String,
    /// The year's activities.
    #[serde(default)]
    pub activities: String,
    /// Changes of key people (legal representative, directors, supervisors).
    #[serde(default)]
    pub key_changes: String,
    /// `1` when the button "submit" was pressed (otherwise the draft is saved).
    #[serde(default)]
    pub submit: String,
}

/// The money fields of a report, in fen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Finances {
    /// Total income.
    pub income: Fen,
    /// Total expenses.
    pub expense: Fen,
    /// Program costs.
    pub expense_program: Fen,
    /// Management costs.
    pub expense_admin: Fen,
    /// Fundraising costs.
    pub expense_fundraising: Fen,
    /// Other expenses.
    pub expense_other: Fen,
    /// Net assets.
    pub net_assets: Fen,
    /// Government purchase income.
    pub gov_purchase: Fen,
    /// Grant income.
    pub grant: Fen,
}

/// A valid report's content.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportDraft {
    /// Finances.
    pub finances: Finances,
    /// Full-time staff.
    pub staff_full: i64,
    /// Part-time staff.
    pub staff_part: i64,
    /// Volunteers.
    pub volunteers: i64,
    /// A party organization is established.
    pub party_established: bool,
    /// It meets the standard.
    pub party_standard: bool,
    /// Activities, trimmed.
    pub activities: String,
    /// Key-people changes, trimmed (may be empty).
    pub key_changes: String,
}

impl ReportDraft {
    /// The form showing this content (to edit a saved report).
    pub fn to_form(&self) -> ReportForm {
        let f = &self.finances;
        let yn = |b: bool| if b { "yes" } else { "no" }.to_string();
        ReportForm {
            year: String::new(),
            income: f.income.to_input(),
            expense: f.expense.to_input(),
            expense_program: f.expense_program.to_input(),
            expense_admin: f.expense_admin.to_input(),
            expense_fundraising: f.expense_fundraising.to_input(),
            expense_other: f.expense_other.to_input(),
            net_assets: f.net_assets.to_input(),
            gov_purchase: f.gov_purchase.to_input(),
            grant: f.grant.to_input(),
            staff_full: self.staff_full.to_string(),
            staff_part: self.staff_part.to_string(),
            volunteers: self.volunteers.to_string(),
            party_established: yn(self.party_established),
            party_standard: yn(self.party_standard),
            activities: self.activities.clone(),
            key_changes: self.key_changes.clone(),
            submit: String::new(),
        }
    }
}

fn money(e: &mut FieldErrors, field: &'static str, v: &str, lang: Lang) -> Fen {
    if v.trim().is_empty() {
        e.add(field, lang.t("form.required"));
        return Fen(0);
    }
    match Fen::parse_yuan(v) {
        Some(f) => f,
        None => {
            e.add(field, lang.t("regulation.err.amount"));
            Fen(0)
        }
    }
}

fn people(e: &mut FieldErrors, field: &'static str, v: &str, lang: Lang) -> i64 {
    match v.trim().parse::<i64>() {
        Ok(n) if (0..=MAX_PEOPLE).contains(&n) => n,
        _ if v.trim().is_empty() => {
            e.add(field, lang.t("form.required"));
            0
        }
        _ => {
            e.add(
                field,
                lang.tf("regulation.err.people", &[("max", &MAX_PEOPLE.to_string())]),
            );
            0
        }
    }
}

fn yes_no(e: &mut FieldErrors, field: &'static str, v: &str, lang: Lang) -> bool {
    match v {
        "yes" => true,
        "no" => false,
        _ => {
            e.add(field, lang.t("form.choose"));
            false
        }
    }
}

/// The year of a new report: a number, not before [`FIRST_YEAR`] nor the registration
/// year, and ended (`< this_year`): filing for this year or a future one is refused.
pub fn validate_year(
    v: &str,
    registration_year: i32,
    this_year: i32,
    lang: Lang,
) -> Result<i32, String> {
    let Ok(y) = v.trim().parse::<i32>() else {
        return Err(lang.t("regulation.err.year"));
    };
    if y >= this_year {
        Err(lang.tf("regulation.err.year_future", &[("year", &y.to_string())]))
    } else if y < registration_year.max(FIRST_YEAR) {
        Err(lang.tf(
            "regulation.err.year_early",
            &[("year", &registration_year.max(FIRST_YEAR).to_string())],
        ))
    } else {
        Ok(y)
    }
}

/// Validates a report's content: every amount given in yuan and not negative; expenses by
/// category adding up to the total; government purchase and grant income within the
/// income; staff counts whole and not negative; "meets the standard" only with a party
/// organization; activities stated; text within its limits and characters.
pub fn validate_report(f: &ReportForm, lang: Lang) -> Result<ReportDraft, FieldErrors> {
    let mut e = FieldErrors::default();
    let fin = Finances {
        income: money(&mut e, "income", &f.income, lang),
        expense: money(&mut e, "expense", &f.expense, lang),
        expense_program: money(&mut e, "expense_program", &f.expense_program, lang),
        expense_admin: money(&mut e, "expense_admin", &f.expense_admin, lang),
        expense_fundraising: money(&mut e, "expense_fundraising", &f.expense_fundraising, lang),
        expense_other: money(&mut e, "expense_other", &f.expense_other, lang),
        net_assets: money(&mut e, "net_assets", &f.net_assets, lang),
        gov_purchase: money(&mut e, "gov_purchase", &f.gov_purchase, lang),
        grant: money(&mut e, "grant", &f.grant, lang),
    };
    if e.is_empty() {
        let parts = [
            fin.expense_program,
            fin.expense_admin,
            fin.expense_fundraising,
            fin.expense_other,
        ]
        .iter()
        .try_fold(Fen(0), |acc, x| acc.checked_add(*x));
        if parts != Some(fin.expense) {
            e.add(
                "expense",
                lang.tf(
                    "regulation.err.expense_sum",
                    &[(
                        "sum",
                        &parts.map(|p| p.to_input()).unwrap_or_else(|| "∞".into()),
                    )],
                ),
            );
        }
        let earmarked = fin.gov_purchase.checked_add(fin.grant);
        if earmarked.is_none_or(|x| x > fin.income) {
            e.add("gov_purchase", lang.t("regulation.err.income_parts"));
        }
    }
    let staff_full = people(&mut e, "staff_full", &f.staff_full, lang);
    let staff_part = people(&mut e, "staff_part", &f.staff_part, lang);
    let volunteers = people(&mut e, "volunteers", &f.volunteers, lang);
    let party_established = yes_no(&mut e, "party_established", &f.party_established, lang);
    let party_standard = yes_no(&mut e, "party_standard", &f.party_standard, lang);
    if party_standard && !party_established {
        e.add("party_standard", lang.t("regulation.err.party_standard"));
    }
    if text::check(
        &mut e,
        "activities",
        &f.activities,
        Kind::Multi,
        limits::ACTIVITIES,
        lang,
    ) && f.activities.trim().is_empty()
    {
        e.add("activities", lang.t("form.required"));
    }
    text::check(
        &mut e,
        "key_changes",
        &f.key_changes,
        Kind::Multi,
        limits::KEY_CHANGES,
        lang,
    );
    e.into_result(ReportDraft {
        finances: fin,
        staff_full,
        staff_part,
        volunteers,
        party_established,
        party_standard,
        activities: f.activities.trim().to_string(),
        key_changes: f.key_changes.trim().to_string(),
    })
}

/// A regulator's review as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ReviewForm {
    /// `accept` or `return`.
    #[serde(default)]
    pub decision: String,
    /// Reasons (required to return).
    #[serde(default)]
    pub reason: String,
}

/// A valid review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Review {
    /// Accept the report.
    Accept,
    /// Return it with these reasons.
    Return(String),
}

/// Validates a review: a decision, and reasons when returning.
pub fn validate_review(f: &ReviewForm, lang: Lang) -> Result<Review, FieldErrors> {
    let mut e = FieldErrors::default();
    let ok = text::check(
        &mut e,
        "reason",
        &f.reason,
        Kind::Multi,
        limits::REASON,
        lang,
    );
    let r = match f.decision.as_str() {
        "accept" => Review::Accept,
        "return" => {
            if ok && f.reason.trim().chars().count() < 2 {
                e.add("reason", lang.t("regulation.err.reason"));
            }
            Review::Return(f.reason.trim().to_string())
        }
        _ => {
            e.add("decision", lang.t("form.choose"));
            Review::Accept
        }
    };
    e.into_result(r)
}

code_enum! {
    /// The kinds of administrative penalty (行政处罚) the registration rules provide.
    #[serde(rename_all = "snake_case")]
    PenaltyKind => "regulation.penalty_kind" {
        /// 警告.
        Warning = "warning",
        /// 罚款: carries an amount.
        Fine = "fine",
        /// 没收违法所得或非法财物: may carry the value confiscated.
        Confiscation = "confiscation",
        /// 限期停止活动.
        Suspension = "suspension",
        /// 撤销登记.
        Revocation = "revocation",
    }
}

impl PenaltyKind {
    /// Whether the kind requires an amount (fine), allows one (confiscation) or refuses one.
    pub fn amount(self) -> AmountRule {
        match self {
            PenaltyKind::Fine => AmountRule::Required,
            PenaltyKind::Confiscation => AmountRule::Optional,
            _ => AmountRule::None,
        }
    }
}

/// Whether a penalty kind carries an amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AmountRule {
    /// Must be given and positive.
    Required,
    /// May be given.
    Optional,
    /// Must be empty.
    None,
}

/// A penalty as a regulator typed it.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct PenaltyForm {
    /// [`PenaltyKind`] code.
    #[serde(default)]
    pub kind: String,
    /// Amount, yuan.
    #[serde(default)]
    pub amount: String,
    /// Legal basis, e.g. 《社会团体登记管理条例》第三十条.
    #[serde(default)]
    pub legal_basis: String,
    /// Date of the decision, `YYYY-MM-DD`.
    #[serde(default)]
    pub decided_on: String,
    /// The decision text.
    #[serde(default)]
    pub decision: String,
}

/// A valid penalty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PenaltyDraft {
    /// Kind.
    pub kind: PenaltyKind,
    /// Amount (fines; confiscations when given).
    pub amount: Option<Fen>,
    /// Legal basis, trimmed.
    pub legal_basis: String,
    /// Day of the decision.
    pub decided_on: Date,
    /// Decision text, trimmed.
    pub decision: String,
}

/// The instant a day starts in Asia/Shanghai (how a decision date is stored).
pub fn day_start(d: Date) -> i64 {
    let offset = UtcOffset::from_hms(8, 0, 0).unwrap_or(UtcOffset::UTC);
    d.midnight().assume_offset(offset).unix_timestamp()
}

/// Validates a penalty: a kind, an amount where the kind requires one (and none where it
/// has none), a legal basis, a decision date not after `today`, a decision text.
pub fn validate_penalty(
    f: &PenaltyForm,
    today: Date,
    lang: Lang,
) -> Result<PenaltyDraft, FieldErrors> {
    let mut e = FieldErrors::default();
    let kind = PenaltyKind::parse(&f.kind);
    if kind.is_none() {
        e.add("kind", lang.t("form.choose"));
    }
    let amount = match (kind.map(PenaltyKind::amount), f.amount.trim()) {
        (Some(AmountRule::Required), "") => {
            e.add("amount", lang.t("regulation.err.fine_amount"));
            None
        }
        (Some(AmountRule::None), a) if !a.is_empty() => {
            e.add("amount", lang.t("regulation.err.no_amount"));
            None
        }
        (_, "") => None,
        (_, a) => match Fen::parse_yuan(a) {
            Some(x) if x.0 > 0 => Some(x),
            _ => {
                e.add("amount", lang.t("regulation.err.positive_amount"));
                None
            }
        },
    };
    if text::check(
        &mut e,
        "legal_basis",
        &f.legal_basis,
        Kind::Line,
        limits::LEGAL_BASIS,
        lang,
    ) && f.legal_basis.trim().chars().count() < 2
    {
        e.add("legal_basis", lang.t("form.required"));
    }
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    let decided_on = match Date::parse(f.decided_on.trim(), &fmt) {
        Ok(d) if d > today => {
            e.add("decided_on", lang.t("regulation.err.future_date"));
            today
        }
        Ok(d) => d,
        Err(_) => {
            e.add("decided_on", lang.t("regulation.err.date"));
            today
        }
    };
    if text::check(
        &mut e,
        "decision",
        &f.decision,
        Kind::Multi,
        limits::DECISION,
        lang,
    ) && f.decision.trim().chars().count() < 2
    {
        e.add("decision", lang.t("form.required"));
    }
    match kind {
        Some(kind) if e.is_empty() => Ok(PenaltyDraft {
            kind,
            amount,
            legal_basis: f.legal_basis.trim().to_string(),
            decided_on,
            decision: f.decision.trim().to_string(),
        }),
        _ => Err(e),
    }
}

/// Party-building and jobs figures of a set of reports (the targets read these).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct ReportTally {
    /// Reports counted.
    pub reporting: i64,
    /// With a party organization established.
    pub party: i64,
    /// Of which meeting the standard.
    pub party_standard: i64,
    /// Full-time plus part-time staff.
    pub jobs: i64,
    /// Volunteers (shown, not counted as jobs).
    pub volunteers: i64,
}

impl ReportTally {
    /// Adds one report.
    pub fn add(&mut self, party: bool, standard: bool, full: i64, part: i64, volunteers: i64) {
        self.reporting += 1;
        self.party += i64::from(party);
        self.party_standard += i64::from(party && standard);
        self.jobs = self.jobs.saturating_add(full.saturating_add(part));
        self.volunteers = self.volunteers.saturating_add(volunteers);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> ReportForm {
        ReportForm {
            year: "2025".into(),
            income: "1,000,000".into(),
            expense: "800000.50".into(),
            expense_program: "600000".into(),
            expense_admin: "150000.50".into(),
            expense_fundraising: "30000".into(),
            expense_other: "20000".into(),
            net_assets: "500000".into(),
            gov_purchase: "400000".into(),
            grant: "100000".into(),
            staff_full: "12".into(),
            staff_part: "3".into(),
            volunteers: "80".into(),
            party_established: "yes".into(),
            party_standard: "yes".into(),
            activities: " 开展社区养老服务 ".into(),
            key_changes: String::new(),
            submit: String::new(),
        }
    }

    #[test]
    fn every_transition() {
        use ReportEvent as E;
        use ReportState as S;
        let expect = |s: S, e: E| -> Option<S> {
            match (s, e) {
                (S::Draft, E::Save) => Some(S::Draft),
                (S::Returned, E::Save) => Some(S::Returned),
                (S::Draft | S::Returned, E::Submit) => Some(S::Submitted),
                (S::Submitted, E::Accept) => Some(S::Accepted),
                (S::Submitted, E::Return) => Some(S::Returned),
                _ => None,
            }
        };
        for s in S::ALL {
            for e in [E::Save, E::Submit, E::Accept, E::Return] {
                assert_eq!(s.apply(e).ok(), expect(*s, e), "{s:?} {e:?}");
            }
        }
        assert!(S::Draft.editable() && S::Returned.editable());
        assert!(!S::Submitted.editable() && !S::Accepted.editable());
        // A returned report resubmitted can be returned again and then accepted.
        let s = S::Draft.apply(E::Submit).unwrap();
        let s = s.apply(E::Return).unwrap().apply(E::Submit).unwrap();
        assert_eq!(s.apply(E::Accept), Ok(S::Accepted));
    }

    #[test]
    fn the_deadline_is_the_end_of_may_31_in_shanghai() {
        let s = RegulationSettings::default();
        // 2026-05-31T16:00:00Z is 2026-06-01 00:00 in Shanghai.
        assert_eq!(s.deadline(2025), 1_780_243_200);
        assert_eq!(s.deadline_day_label(2025), "2026-05-31");
        let d = s.deadline(2025);
        assert_eq!(timeliness(Some(d), d, d + 10), Timeliness::OnTime);
        assert_eq!(timeliness(Some(d + 1), d, d + 10), Timeliness::Late);
        assert_eq!(timeliness(None, d, d), Timeliness::Open);
        assert_eq!(timeliness(None, d, d + 1), Timeliness::Overdue);
        let march = RegulationSettings::parse_deadline("03-31").unwrap();
        assert_eq!(march.deadline_day_label(2025), "2026-03-31");
        for bad in ["", "5", "13-01", "02-29", "04-31", "ab-cd"] {
            assert!(RegulationSettings::parse_deadline(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn only_ended_years_from_registration_may_be_filed() {
        assert_eq!(fileable_years(2023, 2026), vec![2025, 2024, 2023]);
        assert_eq!(fileable_years(1990, 2002), vec![2001, 2000]);
        assert!(fileable_years(2026, 2026).is_empty());
        assert_eq!(validate_year("2025", 2020, 2026, Lang::En), Ok(2025));
        for y in ["2026", "2027", "2019", "x", ""] {
            assert!(validate_year(y, 2020, 2026, Lang::En).is_err(), "{y}");
        }
    }

    #[test]
    fn a_consistent_report_passes() {
        let d = validate_report(&good(), Lang::Zh).unwrap();
        assert_eq!(d.finances.income, Fen(100_000_000));
        assert_eq!(d.finances.expense, Fen(80_000_050));
        assert_eq!((d.staff_full, d.staff_part, d.volunteers), (12, 3, 80));
        assert!(d.party_established && d.party_standard);
        assert_eq!(d.activities, "开展社区养老服务");
        // The form of a saved report reads back the same report.
        assert_eq!(validate_report(&d.to_form(), Lang::Zh), Ok(d));
    }

    #[test]
    fn bad_numbers_name_their_field() {
        let check = |f: ReportForm, field: &str| {
            let e = validate_report(&f, Lang::En).unwrap_err();
            assert!(e.get(field).is_some(), "{field}: {e:?}");
        };
        check(
            ReportForm {
                income: "-1".into(),
                ..good()
            },
            "income",
        );
        check(
            ReportForm {
                net_assets: "".into(),
                ..good()
            },
            "net_assets",
        );
        check(
            ReportForm {
                grant: "1.234".into(),
                ..good()
            },
            "grant",
        );
        check(
            ReportForm {
                expense_other: "20001".into(),
                ..good()
            },
            "expense",
        );
        check(
            ReportForm {
                gov_purchase: "950000".into(),
                ..good()
            },
            "gov_purchase",
        );
        check(
            ReportForm {
                staff_full: "-3".into(),
                ..good()
            },
            "staff_full",
        );
        check(
            ReportForm {
                staff_part: "2.5".into(),
                ..good()
            },
            "staff_part",
        );
        check(
            ReportForm {
                volunteers: "1000001".into(),
                ..good()
            },
            "volunteers",
        );
        check(
            ReportForm {
                party_established: "no".into(),
                ..good()
            },
            "party_standard",
        );
        check(
            ReportForm {
                party_standard: "maybe".into(),
                ..good()
            },
            "party_standard",
        );
        check(
            ReportForm {
                activities: "  ".into(),
                ..good()
            },
            "activities",
        );
        check(
            ReportForm {
                activities: "a\u{0}b".into(),
                ..good()
            },
            "activities",
        );
        check(
            ReportForm {
                key_changes: "变".repeat(limits::KEY_CHANGES + 1),
                ..good()
            },
            "key_changes",
        );
    }

    #[test]
    fn a_return_needs_reasons() {
        let f = |d: &str, r: &str| ReviewForm {
            decision: d.into(),
            reason: r.into(),
        };
        assert_eq!(
            validate_review(&f("accept", ""), Lang::Zh),
            Ok(Review::Accept)
        );
        assert_eq!(
            validate_review(&f("return", " 支出合计不符 "), Lang::Zh),
            Ok(Review::Return("支出合计不符".into()))
        );
        assert!(
            validate_review(&f("return", ""), Lang::Zh)
                .unwrap_err()
                .get("reason")
                .is_some()
        );
        assert!(
            validate_review(&f("", ""), Lang::Zh)
                .unwrap_err()
                .get("decision")
                .is_some()
        );
        assert!(
            validate_review(&f("return", "a\u{1b}b"), Lang::Zh)
                .unwrap_err()
                .get("reason")
                .is_some()
        );
    }

    #[test]
    fn penalties_carry_an_amount_only_where_the_kind_has_one() {
        let today = Date::from_calendar_date(2026, Month::November, 27).unwrap();
        let f = |kind: &str, amount: &str, date: &str| PenaltyForm {
            kind: kind.into(),
            amount: amount.into(),
            legal_basis: "《社会团体登记管理条例》第三十条".into(),
            decided_on: date.into(),
            decision: "责令改正并处罚款。".into(),
        };
        let ok = validate_penalty(&f("fine", "50000", "2026-11-01"), today, Lang::Zh).unwrap();
        assert_eq!(
            (ok.kind, ok.amount),
            (PenaltyKind::Fine, Some(Fen(5_000_000)))
        );
        assert_eq!(
            validate_penalty(&f("warning", "", "2026-11-27"), today, Lang::Zh)
                .unwrap()
                .amount,
            None
        );
        assert!(validate_penalty(&f("confiscation", "", "2026-01-01"), today, Lang::Zh).is_ok());
        let err = |kind: &str, amount: &str, date: &str, field: &str| {
            let e = validate_penalty(&f(kind, amount, date), today, Lang::En).unwrap_err();
            assert!(e.get(field).is_some(), "{kind} {amount} {date}: {e:?}");
        };
        err("fine", "", "2026-11-01", "amount");
        err("fine", "0", "2026-11-01", "amount");
        err("fine", "-5", "2026-11-01", "amount");
        err("warning", "100", "2026-11-01", "amount");
        err("bogus", "", "2026-11-01", "kind");
        err("warning", "", "2026-11-28", "decided_on");
        err("warning", "", "2026/11/01", "decided_on");
        let mut g = f("warning", "", "2026-11-01");
        g.legal_basis = "第\n三十条".into();
        assert!(
            validate_penalty(&g, today, Lang::En)
                .unwrap_err()
                .get("legal_basis")
                .is_some()
        );
        g = f("warning", "", "2026-11-01");
        g.decision = " ".into();
        assert!(
            validate_penalty(&g, today, Lang::En)
                .unwrap_err()
                .get("decision")
                .is_some()
        );
    }

    #[test]
    fn the_tally_counts_jobs_and_party_organizations() {
        let mut t = ReportTally::default();
        t.add(true, true, 10, 2, 50);
        t.add(true, false, 3, 0, 0);
        t.add(false, false, 0, 1, 5);
        assert_eq!(
            t,
            ReportTally {
                reporting: 3,
                party: 2,
                party_standard: 1,
                jobs: 16,
                volunteers: 55
            }
        );
    }
}
