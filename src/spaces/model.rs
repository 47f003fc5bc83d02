//! Space entities, and the queries and single-statement writes on them (the operations that
//! combine them in a transaction live in `mod.rs`).

use sea_orm::entity::prelude::*;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, QueryOrder, QuerySelect};

use super::rules::{AllocationDraft, BookingDraft, HoldState, ResourceDraft, ResourceKind};

/// `space_resources`
pub mod resource {
    use sea_orm::entity::prelude::*;

    /// A room, desk or shared room of an incubator.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "space_resources")]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// Incubator.
        pub incubator_id: i64,
        /// Name.
        pub name: String,
        /// `ResourceKind::code()`.
        pub kind: String,
        /// People at once.
        pub capacity: i32,
        /// Minutes after local midnight.
        pub opens_min: i32,
        /// Minutes after local midnight.
        pub closes_min: i32,
        /// Advance window, days.
        pub advance_days: i32,
        /// Cancellation window, hours.
        pub cancel_hours: i32,
        /// Unix seconds.
        pub created_at: i64,
        /// Unix seconds.
        pub updated_at: i64,
        /// Unix seconds; set once retired (no new bookings or allocations).
        pub retired_at: Option<i64>,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}

    impl Model {
        /// Whether a manager retired it.
        pub fn retired(&self) -> bool {
            self.retired_at.is_some()
        }

        /// Its kind (an unreadable code reads as a shared room, which allocates nothing).
        pub fn kind(&self) -> super::ResourceKind {
            super::ResourceKind::parse(&self.kind).unwrap_or(super::ResourceKind::Shared)
        }

        /// What its bookings are checked against.
        pub fn window(&self) -> super::super::rules::Window {
            super::super::rules::Window {
                capacity: self.capacity,
                opens_min: self.opens_min,
                closes_min: self.closes_min,
                advance_days: self.advance_days,
            }
        }
    }
}

/// `space_allocations`
pub mod allocation {
    use sea_orm::entity::prelude::*;

    /// A room or desk allocated to a tenant for a range of days.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "space_allocations")]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// Resource.
        pub resource_id: i64,
        /// Tenant.
        pub tenant_id: i64,
        /// Unix seconds (local midnight of the first day).
        pub starts_at: i64,
        /// Unix seconds (local midnight after the last day), exclusive.
        pub ends_at: i64,
        /// `HoldState::code()`.
        pub state: String,
        /// Who allocated it.
        pub created_by: Option<i64>,
        /// Unix seconds.
        pub created_at: i64,
        /// Unix seconds.
        pub updated_at: i64,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `space_bookings`
pub mod booking {
    use sea_orm::entity::prelude::*;

