//! Pure rules of grants made from approved proposals: the agreement's state machine (one
//! transition function), the tranches split exactly from the call's plan, the report due
//! dates from its schedule, which report holds the next tranche, the reminders due, and the
//! validation of every form (payment, report, review, completion, amendment, decision).

use time::{Date, Month};

use crate::kernel::Lang;
use crate::kernel::clock::SHANGHAI;
use crate::kernel::codes::code_enum;
use crate::kernel::error::FieldErrors;
use crate::kernel::money::{Fen, split_by_bp};
use crate::kernel::text::{self, Kind};

use super::proposal_rules::{BudgetCategory, BudgetLine};

/// The longest each free-text field of a grant may be, in characters, and the most rows its
/// lists may have: the one place these limits are set.
pub mod limits {
    /// A payment's reference (bank voucher number).
    pub const REFERENCE: usize = 200;
    /// A report's narrative.
    pub const NARRATIVE: usize = 8000;
    /// A reason (a returned report, an amendment asked or decided).
    pub const REASON: usize = 2000;
    /// A budget line's item.
    pub const ITEM: usize = 200;
    /// Rows of a revised budget.
    pub const ROWS: usize = 20;
    /// The largest outcome count reported.
    pub const ACHIEVED: i64 = 1_000_000_000;
}

code_enum! {
    /// Where a grant agreement stands.
    GrantState => "grant.state" {
        /// Drawn up by the organizer from the approved proposal; nobody signed yet.
        Drafted = "drafted",
        /// The organizer signed; the recipient has not.
        SignedOrganizer = "signed_organizer",
        /// The recipient signed; the organizer has not.
        SignedRecipient = "signed_recipient",
        /// Signed by both: tranches are paid and reports come in.
        Active = "active",
        /// Closed after the final report, with the organizer's rating.
        Completed = "completed",
        /// Ended early.
        Terminated = "terminated",
    }
}

/// What happens to a grant agreement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrantEvent {
    /// A member of the organizer signs.
    SignOrganizer,
    /// The recipient (an administrator of the organization, or the group's applicant) signs.
    SignRecipient,
    /// The organizer completes it after the final report was accepted.
    Complete,
    /// It is ended early.
    Terminate,
}

/// Why a grant event was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrantError {
    /// This side has already signed.
    AlreadySigned,
    /// Not an event this state allows.
    Illegal,
}

impl GrantError {
    /// The message shown to the user.
    pub fn message(self, lang: Lang) -> String {
        match self {
            GrantError::AlreadySigned => lang.t("grant.err.already_signed"),
            GrantError::Illegal => lang.t("grant.err.illegal"),
        }
    }
}

impl GrantState {
    /// The one transition function of a grant agreement.
    pub fn apply(self, e: GrantEvent) -> Result<GrantState, GrantError> {
        use GrantEvent as E;
        use GrantState as S;
        match (self, e) {
            (S::Drafted, E::SignOrganizer) => Ok(S::SignedOrganizer),
            (S::Drafted, E::SignRecipient) => Ok(S::SignedRecipient),
            (S::SignedRecipient, E::SignOrganizer) | (S::SignedOrganizer, E::SignRecipient) => {
                Ok(S::Active)
            }
            (S::SignedOrganizer, E::SignOrganizer)
            | (S::SignedRecipient, E::SignRecipient)
            | (S::Active | S::Completed, E::SignOrganizer | E::SignRecipient) => {
                Err(GrantError::AlreadySigned)
            }
            (S::Active, E::Complete) => Ok(S::Completed),
            (S::Drafted | S::SignedOrganizer | S::SignedRecipient | S::Active, E::Terminate) => {
                Ok(S::Terminated)
            }
            _ => Err(GrantError::Illegal),
        }
    }

    /// Whether both sides have signed and it is under way.
    pub fn is_active(self) -> bool {
        self == GrantState::Active
    }
}

