//! Pure donation logic: the donation and campaign states, how a payment event moves a
//! donation whatever order events arrive in, the webhook signature check, receipt numbers,
//! and the validation of every form. No I/O, no clock: "now" is an argument.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::kernel::Lang;
use crate::kernel::codes::code_enum;
use crate::kernel::error::FieldErrors;
use crate::kernel::money::Fen;
use crate::kernel::text::{self, Kind};

code_enum! {
    /// A donation's state. `Pending` until the money is known to have arrived (offline: the
    /// foundation confirms; Stripe: a verified webhook), then `Succeeded` or `Failed`;
    /// `Refunded` once any part of a succeeded donation was refunded (the amount in fen is
    /// kept beside it).
    DonationState => "donation.state" {
        /// Pledged, not yet paid.
        Pending = "pending",
        /// Paid.
        Succeeded = "succeeded",
        /// The payment failed (a later success still counts: Stripe lets a donor retry).
        Failed = "failed",
        /// Paid, then refunded in part or in full.
        Refunded = "refunded",
    }
}

code_enum! {
    /// A campaign's state: open until its fundraising plan's period ends (a job writes the
    /// close) .
    CampaignState => "campaign.state" {
        /// Taking donations.
        Open = "open",
        /// The plan's period ended.
        Closed = "closed",
    }
}

code_enum! {
    /// How a donation is paid.
    GatewayKind => "gateway.kind" {
        /// Bank transfer to the collecting foundation, confirmed by it by hand.
        Offline = "offline",
        /// Stripe PaymentIntent, confirmed by verified webhooks.
        Stripe = "stripe",
    }
}

/// What happened to a payment, from a verified webhook or the foundation's hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentEvent {
    /// The money arrived (`payment_intent.succeeded`, or the offline confirmation).
    Succeeded,
    /// The attempt failed (`payment_intent.payment_failed`).
    Failed,
    /// The total refunded so far is this much (`charge.refunded` carries the running total,
    /// so applying it twice or out of order lands on the same amount).
    RefundedTotal(Fen),
}

/// A donation's ledger position: its state and how much was refunded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ledger {
    /// State.
    pub state: DonationState,
    /// Refunded so far (never more than the amount).
    pub refunded: Fen,
}

/// Applies an event to a donation of `amount`. Total and order-insensitive: a success
/// after a failure counts (a retry), a failure after a success changes nothing, a refund
/// seen before the success is kept and shows once the success arrives, and refund totals
/// only grow.
pub fn apply(l: Ledger, amount: Fen, ev: PaymentEvent) -> Ledger {
    use DonationState::*;
    let paid_state = |refunded: Fen| {
        if refunded.0 > 0 { Refunded } else { Succeeded }
    };
    match ev {
        PaymentEvent::Succeeded => Ledger {
            state: paid_state(l.refunded),
            refunded: l.refunded,
        },
        PaymentEvent::Failed => match l.state {
            Pending | Failed => Ledger {
                state: Failed,
                refunded: l.refunded,
            },
            Succeeded | Refunded => l,
        },
        PaymentEvent::RefundedTotal(total) => {
            let refunded = Fen(total.0.clamp(0, amount.0).max(l.refunded.0));
            let state = match l.state {
                Succeeded | Refunded => paid_state(refunded),
                s => s,
            };
            Ledger { state, refunded }
        }
    }
}

/// Whether a donation counts towards what a campaign raised (and is listed).
pub fn counts(s: DonationState) -> bool {
    matches!(s, DonationState::Succeeded | DonationState::Refunded)
}

/// A foundation's receipt number: `{year}-{seq:06}`.
pub fn receipt_number(year: i32, seq: i64) -> String {
    format!("{year}-{seq:06}")
}

/// The next receipt sequence given the stored counter: it restarts at 1 each year.
pub fn next_receipt_seq(stored_year: i32, stored_seq: i64, year: i32) -> i64 {
    if stored_year == year {
        stored_seq + 1
    } else {
        1
    }
}

