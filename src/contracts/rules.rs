//! Pure contract rules: the contract and milestone state machines, their OCDS codes, and
//! the validation of the delivery-report, return, payment and completion forms.

use time::Date;

use crate::kernel::Lang;
use crate::kernel::error::FieldErrors;
use crate::kernel::money::Fen;
use crate::kernel::text::{self, Kind};

use crate::kernel::codes::code_enum;

code_enum! {
    /// Where a contract is in its life.
    ContractState => "contract.state" {
        /// Created from the award; waiting for both signatures.
        Pending = "pending",
        /// Signed by both sides; milestones are worked on.
        Active = "active",
        /// Every milestone paid; the buyer closed and rated it.
        Completed = "completed",
        /// Ended early.
        Terminated = "terminated",
    }
}

code_enum! {
    /// What can happen to a contract.
    ContractEvent {
        /// The purchasing unit signs.
        BuyerSign = "buyer_sign",
        /// The supplier signs.
        SupplierSign = "supplier_sign",
        /// The buyer closes a fulfilled contract.
        Complete = "complete",
        /// The contract ends early.
        Terminate = "terminate",
    }
}

/// Which sides have signed so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Signatures {
    /// The purchasing unit signed.
    pub buyer: bool,
    /// The supplier signed.
    pub supplier: bool,
}

/// A contract event that is not allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IllegalContractTransition {
    /// The state.
    pub from: ContractState,
    /// The refused event.
    pub event: ContractEvent,
    /// Refused because this side had already signed.
    pub already_signed: bool,
}

impl ContractState {
    /// Final states accept no event.
    pub fn is_final(self) -> bool {
        matches!(self, ContractState::Completed | ContractState::Terminated)
    }

    /// The one transition function. A signature keeps the contract pending until the other
    /// side has signed too; signing twice by the same side is refused.
    pub fn apply(
        self,
        event: ContractEvent,
        signed: Signatures,
    ) -> Result<ContractState, IllegalContractTransition> {
        use ContractEvent as E;
        use ContractState as S;
        let refuse = |already_signed| IllegalContractTransition {
            from: self,
            event,
            already_signed,
        };
        match (self, event) {
            (S::Pending, E::BuyerSign) if signed.buyer => Err(refuse(true)),
            (S::Pending, E::SupplierSign) if signed.supplier => Err(refuse(true)),
            (S::Pending, E::BuyerSign) => Ok(if signed.supplier {
                S::Active
            } else {
                S::Pending
            }),
            (S::Pending, E::SupplierSign) => Ok(if signed.buyer { S::Active } else { S::Pending }),
            (S::Active, E::Complete) => Ok(S::Completed),
            (S::Pending | S::Active, E::Terminate) => Ok(S::Terminated),
            _ => Err(refuse(false)),
        }
    }

    /// The OCDS contract status code: a fulfilled contract is `terminated` in OCDS, one
    /// ended early `cancelled`.
    pub fn ocds(self) -> &'static str {
        match self {
            ContractState::Pending => "pending",
            ContractState::Active => "active",
            ContractState::Completed => "terminated",
            ContractState::Terminated => "cancelled",
        }
    }
}

impl IllegalContractTransition {
    /// Why the event was refused.
    pub fn message(&self, lang: Lang) -> String {
        if self.already_signed {
            return lang.t("contract.err.already_signed");
        }
        lang.tf(
            "contract.err.illegal",
            &[
                ("state", &self.from.label(lang)),
                (
                    "action",
                    &lang.t(&format!("contract.event.{}", self.event.code())),
                ),
            ],
        )
    }
}

code_enum! {
    /// Where a payment milestone is.
    MilestoneState => "contract.mstate" {
        /// Waiting for the supplier's delivery report.
        Scheduled = "scheduled",
        /// Report submitted; waiting for the buyer.
        Submitted = "submitted",
        /// Sent back by the buyer with a reason; to be reported again.
        Returned = "returned",
        /// Accepted by the buyer; waiting for payment.
        Accepted = "accepted",
        /// Paid; the payment is recorded.
        Paid = "paid",
    }
}