code_enum! {
    /// Where one report stands.
    ReportState => "grant.report_state" {
        /// Not submitted yet.
        Due = "due",
        /// Submitted; the organizer reviews it.
        Submitted = "submitted",
        /// Accepted by the organizer.
        Accepted = "accepted",
        /// Returned with a reason; the organization submits it again.
        Returned = "returned",
    }
}

impl ReportState {
    /// Whether the organization may submit it now.
    pub fn submittable(self) -> bool {
        matches!(self, ReportState::Due | ReportState::Returned)
    }

    /// Whether it is still outstanding (not submitted, or returned).
    pub fn outstanding(self) -> bool {
        self.submittable()
    }
}

code_enum! {
    /// What an amendment changes.
    AmendmentKind => "grant.amendment_kind" {
        /// A later end date at no cost (the reports not yet submitted move by as much).
        Extension = "extension",
        /// Budget lines moved around, the total unchanged.
        Budget = "budget",
    }
}

code_enum! {
    /// Where an amendment stands.
    AmendmentState => "grant.amendment_state" {
        /// Asked by the organization; the organizer decides.
        Pending = "pending",
        /// Approved and applied to the grant.
        Approved = "approved",
        /// Refused with a reason.
        Refused = "refused",
    }
}

/// The tranches of `amount` by the call's plan (basis points summing to 10 000): rounded
/// down each, the remainder in the last, so they add up to the amount exactly.
pub fn tranche_amounts(amount: Fen, plan_bp: &[i32]) -> Vec<Fen> {
    let bps: Vec<i64> = plan_bp.iter().map(|b| i64::from(*b)).collect();
    split_by_bp(amount, &bps)
}

/// The date `months` after `d`, on the same day of the month or the month's last day.
pub fn add_months(d: Date, months: i32) -> Date {
    let total = d.year() * 12 + i32::from(u8::from(d.month())) - 1 + months;
    let (year, month0) = (total.div_euclid(12), total.rem_euclid(12));
    let month = Month::try_from(u8::try_from(month0 + 1).unwrap_or(1)).unwrap_or(Month::January);
    let last = month.length(year);
    Date::from_calendar_date(year, month, d.day().min(last)).unwrap_or(d)
}

/// The last second of a day in Asia/Shanghai: a report due that day is overdue after it.
pub fn end_of_day(d: Date) -> i64 {
    d.with_hms(23, 59, 59)
        .map(|t| t.assume_offset(SHANGHAI).unix_timestamp())
        .unwrap_or(0)
}

/// The report due instants from the call's schedule (months after the start, ascending).
pub fn report_dues(start: Date, months: &[i16]) -> Vec<i64> {
    months
        .iter()
        .map(|m| end_of_day(add_months(start, i32::from(*m))))
        .collect()
}

/// One report as the tranche rule sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportDue {
    /// Its number (1, 2, …).
    pub number: i32,
    /// When it is due.
    pub due_at: i64,
    /// Its state.
    pub state: ReportState,
}

/// The first report that is overdue at `now` (past its due date and not submitted, or
/// returned), which holds the next tranche.
pub fn overdue(reports: &[ReportDue], now: i64) -> Option<ReportDue> {
    reports
        .iter()
        .copied()
        .filter(|r| r.due_at < now && r.state.outstanding())
        .min_by_key(|r| r.number)
}

/// Why a tranche payment was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayRefusal {
    /// The agreement is not signed by both (or is closed).
    NotActive,
    /// Every tranche is paid.
    AllPaid,
    /// A report is overdue: its number and due instant.
    Held(i32, i64),
}

impl PayRefusal {
    /// The message shown to the organizer (an overdue report is named).
    pub fn message(self, lang: Lang) -> String {
        match self {
            PayRefusal::NotActive => lang.t("grant.err.not_active"),
            PayRefusal::AllPaid => lang.t("grant.err.all_paid"),
            PayRefusal::Held(n, due) => lang.tf(
                "grant.err.held",
                &[
                    ("n", &n.to_string()),
                    ("due", &crate::kernel::clock::shanghai_date(due).to_string()),
                ],
            ),
        }
    }
}

