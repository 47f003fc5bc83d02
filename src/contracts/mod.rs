//! Contracts (政府购买服务合同): the contract created at award, its two signatures, its
//! payment milestones (delivery report → acceptance or return → offline payment), its
//! completion with the buyer's rating, and the supplier's track record; files attached to
//! delivery reports (`files`).
//!
//! Invariants: every change goes through [`rules::ContractState::apply`] or
//! [`rules::MilestoneState::apply`], runs in one transaction that first locks the contract
//! row (so concurrent changes to one contract serialize), and appends an audit entry in that
//! transaction; an illegal change is refused with a [`Refused`], never silently ignored.
//! Milestone amounts always add up to the contract value. Delivery reports and return
//! reasons are shown only to the two parties and regulators. May call: `audit`,
//! `procurement` (the award inside [`award`]'s transaction, signing block, tender follow-up),
//! `orgs` and `units` (names, the supplier's administrators), `targets` (the 30% ledger, at
//! activation and termination), `inbox` (termination notices), `web` (from `routes` and
//! `views` only).

mod files;
pub mod model;
mod reads;
pub mod routes;
pub mod rules;
pub mod views;

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter, QueryOrder,
};

use crate::audit::{self, Entry};
use crate::kernel::Lang;
use crate::kernel::money::{Fen, split_by_bp};
pub use crate::procurement::ContractSeed;
use crate::procurement::SigningBlock;
/// Files attached to milestone reports.
pub use files::{
    FILES_FOLDER, FileRefusal, MAX_FILES, attach_report_file, remove_report_file, report_file,
    report_file_bytes, report_files,
};
use model::{Contract, Milestone, Payment, contract, contract_milestone, payment};
pub use reads::{BuyerTask, BuyerTodo, buyer_todo};
pub use reads::{CompletedContract, completed_by_ids, completed_of_org};
pub use reads::{
    ContractListItem, ContractSummary, MilestoneSummary, TrackRecord, count_of_parties, of_org,
    of_parties, summary_for_tender, track_record,
};
use rules::{
    ContractEvent, IllegalContractTransition, IllegalMilestoneTransition, MilestoneEvent,
    PaymentDraft, Signatures,
};
pub use rules::{ContractState, MilestoneState, stars};

/// Contracts signed in a period and their value, per supplier (incubators' KPIs).
pub use model::signed_by_org_between;
/// Which organizations hold a contract (zombie detection's activity).
pub use model::suppliers_among;
/// The 30% ledger's figures straight from the contracts, and the contracts behind one of
/// them (for `targets`).
pub use model::{SignedTotal, counted_in_year, signed_totals};
/// Per-supplier contract and milestone counts (matching's track record and capacity).
pub use model::{SupplierTally, supplier_tallies};

/// Why a change was refused (the user sees [`Refused::message`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// The contract's state does not allow it (or the side already signed).
    Contract(IllegalContractTransition),
    /// The milestone's state (or the contract's) does not allow it.
    Milestone(IllegalMilestoneTransition),
    /// Signing is blocked by the procurement procedure.
    Blocked(SigningBlock),
    /// Completion needs every milestone paid; this many are not.
    Unpaid(usize),
    /// A payment is more than what remains of its milestone's amount (or nothing).
    OverPaid {
        /// What remains to be paid.
        remaining: Fen,
    },
    /// The milestone does not belong to the contract.
    NoSuchMilestone,
}

impl Refused {
    /// A message in the user's language.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            Refused::Contract(e) => e.message(lang),
            Refused::Milestone(e) => e.message(lang),
            Refused::Blocked(b) => b.message(lang),
            Refused::Unpaid(n) => lang.tf("contract.err.unpaid", &[("n", &n.to_string())]),
            Refused::OverPaid { remaining } => lang.tf(
                "contract.err.overpaid",
                &[("remaining", &remaining.to_string())],
            ),
            Refused::NoSuchMilestone => lang.t("contract.err.no_milestone"),
        }
    }
}

/// The result of an operation: database failure outside, refusal inside.
pub type OpResult<T> = Result<Result<T, Refused>, DbErr>;