code_enum! {
    /// What can happen to a milestone.
    MilestoneEvent {
        /// The supplier submits a delivery report.
        SubmitReport = "submit_report",
        /// The buyer accepts the delivery.
        Accept = "accept",
        /// The buyer sends the report back.
        Return = "return",
        /// The buyer records the payment that settles the milestone (the last part, or the
        /// whole amount at once).
        RecordPayment = "record_payment",
        /// The buyer records a part payment; some of the amount is still to be paid.
        RecordPartPayment = "record_part_payment",
    }
}

/// A milestone event that is not allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IllegalMilestoneTransition {
    /// Milestones are only worked on while the contract is active.
    ContractNotActive(ContractState),
    /// The event does not apply in the milestone's state.
    Illegal {
        /// The state.
        from: MilestoneState,
        /// The refused event.
        event: MilestoneEvent,
    },
}

impl IllegalMilestoneTransition {
    /// Why the event was refused.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            IllegalMilestoneTransition::ContractNotActive(s) => {
                lang.tf("contract.err.not_active", &[("state", &s.label(lang))])
            }
            IllegalMilestoneTransition::Illegal { from, event } => lang.tf(
                "contract.err.milestone_illegal",
                &[
                    ("state", &from.label(lang)),
                    (
                        "action",
                        &lang.t(&format!("contract.mevent.{}", event.code())),
                    ),
                ],
            ),
        }
    }
}

impl MilestoneState {
    /// The one transition function of a milestone, given the contract's state.
    pub fn apply(
        self,
        event: MilestoneEvent,
        contract: ContractState,
    ) -> Result<MilestoneState, IllegalMilestoneTransition> {
        use MilestoneEvent as E;
        use MilestoneState as S;
        if contract != ContractState::Active {
            return Err(IllegalMilestoneTransition::ContractNotActive(contract));
        }
        match (self, event) {
            (S::Scheduled | S::Returned, E::SubmitReport) => Ok(S::Submitted),
            (S::Submitted, E::Accept) => Ok(S::Accepted),
            (S::Submitted, E::Return) => Ok(S::Returned),
            (S::Accepted, E::RecordPayment) => Ok(S::Paid),
            (S::Accepted, E::RecordPartPayment) => Ok(S::Accepted),
            _ => Err(IllegalMilestoneTransition::Illegal { from: self, event }),
        }
    }

    /// The OCDS milestone status code.
    pub fn ocds(self) -> &'static str {
        match self {
            MilestoneState::Scheduled | MilestoneState::Submitted | MilestoneState::Returned => {
                "scheduled"
            }
            MilestoneState::Accepted | MilestoneState::Paid => "met",
        }
    }
}

/// Which event a payment of `this` is on a milestone of `amount` of which `paid` is paid
/// already: the one that settles it ([`MilestoneEvent::RecordPayment`]) or a part
/// ([`MilestoneEvent::RecordPartPayment`]). `Err(remaining)` when it is nothing or more than
/// what remains — the sum of a milestone's payments never exceeds its amount.
pub fn payment_event(amount: Fen, paid: Fen, this: Fen) -> Result<MilestoneEvent, Fen> {
    let remaining = Fen(amount.0.saturating_sub(paid.0).max(0));
    if this.0 <= 0 || this.0 > remaining.0 {
        Err(remaining)
    } else if this == remaining {
        Ok(MilestoneEvent::RecordPayment)
    } else {
        Ok(MilestoneEvent::RecordPartPayment)
    }
}

/// How many milestones are not paid yet; completion needs none.
pub fn unpaid(states: &[MilestoneState]) -> usize {
    states
        .iter()
        .filter(|s| **s != MilestoneState::Paid)
        .count()
}

// ---------------------------------------------------------------------------------------
// Forms: the bounds below are the one place this room's free-text limits are set.

/// Bounds of the delivery report, in characters.
pub const REPORT_LEN: (usize, usize) = (10, 5000);
/// Bounds of the return reason, in characters.
pub const REASON_LEN: (usize, usize) = (5, 2000);
/// Bounds of the termination reason, in characters.
pub const TERMINATION_LEN: (usize, usize) = (5, 2000);
/// Bounds of the payment reference, in characters.
pub const REFERENCE_LEN: (usize, usize) = (2, 100);
/// Longest completion comment, in characters.
pub const COMMENT_MAX: usize = 2000;