/// Whether the next tranche may be paid: the grant is active, one is left, and (after the
/// first, which follows the signatures) no report is overdue.
pub fn may_pay(
    state: GrantState,
    next: Option<i32>,
    reports: &[ReportDue],
    now: i64,
) -> Result<i32, PayRefusal> {
    if !state.is_active() {
        return Err(PayRefusal::NotActive);
    }
    let Some(n) = next else {
        return Err(PayRefusal::AllPaid);
    };
    if n > 1
        && let Some(r) = overdue(reports, now)
    {
        return Err(PayRefusal::Held(r.number, r.due_at));
    }
    Ok(n)
}

/// Which reminder a report is due at `now`, given `days` and what was already sent: the
/// one before its due date (from `days` before until it is due) or the one after (from
/// `days` after, while it is still outstanding). Each is sent once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reminder {
    /// The due date is near.
    Before,
    /// The report is overdue.
    After,
}

/// The reminder to send for an outstanding report now, if any.
pub fn reminder_due(
    due_at: i64,
    state: ReportState,
    sent_before: bool,
    sent_after: bool,
    days: i64,
    now: i64,
) -> Option<Reminder> {
    if !state.outstanding() {
        return None;
    }
    let span = days * 86_400;
    if !sent_after && now > due_at + span {
        Some(Reminder::After)
    } else if !sent_before && now <= due_at && now >= due_at - span {
        Some(Reminder::Before)
    } else {
        None
    }
}

fn parse_date(s: &str) -> Option<Date> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(s.trim(), &fmt).ok()
}

/// The organizer's record of an offline payment.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct PaymentForm {
    /// The day it was paid, `YYYY-MM-DD`.
    #[serde(default)]
    pub paid_on: String,
    /// The amount in yuan.
    #[serde(default)]
    pub amount: String,
    /// The bank reference.
    #[serde(default)]
    pub reference: String,
}

/// A valid payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentDraft {
    /// The day paid.
    pub paid_on: Date,
    /// The amount (the tranche's).
    pub amount: Fen,
    /// The reference.
    pub reference: String,
}

/// Validates a payment: a day not after `today`, the tranche's amount exactly, a reference.
pub fn validate_payment(
    f: &PaymentForm,
    tranche: Fen,
    today: Date,
    lang: Lang,
) -> Result<PaymentDraft, FieldErrors> {
    let mut e = FieldErrors::default();
    let paid_on = parse_date(&f.paid_on).filter(|d| *d <= today);
    if paid_on.is_none() {
        e.add("paid_on", lang.t("grant.err.paid_on"));
    }
    let amount = Fen::parse_yuan(&f.amount);
    if amount != Some(tranche) {
        e.add(
            "amount",
            lang.tf("grant.err.amount", &[("amount", &tranche.to_string())]),
        );
    }
    let reference = f.reference.trim();
    if text::check(
        &mut e,
        "reference",
        &f.reference,
        Kind::Line,
        limits::REFERENCE,
        lang,
    ) && reference.is_empty()
    {
        e.add("reference", lang.t("grant.err.reference"));
    }
    match (paid_on, amount) {
        (Some(paid_on), Some(amount)) => e.into_result(PaymentDraft {
            paid_on,
            amount,
            reference: reference.to_string(),
        }),
        _ => Err(e),
    }
}

/// The organization's report.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ReportForm {
    /// What was done.
    #[serde(default)]
    pub narrative: String,
    /// Spending so far, in yuan.
    #[serde(default)]
    pub spent: String,
    /// Achieved so far, one per planned outcome in order.
    #[serde(default)]
    pub achieved: Vec<String>,
}

/// A valid report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportDraft {
    /// What was done.
    pub narrative: String,
    /// Spending so far.
    pub spent: Fen,
    /// Achieved per planned outcome.
    pub achieved: Vec<i64>,
}