/// The side of a contract acting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The purchasing unit.
    Buyer,
    /// The supplier organization.
    Supplier,
}

impl Side {
    /// Form and audit code.
    pub fn code(self) -> &'static str {
        match self {
            Side::Buyer => "buyer",
            Side::Supplier => "supplier",
        }
    }

    /// Parses a form code.
    pub fn parse(s: &str) -> Option<Side> {
        match s {
            "buyer" => Some(Side::Buyer),
            "supplier" => Some(Side::Supplier),
            _ => None,
        }
    }
}

/// The state of a stored contract (an unknown code reads as pending, which allows nothing
/// but signing, and the signatures decide that).
pub fn state_of(c: &Contract) -> ContractState {
    ContractState::parse(&c.state).unwrap_or(ContractState::Pending)
}

/// The state of a stored milestone.
pub fn milestone_state(m: &Milestone) -> MilestoneState {
    MilestoneState::parse(&m.state).unwrap_or(MilestoneState::Scheduled)
}

/// Which sides have signed.
pub fn signatures(c: &Contract) -> Signatures {
    Signatures {
        buyer: c.buyer_signed_at.is_some(),
        supplier: c.org_signed_at.is_some(),
    }
}

fn milestones_bp_ok(ms: &[(String, i32)]) -> bool {
    !ms.is_empty()
        && ms.iter().all(|(_, bp)| *bp > 0)
        && ms.iter().map(|m| m.1).sum::<i32>() == 10_000
}

