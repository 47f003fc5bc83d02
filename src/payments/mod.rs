//! Donations to funded projects (issue 13 point 5). A campaign belongs to a **collecting
//! foundation** — an organization of the foundation kind whose administrators record its
//! public-fundraising qualification here — and to a funded project (an approved proposal in
//! `philanthropy`), under a filed fundraising plan (record number and period). Donations
//! go through a [`gateway::Gateway`]: offline (bank transfer with the donation's reference,
//! confirmed by the foundation) or Stripe (a PaymentIntent, then verified webhooks).
//!
//! Invariants: a campaign opens only for a foundation with a recorded qualification, an
//! approved project and a plan record number and live period (Charity Law: online public
//! fundraising only by a qualified charity under a filed plan), and takes donations only
//! while open and inside the period (decided in the writing transaction, against the
//! campaign's row); [`close_due`] closes it when the period ends. A donation's state moves
//! only through [`rules::apply`], written by a conditional update on the state it was read
//! in, with its audit entry in the same transaction. A Stripe donation moves only on a
//! verified webhook, whose event id is inserted first in the same transaction (a replay
//! changes nothing). A receipt number is taken from the foundation's counter when a
//! donation is first paid. May call: `orgs` (kind, name), `philanthropy` (the approved
//! project), `audit`, the kernel; its routes and views `web`.

pub mod gateway;
pub mod model;
pub mod routes;
pub mod rules;
pub mod views;

use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr};

pub use gateway::{Gateway, GatewayError, PaymentSettings};
pub use model::{Campaign, Donation, QualificationRow};
pub use rules::{
    CampaignDraft, CampaignState, DonationState, GatewayKind, PaymentEvent, PledgeDraft,
    Qualification,
};

use crate::kernel::clock::shanghai_year;
use crate::kernel::money::Fen;

/// Why a fundraising write was refused (nothing was written).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The organization is not a foundation.
    NotFoundation,
    /// No public-fundraising qualification recorded.
    NoQualification,
    /// The qualification is not yet valid.
    QualificationNotYetValid,
    /// No approved project with that number.
    NoProject,
    /// The campaign is closed or outside its plan's period.
    CampaignClosed,
    /// The donation is not in a state that allows it, or changed meanwhile.
    WrongState,
}

impl Refusal {
    /// The form field the message belongs next to, and the message.
    pub fn field(self, lang: crate::kernel::Lang) -> (&'static str, String) {
        let (f, k) = match self {
            Refusal::NotFoundation => ("qualification", "payments.err.not_foundation"),
            Refusal::NoQualification => ("qualification", "payments.err.no_qualification"),
            Refusal::QualificationNotYetValid => {
                ("qualification", "payments.err.qualification_not_valid")
            }
            Refusal::NoProject => ("proposal_id", "payments.err.project"),
            Refusal::CampaignClosed => ("amount", "payments.err.closed"),
            Refusal::WrongState => ("amount", "payments.err.state"),
        };
        (f, lang.t(k))
    }
}

async fn log(
    db: &impl ConnectionTrait,
    (entity, id): (&'static str, i64),
    action: &str,
    actor: Option<i64>,
    now: i64,
    detail: serde_json::Value,
    public: bool,
) -> Result<(), DbErr> {
    crate::audit::append(
        db,
        crate::audit::Entry {
            at: now,
            actor_id: actor,
            entity,
            entity_id: id,
            action,
            detail,
            public,
        },
    )
    .await
}

/// Whether the organization is a foundation (the kind that may collect).
pub async fn is_foundation(db: &impl ConnectionTrait, org_id: i64) -> Result<bool, DbErr> {
    Ok(crate::orgs::row(db, org_id)
        .await?
        .is_some_and(|o| o.kind == crate::orgs::OrgKind::Foundation.code()))
}

/// A foundation's qualification.
pub use model::qualification_of;

/// Records a foundation's public-fundraising qualification and bank details, with its audit
/// entry (public: the qualification is what makes its campaigns lawful).
pub async fn record_qualification(
    db: &DatabaseConnection,
    org_id: i64,
    q: &Qualification,
    actor: i64,
    now: i64,
) -> Result<Result<(), Refusal>, DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    if !is_foundation(&*txn, org_id).await? {
        return Ok(Err(Refusal::NotFoundation));
    }
    model::upsert_qualification(&*txn, org_id, q, actor, now).await?;
    log(
        &*txn,
        ("fundraising_qualification", org_id),
        "recorded",
        Some(actor),
        now,
        serde_json::json!({ "certificate_no": q.certificate_no, "valid_from": q.valid_from }),
        true,
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(()))
}