/// Whether a campaign takes donations at `now` (open and inside its plan's period).
pub fn accepting(state: CampaignState, starts_at: i64, ends_at: i64, now: i64) -> bool {
    state == CampaignState::Open && starts_at <= now && now < ends_at
}

// ---- webhook signatures ----

/// Why a `Stripe-Signature` was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureError {
    /// No header, no timestamp or no `v1` signature.
    Missing,
    /// The timestamp is further from now than the tolerance.
    Stale,
    /// No `v1` signature matches under any secret.
    Mismatch,
}

/// The `v1` signature Stripe sends: hex HMAC-SHA256 of `"{t}.{body}"` under the secret.
pub fn sign(secret: &str, t: i64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(t.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

/// Checks a `Stripe-Signature` header (`t=…,v1=…[,v1=…]`) over the raw body: the timestamp
/// within `tolerance` seconds of `now`, and any `v1` matching under any of the secrets (so
/// a rotation, which sends one signature per live secret, is accepted). Constant-time
/// comparison of the MAC (`Mac::verify_slice`).
pub fn verify_signature(
    header: Option<&str>,
    body: &[u8],
    secrets: &[&str],
    now: i64,
    tolerance: i64,
) -> Result<i64, SignatureError> {
    let header = header.ok_or(SignatureError::Missing)?;
    let mut t = None;
    let mut sigs = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", v)) => t = v.parse::<i64>().ok(),
            Some(("v1", v)) => {
                if let Ok(bytes) = hex::decode(v) {
                    sigs.push(bytes);
                }
            }
            _ => {}
        }
    }
    let t = t.ok_or(SignatureError::Missing)?;
    if sigs.is_empty() || secrets.is_empty() {
        return Err(SignatureError::Missing);
    }
    // abs_diff: a forged `t` near i64::MIN must not overflow.
    if now.abs_diff(t) > tolerance.max(0).unsigned_abs() {
        return Err(SignatureError::Stale);
    }
    for secret in secrets {
        for sig in &sigs {
            let mut mac =
                Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
            mac.update(t.to_string().as_bytes());
            mac.update(b".");
            mac.update(body);
            if mac.verify_slice(sig).is_ok() {
                return Ok(t);
            }
        }
    }
    Err(SignatureError::Mismatch)
}

/// The part of a Stripe event this platform acts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StripeEvent {
    /// `evt_…`, the deduplication key.
    pub id: String,
    /// `type`.
    pub kind: String,
    /// The PaymentIntent it concerns, when any.
    pub intent: Option<String>,
    /// What it means for the donation (`None`: an event we do not act on).
    pub effect: Option<PaymentEvent>,
}

/// Reads an event body. `None` when it is not a Stripe event at all.
pub fn parse_event(body: &[u8]) -> Option<StripeEvent> {
    let v: serde_json::Value = serde_json::from_slice(body).ok()?;
    let id = v.get("id")?.as_str()?.to_string();
    let kind = v.get("type")?.as_str()?.to_string();
    let obj = v.get("data").and_then(|d| d.get("object"));
    let field = |k: &str| obj.and_then(|o| o.get(k));
    let (intent, effect) = match kind.as_str() {
        "payment_intent.succeeded" => (
            field("id").and_then(|x| x.as_str()),
            Some(PaymentEvent::Succeeded),
        ),
        "payment_intent.payment_failed" | "payment_intent.canceled" => (
            field("id").and_then(|x| x.as_str()),
            Some(PaymentEvent::Failed),
        ),
        "charge.refunded" => (
            field("payment_intent").and_then(|x| x.as_str()),
            field("amount_refunded")
                .and_then(|x| x.as_i64())
                .map(|a| PaymentEvent::RefundedTotal(Fen(a))),
        ),
        _ => (None, None),
    };
    Some(StripeEvent {
        id,
        kind,
        intent: intent.map(str::to_string),
        effect,
    })
}

