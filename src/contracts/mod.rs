//! Contracts (政府购买服务合同): the contract created at award, its two signatures, its
//! payment milestones (delivery report → acceptance or return → offline payment), its
//! completion with the buyer's rating, and the supplier's track record.
//!
//! Invariants: every change goes through [`rules::ContractState::apply`] or
//! [`rules::MilestoneState::apply`], runs in one transaction that first locks the contract
//! row (so concurrent changes to one contract serialize), and appends an audit entry in that
//! transaction; an illegal change is refused with a [`Refused`], never silently ignored.
//! Milestone amounts always add up to the contract value. Delivery reports and return
//! reasons are shown only to the two parties and regulators. May call: `audit`,
//! `procurement` (the award inside [`award`]'s transaction, signing block, tender follow-up),
//! `orgs` and `units` (names), `targets` (the 30% ledger, at activation), `web` (from
//! `routes` and `views` only).

pub mod model;
pub mod routes;
pub mod rules;
pub mod views;

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter, QueryOrder, TransactionTrait,
};

use crate::audit::{self, Entry};
use crate::kernel::Lang;
use crate::kernel::money::{Fen, split_by_bp};
pub use crate::procurement::ContractSeed;
use crate::procurement::SigningBlock;
use model::{Contract, Milestone, Payment, contract, contract_milestone, payment};
use rules::{
    ContractEvent, IllegalContractTransition, IllegalMilestoneTransition, MilestoneEvent,
    PaymentDraft, Signatures,
};
pub use rules::{ContractState, MilestoneState, stars};

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
    /// A payment must be exactly the milestone amount.
    AmountMismatch {
        /// The milestone amount.
        expected: Fen,
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
            Refused::AmountMismatch { expected } => lang.tf(
                "contract.err.amount_exact",
                &[("expected", &expected.to_string())],
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
    create_from_award(&*txn, &a.contract, now).await?;
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

/// A milestone as the public tender page shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MilestoneSummary {
    /// Key.
    pub id: i64,
    /// 1-based order.
    pub position: i16,
    /// Name.
    pub name: String,
    /// Share in basis points.
    pub percent_bp: i32,
    /// State.
    pub state: MilestoneState,
    /// Amount.
    pub amount: Fen,
    /// The payment: amount and day.
    pub paid: Option<(Fen, time::Date)>,
}

/// A contract as the public tender page shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ContractSummary {
    /// Key (page `/contracts/{id}`).
    pub id: i64,
    /// State.
    pub state: ContractState,
    /// Value.
    pub value: Fen,
    /// Unix seconds.
    pub buyer_signed_at: Option<i64>,
    /// Unix seconds.
    pub org_signed_at: Option<i64>,
    /// Unix seconds.
    pub completed_at: Option<i64>,
    /// Milestones in order.
    pub milestones: Vec<MilestoneSummary>,
}

fn summarize(ms: &[Milestone], ps: &[Payment]) -> Vec<MilestoneSummary> {
    ms.iter()
        .map(|m| MilestoneSummary {
            id: m.id,
            position: m.position,
            name: m.name.clone(),
            percent_bp: m.percent_bp,
            state: milestone_state(m),
            amount: Fen(m.amount_fen),
            paid: ps
                .iter()
                .find(|p| p.milestone_id == m.id)
                .map(|p| (Fen(p.amount_fen), p.paid_on)),
        })
        .collect()
}

/// The contract of a tender for its public page, if one was created.
pub async fn summary_for_tender(
    db: &impl ConnectionTrait,
    tender_id: i64,
) -> Result<Option<ContractSummary>, DbErr> {
    let Some(c) = of_tender(db, tender_id).await? else {
        return Ok(None);
    };
    let ms = milestones(db, c.id).await?;
    let ps = payments(db, c.id).await?;
    Ok(Some(ContractSummary {
        id: c.id,
        state: state_of(&c),
        value: Fen(c.value_fen),
        buyer_signed_at: c.buyer_signed_at,
        org_signed_at: c.org_signed_at,
        completed_at: c.completed_at,
        milestones: summarize(&ms, &ps),
    }))
}