/// Opens a campaign for an approved project, refused without the foundation's
/// qualification (checked in the writing transaction).
pub async fn open_campaign(
    db: &DatabaseConnection,
    org_id: i64,
    d: &CampaignDraft,
    actor: i64,
    now: i64,
) -> Result<Result<Campaign, Refusal>, DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    if !is_foundation(&*txn, org_id).await? {
        return Ok(Err(Refusal::NotFoundation));
    }
    let Some(q) = model::qualification_of(&*txn, org_id).await? else {
        return Ok(Err(Refusal::NoQualification));
    };
    if q.valid_from > now {
        return Ok(Err(Refusal::QualificationNotYetValid));
    }
    let Some(p) = crate::philanthropy::approved_proposal(&*txn, d.proposal_id).await? else {
        return Ok(Err(Refusal::NoProject));
    };
    let c = model::insert_campaign(
        &*txn,
        &model::NewCampaign {
            org_id,
            proposal_id: p.id,
            title: &p.title,
            goal: d.goal,
            plan_record_no: &d.plan_record_no,
            starts_at: d.starts_at,
            ends_at: d.ends_at,
            by: actor,
        },
        now,
    )
    .await?;
    log(
        &*txn,
        ("campaign", c.id),
        "opened",
        Some(actor),
        now,
        serde_json::json!({
            "proposal": p.id, "goal_fen": d.goal.0, "plan_record_no": d.plan_record_no,
            "plan_starts_at": d.starts_at, "plan_ends_at": d.ends_at,
            "certificate_no": q.certificate_no,
        }),
        true,
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(c))
}

/// Closes every open campaign whose plan period has ended; how many it closed.
pub async fn close_due(db: &DatabaseConnection, now: i64) -> Result<u32, DbErr> {
    let mut n = 0;
    for c in model::due_campaigns(db, now).await? {
        let txn = crate::kernel::db::begin_write(db).await?;
        if model::close_campaign(&*txn, c.id, now).await? {
            log(
                &*txn,
                ("campaign", c.id),
                "closed",
                None,
                now,
                serde_json::json!({ "plan_ends_at": c.plan_ends_at }),
                true,
            )
            .await?;
            n += 1;
        }
        txn.commit().await?;
    }
    Ok(n)
}

/// A fresh donation reference from the CSPRNG (the donor's link and the transfer memo).
pub fn new_reference() -> String {
    hex::encode(rand::random::<[u8; 12]>())
}

/// Records a pledge to a campaign that accepts donations at `now` (decided against the
/// campaign's row in the writing transaction), pending, with its audit entry.
pub async fn pledge(
    db: &DatabaseConnection,
    c: &Campaign,
    d: &PledgeDraft,
    gateway: GatewayKind,
    reference: &str,
    now: i64,
) -> Result<Result<Donation, Refusal>, DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    if !model::lock_accepting_campaign(&*txn, c.id, now).await? {
        return Ok(Err(Refusal::CampaignClosed));
    }
    let don = model::insert_donation(
        &*txn,
        &model::NewDonation {
            campaign: c,
            reference,
            donor_name: &d.donor_name,
            show_name: d.show_name,
            amount: d.amount,
            gateway,
        },
        now,
    )
    .await?;
    log(
        &*txn,
        ("donation", don.id),
        "pledged",
        None,
        now,
        serde_json::json!({ "campaign": c.id, "amount_fen": d.amount.0, "gateway": gateway.code() }),
        false,
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(don))
}

/// Starts the payment at the gateway for a pending donation and records the PaymentIntent
/// (or that the gateway was unreachable: the donor is told, nothing is paid).
pub async fn start_payment(
    db: &DatabaseConnection,
    g: &dyn Gateway,
    d: &Donation,
    now: i64,
) -> Result<Result<(), GatewayError>, DbErr> {
    match g.create_intent(&d.reference, Fen(d.amount_fen)).await {
        Ok(Some(i)) => {
            model::set_intent(db, d.id, Some((&i.id, &i.client_secret)), now).await?;
            Ok(Ok(()))
        }
        Ok(None) => Ok(Ok(())),
        Err(e) => {
            tracing::warn!(donation = d.id, error = %e, "could not create a PaymentIntent");
            model::set_intent(db, d.id, None, now).await?;
            Ok(Err(e))
        }
    }
}