// ---- forms ----

/// Longest accepted text per field, in characters.
const LIMITS: &[(&str, usize)] = &[
    ("donor_name", 60),
    ("certificate_no", 60),
    ("bank_name", 100),
    ("account_name", 100),
    ("account_no", 40),
    ("plan_record_no", 60),
];

fn limit(field: &str) -> usize {
    LIMITS
        .iter()
        .find(|(f, _)| *f == field)
        .map_or(100, |(_, n)| *n)
}

/// The largest single donation or goal: ¥100,000,000.
pub const MAX_AMOUNT: Fen = Fen(10_000_000_000);

fn amount(e: &mut FieldErrors, field: &'static str, typed: &str, lang: Lang) -> Fen {
    let t = typed.trim();
    if t.is_empty() {
        e.add(field, lang.t("form.required"));
        return Fen(0);
    }
    match Fen::parse_yuan(t) {
        Some(f) if f.0 > 0 && f <= MAX_AMOUNT => f,
        Some(f) if f.0 > 0 => {
            e.add(field, lang.t("payments.err.too_large"));
            Fen(0)
        }
        _ => {
            e.add(field, lang.t("payments.err.amount"));
            Fen(0)
        }
    }
}

fn line(e: &mut FieldErrors, field: &'static str, typed: &str, required: bool, lang: Lang) {
    if !text::check(e, field, typed, Kind::Line, limit(field), lang) {
        return;
    }
    if required && typed.trim().is_empty() {
        e.add(field, lang.t("form.required"));
    }
}

/// A `YYYY-MM-DD` date as the Asia/Shanghai midnight that starts it.
pub fn parse_date(s: &str) -> Option<i64> {
    crate::kernel::clock::parse_local(&format!("{}T00:00", s.trim()))
}

fn date(e: &mut FieldErrors, field: &'static str, typed: &str, lang: Lang) -> i64 {
    if typed.trim().is_empty() {
        e.add(field, lang.t("form.required"));
        return 0;
    }
    parse_date(typed).unwrap_or_else(|| {
        e.add(field, lang.t("payments.err.date"));
        0
    })
}

/// The donation form as typed.
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct PledgeForm {
    /// Donor's name (for the receipt).
    #[serde(default)]
    pub donor_name: String,
    /// `"1"` when the donor agrees to be named in the public list.
    #[serde(default)]
    pub show_name: String,
    /// Amount in yuan.
    #[serde(default)]
    pub amount: String,
}

/// A valid pledge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PledgeDraft {
    /// Donor's name.
    pub donor_name: String,
    /// Named in the public list.
    pub show_name: bool,
    /// Amount.
    pub amount: Fen,
}

/// Checks a pledge: a name, a positive amount no larger than [`MAX_AMOUNT`].
pub fn validate_pledge(f: &PledgeForm, lang: Lang) -> Result<PledgeDraft, FieldErrors> {
    let mut e = FieldErrors::default();
    line(&mut e, "donor_name", &f.donor_name, true, lang);
    let a = amount(&mut e, "amount", &f.amount, lang);
    e.into_result(PledgeDraft {
        donor_name: f.donor_name.trim().to_string(),
        show_name: f.show_name == "1",
        amount: a,
    })
}

/// The qualification form as typed.
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct QualificationForm {
    /// Public-fundraising qualification certificate number.
    #[serde(default)]
    pub certificate_no: String,
    /// Valid from, `YYYY-MM-DD`.
    #[serde(default)]
    pub valid_from: String,
    /// Bank.
    #[serde(default)]
    pub bank_name: String,
    /// Account holder.
    #[serde(default)]
    pub account_name: String,
    /// Account number.
    #[serde(default)]
    pub account_no: String,
}

