//! Space (issue 12 point 4): the bookable resources of an incubator — rooms and desks
//! allocated to a tenant for a range of days, shared rooms (training room, meeting room)
//! booked by the hour in 15-minute steps within opening hours, an advance window and a
//! cancellation window — and the week calendar and occupancy of each. The incubator's
//! managers keep resources and allocations and may book for the incubator's own use; its
//! tenants in residence book shared rooms; regulators see everything; the public nothing.
//!
//! Invariants: no two active allocations, and no two active bookings, of one resource
//! overlap — kept by the database (migrations m0185/m0186: a PostgreSQL exclusion
//! constraint over `int8range(starts_at, ends_at)`, SQLite triggers), and checked first
//! inside the write transaction so the refusal names the clash; a write the database
//! refuses (two concurrent writers on PostgreSQL) is answered the same way, naming the row
//! that won. Every change has its audit entry in its transaction. Tenancy agreements
//! (`agreements`) give their space through an allocation made in their transaction.
//! Resources are edited (kind fixed) and retired, never deleted: a retired resource keeps
//! its history and takes no new hold, checked inside the hold's transaction under a shared
//! row lock. May call: `audit`, `inbox`, `incubators` (managers, tenants and their
//! contacts, through its face), `web` (routes, views).

pub mod agreements;
pub mod model;
pub mod routes;
pub mod rules;
pub mod views;

use sea_orm::{DatabaseConnection, DbErr};

/// Rooms and desks and their allocated seconds in a period, per incubator (for the
/// incubators' quarterly KPIs).
pub use model::occupancy_between;
pub use model::{Agreement, Allocation, Booking, Resource};
/// One resource; an incubator's resources; the active holds of resources in a range.
pub use model::{allocations_between, bookings_between, resource, resources_of};
use rules::{AllocationDraft, BookingDraft, ResourceDraft};

pub(crate) async fn audit(
    db: &impl sea_orm::ConnectionTrait,
    now: i64,
    actor: i64,
    entity: &str,
    id: i64,
    action: &str,
    detail: serde_json::Value,
) -> Result<(), DbErr> {
    crate::audit::append(
        db,
        crate::audit::Entry {
            at: now,
            actor_id: Some(actor),
            entity,
            entity_id: id,
            action,
            detail,
            public: false,
        },
    )
    .await
}

/// The hold a new allocation or booking would overlap: its range and its tenant (none for
/// the incubator's own use).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clash {
    /// Unix seconds.
    pub starts_at: i64,
    /// Unix seconds, exclusive.
    pub ends_at: i64,
    /// The tenant holding it.
    pub tenant_id: Option<i64>,
}

/// Why a new allocation or booking was not made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Taken {
    /// It overlaps this hold.
    Clash(Clash),
    /// The resource was retired.
    Retired,
}

impl From<Clash> for Taken {
    fn from(c: Clash) -> Self {
        Taken::Clash(c)
    }
}

/// Adds a resource to an incubator, with its audit entry.
pub async fn add_resource(
    db: &DatabaseConnection,
    incubator_id: i64,
    d: &ResourceDraft,
    actor: i64,
    now: i64,
) -> Result<i64, DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    let id = model::insert_resource(&*txn, incubator_id, d, now).await?;
    audit(
        &*txn,
        now,
        actor,
        "space_resource",
        id,
        "created",
        serde_json::json!({
            "incubator": incubator_id, "name": d.name, "kind": d.kind.code(),
            "capacity": d.capacity, "opens_min": d.opens_min, "closes_min": d.closes_min,
            "advance_days": d.advance_days, "cancel_hours": d.cancel_hours,
        }),
    )
    .await?;
    txn.commit().await?;
    Ok(id)
}

/// Writes a resource's new name, capacity, hours and windows, with its audit entry (before
/// and after). Holds already made stay; the new values bind new bookings.
pub async fn edit_resource(
    db: &DatabaseConnection,
    r: &Resource,
    d: &ResourceDraft,
    actor: i64,
    now: i64,
) -> Result<(), DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    model::update_resource(&*txn, r.id, d, now).await?;
    audit(
        &*txn,
        now,
        actor,
        "space_resource",
        r.id,
        "edited",
        serde_json::json!({
            "before": {
                "name": r.name, "capacity": r.capacity, "opens_min": r.opens_min,
                "closes_min": r.closes_min, "advance_days": r.advance_days,
                "cancel_hours": r.cancel_hours,
            },
            "after": {
                "name": d.name, "capacity": d.capacity, "opens_min": d.opens_min,
                "closes_min": d.closes_min, "advance_days": d.advance_days,
                "cancel_hours": d.cancel_hours,
            },
        }),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Retires a resource, with its audit entry; refused with the number of active holds that
/// have not ended yet (they are cancelled or ended first), and a no-op if already retired.
///
/// The retirement is written before the holds are counted, and a new hold first reads the
/// resource's row under a shared lock ([`model::claim_open`]), so on PostgreSQL the two
/// wait for each other: a hold racing a retirement either is counted here or is refused.
pub async fn retire_resource(
    db: &DatabaseConnection,
    r: &Resource,
    actor: i64,
    now: i64,
) -> Result<Result<(), u64>, DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    if !model::retire_resource(&*txn, r.id, now).await? {
        txn.commit().await?;
        return Ok(Ok(()));
    }
    let left = model::holds_after(&*txn, r.id, now).await?;
    if left > 0 {
        drop(txn);
        return Ok(Err(left));
    }
    audit(
        &*txn,
        now,
        actor,
        "space_resource",
        r.id,
        "retired",
        serde_json::json!({ "name": r.name }),
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(()))
}