/// Creates the pending contract of an award with its milestones (amounts split by basis
/// points so that they add up to the value exactly) and a public audit entry. Call inside the
/// award's transaction.
pub async fn create_from_award(
    db: &impl ConnectionTrait,
    seed: &ContractSeed,
    now: i64,
) -> Result<i64, DbErr> {
    if !milestones_bp_ok(&seed.milestones) {
        return Err(DbErr::Custom(format!(
            "contract milestones of tender {} must be positive and add up to 10000 bp",
            seed.tender_id
        )));
    }
    let c = contract::ActiveModel {
        tender_id: Set(seed.tender_id),
        unit_id: Set(seed.unit_id),
        org_id: Set(seed.org_id),
        value_fen: Set(seed.value.0),
        supplier_is_social: Set(seed.supplier_is_social),
        division_code: Set(seed.division_code.clone()),
        state: Set(ContractState::Pending.code().to_string()),
        buyer_signed_at: Set(None),
        org_signed_at: Set(None),
        signed_year: Set(None),
        completed_at: Set(None),
        rating: Set(None),
        rating_comment: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let bps: Vec<i64> = seed.milestones.iter().map(|m| i64::from(m.1)).collect();
    let amounts = split_by_bp(seed.value, &bps);
    for (i, ((name, bp), amount)) in seed.milestones.iter().zip(&amounts).enumerate() {
        contract_milestone::ActiveModel {
            contract_id: Set(c.id),
            position: Set(i16::try_from(i + 1).unwrap_or(i16::MAX)),
            name: Set(name.clone()),
            percent_bp: Set(*bp),
            amount_fen: Set(amount.0),
            state: Set(MilestoneState::Scheduled.code().to_string()),
            report: Set(None),
            return_reason: Set(None),
            submitted_at: Set(None),
            decided_at: Set(None),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    audit::append(
        db,
        Entry {
            at: now,
            actor_id: None,
            entity: "contract",
            entity_id: c.id,
            action: "created",
            detail: serde_json::json!({
                "tender_id": seed.tender_id,
                "unit_id": seed.unit_id,
                "org_id": seed.org_id,
                "value_fen": seed.value.0,
                "milestones": seed.milestones.len(),
            }),
            public: true,
        },
    )
    .await?;
    Ok(c.id)
}

/// The contract's public facts for its OCDS release.
async fn ocds_contract(
    db: &impl ConnectionTrait,
    c: &Contract,
) -> Result<crate::opendata::ContractFacts, DbErr> {
    use crate::opendata::{ContractFacts, ContractStatus as S, MilestoneFacts, PaymentFacts};
    let status = match state_of(c) {
        ContractState::Pending => S::Pending,
        ContractState::Active => S::Active,
        ContractState::Completed => S::Completed,
        // Ended before both signatures: OCDS calls that cancelled, after: terminated.
        ContractState::Terminated if c.signed_year.is_none() => S::Cancelled,
        ContractState::Terminated => S::Terminated,
    };
    let signed_at = match (c.buyer_signed_at, c.org_signed_at) {
        (Some(a), Some(b)) => Some(a.max(b)),
        _ => None,
    };
    Ok(ContractFacts {
        id: c.id,
        status,
        value_fen: c.value_fen,
        signed_at,
        ended_at: c.completed_at.or(c.terminated_at),
        termination_reason: c.termination_reason.clone(),
        milestones: milestones(db, c.id)
            .await?
            .into_iter()
            .map(|m| {
                let met = matches!(
                    milestone_state(&m),
                    MilestoneState::Accepted | MilestoneState::Paid
                );
                MilestoneFacts {
                    id: m.id,
                    name: m.name,
                    amount_fen: m.amount_fen,
                    met,
                    met_at: m.decided_at,
                }
            })
            .collect(),
        payments: payments(db, c.id)
            .await?
            .into_iter()
            .map(|p| PaymentFacts {
                id: p.id,
                amount_fen: p.amount_fen,
                paid_on: p.paid_on.to_string(),
                at: p.at,
            })
            .collect(),
    })
}

/// Records the OCDS release of a contract event inside its transaction: procurement's facts
/// of the tender with this room's contract.
async fn record_release(
    db: &impl ConnectionTrait,
    contract_id: i64,
    tag: crate::opendata::Tag,
    now: i64,
) -> Result<(), DbErr> {
    let c = get(db, contract_id)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("contract {contract_id}")))?;
    let mut facts = crate::procurement::ocds_facts(db, c.tender_id).await?;
    facts.contract = Some(ocds_contract(db, &c).await?);
    crate::opendata::record_in(db, &facts, tag, now).await?;
    Ok(())
}

/// Awards a bid and creates its contract (pending signatures) in one transaction:
/// procurement decides the award and starts the standstill ([`crate::procurement::award_in`]),
/// then the contract is created from what it decided. The top-ranked bid, or another with a
/// written justification. Returns the award's id.
pub async fn award(
    db: &DatabaseConnection,
    t: &crate::procurement::Tender,
    bid_id: i64,
    justification: &str,
    settings: &crate::procurement::ProcurementSettings,
    actor: i64,
    now: i64,
) -> Result<Result<i64, crate::procurement::Refusal>, DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    let a =
        match crate::procurement::award_in(&*txn, t, bid_id, justification, settings, actor, now)
            .await?
        {
            Ok(a) => a,
            Err(refused) => return Ok(Err(refused)),
        };
    let contract_id = create_from_award(&*txn, &a.contract, now).await?;
    // The award notice is public from here: the award release, with the pending contract.
    record_release(&*txn, contract_id, crate::opendata::Tag::Award, now).await?;
    txn.commit().await?;
    Ok(Ok(a.award_id))
}

/// One contract.
pub async fn get(db: &impl ConnectionTrait, id: i64) -> Result<Option<Contract>, DbErr> {
    contract::Entity::find_by_id(id).one(db).await
}

/// The contract of a tender.
pub async fn of_tender(
    db: &impl ConnectionTrait,
    tender_id: i64,
) -> Result<Option<Contract>, DbErr> {
    contract::Entity::find()
        .filter(contract::Column::TenderId.eq(tender_id))
        .one(db)
        .await
}

/// A contract's milestones in order.
pub async fn milestones(
    db: &impl ConnectionTrait,
    contract_id: i64,
) -> Result<Vec<Milestone>, DbErr> {
    contract_milestone::Entity::find()
        .filter(contract_milestone::Column::ContractId.eq(contract_id))
        .order_by_asc(contract_milestone::Column::Position)
        .order_by_asc(contract_milestone::Column::Id)
        .all(db)
        .await
}