/// Checks a field as typed (`raw`: no control characters beyond what `kind` allows, at
/// most `max` characters trimmed, with the common messages) and then that the trimmed
/// `value` is not shorter than `min` (with this field's own message, `key`).
fn check_len(
    e: &mut FieldErrors,
    field: &'static str,
    (raw, kind): (&str, Kind),
    value: &str,
    (min, max): (usize, usize),
    key: &str,
    lang: Lang,
) {
    if !text::check(e, field, raw, kind, max, lang) {
        return;
    }
    let n = value.chars().count();
    if n < min {
        e.add(
            field,
            lang.tf(
                key,
                &[
                    ("min", &min.to_string()),
                    ("max", &max.to_string()),
                    ("len", &n.to_string()),
                ],
            ),
        );
    }
}

/// The supplier's delivery report form.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ReportForm {
    /// What was delivered.
    #[serde(default)]
    pub report: String,
}

/// Validates a delivery report: 10–5000 characters after trimming.
pub fn validate_report(f: &ReportForm, lang: Lang) -> Result<String, FieldErrors> {
    let mut e = FieldErrors::default();
    let report = f.report.trim();
    check_len(
        &mut e,
        "report",
        (&f.report, Kind::Multi),
        report,
        REPORT_LEN,
        "contract.err.report_len",
        lang,
    );
    e.into_result(report.to_string())
}

/// The buyer's return form.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ReturnForm {
    /// Why the report goes back.
    #[serde(default)]
    pub reason: String,
}

/// Validates a return reason: 5–2000 characters after trimming.
pub fn validate_return(f: &ReturnForm, lang: Lang) -> Result<String, FieldErrors> {
    let mut e = FieldErrors::default();
    let reason = f.reason.trim();
    check_len(
        &mut e,
        "reason",
        (&f.reason, Kind::Multi),
        reason,
        REASON_LEN,
        "contract.err.reason_len",
        lang,
    );
    e.into_result(reason.to_string())
}

/// The buyer's termination form. `confirm` is `1` only on the confirmation page's own
/// button: without it the handler shows that page instead of terminating.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct TerminationForm {
    /// Why the contract ends early.
    #[serde(default)]
    pub reason: String,
    /// `1` once the buyer has seen the consequences.
    #[serde(default)]
    pub confirm: String,
}

/// Validates a termination reason: 5–2000 characters after trimming.
pub fn validate_termination(f: &TerminationForm, lang: Lang) -> Result<String, FieldErrors> {
    let mut e = FieldErrors::default();
    let reason = f.reason.trim();
    check_len(
        &mut e,
        "reason",
        (&f.reason, Kind::Multi),
        reason,
        TERMINATION_LEN,
        "contract.err.termination_len",
        lang,
    );
    e.into_result(reason.to_string())
}

/// The buyer's payment form.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct PaymentForm {
    /// Amount in yuan as typed.
    #[serde(default)]
    pub amount: String,
    /// Payment date, `YYYY-MM-DD`.
    #[serde(default)]
    pub paid_on: String,
    /// Bank or treasury reference.
    #[serde(default)]
    pub reference: String,
}

/// A valid payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentDraft {
    /// More than nothing, at most what remains of the milestone amount.
    pub amount: Fen,
    /// When it was paid.
    pub paid_on: Date,
    /// Reference.
    pub reference: String,
}

fn parse_date(s: &str) -> Option<Date> {
    Date::parse(
        s.trim(),
        &time::macros::format_description!("[year]-[month]-[day]"),
    )
    .ok()
}

/// Validates a payment: the amount is more than nothing and at most `remaining` (what is
/// left of the milestone amount: a milestone may be paid in parts); the date is not in the
/// future and not before the day the milestone was accepted; the reference has 2–100
/// characters.
pub fn validate_payment(
    f: &PaymentForm,
    remaining: Fen,
    accepted_on: Date,
    today: Date,
    lang: Lang,
) -> Result<PaymentDraft, FieldErrors> {
    let mut e = FieldErrors::default();
    let amount = Fen::parse_yuan(&f.amount);
    match amount {
        None => e.add("amount", lang.t("contract.err.amount")),
        Some(a) if a.0 <= 0 => e.add("amount", lang.t("contract.err.amount_zero")),
        Some(a) if a > remaining => e.add(
            "amount",
            lang.tf(
                "contract.err.amount_over",
                &[
                    ("remaining", &remaining.to_string()),
                    ("given", &a.to_string()),
                ],
            ),
        ),
        Some(_) => {}
    }
    let paid_on = parse_date(&f.paid_on);
    match paid_on {
        None => e.add("paid_on", lang.t("form.bad_date")),
        Some(d) if d > today => e.add("paid_on", lang.t("contract.err.paid_future")),
        Some(d) if d < accepted_on => e.add(
            "paid_on",
            lang.tf(
                "contract.err.paid_before_accept",
                &[("date", &accepted_on.to_string())],
            ),
        ),
        Some(_) => {}
    }
    let reference = f.reference.trim();
    check_len(
        &mut e,
        "reference",
        (&f.reference, Kind::Line),
        reference,
        REFERENCE_LEN,
        "contract.err.reference_len",
        lang,
    );
    e.into_result(PaymentDraft {
        amount: amount.unwrap_or(remaining),
        paid_on: paid_on.unwrap_or(today),
        reference: reference.to_string(),
    })
}