/// Validates a report: a narrative, spending of zero or more, a whole number of zero or
/// more for each of the `outcomes` planned.
pub fn validate_report(
    f: &ReportForm,
    outcomes: usize,
    lang: Lang,
) -> Result<ReportDraft, FieldErrors> {
    let mut e = FieldErrors::default();
    let narrative = f.narrative.trim();
    if text::check(
        &mut e,
        "narrative",
        &f.narrative,
        Kind::Multi,
        limits::NARRATIVE,
        lang,
    ) && narrative.chars().count() < 2
    {
        e.add("narrative", lang.t("grant.err.narrative"));
    }
    let spent = Fen::parse_yuan(&f.spent);
    if spent.is_none() {
        e.add("spent", lang.t("grant.err.spent"));
    }
    let mut achieved = Vec::new();
    for i in 0..outcomes {
        match f
            .achieved
            .get(i)
            .and_then(|s| s.trim().parse::<i64>().ok())
            .filter(|n| (0..=limits::ACHIEVED).contains(n))
        {
            Some(n) => achieved.push(n),
            None => {
                if e.get("achieved").is_none() {
                    e.add("achieved", lang.t("grant.err.achieved"));
                }
            }
        }
    }
    match spent {
        Some(spent) => e.into_result(ReportDraft {
            narrative: narrative.to_string(),
            spent,
            achieved,
        }),
        None => Err(e),
    }
}

/// The organizer's review of a report, or decision on an amendment.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct DecisionForm {
    /// `accept` or `return` (a report), `approve` or `refuse` (an amendment).
    #[serde(default)]
    pub decision: String,
    /// The reason (required to return or refuse).
    #[serde(default)]
    pub reason: String,
}

/// Validates a decision: one of `yes`/`no` (the two codes the form offers), and a reason
/// when it is `no`. `Ok((yes, reason))`.
pub fn validate_decision(
    f: &DecisionForm,
    yes: &str,
    no: &str,
    lang: Lang,
) -> Result<(bool, String), FieldErrors> {
    let mut e = FieldErrors::default();
    let d = f.decision.trim();
    let accept = if d == yes {
        Some(true)
    } else if d == no {
        Some(false)
    } else {
        e.add("decision", lang.t("grant.err.decision"));
        None
    };
    let reason = f.reason.trim();
    if text::check(
        &mut e,
        "reason",
        &f.reason,
        Kind::Multi,
        limits::REASON,
        lang,
    ) && accept == Some(false)
        && reason.chars().count() < 2
    {
        e.add("reason", lang.t("grant.err.reason"));
    }
    match accept {
        Some(a) => e.into_result((a, reason.to_string())),
        None => Err(e),
    }
}

/// The organizer's completion.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct CompleteForm {
    /// 1–5.
    #[serde(default)]
    pub rating: String,
}

/// Validates a rating of 1 to 5.
pub fn validate_rating(f: &CompleteForm, lang: Lang) -> Result<i16, FieldErrors> {
    match f.rating.trim().parse::<i16>() {
        Ok(r) if (1..=5).contains(&r) => Ok(r),
        _ => {
            let mut e = FieldErrors::default();
            e.add("rating", lang.t("grant.err.rating"));
            Err(e)
        }
    }
}

/// The organization's amendment request.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct AmendmentForm {
    /// [`AmendmentKind`] code.
    #[serde(default)]
    pub kind: String,
    /// For an extension: the new end date, `YYYY-MM-DD`.
    #[serde(default)]
    pub ends_on: String,
    /// Why.
    #[serde(default)]
    pub reason: String,
    /// For a budget revision: each line's category.
    #[serde(default)]
    pub budget_category: Vec<String>,
    /// Each line's item.
    #[serde(default)]
    pub budget_item: Vec<String>,
    /// Each line's amount in yuan.
    #[serde(default)]
    pub budget_amount: Vec<String>,
}

/// A valid amendment request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AmendmentDraft {
    /// A later end.
    Extension {
        /// The new end (end of the day).
        ends_at: i64,
        /// Why.
        reason: String,
    },
    /// A revised budget adding up to the same total.
    Budget {
        /// The lines.
        lines: Vec<BudgetLine>,
        /// Why.
        reason: String,
    },
}