/// A row of a workspace list.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ContractListItem {
    /// Key.
    pub id: i64,
    /// Tender.
    pub tender_id: i64,
    /// Tender title.
    pub tender_title: String,
    /// Buyer.
    pub unit_id: i64,
    /// Buyer's name.
    pub unit_name: String,
    /// Supplier.
    pub org_id: i64,
    /// Supplier's name.
    pub org_name: String,
    /// Value.
    pub value: Fen,
    /// State.
    pub state: ContractState,
    /// Whether the buyer signed.
    pub buyer_signed: bool,
    /// Whether the supplier signed.
    pub supplier_signed: bool,
    /// Paid milestones.
    pub milestones_paid: u32,
    /// All milestones.
    pub milestones_total: u32,
    /// Unix seconds.
    pub created_at: i64,
}

async fn list_items(
    db: &impl ConnectionTrait,
    rows: Vec<Contract>,
) -> Result<Vec<ContractListItem>, DbErr> {
    let ids: Vec<i64> = rows.iter().map(|c| c.id).collect();
    let tender_ids: Vec<i64> = rows.iter().map(|c| c.tender_id).collect();
    let unit_ids: Vec<i64> = rows.iter().map(|c| c.unit_id).collect();
    let org_ids: Vec<i64> = rows.iter().map(|c| c.org_id).collect();
    let ms = contract_milestone::Entity::find()
        .filter(contract_milestone::Column::ContractId.is_in(ids))
        .all(db)
        .await?;
    // Names through the owning rooms' faces, one IN query each.
    let tenders = crate::procurement::tender_titles_by_ids(db, &tender_ids).await?;
    let units = crate::units::names_by_ids(db, &unit_ids).await?;
    let orgs = crate::orgs::names_by_ids(db, &org_ids).await?;
    Ok(rows
        .into_iter()
        .map(|c| {
            let mine = ms.iter().filter(|m| m.contract_id == c.id);
            let total = mine.clone().count();
            let paid = mine
                .filter(|m| milestone_state(m) == MilestoneState::Paid)
                .count();
            ContractListItem {
                id: c.id,
                tender_id: c.tender_id,
                tender_title: tenders.get(&c.tender_id).cloned().unwrap_or_default(),
                unit_id: c.unit_id,
                unit_name: units.get(&c.unit_id).cloned().unwrap_or_default(),
                org_id: c.org_id,
                org_name: orgs.get(&c.org_id).cloned().unwrap_or_default(),
                value: Fen(c.value_fen),
                state: state_of(&c),
                buyer_signed: c.buyer_signed_at.is_some(),
                supplier_signed: c.org_signed_at.is_some(),
                milestones_paid: u32::try_from(paid).unwrap_or(u32::MAX),
                milestones_total: u32::try_from(total).unwrap_or(u32::MAX),
                created_at: c.created_at,
            }
        })
        .collect())
}

/// The contracts of an organization (as supplier), newest first.
pub async fn of_org(
    db: &impl ConnectionTrait,
    org_id: i64,
) -> Result<Vec<ContractListItem>, DbErr> {
    let rows = contract::Entity::find()
        .filter(contract::Column::OrgId.eq(org_id))
        .order_by_desc(contract::Column::Id)
        .all(db)
        .await?;
    list_items(db, rows).await
}

/// The contracts of some organizations (as supplier) in one query: grouped by organization
/// in the order of `org_ids`, each organization's newest first — what calling [`of_org`] for
/// each in turn and concatenating gives.
pub async fn of_orgs(
    db: &impl ConnectionTrait,
    org_ids: &[i64],
) -> Result<Vec<ContractListItem>, DbErr> {
    if org_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut rows = contract::Entity::find()
        .filter(contract::Column::OrgId.is_in(org_ids.iter().copied()))
        .order_by_desc(contract::Column::Id)
        .all(db)
        .await?;
    // Stable: newest first within each organization.
    rows.sort_by_key(|c| org_ids.iter().position(|o| *o == c.org_id));
    list_items(db, rows).await
}