/// A contract's payments.
pub async fn payments(db: &impl ConnectionTrait, contract_id: i64) -> Result<Vec<Payment>, DbErr> {
    payment::Entity::find()
        .filter(payment::Column::ContractId.eq(contract_id))
        .order_by_asc(payment::Column::Id)
        .all(db)
        .await
}

// ---------------------------------------------------------------------------------------
// Changes

/// Locks the contract row for the rest of the transaction (a no-op update: PostgreSQL takes
/// the row lock, SQLite its write lock) and reads it.
async fn lock(db: &impl ConnectionTrait, id: i64) -> Result<Contract, DbErr> {
    contract::Entity::update_many()
        .col_expr(contract::Column::State, Expr::col(contract::Column::State))
        .filter(contract::Column::Id.eq(id))
        .exec(db)
        .await?;
    get(db, id)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("contract {id}")))
}

async fn log(
    db: &impl ConnectionTrait,
    contract_id: i64,
    action: &str,
    actor: Option<i64>,
    now: i64,
    detail: serde_json::Value,
) -> Result<(), DbErr> {
    audit::append(
        db,
        Entry {
            at: now,
            actor_id: actor,
            entity: "contract",
            entity_id: contract_id,
            action,
            detail,
            public: true,
        },
    )
    .await
}

/// Signs for one side. Refused while the procurement standstill runs or a challenge waits
/// for its answer, and when the side already signed. The second signature activates the
/// contract (signed year in Asia/Shanghai) and marks the tender contracted. Returns the new
/// state.
pub async fn sign(
    db: &DatabaseConnection,
    contract_id: i64,
    side: Side,
    actor: i64,
    now: i64,
) -> OpResult<ContractState> {
    let txn = crate::kernel::db::begin_write(db).await?;
    let c = lock(&*txn, contract_id).await?;
    let event = match side {
        Side::Buyer => ContractEvent::BuyerSign,
        Side::Supplier => ContractEvent::SupplierSign,
    };
    let next = match state_of(&c).apply(event, signatures(&c)) {
        Ok(s) => s,
        Err(e) => return Ok(Err(Refused::Contract(e))),
    };
    if let Some(b) = crate::procurement::signing_block(&*txn, c.tender_id, now).await? {
        return Ok(Err(Refused::Blocked(b)));
    }
    let mut am: contract::ActiveModel = c.clone().into();
    match side {
        Side::Buyer => am.buyer_signed_at = Set(Some(now)),
        Side::Supplier => am.org_signed_at = Set(Some(now)),
    }
    am.state = Set(next.code().to_string());
    let year = crate::kernel::clock::shanghai_year(now);
    if next == ContractState::Active {
        am.signed_year = Set(Some(year));
    }
    am.update(&*txn).await?;
    log(
        &*txn,
        c.id,
        &format!("{}_signed", side.code()),
        Some(actor),
        now,
        serde_json::json!({ "side": side.code() }),
    )
    .await?;
    if next == ContractState::Active {
        log(
            &*txn,
            c.id,
            "activated",
            Some(actor),
            now,
            serde_json::json!({ "signed_year": year }),
        )
        .await?;
        crate::procurement::mark_contracted(&*txn, c.tender_id, Some(actor), now).await?;
        // The 30% ledger counts the contract in the year it was signed, in this transaction.
        crate::targets::record_contract(
            &*txn,
            year,
            c.unit_id,
            c.supplier_is_social,
            Fen(c.value_fen),
        )
        .await?;
        record_release(&*txn, c.id, crate::opendata::Tag::Contract, now).await?;
    }
    txn.commit().await?;
    Ok(Ok(next))
}

/// Checks a milestone event against the locked contract and the milestone.
async fn milestone_step(
    db: &impl ConnectionTrait,
    c: &Contract,
    milestone_id: i64,
    event: MilestoneEvent,
) -> Result<Result<(Milestone, MilestoneState), Refused>, DbErr> {
    let Some(m) = contract_milestone::Entity::find_by_id(milestone_id)
        .one(db)
        .await?
    else {
        return Ok(Err(Refused::NoSuchMilestone));
    };
    if m.contract_id != c.id {
        return Ok(Err(Refused::NoSuchMilestone));
    }
    Ok(milestone_state(&m)
        .apply(event, state_of(c))
        .map(|to| (m, to))
        .map_err(Refused::Milestone))
}

