//! Tenancy agreements (issue 12 point 3): the operations that open a write transaction.
//! An agreement gives its tenant a room or desk for its term through an allocation made in
//! the same transaction, so an agreement on a space already taken is refused exactly like
//! an allocation (by the check, and by the database's no-overlap rule). It moves only
//! through `rules::AgreementState::apply`, each move a conditional update with its audit
//! entry and an inbox notice to the other side; an early exit ends the allocation on the
//! exit day.

use sea_orm::{DatabaseConnection, DbErr};

use super::model::{self, Agreement};
use super::rules::{AgreementDraft, AgreementState, AgreementStep, AllocationDraft};
use super::{Clash, Taken, audit};
use crate::inbox::{Kind, Params};
use crate::kernel::money::Fen;

/// Drafts an agreement (a renewal of `renews` when given) and allocates its space, with the
/// audit entries; refused with the clashing allocation when the space is taken.
pub async fn draft(
    db: &DatabaseConnection,
    incubator_id: i64,
    d: &AgreementDraft,
    renews: Option<i64>,
    actor: i64,
    now: i64,
) -> Result<Result<i64, Taken>, DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    if !model::claim_open(&*txn, d.space.resource_id).await? {
        drop(txn);
        return Ok(Err(Taken::Retired));
    }
    if let Some(c) = super::allocation_clash(&*txn, &d.space).await? {
        txn.commit().await?;
        return Ok(Err(c.into()));
    }
    let allocation = match model::insert_allocation(&*txn, &d.space, actor, now).await {
        Ok(id) => id,
        Err(e) if model::is_overlap(&e, model::ALLOCATIONS_NO_OVERLAP) => {
            drop(txn);
            let c = super::allocation_clash(db, &d.space)
                .await?
                .unwrap_or(Clash {
                    starts_at: d.space.starts_at,
                    ends_at: d.space.ends_at,
                    tenant_id: None,
                });
            return Ok(Err(c.into()));
        }
        Err(e) => return Err(e),
    };
    let id =
        model::insert_agreement(&*txn, incubator_id, allocation, renews, d, actor, now).await?;
    audit(
        &*txn,
        now,
        actor,
        "tenancy_agreement",
        id,
        if renews.is_some() {
            "renewal_drafted"
        } else {
            "drafted"
        },
        serde_json::json!({
            "incubator": incubator_id, "tenant": d.space.tenant_id,
            "resource": d.space.resource_id, "allocation": allocation, "renews": renews,
            "starts_at": d.space.starts_at, "ends_at": d.space.ends_at,
            "fee_fen": d.fee.0, "services": d.services, "obligations": d.obligations,
        }),
    )
    .await?;
    tell(
        &*txn,
        (id, incubator_id, d.space.tenant_id),
        AgreementState::Draft,
        actor,
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(id))
}

/// Tells the other side that an agreement is now `to`: the tenant's contacts when a
/// manager acted, the incubator's managers when the tenant did (never the actor).
async fn tell(
    db: &impl sea_orm::ConnectionTrait,
    (id, incubator_id, tenant_id): (i64, i64, i64),
    to: AgreementState,
    actor: i64,
    now: i64,
) -> Result<(), DbErr> {
    let Some((tenant, contacts)) = crate::incubators::tenant_contacts(db, tenant_id).await? else {
        return Ok(());
    };
    let inc = crate::incubators::get(db, incubator_id)
        .await?
        .map(|i| i.name)
        .unwrap_or_default();
    let mut recipients = if to == AgreementState::Accepted {
        crate::incubators::manager_ids(db, incubator_id).await?
    } else {
        contacts
    };
    recipients.retain(|u| *u != actor);
    let params = Params::new()
        .text("id", id.to_string())
        .text("incubator", inc)
        .text("tenant", tenant.name)
        .label("step", format!("space.agreement_state.{}", to.code()))
        .link(format!("/agreements/{id}"));
    crate::inbox::notify(db, &recipients, Kind::TenancyAgreement, &params, now).await
}

/// The tenant accepts, or a manager countersigns: the new state, or `None` when the state
/// machine refuses it (or the agreement moved meanwhile).
pub async fn take_step(
    db: &DatabaseConnection,
    a: &Agreement,
    step: AgreementStep,
    actor: i64,
    now: i64,
) -> Result<Option<AgreementState>, DbErr> {
    let from = a.state();
    let Some(to) = from.apply(step).filter(|_| step != AgreementStep::Exit) else {
        return Ok(None);
    };
    let txn = crate::kernel::db::begin_write(db).await?;
    if !model::set_agreement_state(&*txn, a.id, from, to, actor, None, now).await? {
        txn.commit().await?;
        return Ok(None);
    }
    audit(
        &*txn,
        now,
        actor,
        "tenancy_agreement",
        a.id,
        step.code(),
        serde_json::json!({ "from": from.code(), "to": to.code() }),
    )
    .await?;
    tell(&*txn, (a.id, a.incubator_id, a.tenant_id), to, actor, now).await?;
    txn.commit().await?;
    Ok(Some(to))
}

/// A manager records an early exit on `at` with a reason: the agreement is exited and its
/// space free from that day. False when it was not in force.
pub async fn exit(
    db: &DatabaseConnection,
    a: &Agreement,
    at: i64,
    reason: &str,
    actor: i64,
    now: i64,
) -> Result<bool, DbErr> {
    let from = a.state();
    let Some(to) = from.apply(AgreementStep::Exit) else {
        return Ok(false);
    };
    let txn = crate::kernel::db::begin_write(db).await?;
    if !model::set_agreement_state(&*txn, a.id, from, to, actor, Some((at, reason)), now).await? {
        txn.commit().await?;
        return Ok(false);
    }
    model::end_allocation(&*txn, a.allocation_id, at, now).await?;
    audit(
        &*txn,
        now,
        actor,
        "tenancy_agreement",
        a.id,
        "exited",
        serde_json::json!({ "exit_at": at, "reason": reason, "allocation": a.allocation_id }),
    )
    .await?;
    tell(&*txn, (a.id, a.incubator_id, a.tenant_id), to, actor, now).await?;
    txn.commit().await?;
    Ok(true)
}

/// Renews an agreement in force: a new draft for the same space, tenant, services and
/// obligations from its end to `ends_at`, at `fee`.
pub async fn renew(
    db: &DatabaseConnection,
    a: &Agreement,
    ends_at: i64,
    fee: Fen,
    actor: i64,
    now: i64,
) -> Result<Result<i64, Taken>, DbErr> {
    let Some(old) = model::allocation(db, a.allocation_id).await? else {
        return Err(DbErr::RecordNotFound("allocation".into()));
    };
    let d = AgreementDraft {
        space: AllocationDraft {
            resource_id: old.resource_id,
            tenant_id: a.tenant_id,
            starts_at: a.ends_at,
            ends_at,
        },
        services: a.services.clone(),
        obligations: a.obligations.clone(),
        fee,
    };
    draft(db, a.incubator_id, &d, Some(a.id), actor, now).await
}