/// The buyer's completion form.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct CompletionForm {
    /// 1–5.
    #[serde(default)]
    pub rating: String,
    /// Optional comment.
    #[serde(default)]
    pub comment: String,
}

/// Validates the completion form: a rating 1–5 and a comment of at most 2000 characters.
pub fn validate_completion(f: &CompletionForm, lang: Lang) -> Result<(i16, String), FieldErrors> {
    let mut e = FieldErrors::default();
    let rating = f
        .rating
        .trim()
        .parse::<i16>()
        .ok()
        .filter(|r| (1..=5).contains(r));
    if rating.is_none() {
        e.add("rating", lang.t("contract.err.rating"));
    }
    let comment = f.comment.trim();
    text::check(
        &mut e,
        "comment",
        &f.comment,
        Kind::Multi,
        COMMENT_MAX,
        lang,
    );
    e.into_result((rating.unwrap_or(0), comment.to_string()))
}

/// Average of ratings ×100, rounded half up; `None` without ratings.
pub fn average_x100(ratings: &[i16]) -> Option<i64> {
    if ratings.is_empty() {
        return None;
    }
    let n = ratings.len() as i64;
    let sum: i64 = ratings.iter().map(|r| i64::from(*r)).sum();
    Some((sum * 100 * 2 + n) / (2 * n))
}

