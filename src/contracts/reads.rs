//! What the contracts room shows others: the contract summary on a tender page, contract
//! lists for workspaces (IN-batched: one query per kind of row, never one per contract) and
//! an organization's track record for its profile and for matching.

use sea_orm::QueryOrder;
use sea_orm::entity::prelude::*;

use super::model::{Contract, Milestone, Payment, contract, contract_milestone};
use super::rules;
use super::{
    ContractState, MilestoneState, milestone_state, milestones, of_tender, payments, state_of,
};
use crate::kernel::money::Fen;

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
    /// What was paid (the sum of its payments: a milestone may be paid in parts) and the
    /// day of the latest payment; `None` before any.
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
            paid: ps.iter().filter(|p| p.milestone_id == m.id).fold(
                None,
                |acc: Option<(Fen, time::Date)>, p| match acc {
                    None => Some((Fen(p.amount_fen), p.paid_on)),
                    Some((sum, day)) => Some((Fen(sum.0 + p.amount_fen), day.max(p.paid_on))),
                },
            ),
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

/// Which contracts are the user's: those of the purchasing units they buy for and of the
/// organizations they belong to.
fn of_parties_filter(unit_ids: &[i64], org_ids: &[i64]) -> sea_orm::Condition {
    sea_orm::Condition::any()
        .add(contract::Column::UnitId.is_in(unit_ids.iter().copied()))
        .add(contract::Column::OrgId.is_in(org_ids.iter().copied()))
}

/// A page of the contracts of some purchasing units (as buyer) and organizations (as
/// supplier), newest first, in one query for the contracts: `limit` from `offset`.
pub async fn of_parties(
    db: &impl ConnectionTrait,
    unit_ids: &[i64],
    org_ids: &[i64],
    offset: u64,
    limit: u64,
) -> Result<Vec<ContractListItem>, DbErr> {
    use sea_orm::QuerySelect;
    if unit_ids.is_empty() && org_ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = contract::Entity::find()
        .filter(of_parties_filter(unit_ids, org_ids))
        .order_by_desc(contract::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?;
    list_items(db, rows).await
}

/// How many contracts [`of_parties`] pages through.
pub async fn count_of_parties(
    db: &impl ConnectionTrait,
    unit_ids: &[i64],
    org_ids: &[i64],
) -> Result<u64, DbErr> {
    if unit_ids.is_empty() && org_ids.is_empty() {
        return Ok(0);
    }
    contract::Entity::find()
        .filter(of_parties_filter(unit_ids, org_ids))
        .count(db)
        .await
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

/// A completed contract shown as evidence of an organization's work (a brand project's
/// "verified by the platform" section).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CompletedContract {
    /// Key.
    pub id: i64,
    /// Supplier.
    pub org_id: i64,
    /// Tender title.
    pub tender_title: String,
    /// Buyer's name.
    pub unit_name: String,
    /// Value.
    pub value: Fen,
    /// Unix seconds.
    pub completed_at: i64,
    /// Buyer's rating at completion, 1–5.
    pub rating: Option<i16>,
}

async fn completed_items(
    db: &impl ConnectionTrait,
    rows: Vec<Contract>,
) -> Result<Vec<CompletedContract>, DbErr> {
    let rows: Vec<Contract> = rows
        .into_iter()
        .filter(|c| state_of(c) == ContractState::Completed)
        .collect();
    let tender_ids: Vec<i64> = rows.iter().map(|c| c.tender_id).collect();
    let unit_ids: Vec<i64> = rows.iter().map(|c| c.unit_id).collect();
    let tenders = crate::procurement::tender_titles_by_ids(db, &tender_ids).await?;
    let units = crate::units::names_by_ids(db, &unit_ids).await?;
    Ok(rows
        .into_iter()
        .map(|c| CompletedContract {
            id: c.id,
            org_id: c.org_id,
            tender_title: tenders.get(&c.tender_id).cloned().unwrap_or_default(),
            unit_name: units.get(&c.unit_id).cloned().unwrap_or_default(),
            value: Fen(c.value_fen),
            completed_at: c.completed_at.unwrap_or(c.created_at),
            rating: c.rating,
        })
        .collect())
}

/// The completed contracts of an organization (as supplier), latest completion first:
/// three queries however many.
pub async fn completed_of_org(
    db: &impl ConnectionTrait,
    org_id: i64,
) -> Result<Vec<CompletedContract>, DbErr> {
    let rows = contract::Entity::find()
        .filter(contract::Column::OrgId.eq(org_id))
        .filter(contract::Column::CompletedAt.is_not_null())
        .order_by_desc(contract::Column::CompletedAt)
        .order_by_desc(contract::Column::Id)
        .all(db)
        .await?;
    completed_items(db, rows).await
}

/// Completed contracts by id, in the order of `ids` (ids unknown or not completed are left
/// out): three queries however many ids.
pub async fn completed_by_ids(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<Vec<CompletedContract>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut rows = contract::Entity::find()
        .filter(contract::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    rows.sort_by_key(|c| ids.iter().position(|i| *i == c.id));
    completed_items(db, rows).await
}

/// What a contract waits for from its buyer (the to-do list in `/me`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum BuyerTask {
    /// The unit has not signed yet.
    Sign,
    /// A milestone's delivery report waits for acceptance or return.
    Accept,
    /// An accepted milestone waits for its payment.
    Pay,
}

/// One entry of a buyer's to-do list from the contracts.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BuyerTodo {
    /// What to do.
    pub task: BuyerTask,
    /// Contract.
    pub contract_id: i64,
    /// Its tender's title.
    pub tender_title: String,
    /// The milestone's name (not for signing).
    pub milestone: Option<String>,
    /// Since when it waits (Unix seconds): created, reported or accepted.
    pub since: i64,
}