/// A valid qualification record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Qualification {
    /// Certificate number.
    pub certificate_no: String,
    /// Valid from (instant).
    pub valid_from: i64,
    /// Bank.
    pub bank_name: String,
    /// Account holder.
    pub account_name: String,
    /// Account number.
    pub account_no: String,
}

/// Checks the qualification: every field present, the date a date.
pub fn validate_qualification(
    f: &QualificationForm,
    lang: Lang,
) -> Result<Qualification, FieldErrors> {
    let mut e = FieldErrors::default();
    line(&mut e, "certificate_no", &f.certificate_no, true, lang);
    let from = date(&mut e, "valid_from", &f.valid_from, lang);
    line(&mut e, "bank_name", &f.bank_name, true, lang);
    line(&mut e, "account_name", &f.account_name, true, lang);
    line(&mut e, "account_no", &f.account_no, true, lang);
    e.into_result(Qualification {
        certificate_no: f.certificate_no.trim().to_string(),
        valid_from: from,
        bank_name: f.bank_name.trim().to_string(),
        account_name: f.account_name.trim().to_string(),
        account_no: f.account_no.trim().to_string(),
    })
}

/// The campaign form as typed.
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct CampaignForm {
    /// The funded project: an approved proposal's number.
    #[serde(default)]
    pub proposal_id: String,
    /// Goal in yuan.
    #[serde(default)]
    pub goal: String,
    /// The filed fundraising plan's record number (备案编号).
    #[serde(default)]
    pub plan_record_no: String,
    /// Plan period start, `YYYY-MM-DD`.
    #[serde(default)]
    pub plan_from: String,
    /// Plan period end (last day), `YYYY-MM-DD`.
    #[serde(default)]
    pub plan_to: String,
}

/// A valid campaign (before the project and the qualification are looked up).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CampaignDraft {
    /// Proposal id.
    pub proposal_id: i64,
    /// Goal.
    pub goal: Fen,
    /// Plan record number.
    pub plan_record_no: String,
    /// Start instant.
    pub starts_at: i64,
    /// End instant (exclusive: the midnight after the last day).
    pub ends_at: i64,
}

/// Checks a campaign: a project number, a goal, the plan's record number and a period that
/// has not ended by `now`.
pub fn validate_campaign(
    f: &CampaignForm,
    now: i64,
    lang: Lang,
) -> Result<CampaignDraft, FieldErrors> {
    let mut e = FieldErrors::default();
    let proposal_id = match f.proposal_id.trim().parse::<i64>() {
        Ok(n) if n > 0 => n,
        _ => {
            e.add("proposal_id", lang.t("payments.err.project"));
            0
        }
    };
    let goal = amount(&mut e, "goal", &f.goal, lang);
    if f.plan_record_no.trim().is_empty() {
        e.add("plan_record_no", lang.t("payments.err.plan_missing"));
    } else {
        line(&mut e, "plan_record_no", &f.plan_record_no, true, lang);
    }
    let from = date(&mut e, "plan_from", &f.plan_from, lang);
    let to = date(&mut e, "plan_to", &f.plan_to, lang) + 86_400;
    if e.get("plan_from").is_none() && e.get("plan_to").is_none() {
        if to <= from {
            e.add("plan_to", lang.t("payments.err.period"));
        } else if to <= now {
            e.add("plan_to", lang.t("payments.err.period_over"));
        }
    }
    e.into_result(CampaignDraft {
        proposal_id,
        goal,
        plan_record_no: f.plan_record_no.trim().to_string(),
        starts_at: from,
        ends_at: to,
    })
}

/// The offline arrival form: the amount that arrived and the day.
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct ConfirmForm {
    /// Amount in yuan.
    #[serde(default)]
    pub amount: String,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub received_on: String,
}