/// The contracts of some purchasing units (as buyer), newest first.
pub async fn of_units(
    db: &impl ConnectionTrait,
    unit_ids: &[i64],
) -> Result<Vec<ContractListItem>, DbErr> {
    if unit_ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = contract::Entity::find()
        .filter(contract::Column::UnitId.is_in(unit_ids.iter().copied()))
        .order_by_desc(contract::Column::Id)
        .all(db)
        .await?;
    list_items(db, rows).await
}

/// What an organization's contracts say about it.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct TrackRecord {
    /// Completed contracts.
    pub completed: u32,
    /// Mean buyer rating ×100 (rounded half up), when any.
    pub average_rating_x100: Option<i64>,
    /// Ratings of completed contracts, newest first: contract id, rating, comment.
    pub ratings: Vec<(i64, i16, String)>,
    /// Milestones accepted (or accepted and paid) on its signed contracts.
    pub accepted_milestones: u32,
    /// All milestones of its signed contracts (active, completed or terminated after
    /// signing).
    pub total_milestones: u32,
}

/// The track record of an organization.
pub async fn track_record(db: &impl ConnectionTrait, org_id: i64) -> Result<TrackRecord, DbErr> {
    let rows = contract::Entity::find()
        .filter(contract::Column::OrgId.eq(org_id))
        .filter(contract::Column::SignedYear.is_not_null())
        .order_by_desc(contract::Column::CompletedAt)
        .order_by_desc(contract::Column::Id)
        .all(db)
        .await?;
    let ids: Vec<i64> = rows.iter().map(|c| c.id).collect();
    let ms = contract_milestone::Entity::find()
        .filter(contract_milestone::Column::ContractId.is_in(ids))
        .all(db)
        .await?;
    let completed: Vec<&Contract> = rows
        .iter()
        .filter(|c| state_of(c) == ContractState::Completed)
        .collect();
    let ratings: Vec<(i64, i16, String)> = completed
        .iter()
        .filter_map(|c| {
            c.rating
                .map(|r| (c.id, r, c.rating_comment.clone().unwrap_or_default()))
        })
        .collect();
    let accepted = ms
        .iter()
        .filter(|m| {
            matches!(
                milestone_state(m),
                MilestoneState::Accepted | MilestoneState::Paid
            )
        })
        .count();
    Ok(TrackRecord {
        completed: u32::try_from(completed.len()).unwrap_or(u32::MAX),
        average_rating_x100: rules::average_x100(&ratings.iter().map(|r| r.1).collect::<Vec<_>>()),
        ratings,
        accepted_milestones: u32::try_from(accepted).unwrap_or(u32::MAX),
        total_milestones: u32::try_from(ms.len()).unwrap_or(u32::MAX),
    })
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
    let txn = db.begin().await?;
    let c = lock(&txn, contract_id).await?;
    let event = match side {
        Side::Buyer => ContractEvent::BuyerSign,
        Side::Supplier => ContractEvent::SupplierSign,
    };
    let next = match state_of(&c).apply(event, signatures(&c)) {
        Ok(s) => s,
        Err(e) => return Ok(Err(Refused::Contract(e))),
    };
    if let Some(b) = crate::procurement::signing_block(&txn, c.tender_id, now).await? {
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
    am.update(&txn).await?;
    log(
        &txn,
        c.id,
        &format!("{}_signed", side.code()),
        Some(actor),
        now,
        serde_json::json!({ "side": side.code() }),
    )
    .await?;
    if next == ContractState::Active {
        log(
            &txn,
            c.id,
            "activated",
            Some(actor),
            now,
            serde_json::json!({ "signed_year": year }),
        )
        .await?;
        crate::procurement::mark_contracted(&txn, c.tender_id, Some(actor), now).await?;
        // The 30% ledger counts the contract in the year it was signed, in this transaction.
        crate::targets::record_contract(
            &txn,
            year,
            c.unit_id,
            c.supplier_is_social,
            Fen(c.value_fen),
        )
        .await?;
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
    let txn = db.begin().await?;
    let c = lock(&txn, contract_id).await?;
    let (m, to) = match milestone_step(&txn, &c, milestone_id, MilestoneEvent::SubmitReport).await?
    {
        Ok(x) => x,
        Err(r) => return Ok(Err(r)),
    };
    let detail = milestone_detail(&m);
    let mut am: contract_milestone::ActiveModel = m.into();
    am.state = Set(to.code().to_string());
    am.report = Set(Some(report.to_string()));
    am.submitted_at = Set(Some(now));
    am.update(&txn).await?;
    log(&txn, c.id, "report_submitted", Some(actor), now, detail).await?;
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
    let txn = db.begin().await?;
    let c = lock(&txn, contract_id).await?;
    let (m, to) = match milestone_step(&txn, &c, milestone_id, MilestoneEvent::Accept).await? {
        Ok(x) => x,
        Err(r) => return Ok(Err(r)),
    };
    let detail = milestone_detail(&m);
    let mut am: contract_milestone::ActiveModel = m.into();
    am.state = Set(to.code().to_string());
    am.decided_at = Set(Some(now));
    am.update(&txn).await?;
    log(&txn, c.id, "milestone_accepted", Some(actor), now, detail).await?;
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
    let txn = db.begin().await?;
    let c = lock(&txn, contract_id).await?;
    let (m, to) = match milestone_step(&txn, &c, milestone_id, MilestoneEvent::Return).await? {
        Ok(x) => x,
        Err(r) => return Ok(Err(r)),
    };
    let detail = milestone_detail(&m);
    let mut am: contract_milestone::ActiveModel = m.into();
    am.state = Set(to.code().to_string());
    am.return_reason = Set(Some(reason.to_string()));
    am.decided_at = Set(Some(now));
    am.update(&txn).await?;
    log(&txn, c.id, "milestone_returned", Some(actor), now, detail).await?;
    txn.commit().await?;
    Ok(Ok(()))
}

/// The buyer records the offline payment of an accepted milestone: exactly its amount.
/// Returns the payment id.
pub async fn record_payment(
    db: &DatabaseConnection,
    contract_id: i64,
    milestone_id: i64,
    p: &PaymentDraft,
    actor: i64,
    now: i64,
) -> OpResult<i64> {
    let txn = db.begin().await?;
    let c = lock(&txn, contract_id).await?;
    let (m, to) =
        match milestone_step(&txn, &c, milestone_id, MilestoneEvent::RecordPayment).await? {
            Ok(x) => x,
            Err(r) => return Ok(Err(r)),
        };
    if p.amount.0 != m.amount_fen {
        return Ok(Err(Refused::AmountMismatch {
            expected: Fen(m.amount_fen),
        }));
    }
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
    .insert(&txn)
    .await?;
    let mut detail = milestone_detail(&m);
    detail["amount_fen"] = serde_json::json!(p.amount.0);
    detail["paid_on"] = serde_json::json!(p.paid_on.to_string());
    let mut am: contract_milestone::ActiveModel = m.into();
    am.state = Set(to.code().to_string());
    am.update(&txn).await?;
    log(&txn, c.id, "payment_recorded", Some(actor), now, detail).await?;
    txn.commit().await?;
    Ok(Ok(pay.id))
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
    let txn = db.begin().await?;
    let c = lock(&txn, contract_id).await?;
    let next = match state_of(&c).apply(ContractEvent::Complete, signatures(&c)) {
        Ok(s) => s,
        Err(e) => return Ok(Err(Refused::Contract(e))),
    };
    let states: Vec<MilestoneState> = milestones(&txn, c.id)
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
    am.update(&txn).await?;
    log(
        &txn,
        contract_id,
        "completed",
        Some(actor),
        now,
        serde_json::json!({ "rating": rating }),
    )
    .await?;
    crate::procurement::mark_completed(&txn, tender_id, Some(actor), now).await?;
    txn.commit().await?;
    Ok(Ok(()))
}