fn milestone_detail(m: &Milestone) -> serde_json::Value {
    serde_json::json!({ "milestone_id": m.id, "position": m.position, "name": m.name })
}

/// The supplier submits (or resubmits) a delivery report on a scheduled or returned
/// milestone of an active contract.
pub async fn submit_report(
    db: &DatabaseConnection,
    contract_id: i64,
    milestone_id: i64,
    report: &str,
    actor: i64,
    now: i64,
) -> OpResult<()> {
    let txn = crate::kernel::db::begin_write(db).await?;
    let c = lock(&*txn, contract_id).await?;
    let (m, to) =
        match milestone_step(&*txn, &c, milestone_id, MilestoneEvent::SubmitReport).await? {
            Ok(x) => x,
            Err(r) => return Ok(Err(r)),
        };
    let detail = milestone_detail(&m);
    let mut am: contract_milestone::ActiveModel = m.into();
    am.state = Set(to.code().to_string());
    am.report = Set(Some(report.to_string()));
    am.submitted_at = Set(Some(now));
    am.update(&*txn).await?;
    log(&*txn, c.id, "report_submitted", Some(actor), now, detail).await?;
    txn.commit().await?;
    Ok(Ok(()))
}

/// The buyer accepts a submitted milestone.
pub async fn accept_milestone(
    db: &DatabaseConnection,
    contract_id: i64,
    milestone_id: i64,
    actor: i64,
    now: i64,
) -> OpResult<()> {
    let txn = crate::kernel::db::begin_write(db).await?;
    let c = lock(&*txn, contract_id).await?;
    let (m, to) = match milestone_step(&*txn, &c, milestone_id, MilestoneEvent::Accept).await? {
        Ok(x) => x,
        Err(r) => return Ok(Err(r)),
    };
    let detail = milestone_detail(&m);
    let mut am: contract_milestone::ActiveModel = m.into();
    am.state = Set(to.code().to_string());
    am.decided_at = Set(Some(now));
    am.update(&*txn).await?;
    log(&*txn, c.id, "milestone_accepted", Some(actor), now, detail).await?;
    record_release(&*txn, c.id, crate::opendata::Tag::Implementation, now).await?;
    txn.commit().await?;
    Ok(Ok(()))
}

/// The buyer returns a submitted milestone with a reason.
pub async fn return_milestone(
    db: &DatabaseConnection,
    contract_id: i64,
    milestone_id: i64,
    reason: &str,
    actor: i64,
    now: i64,
) -> OpResult<()> {
    let txn = crate::kernel::db::begin_write(db).await?;
    let c = lock(&*txn, contract_id).await?;
    let (m, to) = match milestone_step(&*txn, &c, milestone_id, MilestoneEvent::Return).await? {
        Ok(x) => x,
        Err(r) => return Ok(Err(r)),
    };
    let detail = milestone_detail(&m);
    let mut am: contract_milestone::ActiveModel = m.into();
    am.state = Set(to.code().to_string());
    am.return_reason = Set(Some(reason.to_string()));
    am.decided_at = Set(Some(now));
    am.update(&*txn).await?;
    log(&*txn, c.id, "milestone_returned", Some(actor), now, detail).await?;
    txn.commit().await?;
    Ok(Ok(()))
}

/// Puts a notice in the inboxes of the supplier organization's administrators, about this
/// contract: `params` plus the unit's name (`unit`), the tender's title (`tender`) and the
/// contract's page. In the caller's transaction.
async fn tell_supplier(
    db: &impl ConnectionTrait,
    c: &Contract,
    kind: crate::inbox::Kind,
    params: crate::inbox::Params,
    now: i64,
) -> Result<(), DbErr> {
    let admins: Vec<i64> = crate::orgs::member_roles(db, c.org_id)
        .await?
        .into_iter()
        .filter(|(_, r)| *r == crate::accounts::OrgRole::Admin)
        .map(|(u, _)| u)
        .collect();
    let unit = crate::units::get(db, c.unit_id)
        .await?
        .map(|u| u.name)
        .unwrap_or_default();
    let tender = crate::procurement::get(db, c.tender_id)
        .await?
        .map(|t| t.title)
        .unwrap_or_default();
    let params = params
        .text("unit", unit)
        .text("tender", tender)
        .link(format!("/contracts/{}", c.id));
    crate::inbox::notify(db, &admins, kind, &params, now).await
}