/// Validates an amendment request against the grant's current end and budget total: an
/// extension ends after the current end; a revised budget's lines (known categories, an
/// item, an amount above zero) add up to the same total.
pub fn validate_amendment(
    f: &AmendmentForm,
    current_end: i64,
    budget_total: Fen,
    lang: Lang,
) -> Result<AmendmentDraft, FieldErrors> {
    let mut e = FieldErrors::default();
    let kind = AmendmentKind::parse(f.kind.trim());
    if kind.is_none() {
        e.add("kind", lang.t("grant.err.kind"));
    }
    let reason = f.reason.trim().to_string();
    if text::check(
        &mut e,
        "reason",
        &f.reason,
        Kind::Multi,
        limits::REASON,
        lang,
    ) && reason.chars().count() < 2
    {
        e.add("reason", lang.t("grant.err.reason"));
    }
    match kind {
        Some(AmendmentKind::Extension) => {
            let end = parse_date(&f.ends_on)
                .map(end_of_day)
                .filter(|t| *t > current_end);
            match end {
                Some(ends_at) => e.into_result(AmendmentDraft::Extension { ends_at, reason }),
                None => {
                    e.add(
                        "ends_on",
                        lang.tf(
                            "grant.err.ends_on",
                            &[(
                                "end",
                                &crate::kernel::clock::shanghai_date(current_end).to_string(),
                            )],
                        ),
                    );
                    Err(e)
                }
            }
        }
        Some(AmendmentKind::Budget) => {
            let mut lines = Vec::new();
            let rows = f
                .budget_category
                .len()
                .max(f.budget_item.len())
                .max(f.budget_amount.len());
            let cell = |v: &Vec<String>, i: usize| v.get(i).map_or("", |s| s.trim()).to_string();
            for i in 0..rows {
                let (c, item, amount) = (
                    cell(&f.budget_category, i),
                    cell(&f.budget_item, i),
                    cell(&f.budget_amount, i),
                );
                if c.is_empty() && item.is_empty() && amount.is_empty() {
                    continue;
                }
                let a = Fen::parse_yuan(&amount).filter(|a| a.0 > 0);
                let ok_text = text::refusal(&item, Kind::Line, limits::ITEM).is_none();
                match (BudgetCategory::parse(&c), a) {
                    (Some(c), Some(a)) if !item.is_empty() && ok_text => lines.push(BudgetLine {
                        category: c.code().to_string(),
                        item,
                        amount: a,
                    }),
                    _ => {
                        if e.get("budget").is_none() {
                            e.add("budget", lang.t("grant.err.budget_line"));
                        }
                    }
                }
            }
            if e.get("budget").is_none() {
                let sum: Fen = lines.iter().map(|l| l.amount).sum();
                if lines.is_empty() || lines.len() > limits::ROWS {
                    e.add("budget", lang.t("grant.err.budget_rows"));
                } else if sum != budget_total {
                    e.add(
                        "budget",
                        lang.tf(
                            "grant.err.budget_sum",
                            &[
                                ("sum", &sum.to_string()),
                                ("total", &budget_total.to_string()),
                            ],
                        ),
                    );
                }
            }
            e.into_result(AmendmentDraft::Budget { lines, reason })
        }
        None => Err(e),
    }
}

/// The organizer's early termination as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct TerminationForm {
    /// Why (shown to both sides, kept on the grant).
    #[serde(default)]
    pub reason: String,
    /// `1` from the confirmation page's final button.
    #[serde(default)]
    pub confirm: String,
}

/// The fewest characters a termination's reason has.
pub const MIN_TERMINATION_REASON: usize = 5;

/// A termination's reason: required, several lines without other control characters, 5 to
/// [`limits::REASON`] characters once trimmed.
pub fn validate_termination(f: &TerminationForm, lang: Lang) -> Result<String, FieldErrors> {
    let mut e = FieldErrors::default();
    let reason = f.reason.trim();
    if text::check(
        &mut e,
        "reason",
        &f.reason,
        Kind::Multi,
        limits::REASON,
        lang,
    ) && reason.chars().count() < MIN_TERMINATION_REASON
    {
        e.add(
            "reason",
            lang.tf(
                "form.too_short",
                &[("min", &MIN_TERMINATION_REASON.to_string())],
            ),
        );
    }
    e.into_result(reason.to_string())
}