pub(crate) async fn allocation_clash(
    db: &impl sea_orm::ConnectionTrait,
    d: &AllocationDraft,
) -> Result<Option<Clash>, DbErr> {
    Ok(
        model::allocations_between(db, &[d.resource_id], d.starts_at, d.ends_at)
            .await?
            .first()
            .map(|a| Clash {
                starts_at: a.starts_at,
                ends_at: a.ends_at,
                tenant_id: Some(a.tenant_id),
            }),
    )
}

async fn booking_clash(
    db: &impl sea_orm::ConnectionTrait,
    resource_id: i64,
    d: &BookingDraft,
) -> Result<Option<Clash>, DbErr> {
    Ok(
        model::bookings_between(db, &[resource_id], d.starts_at, d.ends_at)
            .await?
            .first()
            .map(|b| Clash {
                starts_at: b.starts_at,
                ends_at: b.ends_at,
                tenant_id: b.tenant_id,
            }),
    )
}

/// Allocates a room or desk to a tenant (the caller checked both belong to the incubator),
/// with its audit entry; refused with the clashing allocation when the range overlaps one.
pub async fn allocate(
    db: &DatabaseConnection,
    d: &AllocationDraft,
    actor: i64,
    now: i64,
) -> Result<Result<i64, Taken>, DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    if !model::claim_open(&*txn, d.resource_id).await? {
        drop(txn);
        return Ok(Err(Taken::Retired));
    }
    if let Some(c) = allocation_clash(&*txn, d).await? {
        txn.commit().await?;
        return Ok(Err(c.into()));
    }
    let id = match model::insert_allocation(&*txn, d, actor, now).await {
        Ok(id) => id,
        Err(e) if model::is_overlap(&e, model::ALLOCATIONS_NO_OVERLAP) => {
            // Another writer's allocation committed first (PostgreSQL's exclusion
            // constraint waited for it): nothing of ours is kept; name the winner.
            drop(txn);
            let c = allocation_clash(db, d).await?.unwrap_or(Clash {
                starts_at: d.starts_at,
                ends_at: d.ends_at,
                tenant_id: None,
            });
            return Ok(Err(c.into()));
        }
        Err(e) => return Err(e),
    };
    audit(
        &*txn,
        now,
        actor,
        "space_allocation",
        id,
        "allocated",
        serde_json::json!({
            "resource": d.resource_id, "tenant": d.tenant_id,
            "starts_at": d.starts_at, "ends_at": d.ends_at,
        }),
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(id))
}

/// Books a shared room (the caller validated the draft against the room and the booker),
/// with its audit entry; refused with the clashing booking when the time overlaps one.
///
/// The insert is the check: the database's no-overlap rule refuses a clash and the insert
/// itself requires the room open, so a booking that goes through costs one statement before
/// its audit entry (SQLite's writers wait for each other on it). The clash is read only to
/// name it, after the refused transaction is gone.
pub async fn book(
    db: &DatabaseConnection,
    r: &Resource,
    d: &BookingDraft,
    actor: i64,
    now: i64,
) -> Result<Result<i64, Taken>, DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    let id = match model::insert_booking_if_open(&*txn, r.id, d, actor, now).await {
        Ok(Some(id)) => id,
        Ok(None) => {
            drop(txn);
            return Ok(Err(Taken::Retired));
        }
        Err(e) if model::is_overlap(&e, model::BOOKINGS_NO_OVERLAP) => {
            drop(txn);
            // A booking that has since been cancelled leaves nothing to name: the range
            // itself is named then.
            let c = booking_clash(db, r.id, d).await?.unwrap_or(Clash {
                starts_at: d.starts_at,
                ends_at: d.ends_at,
                tenant_id: None,
            });
            return Ok(Err(c.into()));
        }
        Err(e) => return Err(e),
    };
    audit(
        &*txn,
        now,
        actor,
        "space_booking",
        id,
        "booked",
        serde_json::json!({
            "resource": r.id, "tenant": d.tenant_id, "starts_at": d.starts_at,
            "ends_at": d.ends_at, "attendees": d.attendees, "purpose": d.purpose,
        }),
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(id))
}

/// Cancels a booking, with its audit entry; false when it was no longer active.
pub async fn cancel(
    db: &DatabaseConnection,
    b: &Booking,
    actor: i64,
    now: i64,
) -> Result<bool, DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    if !model::cancel_booking(&*txn, b.id, now).await? {
        txn.commit().await?;
        return Ok(false);
    }
    audit(
        &*txn,
        now,
        actor,
        "space_booking",
        b.id,
        "cancelled",
        serde_json::json!({ "resource": b.resource_id, "starts_at": b.starts_at }),
    )
    .await?;
    txn.commit().await?;
    Ok(true)
}