/// What has been paid on a milestone so far: the sum of its payments.
pub async fn milestone_paid(db: &impl ConnectionTrait, milestone_id: i64) -> Result<Fen, DbErr> {
    let rows = payment::Entity::find()
        .filter(payment::Column::MilestoneId.eq(milestone_id))
        .all(db)
        .await?;
    Ok(Fen(rows.iter().map(|p| p.amount_fen).sum()))
}

/// A recorded payment: its id and what remains of the milestone afterwards (nothing: the
/// milestone is paid).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recorded {
    /// The payment's key.
    pub id: i64,
    /// What remains to be paid on the milestone.
    pub remaining: Fen,
}

/// The buyer records an offline payment of an accepted milestone: the whole amount, or a part
/// of it ([`rules::payment_event`]); the milestone is paid when its payments add up to its
/// amount, and they never add up to more. The sum is read after the contract's row is taken,
/// so two payments recorded at once cannot both fit the same remainder.
pub async fn record_payment(
    db: &DatabaseConnection,
    contract_id: i64,
    milestone_id: i64,
    p: &PaymentDraft,
    actor: i64,
    now: i64,
) -> OpResult<Recorded> {
    let txn = crate::kernel::db::begin_write(db).await?;
    let c = lock(&*txn, contract_id).await?;
    let (m, _) =
        match milestone_step(&*txn, &c, milestone_id, MilestoneEvent::RecordPayment).await? {
            Ok(x) => x,
            Err(r) => return Ok(Err(r)),
        };
    let paid = milestone_paid(&*txn, m.id).await?;
    let amount = Fen(m.amount_fen);
    let event = match rules::payment_event(amount, paid, p.amount) {
        Ok(e) => e,
        Err(remaining) => return Ok(Err(Refused::OverPaid { remaining })),
    };
    let to = match milestone_state(&m).apply(event, state_of(&c)) {
        Ok(to) => to,
        Err(e) => return Ok(Err(Refused::Milestone(e))),
    };
    let pay = payment::ActiveModel {
        contract_id: Set(c.id),
        milestone_id: Set(m.id),
        amount_fen: Set(p.amount.0),
        paid_on: Set(p.paid_on),
        reference: Set(p.reference.clone()),
        recorded_by: Set(Some(actor)),
        at: Set(now),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    let remaining = Fen(amount.0 - paid.0 - p.amount.0);
    let params = crate::inbox::Params::new()
        .text("milestone", m.name.clone())
        .text("amount", p.amount.to_string())
        .text("remaining", remaining.to_string());
    tell_supplier(&*txn, &c, crate::inbox::Kind::MilestonePaid, params, now).await?;
    let mut detail = milestone_detail(&m);
    detail["amount_fen"] = serde_json::json!(p.amount.0);
    detail["paid_on"] = serde_json::json!(p.paid_on.to_string());
    detail["remaining_fen"] = serde_json::json!(remaining.0);
    if to != milestone_state(&m) {
        let mut am: contract_milestone::ActiveModel = m.into();
        am.state = Set(to.code().to_string());
        am.update(&*txn).await?;
    }
    let action = match event {
        MilestoneEvent::RecordPartPayment => "part_payment_recorded",
        _ => "payment_recorded",
    };
    log(&*txn, c.id, action, Some(actor), now, detail).await?;
    record_release(&*txn, c.id, crate::opendata::Tag::Implementation, now).await?;
    txn.commit().await?;
    Ok(Ok(Recorded {
        id: pay.id,
        remaining,
    }))
}

/// The buyer completes an active contract whose milestones are all paid, with a rating
/// 1–5 and a comment; the tender is marked completed.
pub async fn complete(
    db: &DatabaseConnection,
    contract_id: i64,
    rating: i16,
    comment: &str,
    actor: i64,
    now: i64,
) -> OpResult<()> {
    let txn = crate::kernel::db::begin_write(db).await?;
    let c = lock(&*txn, contract_id).await?;
    let next = match state_of(&c).apply(ContractEvent::Complete, signatures(&c)) {
        Ok(s) => s,
        Err(e) => return Ok(Err(Refused::Contract(e))),
    };
    let states: Vec<MilestoneState> = milestones(&*txn, c.id)
        .await?
        .iter()
        .map(milestone_state)
        .collect();
    let unpaid = rules::unpaid(&states);
    if unpaid > 0 {
        return Ok(Err(Refused::Unpaid(unpaid)));
    }
    if !(1..=5).contains(&rating) {
        return Err(DbErr::Custom(format!("rating {rating} outside 1..=5")));
    }
    let tender_id = c.tender_id;
    let mut am: contract::ActiveModel = c.into();
    am.state = Set(next.code().to_string());
    am.completed_at = Set(Some(now));
    am.rating = Set(Some(rating));
    am.rating_comment = Set(Some(comment.to_string()));
    am.update(&*txn).await?;
    log(
        &*txn,
        contract_id,
        "completed",
        Some(actor),
        now,
        serde_json::json!({ "rating": rating }),
    )
    .await?;
    crate::procurement::mark_completed(&*txn, tender_id, Some(actor), now).await?;
    record_release(
        &*txn,
        contract_id,
        crate::opendata::Tag::Implementation,
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(()))
}

/// The buyer terminates a pending or active contract early, with a reason: the state
/// machine's `Terminate`, the date and reason on the contract, a public audit entry, the
/// contract out of the 30% ledger when it was counted (signed), and a notice to each
/// administrator of the supplier organization — all in one transaction.
pub async fn terminate(
    db: &DatabaseConnection,
    contract_id: i64,
    reason: &str,
    actor: i64,
    now: i64,
) -> OpResult<()> {
    let txn = crate::kernel::db::begin_write(db).await?;
    let c = lock(&*txn, contract_id).await?;
    let next = match state_of(&c).apply(ContractEvent::Terminate, signatures(&c)) {
        Ok(s) => s,
        Err(e) => return Ok(Err(Refused::Contract(e))),
    };
    let mut am: contract::ActiveModel = c.clone().into();
    am.state = Set(next.code().to_string());
    am.terminated_at = Set(Some(now));
    am.termination_reason = Set(Some(reason.to_string()));
    am.update(&*txn).await?;
    log(
        &*txn,
        c.id,
        "terminated",
        Some(actor),
        now,
        serde_json::json!({ "reason": reason, "ledger_year": c.signed_year }),
    )
    .await?;
    // Only a signed contract was counted (in its signing year); the ledger loses it here, in
    // the transaction that changes the state its recomputation reads.
    if let Some(year) = c.signed_year {
        crate::targets::remove_contract(
            &*txn,
            year,
            c.unit_id,
            c.supplier_is_social,
            Fen(c.value_fen),
        )
        .await?;
    }
    let params = crate::inbox::Params::new().text("reason", reason);
    tell_supplier(
        &*txn,
        &c,
        crate::inbox::Kind::ContractTerminated,
        params,
        now,
    )
    .await?;
    record_release(&*txn, c.id, crate::opendata::Tag::ContractTermination, now).await?;
    txn.commit().await?;
    Ok(Ok(()))
}

/// What terminating a contract would do to the 30% ledger: `None` when the contract was
/// never counted (not signed by both sides yet).
pub async fn termination_effect(
    db: &impl ConnectionTrait,
    c: &Contract,
) -> Result<Option<crate::targets::RemovalEffect>, DbErr> {
    match c.signed_year {
        Some(year) if state_of(c) == ContractState::Active => Ok(Some(
            crate::targets::removal_effect(
                db,
                year,
                c.unit_id,
                c.supplier_is_social,
                Fen(c.value_fen),
            )
            .await?,
        )),
        _ => Ok(None),
    }
}