/// Moves a donation read as `d` by `ev` inside `txn`: the new ledger position, the paid
/// amount and receipt when it is first paid, the audit entry. `Ok(false)` when the row
/// changed meanwhile.
async fn move_in(
    txn: &impl ConnectionTrait,
    d: &Donation,
    ev: PaymentEvent,
    paid_amount: Option<(Fen, i64)>,
    actor: Option<i64>,
    now: i64,
    source: &str,
) -> Result<bool, DbErr> {
    let amount = paid_amount.map_or(Fen(d.amount_fen), |(a, _)| a);
    let next = rules::apply(d.ledger(), amount, ev);
    if next == d.ledger() && paid_amount.is_none() {
        return Ok(true);
    }
    let first_paid = rules::counts(next.state) && d.receipt_no.is_none();
    let receipt = if first_paid {
        let year = shanghai_year(now);
        let seq = model::next_receipt_seq(txn, d.org_id, year)
            .await?
            .unwrap_or(0);
        Some(rules::receipt_number(year, seq))
    } else {
        None
    };
    let paid = receipt.as_deref().map(|r| {
        let (a, at) = paid_amount.unwrap_or((Fen(d.amount_fen), now));
        (a, at, r)
    });
    if !model::move_donation(txn, d, next, paid, now).await? {
        return Ok(false);
    }
    log(
        txn,
        ("donation", d.id),
        next.state.code(),
        actor,
        now,
        serde_json::json!({
            "from": d.state, "refunded_fen": next.refunded.0, "receipt": receipt,
            "amount_fen": amount.0, "source": source,
        }),
        false,
    )
    .await?;
    Ok(true)
}

/// The foundation confirms an offline donation's arrival: the amount that arrived and the
/// day; the donation is paid and gets its receipt number.
pub async fn confirm_offline(
    db: &DatabaseConnection,
    d: &Donation,
    amount: Fen,
    received_at: i64,
    actor: i64,
    now: i64,
) -> Result<Result<(), Refusal>, DbErr> {
    if d.gateway() != GatewayKind::Offline || d.state() != DonationState::Pending {
        return Ok(Err(Refusal::WrongState));
    }
    let txn = crate::kernel::db::begin_write(db).await?;
    let ok = move_in(
        &*txn,
        d,
        PaymentEvent::Succeeded,
        Some((amount, received_at)),
        Some(actor),
        now,
        "offline",
    )
    .await?;
    if !ok {
        return Ok(Err(Refusal::WrongState));
    }
    txn.commit().await?;
    Ok(Ok(()))
}

/// The foundation refunds part of a paid donation. Offline: recorded here. Stripe: asked
/// of Stripe (idempotent per running total), and the ledger moves when the verified
/// `charge.refunded` webhook arrives.
pub async fn refund(
    db: &DatabaseConnection,
    g: &dyn Gateway,
    d: &Donation,
    amount: Fen,
    actor: i64,
    now: i64,
) -> Result<Result<Result<(), GatewayError>, Refusal>, DbErr> {
    if !rules::counts(d.state()) {
        return Ok(Err(Refusal::WrongState));
    }
    let total = Fen(d.refunded_fen) + amount;
    match d.gateway() {
        GatewayKind::Offline => {
            let txn = crate::kernel::db::begin_write(db).await?;
            if !move_in(
                &*txn,
                d,
                PaymentEvent::RefundedTotal(total),
                None,
                Some(actor),
                now,
                "offline",
            )
            .await?
            {
                return Ok(Err(Refusal::WrongState));
            }
            txn.commit().await?;
            Ok(Ok(Ok(())))
        }
        GatewayKind::Stripe => {
            let Some(pi) = d.payment_intent.as_deref() else {
                return Ok(Err(Refusal::WrongState));
            };
            let key = format!("refund-{}-{}", d.reference, total.0);
            if let Err(e) = g.refund(pi, amount, &key).await {
                return Ok(Ok(Err(e)));
            }
            let txn = crate::kernel::db::begin_write(db).await?;
            log(
                &*txn,
                ("donation", d.id),
                "refund_requested",
                Some(actor),
                now,
                serde_json::json!({ "amount_fen": amount.0 }),
                false,
            )
            .await?;
            txn.commit().await?;
            Ok(Ok(Ok(())))
        }
    }
}

/// What a verified webhook did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebhookOutcome {
    /// Applied (or an event we record and do not act on).
    Applied,
    /// Seen before: nothing changed.
    Duplicate,
    /// No donation of ours: recorded, nothing changed.
    Unknown,
    /// The donation changed meanwhile: nothing written, Stripe should retry.
    Retry,
}

/// Applies a verified Stripe event: its id is inserted first and the donation moved in the
/// same transaction, so a replay changes nothing and a failure leaves no trace.
pub async fn apply_event(
    db: &DatabaseConnection,
    ev: &rules::StripeEvent,
    now: i64,
) -> Result<WebhookOutcome, DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    let d = match &ev.intent {
        Some(pi) => model::by_intent(&*txn, pi).await?,
        None => None,
    };
    if !model::insert_event(&*txn, &ev.id, &ev.kind, d.as_ref().map(|d| d.id), now).await? {
        txn.commit().await?;
        return Ok(WebhookOutcome::Duplicate);
    }
    let (Some(d), Some(effect)) = (d, ev.effect) else {
        txn.commit().await?;
        return Ok(WebhookOutcome::Unknown);
    };
    if !move_in(&*txn, &d, effect, None, None, now, &ev.id).await? {
        // Dropping the transaction rolls the event row back too: the retry applies it.
        return Ok(WebhookOutcome::Retry);
    }
    txn.commit().await?;
    Ok(WebhookOutcome::Applied)
}

