//! Buyer changes, each one write transaction that also records the audit entry (not public:
//! who, whom, why) and the notices to the unit's existing buyers and the user concerned.
//! Separation of duties: a platform administrator never becomes a buyer.

use sea_orm::{DatabaseConnection, DbErr};

use super::model::{self, Unit};
use crate::accounts::DutyRefusal;
use crate::inbox::{Kind, Params};

/// Adds a buyer to a unit, with a reason. `Ok(Ok(false))` when already a buyer. Refused: a
/// platform administrator.
pub async fn add_buyer(
    db: &DatabaseConnection,
    unit: &Unit,
    target: i64,
    reason: &str,
    actor: i64,
    now: i64,
) -> Result<Result<bool, DutyRefusal>, DbErr> {
    change(db, unit, target, true, reason, actor, now).await
}

/// Removes a buyer from a unit, with a reason. `Ok(Ok(false))` when not a buyer. (A unit may
/// be left without buyers: its tenders wait for the next one.)
pub async fn remove_buyer(
    db: &DatabaseConnection,
    unit: &Unit,
    target: i64,
    reason: &str,
    actor: i64,
    now: i64,
) -> Result<Result<bool, DutyRefusal>, DbErr> {
    change(db, unit, target, false, reason, actor, now).await
}

async fn change(
    db: &DatabaseConnection,
    unit: &Unit,
    target: i64,
    add: bool,
    reason: &str,
    actor: i64,
    now: i64,
) -> Result<Result<bool, DutyRefusal>, DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    crate::accounts::lock_user(&*txn, target).await?;
    if add
        && let Err(r) = crate::accounts::may_join(&crate::accounts::roles_of(&*txn, target).await?)
    {
        // Nothing was written: end the transaction now rather than leave it to the pool.
        txn.commit().await?;
        return Ok(Err(r));
    }
    let buyers = model::buyer_ids(&*txn, unit.id).await?;
    if buyers.contains(&target) == add {
        // Nothing was written: end the transaction now rather than leave it to the pool.
        txn.commit().await?;
        return Ok(Ok(false));
    }
    let (action, kind) = if add {
        model::add_member(&*txn, unit.id, target, now).await?;
        ("buyer_added", Kind::UnitBuyerAdded)
    } else {
        model::remove_member(&*txn, unit.id, target).await?;
        ("buyer_removed", Kind::UnitBuyerRemoved)
    };
    crate::audit::append(
        &*txn,
        crate::audit::Entry {
            at: now,
            actor_id: Some(actor),
            entity: "unit",
            entity_id: unit.id,
            action,
            detail: serde_json::json!({ "user": target, "reason": reason }),
            public: false,
        },
    )
    .await?;
    let (target_name, actor_name) = crate::accounts::names_of_pair(&*txn, target, actor).await?;
    let params = Params::new()
        .text("user", target_name)
        .text("unit", &unit.name)
        .text("by", actor_name)
        .text("reason", reason);
    // The buyers as they were before the change, and the user concerned.
    crate::inbox::notify_change(&*txn, buyers, target, actor, kind, &params, now).await?;
    txn.commit().await?;
    Ok(Ok(true))
}