/// Checks an arrival: a positive amount, a day not after `now`.
pub fn validate_confirm(f: &ConfirmForm, now: i64, lang: Lang) -> Result<(Fen, i64), FieldErrors> {
    let mut e = FieldErrors::default();
    let a = amount(&mut e, "amount", &f.amount, lang);
    let d = date(&mut e, "received_on", &f.received_on, lang);
    if e.get("received_on").is_none() && d > now {
        e.add("received_on", lang.t("payments.err.future"));
    }
    e.into_result((a, d))
}

/// The refund form.
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct RefundForm {
    /// Amount in yuan.
    #[serde(default)]
    pub refund_amount: String,
}

/// Checks a refund of a donation of `amount` of which `refunded` is already refunded.
pub fn validate_refund(
    f: &RefundForm,
    amount_paid: Fen,
    refunded: Fen,
    lang: Lang,
) -> Result<Fen, FieldErrors> {
    let mut e = FieldErrors::default();
    let a = amount(&mut e, "refund_amount", &f.refund_amount, lang);
    if e.is_empty() && a.0 > amount_paid.0 - refunded.0 {
        e.add("refund_amount", lang.t("payments.err.refund_over"));
    }
    e.into_result(a)
}

#[cfg(test)]
mod tests {
    use super::*;
    use DonationState::*;

    fn l(state: DonationState, refunded: i64) -> Ledger {
        Ledger {
            state,
            refunded: Fen(refunded),
        }
    }

    #[test]
    fn every_state_and_event() {
        let amt = Fen(1000);
        let cases = [
            (l(Pending, 0), PaymentEvent::Succeeded, l(Succeeded, 0)),
            (l(Pending, 0), PaymentEvent::Failed, l(Failed, 0)),
            (
                l(Pending, 0),
                PaymentEvent::RefundedTotal(Fen(300)),
                l(Pending, 300),
            ),
            (l(Pending, 300), PaymentEvent::Succeeded, l(Refunded, 300)),
            (l(Failed, 0), PaymentEvent::Succeeded, l(Succeeded, 0)),
            (l(Failed, 0), PaymentEvent::Failed, l(Failed, 0)),
            (
                l(Failed, 0),
                PaymentEvent::RefundedTotal(Fen(5)),
                l(Failed, 5),
            ),
            (l(Succeeded, 0), PaymentEvent::Succeeded, l(Succeeded, 0)),
            (l(Succeeded, 0), PaymentEvent::Failed, l(Succeeded, 0)),
            (
                l(Succeeded, 0),
                PaymentEvent::RefundedTotal(Fen(400)),
                l(Refunded, 400),
            ),
            (
                l(Succeeded, 0),
                PaymentEvent::RefundedTotal(Fen(0)),
                l(Succeeded, 0),
            ),
            (
                l(Refunded, 400),
                PaymentEvent::RefundedTotal(Fen(200)),
                l(Refunded, 400),
            ),
            (
                l(Refunded, 400),
                PaymentEvent::RefundedTotal(Fen(5000)),
                l(Refunded, 1000),
            ),
            (l(Refunded, 400), PaymentEvent::Failed, l(Refunded, 400)),
            (l(Refunded, 400), PaymentEvent::Succeeded, l(Refunded, 400)),
        ];
        for (from, ev, to) in cases {
            assert_eq!(apply(from, amt, ev), to, "{from:?} {ev:?}");
        }
    }

    #[test]
    fn any_order_of_the_same_events_ends_alike() {
        let evs = [
            PaymentEvent::Failed,
            PaymentEvent::Succeeded,
            PaymentEvent::RefundedTotal(Fen(250)),
        ];
        let orders = [
            [0, 1, 2],
            [0, 2, 1],
            [1, 0, 2],
            [1, 2, 0],
            [2, 0, 1],
            [2, 1, 0],
        ];
        for o in orders {
            let mut s = l(Pending, 0);
            for i in o {
                s = apply(s, Fen(1000), evs[i]);
                // Replaying each event changes nothing more.
                s = apply(s, Fen(1000), evs[i]);
            }
            assert_eq!(s, l(Refunded, 250), "{o:?}");
        }
    }