/// What an early termination does to the money: the paid tranches (which stay paid and
/// counted) and the unpaid ones (cancelled), each as a count and a sum.
pub fn termination_split(tranches: &[(Fen, bool)]) -> ((usize, Fen), (usize, Fen)) {
    let (mut paid, mut unpaid) = ((0, Fen(0)), (0, Fen(0)));
    for (amount, is_paid) in tranches {
        let side = if *is_paid { &mut paid } else { &mut unpaid };
        side.0 += 1;
        side.1 += *amount;
    }
    (paid, unpaid)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn state_machine_is_exhaustive() {
        use GrantEvent as E;
        use GrantState as S;
        let events = [
            E::SignOrganizer,
            E::SignRecipient,
            E::Complete,
            E::Terminate,
        ];
        let expect = |s: S, e: E| -> Result<S, GrantError> {
            match (s, e) {
                (S::Drafted, E::SignOrganizer) => Ok(S::SignedOrganizer),
                (S::Drafted, E::SignRecipient) => Ok(S::SignedRecipient),
                (S::SignedOrganizer, E::SignRecipient) => Ok(S::Active),
                (S::SignedRecipient, E::SignOrganizer) => Ok(S::Active),
                (S::SignedOrganizer, E::SignOrganizer) => Err(GrantError::AlreadySigned),
                (S::SignedRecipient, E::SignRecipient) => Err(GrantError::AlreadySigned),
                (S::Active | S::Completed, E::SignOrganizer | E::SignRecipient) => {
                    Err(GrantError::AlreadySigned)
                }
                (S::Active, E::Complete) => Ok(S::Completed),
                (S::Completed | S::Terminated, E::Terminate) => Err(GrantError::Illegal),
                (_, E::Terminate) => Ok(S::Terminated),
                _ => Err(GrantError::Illegal),
            }
        };
        for s in GrantState::ALL {
            for e in events {
                assert_eq!(s.apply(e), expect(*s, e), "{s:?} {e:?}");
            }
        }
        for s in GrantState::ALL {
            assert_eq!(GrantState::parse(s.code()), Some(*s));
        }
    }

    #[test]
    fn a_termination_needs_a_reason_and_splits_the_tranches() {
        let f = |r: &str| TerminationForm {
            reason: r.into(),
            confirm: String::new(),
        };
        let lang = Lang::En;
        assert_eq!(
            validate_termination(&f(" 项目负责机构已注销。 "), lang).unwrap(),
            "项目负责机构已注销。"
        );
        for bad in ["", "  ", "注销", "原因\u{7}原因原因"] {
            assert!(
                validate_termination(&f(bad), lang)
                    .unwrap_err()
                    .get("reason")
                    .is_some(),
                "{bad:?}"
            );
        }
        assert!(validate_termination(&f(&"x".repeat(limits::REASON + 1)), lang).is_err());
        let t = [(Fen(100), true), (Fen(250), false), (Fen(50), false)];
        assert_eq!(termination_split(&t), ((1, Fen(100)), (2, Fen(300))));
        assert_eq!(termination_split(&[]), ((0, Fen(0)), (0, Fen(0))));
    }

    #[test]
    fn tranches_add_up_with_the_remainder_last() {
        let parts = tranche_amounts(Fen(100_001), &[3333, 3333, 3334]);
        assert_eq!(parts, vec![Fen(33_330), Fen(33_330), Fen(33_341)]);
        assert_eq!(parts.iter().copied().sum::<Fen>(), Fen(100_001));
        assert_eq!(
            tranche_amounts(Fen(4_800_000), &[10_000]),
            vec![Fen(4_800_000)]
        );
    }

    #[test]
    fn months_keep_the_day_or_take_the_month_end() {
        assert_eq!(add_months(date!(2026 - 01 - 31), 1), date!(2026 - 02 - 28));
        assert_eq!(add_months(date!(2026 - 11 - 15), 6), date!(2027 - 05 - 15));
        assert_eq!(add_months(date!(2026 - 12 - 01), 12), date!(2027 - 12 - 01));
        let dues = report_dues(date!(2026 - 01 - 10), &[6, 12]);
        assert_eq!(dues.len(), 2);
        assert_eq!(
            crate::kernel::clock::shanghai_date(dues[0]),
            date!(2026 - 07 - 10)
        );
        assert!(dues[0] < dues[1]);
    }

    fn r(number: i32, due_at: i64, state: ReportState) -> ReportDue {
        ReportDue {
            number,
            due_at,
            state,
        }
    }

    #[test]
    fn an_overdue_report_holds_the_next_tranche_but_not_the_first() {
        let reports = [r(1, 100, ReportState::Due), r(2, 200, ReportState::Due)];
        assert_eq!(may_pay(GrantState::Active, Some(1), &reports, 150), Ok(1));
        assert_eq!(
            may_pay(GrantState::Active, Some(2), &reports, 150),
            Err(PayRefusal::Held(1, 100))
        );
        assert_eq!(may_pay(GrantState::Active, Some(2), &reports, 100), Ok(2));
        let submitted = [
            r(1, 100, ReportState::Submitted),
            r(2, 200, ReportState::Due),
        ];
        assert_eq!(may_pay(GrantState::Active, Some(2), &submitted, 150), Ok(2));
        let returned = [r(1, 100, ReportState::Returned)];
        assert_eq!(
            may_pay(GrantState::Active, Some(2), &returned, 150),
            Err(PayRefusal::Held(1, 100))
        );
        assert_eq!(
            may_pay(GrantState::Active, None, &reports, 0),
            Err(PayRefusal::AllPaid)
        );
        for s in GrantState::ALL.iter().filter(|s| !s.is_active()) {
            assert_eq!(
                may_pay(*s, Some(1), &[], 0),
                Err(PayRefusal::NotActive),
                "{s:?}"
            );
        }
    }

    #[test]
    fn reminders_come_once_before_and_once_after() {
        let day = 86_400;
        let due = 100 * day;
        let rd = |sb, sa, now| reminder_due(due, ReportState::Due, sb, sa, 7, now);
        assert_eq!(rd(false, false, due - 8 * day), None);
        assert_eq!(rd(false, false, due - 7 * day), Some(Reminder::Before));
        assert_eq!(rd(true, false, due - day), None);
        assert_eq!(rd(true, false, due + 7 * day), None);
        assert_eq!(rd(true, false, due + 7 * day + 1), Some(Reminder::After));
        assert_eq!(rd(true, true, due + 30 * day), None);
        // Missed the window before: only the one after, once.
        assert_eq!(rd(false, false, due + 8 * day), Some(Reminder::After));
        assert_eq!(rd(false, true, due + 8 * day), None);
        for s in [ReportState::Submitted, ReportState::Accepted] {
            assert_eq!(reminder_due(due, s, false, false, 7, due), None);
        }
    }

    #[test]
    fn payment_must_match_the_tranche() {
        let today = date!(2026 - 12 - 02);
        let ok = PaymentForm {
            paid_on: "2026-12-01".into(),
            amount: "1,000.00".into(),
            reference: "HX-1".into(),
        };
        let d = validate_payment(&ok, Fen(100_000), today, Lang::En).unwrap();
        assert_eq!(d.amount, Fen(100_000));
        let bad = |f: PaymentForm, field: &str| {
            let e = validate_payment(&f, Fen(100_000), today, Lang::En).unwrap_err();
            assert!(e.get(field).is_some(), "{field}: {e:?}");
        };
        bad(
            PaymentForm {
                amount: "999.99".into(),
                ..ok.clone()
            },
            "amount",
        );
        bad(
            PaymentForm {
                paid_on: "2026-12-03".into(),
                ..ok.clone()
            },
            "paid_on",
        );
        bad(
            PaymentForm {
                paid_on: "yesterday".into(),
                ..ok.clone()
            },
            "paid_on",
        );
        bad(
            PaymentForm {
                reference: " ".into(),
                ..ok.clone()
            },
            "reference",
        );
    }

    #[test]
    fn report_needs_non_negative_spending_and_each_outcome() {
        let ok = ReportForm {
            narrative: "完成了第一阶段活动。".into(),
            spent: "1200".into(),
            achieved: vec!["10".into(), "3".into()],
        };
        let d = validate_report(&ok, 2, Lang::Zh).unwrap();
        assert_eq!(d.spent, Fen(120_000));
        assert_eq!(d.achieved, vec![10, 3]);
        let e = validate_report(
            &ReportForm {
                spent: "-5".into(),
                ..ok.clone()
            },
            2,
            Lang::Zh,
        )
        .unwrap_err();
        assert!(e.get("spent").is_some());
        let e = validate_report(
            &ReportForm {
                achieved: vec!["10".into()],
                ..ok.clone()
            },
            2,
            Lang::Zh,
        )
        .unwrap_err();
        assert!(e.get("achieved").is_some());
        let e = validate_report(
            &ReportForm {
                narrative: "\0".into(),
                ..ok.clone()
            },
            2,
            Lang::Zh,
        )
        .unwrap_err();
        assert!(e.get("narrative").is_some());
    }

    #[test]
    fn decisions_need_a_reason_to_say_no() {
        let f = |d: &str, r: &str| DecisionForm {
            decision: d.into(),
            reason: r.into(),
        };
        assert_eq!(
            validate_decision(&f("accept", ""), "accept", "return", Lang::En),
            Ok((true, String::new()))
        );
        assert!(validate_decision(&f("return", ""), "accept", "return", Lang::En).is_err());
        assert_eq!(
            validate_decision(&f("return", "缺少票据"), "accept", "return", Lang::En),
            Ok((false, "缺少票据".into()))
        );
        assert!(validate_decision(&f("maybe", "x y"), "accept", "return", Lang::En).is_err());
        for (r, ok) in [
            ("0", false),
            ("1", true),
            ("5", true),
            ("6", false),
            ("", false),
        ] {
            let v = validate_rating(&CompleteForm { rating: r.into() }, Lang::En);
            assert_eq!(v.is_ok(), ok, "{r}");
        }
    }

    #[test]
    fn amendments_extend_later_and_keep_the_budget_total() {
        let end = end_of_day(date!(2027 - 06 - 30));
        let ext = |d: &str| AmendmentForm {
            kind: "extension".into(),
            ends_on: d.into(),
            reason: "场地维修推迟".into(),
            ..Default::default()
        };
        assert!(matches!(
            validate_amendment(&ext("2027-09-30"), end, Fen(0), Lang::En),
            Ok(AmendmentDraft::Extension { .. })
        ));
        for d in ["2027-06-30", "2027-01-01", "x"] {
            let e = validate_amendment(&ext(d), end, Fen(0), Lang::En).unwrap_err();
            assert!(e.get("ends_on").is_some(), "{d}");
        }
        let budget = |amounts: &[&str]| AmendmentForm {
            kind: "budget".into(),
            reason: "活动调整".into(),
            budget_category: amounts.iter().map(|_| "activities".to_string()).collect(),
            budget_item: amounts.iter().map(|_| "活动".to_string()).collect(),
            budget_amount: amounts.iter().map(|a| a.to_string()).collect(),
            ..Default::default()
        };
        assert!(validate_amendment(&budget(&["600", "400"]), end, Fen(100_000), Lang::En).is_ok());
        let e =
            validate_amendment(&budget(&["600", "300"]), end, Fen(100_000), Lang::En).unwrap_err();
        assert!(e.get("budget").is_some());
        let e =
            validate_amendment(&budget(&["-1", "1001"]), end, Fen(100_000), Lang::En).unwrap_err();
        assert!(e.get("budget").is_some());
        let e = validate_amendment(
            &AmendmentForm {
                kind: "other".into(),
                ..ext("2027-09-30")
            },
            end,
            Fen(0),
            Lang::En,
        )
        .unwrap_err();
        assert!(e.get("kind").is_some());
    }
}
