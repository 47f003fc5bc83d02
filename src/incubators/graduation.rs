//! Graduation (出壳): each incubator's criteria (set by its managers; defaults in
//! [`rules::Criteria`]), the review of one tenant — what the platform finds for each
//! criterion from its own data, read through other rooms' faces (the registry for
//! registration, `contracts` for a delivered project), with links to the evidence — the
//! decision (graduate only when every criterion is met; "not yet" with a reason), and the
//! graduate's exit tasks a manager ticks. Every change has its audit entry in its
//! transaction. A graduate counts as incubated for matching for a configurable time after
//! graduation (see `model::incubated_orgs`).
//!
//! Facts are read when the review is shown and again inside the deciding transaction
//! (rather than by a job), so a decision never rests on stale findings.

pub mod model;
pub mod rules;

use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr};

use super::model::{Incubator, Tenant};
use super::rules::TenantState;
use rules::{Criteria, Decision, ExitTask, Facts, Finding};

/// What the platform knows about a tenant from its own data: whether its organization is
/// in the registry and its most recent completed contract.
pub async fn facts(db: &impl ConnectionTrait, t: &Tenant) -> Result<Facts, DbErr> {
    let org = match t.org_id {
        Some(o) => crate::orgs::rows_by_ids(db, &[o])
            .await?
            .pop()
            .map(|r| r.id),
        None => None,
    };
    let delivered = match org {
        Some(o) => crate::contracts::completed_of_org(db, o)
            .await?
            .first()
            .map(|c| c.id),
        None => None,
    };
    Ok(Facts {
        org,
        admitted_at: t.admitted_at,
        delivered,
    })
}

/// A tenant's review as of `now`: its incubator's criteria and the finding for each.
pub async fn review_of(
    db: &impl ConnectionTrait,
    t: &Tenant,
    now: i64,
) -> Result<(Criteria, Vec<Finding>), DbErr> {
    let c = model::criteria_of(db, t.incubator_id).await?;
    let f = facts(db, t).await?;
    Ok((c, rules::evaluate(&c, &f, now)))
}

/// Sets an incubator's criteria, with its audit entry.
pub async fn set_criteria(
    db: &DatabaseConnection,
    inc: &Incubator,
    c: &Criteria,
    actor: i64,
    now: i64,
) -> Result<(), DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    model::put_criteria(&*txn, inc.id, c, actor, now).await?;
    super::audit(
        &*txn,
        now,
        actor,
        "incubator",
        inc.id,
        "graduation_criteria_set",
        serde_json::json!(c),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Why a review's decision was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecideRefusal {
    /// The tenant is no longer in residence.
    NotResident,
    /// Graduation with a criterion not met.
    CriteriaUnmet,
}

/// Records a review's decision on a tenant in residence: the findings are made again in
/// the incubator's turn, a graduation is refused unless every criterion is met, and a
/// graduation moves the tenant to graduated — all with the audit entry, in one transaction.
pub async fn decide(
    db: &DatabaseConnection,
    t: &Tenant,
    decision: Decision,
    reason: &str,
    actor: i64,
    now: i64,
) -> Result<Result<(), DecideRefusal>, DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    super::model::lock(&*txn, t.incubator_id).await?;
    let Some(t) = model::tenant(&*txn, t.id)
        .await?
        .filter(|t| t.state == TenantState::Resident.code())
    else {
        txn.commit().await?;
        return Ok(Err(DecideRefusal::NotResident));
    };
    let (_, findings) = review_of(&*txn, &t, now).await?;
    if decision == Decision::Graduate && !rules::all_met(&findings) {
        txn.commit().await?;
        return Ok(Err(DecideRefusal::CriteriaUnmet));
    }
    let found = serde_json::json!(findings);
    let review = model::insert_review(&*txn, t.id, decision, reason, &found, actor, now).await?;
    if decision == Decision::Graduate && !model::graduate(&*txn, t.id, now).await? {
        // Dropped without a commit: the review is not kept either.
        drop(txn);
        return Ok(Err(DecideRefusal::NotResident));
    }
    super::audit(
        &*txn,
        now,
        actor,
        "incubator_tenant",
        t.id,
        match decision {
            Decision::Graduate => "graduated",
            Decision::NotYet => "graduation_not_yet",
        },
        serde_json::json!({
            "incubator": t.incubator_id, "review": review, "decision": decision.code(),
            "reason": reason, "findings": found,
        }),
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(()))
}

/// Ticks (or unticks) a graduate's exit task, with its audit entry; false when the tenant
/// has not graduated.
pub async fn tick_exit(
    db: &DatabaseConnection,
    t: &Tenant,
    task: ExitTask,
    done: bool,
    actor: i64,
    now: i64,
) -> Result<bool, DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    super::model::lock(&*txn, t.incubator_id).await?;
    let graduated = model::tenant(&*txn, t.id)
        .await?
        .is_some_and(|t| t.state == TenantState::Graduated.code());
    if !graduated {
        txn.commit().await?;
        return Ok(false);
    }
    model::put_exit(&*txn, t.id, task, done, actor, now).await?;
    super::audit(
        &*txn,
        now,
        actor,
        "incubator_tenant",
        t.id,
        "exit_task",
        serde_json::json!({ "task": task.code(), "done": done }),
    )
    .await?;
    txn.commit().await?;
    Ok(true)
}