    #[test]
    fn receipts_number_per_year() {
        assert_eq!(receipt_number(2026, 7), "2026-000007");
        assert_eq!(next_receipt_seq(2026, 7, 2026), 8);
        assert_eq!(next_receipt_seq(2025, 7, 2026), 1);
        assert_eq!(next_receipt_seq(0, 0, 2026), 1);
    }

    #[test]
    fn campaign_accepts_only_inside_its_period() {
        assert!(accepting(CampaignState::Open, 10, 20, 10));
        assert!(!accepting(CampaignState::Open, 10, 20, 20));
        assert!(!accepting(CampaignState::Open, 10, 20, 9));
        assert!(!accepting(CampaignState::Closed, 10, 20, 15));
    }

    #[test]
    fn signatures() {
        let body = br#"{"id":"evt_1"}"#;
        let good = sign("whsec_a", 1000, body);
        let h = format!("t=1000,v1={good}");
        assert_eq!(
            verify_signature(Some(&h), body, &["whsec_a"], 1100, 300),
            Ok(1000)
        );
        // Rotation: the second of two signatures matches, or the second of two secrets.
        let other = sign("whsec_old", 1000, body);
        let both = format!("t=1000,v1={other},v1={good}");
        assert!(verify_signature(Some(&both), body, &["whsec_a"], 1000, 300).is_ok());
        assert!(verify_signature(Some(&h), body, &["whsec_old", "whsec_a"], 1000, 300).is_ok());
        assert_eq!(
            verify_signature(Some(&h), body, &["whsec_b"], 1000, 300),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify_signature(Some(&h), b"{}", &["whsec_a"], 1000, 300),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify_signature(Some(&h), body, &["whsec_a"], 1301, 300),
            Err(SignatureError::Stale)
        );
        assert_eq!(
            verify_signature(Some(&h), body, &["whsec_a"], 699, 300),
            Err(SignatureError::Stale)
        );
        // A timestamp at the ends of the range is stale, never an overflow.
        for t in [i64::MIN, i64::MAX] {
            let h = format!("t={t},v1={good}");
            assert_eq!(
                verify_signature(Some(&h), body, &["whsec_a"], 1000, 300),
                Err(SignatureError::Stale)
            );
        }
        for bad in ["", "t=1000", &format!("v1={good}"), "t=x,v1=zz", "garbage"] {
            assert_eq!(
                verify_signature(Some(bad), body, &["whsec_a"], 1000, 300),
                Err(SignatureError::Missing),
                "{bad}"
            );
        }
        assert_eq!(
            verify_signature(None, body, &["whsec_a"], 1000, 300),
            Err(SignatureError::Missing)
        );
        assert_eq!(
            verify_signature(Some(&h), body, &[], 1000, 300),
            Err(SignatureError::Missing)
        );
    }