/// When in doubt (a refund seen before the success), asks Stripe for the PaymentIntent and
/// applies what it says it is (a success there is a success here).
pub async fn settle_from_gateway(
    db: &DatabaseConnection,
    g: &dyn Gateway,
    intent: &str,
    now: i64,
) -> Result<(), DbErr> {
    let Some(d) = model::by_intent(db, intent).await? else {
        return Ok(());
    };
    if d.state() != DonationState::Pending {
        return Ok(());
    }
    let Ok(s) = g.fetch_intent(intent).await else {
        return Ok(());
    };
    if s.status == "succeeded" {
        let txn = crate::kernel::db::begin_write(db).await?;
        if move_in(
            &*txn,
            &d,
            PaymentEvent::Succeeded,
            None,
            None,
            now,
            "refetch",
        )
        .await?
        {
            txn.commit().await?;
        }
    }
    Ok(())
}

/// A donor as the public list shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicDonor {
    /// The name, only when the donor agreed.
    pub name: Option<String>,
    /// What counts (amount less refunds).
    pub amount: Fen,
    /// When paid.
    pub paid_at: i64,
}

/// A campaign as its public page shows it.
#[derive(Debug, Clone)]
pub struct CampaignPage {
    /// The campaign.
    pub campaign: Campaign,
    /// The collecting foundation's name.
    pub foundation: String,
    /// The project's applicant.
    pub applicant: String,
    /// Raised so far (paid less refunds).
    pub raised: Fen,
    /// Paid donations.
    pub donors: Vec<PublicDonor>,
}

/// What a campaign raised and its public donor list, from its donations.
pub fn raised(donations: &[Donation]) -> (Fen, Vec<PublicDonor>) {
    let mut total = Fen(0);
    let mut donors = Vec::new();
    for d in donations {
        if rules::counts(d.state()) {
            let a = Fen(d.amount_fen - d.refunded_fen);
            total += a;
            donors.push(PublicDonor {
                name: d.show_name.then(|| d.donor_name.clone()),
                amount: a,
                paid_at: d.paid_at.unwrap_or(d.updated_at),
            });
        }
    }
    (total, donors)
}

/// The public page of a campaign.
pub async fn campaign_page(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<CampaignPage>, DbErr> {
    let Some(c) = model::campaign(db, id).await? else {
        return Ok(None);
    };
    let foundation = crate::orgs::name_of(db, c.org_id)
        .await?
        .unwrap_or_default();
    let applicant = crate::philanthropy::approved_proposal(db, c.proposal_id)
        .await?
        .map(|p| p.name)
        .unwrap_or_default();
    let (raised, donors) = raised(&model::donations_of(db, c.id).await?);
    Ok(Some(CampaignPage {
        campaign: c,
        foundation,
        applicant,
        raised,
        donors,
    }))
}

/// The foundations that have run a campaign (what the nightly reconciliation walks).
pub async fn collecting_foundations(db: &impl ConnectionTrait) -> Result<Vec<i64>, DbErr> {
    let mut ids: Vec<i64> = model::all_campaigns(db)
        .await?
        .into_iter()
        .map(|c| c.org_id)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

/// One difference between the ledger and Stripe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// The donation.
    pub donation: Donation,
    /// Stripe's status, or the error asking.
    pub stripe: String,
    /// Stripe's refunded amount.
    pub stripe_refunded: Fen,
}

/// Compares a foundation's Stripe donations with Stripe (offline: nothing to compare):
/// paid here but not there, paid there but not here, refunds that differ.
pub async fn reconcile(
    db: &impl ConnectionTrait,
    g: &dyn Gateway,
    org_id: i64,
) -> Result<Vec<Difference>, DbErr> {
    if g.kind() == GatewayKind::Offline {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for d in model::stripe_donations_of_org(db, org_id).await? {
        let Some(pi) = d.payment_intent.as_deref() else {
            continue;
        };
        match g.fetch_intent(pi).await {
            Ok(s) => {
                let paid_there = s.status == "succeeded";
                let paid_here = rules::counts(d.state());
                if paid_there != paid_here || s.refunded.0 != d.refunded_fen {
                    out.push(Difference {
                        stripe: s.status,
                        stripe_refunded: s.refunded,
                        donation: d,
                    });
                }
            }
            Err(e) => out.push(Difference {
                stripe: e.to_string(),
                stripe_refunded: Fen(0),
                donation: d,
            }),
        }
    }
    Ok(out)
}