/// A performance rating (clamped to 0–5) as five stars, filled then empty.
pub fn stars(r: i16) -> String {
    let r = usize::try_from(r.clamp(0, 5)).unwrap_or(0);
    format!("{}{}", "★".repeat(r), "☆".repeat(5 - r))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn contract_transition_table_is_exact() {
        use ContractEvent as E;
        use ContractState as S;
        let sig = |buyer, supplier| Signatures { buyer, supplier };
        // (state, event, signatures, next); every other combination is refused.
        let allowed: &[(S, E, Signatures, S)] = &[
            (S::Pending, E::BuyerSign, sig(false, false), S::Pending),
            (S::Pending, E::BuyerSign, sig(false, true), S::Active),
            (S::Pending, E::SupplierSign, sig(false, false), S::Pending),
            (S::Pending, E::SupplierSign, sig(true, false), S::Active),
            (S::Active, E::Complete, sig(true, true), S::Completed),
            (S::Pending, E::Terminate, sig(false, false), S::Terminated),
            (S::Pending, E::Terminate, sig(true, false), S::Terminated),
            (S::Pending, E::Terminate, sig(false, true), S::Terminated),
            (S::Pending, E::Terminate, sig(true, true), S::Terminated),
            (S::Active, E::Terminate, sig(true, true), S::Terminated),
        ];
        let all_sigs = [
            sig(false, false),
            sig(true, false),
            sig(false, true),
            sig(true, true),
        ];
        // An active contract is signed by both; what matters beyond that is the event.
        let also_allowed = |s: S, e: E| {
            (s == S::Active && matches!(e, E::Complete | E::Terminate)).then(|| {
                if e == E::Complete {
                    S::Completed
                } else {
                    S::Terminated
                }
            })
        };
        for &s in S::ALL {
            for &e in E::ALL {
                for g in all_sigs {
                    let expected = allowed
                        .iter()
                        .find(|(f, ev, sg, _)| *f == s && *ev == e && *sg == g)
                        .map(|x| x.3)
                        .or_else(|| also_allowed(s, e));
                    match expected {
                        Some(to) => assert_eq!(s.apply(e, g), Ok(to), "{s:?} {e:?} {g:?}"),
                        None => {
                            let err = s.apply(e, g).unwrap_err();
                            assert_eq!((err.from, err.event), (s, e), "{s:?} {e:?} {g:?}");
                        }
                    }
                }
            }
        }
        assert_eq!(S::ALL.len(), 4);
        assert_eq!(E::ALL.len(), 4);
    }

    #[test]
    fn signing_twice_by_one_side_is_refused_as_such() {
        let e = ContractState::Pending
            .apply(
                ContractEvent::BuyerSign,
                Signatures {
                    buyer: true,
                    supplier: false,
                },
            )
            .unwrap_err();
        assert!(e.already_signed);
        let e = ContractState::Pending
            .apply(
                ContractEvent::SupplierSign,
                Signatures {
                    buyer: true,
                    supplier: true,
                },
            )
            .unwrap_err();
        assert!(e.already_signed);
        let e = ContractState::Active
            .apply(ContractEvent::BuyerSign, Signatures::default())
            .unwrap_err();
        assert!(!e.already_signed);
        assert!(
            !e.message(Lang::En).starts_with("en."),
            "{}",
            e.message(Lang::En)
        );
        assert_ne!(
            e.message(Lang::Zh),
            ContractState::Pending
                .apply(
                    ContractEvent::BuyerSign,
                    Signatures {
                        buyer: true,
                        supplier: false
                    }
                )
                .unwrap_err()
                .message(Lang::Zh)
        );
    }

    #[test]
    fn milestone_transition_table_is_exact() {
        use MilestoneEvent as E;
        use MilestoneState as S;
        let allowed = [
            (S::Scheduled, E::SubmitReport, S::Submitted),
            (S::Returned, E::SubmitReport, S::Submitted),
            (S::Submitted, E::Accept, S::Accepted),
            (S::Submitted, E::Return, S::Returned),
            (S::Accepted, E::RecordPayment, S::Paid),
            (S::Accepted, E::RecordPartPayment, S::Accepted),
        ];
        for &c in ContractState::ALL {
            for &s in S::ALL {
                for &e in E::ALL {
                    let got = s.apply(e, c);
                    if c != ContractState::Active {
                        assert_eq!(
                            got,
                            Err(IllegalMilestoneTransition::ContractNotActive(c)),
                            "{c:?} {s:?} {e:?}"
                        );
                        continue;
                    }
                    match allowed.iter().find(|(f, ev, _)| *f == s && *ev == e) {
                        Some(&(_, _, to)) => assert_eq!(got, Ok(to), "{s:?} {e:?}"),
                        None => assert_eq!(
                            got,
                            Err(IllegalMilestoneTransition::Illegal { from: s, event: e }),
                            "{s:?} {e:?}"
                        ),
                    }
                }
            }
        }
        assert_eq!(S::ALL.len(), 5);
        assert_eq!(E::ALL.len(), 5);
    }

    #[test]
    fn ocds_codes() {
        use ContractState as C;
        use MilestoneState as M;
        let c: Vec<_> = C::ALL.iter().map(|s| s.ocds()).collect();
        assert_eq!(c, ["pending", "active", "terminated", "cancelled"]);
        let m: Vec<_> = M::ALL.iter().map(|s| s.ocds()).collect();
        assert_eq!(m, ["scheduled", "scheduled", "scheduled", "met", "met"]);
    }

    #[test]
    fn codes_round_trip_and_labels_exist() {
        for lang in [Lang::Zh, Lang::En] {
            for &s in ContractState::ALL {
                assert_eq!(ContractState::parse(s.code()), Some(s));
                assert!(!s.label(lang).contains("contract."), "{s:?}");
            }
            for &s in MilestoneState::ALL {
                assert_eq!(MilestoneState::parse(s.code()), Some(s));
                assert!(!s.label(lang).contains("contract."), "{s:?}");
            }
            for &e in ContractEvent::ALL {
                assert_eq!(ContractEvent::parse(e.code()), Some(e));
                let k = format!("contract.event.{}", e.code());
                assert_ne!(lang.t(&k), format!("{}.{k}", lang.code()), "{k}");
                assert!(!lang.t(&k).contains("contract."), "{k}");
            }
            for &e in MilestoneEvent::ALL {
                assert_eq!(MilestoneEvent::parse(e.code()), Some(e));
                let k = format!("contract.mevent.{}", e.code());
                assert!(!lang.t(&k).contains("contract."), "{k}");
            }
            let msg =
                IllegalMilestoneTransition::ContractNotActive(ContractState::Pending).message(lang);
            assert!(msg.contains(&ContractState::Pending.label(lang)), "{msg}");
        }
        assert_eq!(ContractState::parse("x"), None);
        assert_eq!(MilestoneState::parse(""), None);
    }

    #[test]
    fn completion_needs_every_milestone_paid() {
        use MilestoneState as M;
        assert_eq!(unpaid(&[M::Paid, M::Paid]), 0);
        assert_eq!(unpaid(&[M::Paid, M::Accepted, M::Scheduled]), 2);
        assert_eq!(unpaid(&[]), 0);
    }

    #[test]
    fn report_and_reason_lengths() {
        let ok = |s: &str| validate_report(&ReportForm { report: s.into() }, Lang::Zh);
        assert_eq!(
            ok("  一二三四五六七八九十  ").unwrap(),
            "一二三四五六七八九十"
        );
        assert!(ok("一二三四五六七八九").is_err());
        assert!(ok(&"字".repeat(5000)).is_ok());
        let e = ok(&"字".repeat(5001)).unwrap_err();
        assert!(e.get("report").unwrap().contains("5000"), "{e:?}");
        let r = |s: &str| validate_return(&ReturnForm { reason: s.into() }, Lang::En);
        assert_eq!(r(" 缺少签到表 ").unwrap(), "缺少签到表");
        assert!(r("缺少签到").is_err());
        assert!(r(&"x".repeat(2000)).is_ok());
        assert!(r(&"x".repeat(2001)).unwrap_err().get("reason").is_some());
        assert!(r("").unwrap_err().get("reason").is_some());
    }

    #[test]
    fn termination_reason_lengths() {
        let t = |s: &str| {
            validate_termination(
                &TerminationForm {
                    reason: s.into(),
                    confirm: String::new(),
                },
                Lang::En,
            )
        };
        assert_eq!(t(" 机构停止运营 ").unwrap(), "机构停止运营");
        assert!(t("停止运营").is_err());
        assert!(t("   ").unwrap_err().get("reason").is_some());
        assert!(t(&"x".repeat(2000)).is_ok());
        assert!(t(&"x".repeat(2001)).unwrap_err().get("reason").is_some());
        assert!(t("机构停止\u{0}运营").unwrap_err().get("reason").is_some());
    }

    fn pay(amount: &str, paid_on: &str, reference: &str) -> Result<PaymentDraft, FieldErrors> {
        validate_payment(
            &PaymentForm {
                amount: amount.into(),
                paid_on: paid_on.into(),
                reference: reference.into(),
            },
            Fen(3_000_050),
            date!(2026 - 11 - 20),
            date!(2026 - 11 - 27),
            Lang::En,
        )
    }

    #[test]
    fn payments_settle_a_milestone_in_parts() {
        use MilestoneEvent as E;
        let amount = Fen(10_000);
        assert_eq!(
            payment_event(amount, Fen(0), Fen(10_000)),
            Ok(E::RecordPayment)
        );
        assert_eq!(
            payment_event(amount, Fen(0), Fen(4_000)),
            Ok(E::RecordPartPayment)
        );
        assert_eq!(
            payment_event(amount, Fen(4_000), Fen(5_999)),
            Ok(E::RecordPartPayment)
        );
        assert_eq!(
            payment_event(amount, Fen(4_000), Fen(6_000)),
            Ok(E::RecordPayment)
        );
        assert_eq!(
            payment_event(amount, Fen(9_999), Fen(1)),
            Ok(E::RecordPayment)
        );
        // More than remains, nothing or less than nothing: refused, naming what remains.
        assert_eq!(
            payment_event(amount, Fen(4_000), Fen(6_001)),
            Err(Fen(6_000))
        );
        assert_eq!(payment_event(amount, Fen(0), Fen(10_001)), Err(Fen(10_000)));
        assert_eq!(payment_event(amount, Fen(0), Fen(0)), Err(Fen(10_000)));
        assert_eq!(payment_event(amount, Fen(0), Fen(-1)), Err(Fen(10_000)));
        assert_eq!(payment_event(amount, amount, Fen(1)), Err(Fen(0)));
        // A ledger already over its amount (never written, but not trusted) remains nothing.
        assert_eq!(payment_event(amount, Fen(10_500), Fen(1)), Err(Fen(0)));
        // Every sequence of accepted parts ends exactly at the amount.
        let parts = [Fen(1), Fen(2_499), Fen(2_500), Fen(5_000)];
        let mut paid = Fen(0);
        let mut state = MilestoneState::Accepted;
        for p in parts {
            let e = payment_event(amount, paid, p).unwrap();
            state = state.apply(e, ContractState::Active).unwrap();
            paid = Fen(paid.0 + p.0);
        }
        assert_eq!((paid, state), (amount, MilestoneState::Paid));
    }

    #[test]
    fn payment_validation() {
        let d = pay("30,000.50", "2026-11-20", " GK-2026-001 ").unwrap();
        assert_eq!(
            d,
            PaymentDraft {
                amount: Fen(3_000_050),
                paid_on: date!(2026 - 11 - 20),
                reference: "GK-2026-001".into()
            }
        );
        assert!(pay("￥30000.5", "2026-11-27", "ab").is_ok());
        // A part is fine; nothing, or more than remains, is not.
        assert_eq!(
            pay("10,000", "2026-11-20", "GK").unwrap().amount,
            Fen(1_000_000)
        );
        assert_eq!(pay("0.01", "2026-11-20", "GK").unwrap().amount, Fen(1));
        for nothing in ["0", "0.00"] {
            let e = pay(nothing, "2026-11-20", "GK").unwrap_err();
            assert_eq!(
                e.get("amount"),
                Some(Lang::En.t("contract.err.amount_zero").as_str())
            );
        }
        assert!(
            pay("-5", "2026-11-20", "GK")
                .unwrap_err()
                .get("amount")
                .is_some()
        );
        let e = pay("30000.51", "2026-11-20", "GK").unwrap_err();
        let m = e.get("amount").unwrap();
        assert!(m.contains("¥30,000.50") && m.contains("¥30,000.51"), "{m}");
        assert!(
            pay("lots", "2026-11-20", "GK")
                .unwrap_err()
                .get("amount")
                .is_some()
        );
        assert!(
            pay("", "2026-11-20", "GK")
                .unwrap_err()
                .get("amount")
                .is_some()
        );
        let e = pay("30000.50", "2026-11-28", "GK").unwrap_err();
        assert!(e.get("paid_on").is_some() && e.get("amount").is_none());
        let e = pay("30000.50", "2026-11-19", "GK").unwrap_err();
        assert!(e.get("paid_on").unwrap().contains("2026-11-20"));
        assert!(
            pay("30000.50", "27/11/2026", "GK")
                .unwrap_err()
                .get("paid_on")
                .is_some()
        );
        assert!(
            pay("30000.50", "2026-11-20", "G")
                .unwrap_err()
                .get("reference")
                .is_some()
        );
        assert!(
            pay("30000.50", "2026-11-20", &"x".repeat(101))
                .unwrap_err()
                .get("reference")
                .is_some()
        );
        let e = pay("0", "x", "").unwrap_err();
        assert_eq!(e.0.len(), 3);
    }

    #[test]
    fn completion_validation() {
        let c = |rating: &str, comment: &str| {
            validate_completion(
                &CompletionForm {
                    rating: rating.into(),
                    comment: comment.into(),
                },
                Lang::Zh,
            )
        };
        assert_eq!(c("5", " 服务很好 ").unwrap(), (5, "服务很好".to_string()));
        assert_eq!(c("1", "").unwrap(), (1, String::new()));
        for bad in ["0", "6", "", "five", "4.5", "-1"] {
            assert!(c(bad, "").unwrap_err().get("rating").is_some(), "{bad}");
        }
        assert!(c("3", &"字".repeat(2000)).is_ok());
        assert!(
            c("3", &"字".repeat(2001))
                .unwrap_err()
                .get("comment")
                .is_some()
        );
    }

    #[test]
    fn averages_round_half_up() {
        assert_eq!(average_x100(&[]), None);
        assert_eq!(average_x100(&[5]), Some(500));
        assert_eq!(average_x100(&[4, 5]), Some(450));
        assert_eq!(average_x100(&[5, 5, 4]), Some(467));
        assert_eq!(average_x100(&[1, 2]), Some(150));
        assert_eq!(average_x100(&[1, 1, 2]), Some(133));
    }
}