    /// An hourly booking of a shared room.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "space_bookings")]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// Resource.
        pub resource_id: i64,
        /// The tenant; none for the incubator's own use.
        pub tenant_id: Option<i64>,
        /// The user who booked.
        pub booked_by: i64,
        /// Unix seconds.
        pub starts_at: i64,
        /// Unix seconds, exclusive.
        pub ends_at: i64,
        /// People.
        pub attendees: i32,
        /// Purpose.
        pub purpose: String,
        /// `HoldState::code()`.
        pub state: String,
        /// Unix seconds.
        pub created_at: i64,
        /// Unix seconds.
        pub cancelled_at: Option<i64>,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub use allocation::Model as Allocation;
pub use booking::Model as Booking;
pub use resource::Model as Resource;

/// The names of the database's no-overlap rules (PostgreSQL exclusion constraints, SQLite
/// triggers raising the same name; migrations m0185 and m0186).
pub const ALLOCATIONS_NO_OVERLAP: &str = "space_allocations_no_overlap";
/// See [`ALLOCATIONS_NO_OVERLAP`].
pub const BOOKINGS_NO_OVERLAP: &str = "space_bookings_no_overlap";

/// Whether a write failed on the named no-overlap rule: PostgreSQL names the constraint in
/// its message, the SQLite trigger raises its name.
pub fn is_overlap(e: &DbErr, rule: &str) -> bool {
    e.to_string().contains(rule)
}

/// One resource.
pub async fn resource(db: &impl ConnectionTrait, id: i64) -> Result<Option<Resource>, DbErr> {
    resource::Entity::find_by_id(id).one(db).await
}

/// An incubator's resources, by kind then name.
pub async fn resources_of(
    db: &impl ConnectionTrait,
    incubator_id: i64,
) -> Result<Vec<Resource>, DbErr> {
    resource::Entity::find()
        .filter(resource::Column::IncubatorId.eq(incubator_id))
        .order_by_asc(resource::Column::Kind)
        .order_by_asc(resource::Column::Name)
        .order_by_asc(resource::Column::Id)
        .all(db)
        .await
}

/// Inserts a resource.
pub async fn insert_resource(
    db: &impl ConnectionTrait,
    incubator_id: i64,
    d: &ResourceDraft,
    now: i64,
) -> Result<i64, DbErr> {
    Ok(resource::ActiveModel {
        incubator_id: Set(incubator_id),
        name: Set(d.name.clone()),
        kind: Set(d.kind.code().to_string()),
        capacity: Set(d.capacity),
        opens_min: Set(d.opens_min),
        closes_min: Set(d.closes_min),
        advance_days: Set(d.advance_days),
        cancel_hours: Set(d.cancel_hours),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?
    .id)
}

/// Writes a resource's editable fields (its kind stays: holds were made for it).
pub async fn update_resource(
    db: &impl ConnectionTrait,
    id: i64,
    d: &ResourceDraft,
    now: i64,
) -> Result<(), DbErr> {
    resource::ActiveModel {
        id: sea_orm::ActiveValue::Unchanged(id),
        name: Set(d.name.clone()),
        capacity: Set(d.capacity),
        opens_min: Set(d.opens_min),
        closes_min: Set(d.closes_min),
        advance_days: Set(d.advance_days),
        cancel_hours: Set(d.cancel_hours),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(db)
    .await
    .map(|_| ())
}

/// Retires a resource unless it already is; false when it was.
pub async fn retire_resource(db: &impl ConnectionTrait, id: i64, now: i64) -> Result<bool, DbErr> {
    let r = resource::Entity::update_many()
        .col_expr(resource::Column::RetiredAt, Expr::value(now))
        .col_expr(resource::Column::UpdatedAt, Expr::value(now))
        .filter(resource::Column::Id.eq(id))
        .filter(resource::Column::RetiredAt.is_null())
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

/// Whether a resource still takes holds, read with a shared row lock: a new allocation
/// calls it first in its transaction (a booking's insert reads the row under the same
/// lock), so on PostgreSQL a retirement (which updates the row) waits for holds in flight
/// and they wait for it, while holds never wait for each other. SQLite serializes writers
/// anyway and has no row locks.
pub async fn claim_open(db: &impl ConnectionTrait, id: i64) -> Result<bool, DbErr> {
    Ok(resource::Entity::find_by_id(id)
        .filter(resource::Column::RetiredAt.is_null())
        .lock_shared()
        .one(db)
        .await?
        .is_some())
}

/// How many active allocations and bookings of a resource end after `now`.
pub async fn holds_after(db: &impl ConnectionTrait, id: i64, now: i64) -> Result<u64, DbErr> {
    let active = HoldState::Active.code();
    let a = allocation::Entity::find()
        .filter(allocation::Column::ResourceId.eq(id))
        .filter(allocation::Column::State.eq(active))
        .filter(allocation::Column::EndsAt.gt(now))
        .count(db)
        .await?;
    let b = booking::Entity::find()
        .filter(booking::Column::ResourceId.eq(id))
        .filter(booking::Column::State.eq(active))
        .filter(booking::Column::EndsAt.gt(now))
        .count(db)
        .await?;
    Ok(a + b)
}

/// Active allocations of these resources overlapping `[from, to)`, by start.
pub async fn allocations_between(
    db: &impl ConnectionTrait,
    resources: &[i64],
    from: i64,
    to: i64,
) -> Result<Vec<Allocation>, DbErr> {
    if resources.is_empty() {
        return Ok(vec![]);
    }
    use allocation::Column as C;
    allocation::Entity::find()
        .filter(C::ResourceId.is_in(resources.iter().copied()))
        .filter(C::State.eq(HoldState::Active.code()))
        .filter(C::StartsAt.lt(to))
        .filter(C::EndsAt.gt(from))
        .order_by_asc(C::StartsAt)
        .order_by_asc(C::Id)
        .all(db)
        .await
}

/// Active bookings of these resources overlapping `[from, to)`, by start.
pub async fn bookings_between(
    db: &impl ConnectionTrait,
    resources: &[i64],
    from: i64,
    to: i64,
) -> Result<Vec<Booking>, DbErr> {
    if resources.is_empty() {
        return Ok(vec![]);
    }
    use booking::Column as C;
    booking::Entity::find()
        .filter(C::ResourceId.is_in(resources.iter().copied()))
        .filter(C::State.eq(HoldState::Active.code()))
        .filter(C::StartsAt.lt(to))
        .filter(C::EndsAt.gt(from))
        .order_by_asc(C::StartsAt)
        .order_by_asc(C::Id)
        .all(db)
        .await
}

/// Inserts an active allocation (the database refuses an overlap: see [`is_overlap`]).
pub async fn insert_allocation(
    db: &impl ConnectionTrait,
    d: &AllocationDraft,
    by: i64,
    now: i64,
) -> Result<i64, DbErr> {
    Ok(allocation::ActiveModel {
        resource_id: Set(d.resource_id),
        tenant_id: Set(d.tenant_id),
        starts_at: Set(d.starts_at),
        ends_at: Set(d.ends_at),
        state: Set(HoldState::Active.code().to_string()),
        created_by: Set(Some(by)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?
    .id)
}

/// Inserts an active booking if the resource is still open, in one statement, and returns
/// its id; `None` when the resource was retired. The database refuses an overlap (see
/// [`is_overlap`]), so nothing is read first. On PostgreSQL the resource's row is read under
/// a shared lock, as [`claim_open`] does, so a booking and a retirement of its resource wait
/// for each other.
pub async fn insert_booking_if_open(
    db: &impl ConnectionTrait,
    resource_id: i64,
    d: &BookingDraft,
    by: i64,
    now: i64,
) -> Result<Option<i64>, DbErr> {
    use booking::Column as C;
    use sea_orm::sea_query::{LockType, Query};
    let open = Query::select()
        .expr(Expr::val(1))
        .from(resource::Entity)
        .and_where(resource::Column::Id.eq(resource_id))
        .and_where(resource::Column::RetiredAt.is_null())
        .lock(LockType::Share)
        .to_owned();
    let row = Query::select()
        .exprs([
            Expr::val(resource_id),
            Expr::val(d.tenant_id),
            Expr::val(by),
            Expr::val(d.starts_at),
            Expr::val(d.ends_at),
            Expr::val(d.attendees),
            Expr::val(d.purpose.clone()),
            Expr::val(HoldState::Active.code()),
            Expr::val(now),
        ])
        .and_where(Expr::exists(open))
        .to_owned();
    let insert = Query::insert()
        .into_table(booking::Entity)
        .columns([
            C::ResourceId,
            C::TenantId,
            C::BookedBy,
            C::StartsAt,
            C::EndsAt,
            C::Attendees,
            C::Purpose,
            C::State,
            C::CreatedAt,
        ])
        .select_from(row)
        .map_err(|e| DbErr::Custom(e.to_string()))?
        .returning_col(C::Id)
        .to_owned();
    match db.query_one(&insert).await? {
        Some(r) => Ok(Some(r.try_get_by_index::<i64>(0)?)),
        None => Ok(None),
    }
}

/// One booking.
pub async fn booking(db: &impl ConnectionTrait, id: i64) -> Result<Option<Booking>, DbErr> {
    booking::Entity::find_by_id(id).one(db).await
}

/// Cancels an active booking; false when it was no longer active.
pub async fn cancel_booking(db: &impl ConnectionTrait, id: i64, now: i64) -> Result<bool, DbErr> {
    use booking::Column as C;
    Ok(booking::Entity::update_many()
        .col_expr(C::State, Expr::value(HoldState::Cancelled.code()))
        .col_expr(C::CancelledAt, Expr::value(now))
        .filter(C::Id.eq(id))
        .filter(C::State.eq(HoldState::Active.code()))
        .exec(db)
        .await?
        .rows_affected
        == 1)
}

/// `tenancy_agreements`
pub mod agreement {
    use sea_orm::entity::prelude::*;

    /// A tenancy agreement.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "tenancy_agreements")]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// Incubator.
        pub incubator_id: i64,
        /// Tenant.
        pub tenant_id: i64,
        /// The allocation giving its space.
        pub allocation_id: i64,
        /// The agreement it renews.
        pub renews_id: Option<i64>,
        /// Term start, Unix seconds.
        pub starts_at: i64,
        /// Term end, Unix seconds, exclusive.
        pub ends_at: i64,
        /// Services.
        pub services: String,
        /// Obligations.
        pub obligations: String,
        /// Monthly fee, fen.
        pub fee_fen: i64,
        /// `AgreementState::code()`.
        pub state: String,
        /// Who drafted it.
        pub drafted_by: Option<i64>,
        /// Unix seconds.
        pub drafted_at: i64,
        /// Who accepted it for the tenant.
        pub accepted_by: Option<i64>,
        /// Unix seconds.
        pub accepted_at: Option<i64>,
        /// Who countersigned it.
        pub countersigned_by: Option<i64>,
        /// Unix seconds.
        pub countersigned_at: Option<i64>,
        /// Early exit: the day the space is freed.
        pub exit_at: Option<i64>,
        /// Early exit: why.
        pub exit_reason: Option<String>,
        /// Unix seconds.
        pub updated_at: i64,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}

    impl Model {
        /// Its state (an unreadable code reads as a draft, which binds nobody).
        pub fn state(&self) -> super::AgreementState {
            super::AgreementState::parse(&self.state).unwrap_or(super::AgreementState::Draft)
        }
    }
}

use super::rules::AgreementState;
pub use agreement::Model as Agreement;

/// One agreement.
pub async fn agreement(db: &impl ConnectionTrait, id: i64) -> Result<Option<Agreement>, DbErr> {
    agreement::Entity::find_by_id(id).one(db).await
}

/// An incubator's agreements, newest first.
pub async fn agreements_of(
    db: &impl ConnectionTrait,
    incubator_id: i64,
) -> Result<Vec<Agreement>, DbErr> {
    agreement::Entity::find()
        .filter(agreement::Column::IncubatorId.eq(incubator_id))
        .order_by_desc(agreement::Column::Id)
        .all(db)
        .await
}

/// One allocation.
pub async fn allocation(db: &impl ConnectionTrait, id: i64) -> Result<Option<Allocation>, DbErr> {
    allocation::Entity::find_by_id(id).one(db).await
}

/// Inserts a drafted agreement for an allocation just made.
#[allow(clippy::too_many_arguments)]
pub async fn insert_agreement(
    db: &impl ConnectionTrait,
    incubator_id: i64,
    allocation_id: i64,
    renews: Option<i64>,
    d: &super::rules::AgreementDraft,
    by: i64,
    now: i64,
) -> Result<i64, DbErr> {
    Ok(agreement::ActiveModel {
        incubator_id: Set(incubator_id),
        tenant_id: Set(d.space.tenant_id),
        allocation_id: Set(allocation_id),
        renews_id: Set(renews),
        starts_at: Set(d.space.starts_at),
        ends_at: Set(d.space.ends_at),
        services: Set(d.services.clone()),
        obligations: Set(d.obligations.clone()),
        fee_fen: Set(d.fee.0),
        state: Set(AgreementState::Draft.code().to_string()),
        drafted_by: Set(Some(by)),
        drafted_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?
    .id)
}

/// Moves an agreement from `from` to `to`, recording who accepted or countersigned, or
/// the exit; false when it was no longer in `from`.
pub async fn set_agreement_state(
    db: &impl ConnectionTrait,
    id: i64,
    from: AgreementState,
    to: AgreementState,
    by: i64,
    exit: Option<(i64, &str)>,
    now: i64,
) -> Result<bool, DbErr> {
    use agreement::Column as C;
    let mut q = agreement::Entity::update_many()
        .col_expr(C::State, Expr::value(to.code()))
        .col_expr(C::UpdatedAt, Expr::value(now));
    q = match to {
        AgreementState::Accepted => q
            .col_expr(C::AcceptedBy, Expr::value(by))
            .col_expr(C::AcceptedAt, Expr::value(now)),
        AgreementState::Active => q
            .col_expr(C::CountersignedBy, Expr::value(by))
            .col_expr(C::CountersignedAt, Expr::value(now)),
        _ => q,
    };
    if let Some((at, reason)) = exit {
        q = q
            .col_expr(C::ExitAt, Expr::value(at))
            .col_expr(C::ExitReason, Expr::value(reason));
    }
    Ok(q.filter(C::Id.eq(id))
        .filter(C::State.eq(from.code()))
        .exec(db)
        .await?
        .rows_affected
        == 1)
}

/// Ends an allocation early at `at` (the space is free from then on).
pub async fn end_allocation(
    db: &impl ConnectionTrait,
    id: i64,
    at: i64,
    now: i64,
) -> Result<(), DbErr> {
    use allocation::Column as C;
    allocation::Entity::update_many()
        .col_expr(C::EndsAt, Expr::value(at))
        .col_expr(C::UpdatedAt, Expr::value(now))
        .filter(C::Id.eq(id))
        .filter(C::EndsAt.gt(at))
        .exec(db)
        .await?;
    Ok(())
}

/// Per incubator (only `only` when given): how many rooms and desks it has, and the seconds
/// of their active allocations falling inside `[from, to)` — two grouped queries however
/// many allocations (incubators' quarterly occupancy). Incubators without rooms or desks
/// are left out.
pub async fn occupancy_between(
    db: &impl ConnectionTrait,
    from: i64,
    to: i64,
    only: Option<i64>,
) -> Result<std::collections::HashMap<i64, (i64, i64)>, DbErr> {
    use sea_orm::Statement;
    let backend = db.get_database_backend();
    // Integers we computed, never typed text: written into the statement as literals.
    let only = only
        .map(|id| format!(" AND r.incubator_id = {id}"))
        .unwrap_or_default();
    let kinds = format!(
        "r.kind IN ('{}', '{}')",
        ResourceKind::Room.code(),
        ResourceKind::Desk.code()
    );
    let mut out = std::collections::HashMap::new();
    let spaces = db
        .query_all_raw(Statement::from_string(
            backend,
            format!(
                "SELECT r.incubator_id AS incubator_id, CAST(COUNT(*) AS BIGINT) AS n \
                 FROM space_resources r WHERE {kinds}{only} GROUP BY r.incubator_id"
            ),
        ))
        .await?;
    for r in spaces {
        out.insert(
            r.try_get::<i64>("", "incubator_id")?,
            (r.try_get::<i64>("", "n")?, 0),
        );
    }
    let held = db
        .query_all_raw(Statement::from_string(
            backend,
            format!(
                "SELECT r.incubator_id AS incubator_id, CAST(SUM( \
                   (CASE WHEN a.ends_at < {to} THEN a.ends_at ELSE {to} END) - \
                   (CASE WHEN a.starts_at > {from} THEN a.starts_at ELSE {from} END)) AS BIGINT) AS secs \
                 FROM space_allocations a JOIN space_resources r ON r.id = a.resource_id \
                 WHERE a.state = '{active}' AND a.starts_at < {to} AND a.ends_at > {from} \
                   AND {kinds}{only} GROUP BY r.incubator_id",
                active = HoldState::Active.code(),
            ),
        ))
        .await?;
    for r in held {
        if let Some(e) = out.get_mut(&r.try_get::<i64>("", "incubator_id")?) {
            e.1 = r.try_get::<i64>("", "secs")?;
        }
    }
    Ok(out)
}