/// What the contracts of these purchasing units wait for from their buyers: pending
/// contracts the unit has not signed, reported milestones to accept or return, accepted
/// milestones to pay — oldest first within each task, in three queries whatever the count.
pub async fn buyer_todo(
    db: &impl ConnectionTrait,
    unit_ids: &[i64],
) -> Result<Vec<BuyerTodo>, DbErr> {
    if unit_ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = contract::Entity::find()
        .filter(contract::Column::UnitId.is_in(unit_ids.iter().copied()))
        .filter(
            contract::Column::State
                .is_in([ContractState::Pending.code(), ContractState::Active.code()]),
        )
        .order_by_asc(contract::Column::Id)
        .all(db)
        .await?;
    let active: Vec<i64> = rows
        .iter()
        .filter(|c| state_of(c) == ContractState::Active)
        .map(|c| c.id)
        .collect();
    let ms = if active.is_empty() {
        Vec::new()
    } else {
        contract_milestone::Entity::find()
            .filter(contract_milestone::Column::ContractId.is_in(active))
            .filter(contract_milestone::Column::State.is_in([
                MilestoneState::Submitted.code(),
                MilestoneState::Accepted.code(),
            ]))
            .order_by_asc(contract_milestone::Column::Id)
            .all(db)
            .await?
    };
    let tender_ids: Vec<i64> = rows.iter().map(|c| c.tender_id).collect();
    let titles = crate::procurement::tender_titles_by_ids(db, &tender_ids).await?;
    let title = |contract_id: i64| {
        rows.iter()
            .find(|c| c.id == contract_id)
            .and_then(|c| titles.get(&c.tender_id).cloned())
            .unwrap_or_default()
    };
    let mut out: Vec<BuyerTodo> = rows
        .iter()
        .filter(|c| state_of(c) == ContractState::Pending && c.buyer_signed_at.is_none())
        .map(|c| BuyerTodo {
            task: BuyerTask::Sign,
            contract_id: c.id,
            tender_title: title(c.id),
            milestone: None,
            since: c.created_at,
        })
        .collect();
    for (task, state) in [
        (BuyerTask::Accept, MilestoneState::Submitted),
        (BuyerTask::Pay, MilestoneState::Accepted),
    ] {
        let mut of_task: Vec<BuyerTodo> = ms
            .iter()
            .filter(|m| milestone_state(m) == state)
            .map(|m| BuyerTodo {
                task,
                contract_id: m.contract_id,
                tender_title: title(m.contract_id),
                milestone: Some(m.name.clone()),
                since: match task {
                    BuyerTask::Accept => m.submitted_at,
                    _ => m.decided_at,
                }
                .unwrap_or_default(),
            })
            .collect();
        of_task.sort_by_key(|t| t.since);
        out.extend(of_task);
    }
    Ok(out)
}