    #[test]
    fn events_are_read() {
        let e = parse_event(
            br#"{"id":"evt_1","type":"charge.refunded","data":{"object":{"payment_intent":"pi_1","amount_refunded":300}}}"#,
        )
        .unwrap();
        assert_eq!(e.intent.as_deref(), Some("pi_1"));
        assert_eq!(e.effect, Some(PaymentEvent::RefundedTotal(Fen(300))));
        let e = parse_event(
            br#"{"id":"evt_2","type":"payment_intent.succeeded","data":{"object":{"id":"pi_1"}}}"#,
        )
        .unwrap();
        assert_eq!(e.effect, Some(PaymentEvent::Succeeded));
        let e = parse_event(br#"{"id":"evt_3","type":"customer.created","data":{}}"#).unwrap();
        assert_eq!(e.effect, None);
        assert!(parse_event(b"not json").is_none());
        assert!(parse_event(br#"{"type":"x"}"#).is_none());
    }

    #[test]
    fn pledges() {
        let f = |name: &str, amount: &str| PledgeForm {
            donor_name: name.into(),
            show_name: "1".into(),
            amount: amount.into(),
        };
        let d = validate_pledge(&f("张三", "100.5"), Lang::Zh).unwrap();
        assert_eq!((d.amount, d.show_name), (Fen(10_050), true));
        for bad in ["0", "-5", "", "abc", "0.00", "1.234", "100000001"] {
            let e = validate_pledge(&f("张三", bad), Lang::En).unwrap_err();
            assert!(e.get("amount").is_some(), "{bad}");
        }
        assert!(
            validate_pledge(&f("", "5"), Lang::En)
                .unwrap_err()
                .get("donor_name")
                .is_some()
        );
        assert!(
            validate_pledge(&f("a\0b", "5"), Lang::En)
                .unwrap_err()
                .get("donor_name")
                .is_some()
        );
    }

    #[test]
    fn campaigns_need_a_plan_and_a_live_period() {
        let now = parse_date("2026-12-01").unwrap();
        let f = CampaignForm {
            proposal_id: "3".into(),
            goal: "50000".into(),
            plan_record_no: "53150000MJ0000001A2026001".into(),
            plan_from: "2026-11-01".into(),
            plan_to: "2027-01-31".into(),
        };
        let d = validate_campaign(&f, now, Lang::Zh).unwrap();
        assert_eq!(d.ends_at, parse_date("2027-02-01").unwrap());
        let e = validate_campaign(
            &CampaignForm {
                plan_record_no: " ".into(),
                ..f.clone()
            },
            now,
            Lang::En,
        )
        .unwrap_err();
        assert!(e.get("plan_record_no").is_some());
        let e = validate_campaign(
            &CampaignForm {
                plan_to: "2026-11-15".into(),
                ..f.clone()
            },
            now,
            Lang::En,
        )
        .unwrap_err();
        assert!(e.get("plan_to").is_some());
        let e = validate_campaign(
            &CampaignForm {
                plan_to: "2026-10-15".into(),
                ..f.clone()
            },
            now,
            Lang::En,
        )
        .unwrap_err();
        assert!(e.get("plan_to").is_some());
        let e = validate_campaign(
            &CampaignForm {
                proposal_id: "x".into(),
                goal: "-1".into(),
                ..f
            },
            now,
            Lang::En,
        )
        .unwrap_err();
        assert!(e.get("proposal_id").is_some() && e.get("goal").is_some());
    }

    #[test]
    fn confirmations_and_refunds() {
        let now = parse_date("2026-12-01").unwrap();
        let ok = ConfirmForm {
            amount: "100".into(),
            received_on: "2026-11-30".into(),
        };
        assert_eq!(validate_confirm(&ok, now, Lang::Zh).unwrap().0, Fen(10_000));
        let future = ConfirmForm {
            received_on: "2026-12-05".into(),
            ..ok.clone()
        };
        assert!(validate_confirm(&future, now, Lang::Zh).is_err());
        let r = |a: &str| RefundForm {
            refund_amount: a.into(),
        };
        assert_eq!(
            validate_refund(&r("30"), Fen(10_000), Fen(5_000), Lang::Zh),
            Ok(Fen(3_000))
        );
        assert!(validate_refund(&r("60"), Fen(10_000), Fen(5_000), Lang::Zh).is_err());
        assert!(validate_refund(&r("0"), Fen(10_000), Fen(0), Lang::Zh).is_err());
    }

    #[test]
    fn qualification_fields_are_required() {
        let e = validate_qualification(&QualificationForm::default(), Lang::En).unwrap_err();
        for f in [
            "certificate_no",
            "valid_from",
            "bank_name",
            "account_name",
            "account_no",
        ] {
            assert!(e.get(f).is_some(), "{f}");
        }
    }
}
