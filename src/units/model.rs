//! Purchasing-unit entities and queries.

use sea_orm::entity::prelude::*;
use sea_orm::{ActiveValue::Set, JoinType, QueryOrder, QuerySelect};

use super::rules::UnitDraft;

/// `purchasing_units`
pub mod unit {
    use sea_orm::entity::prelude::*;

    /// A purchasing unit.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "purchasing_units")]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// Name, unique.
        pub name: String,
        /// `regions::Level::code()`.
        pub level: String,
        /// Division.
        pub division_code: String,
        /// League/city containing it.
        pub league_code: Option<String>,
        /// Banner/county containing it.
        pub county_code: Option<String>,
        /// Unix seconds.
        pub created_at: i64,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `unit_members`
pub mod unit_member {
    use sea_orm::entity::prelude::*;

    /// A buyer acting for a unit.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "unit_members")]
    pub struct Model {
        /// Unit.
        #[sea_orm(primary_key, auto_increment = false)]
        pub unit_id: i64,
        /// User.
        #[sea_orm(primary_key, auto_increment = false)]
        pub user_id: i64,
        /// Unix seconds.
        pub added_at: i64,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub use unit::Model as Unit;

/// Units, optionally of one league/city, ordered by division then name.
pub async fn list(db: &impl ConnectionTrait, league: Option<&str>) -> Result<Vec<Unit>, DbErr> {
    let mut q = unit::Entity::find();
    if let Some(l) = league {
        q = q.filter(unit::Column::LeagueCode.eq(l));
    }
    q.order_by_asc(unit::Column::DivisionCode)
        .order_by_asc(unit::Column::Name)
        .all(db)
        .await
}

/// One unit.
pub async fn get(db: &impl ConnectionTrait, id: i64) -> Result<Option<Unit>, DbErr> {
    unit::Entity::find_by_id(id).one(db).await
}

/// Whether the name is taken.
pub async fn name_taken(db: &impl ConnectionTrait, name: &str) -> Result<bool, DbErr> {
    Ok(unit::Entity::find()
        .filter(unit::Column::Name.eq(name))
        .count(db)
        .await?
        > 0)
}

/// Creates a unit.
pub async fn create(db: &impl ConnectionTrait, d: &UnitDraft, now: i64) -> Result<i64, DbErr> {
    let u = unit::ActiveModel {
        name: Set(d.name.clone()),
        level: Set(d.level.code().to_string()),
        division_code: Set(d.division_code.clone()),
        league_code: Set(d.league_code.clone()),
        county_code: Set(d.county_code.clone()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(u.id)
}

/// Adds a buyer (idempotent).
pub async fn add_member(
    db: &impl ConnectionTrait,
    unit_id: i64,
    user_id: i64,
    now: i64,
) -> Result<(), DbErr> {
    if unit_member::Entity::find_by_id((unit_id, user_id))
        .one(db)
        .await?
        .is_none()
    {
        unit_member::ActiveModel {
            unit_id: Set(unit_id),
            user_id: Set(user_id),
            added_at: Set(now),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// Ends a buyer's place (none: nothing).
pub async fn remove_member(
    db: &impl ConnectionTrait,
    unit_id: i64,
    user_id: i64,
) -> Result<(), DbErr> {
    unit_member::Entity::delete_by_id((unit_id, user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// The buyers of a unit, by user id (no names: one query).
pub async fn buyer_ids(db: &impl ConnectionTrait, unit_id: i64) -> Result<Vec<i64>, DbErr> {
    unit_member::Entity::find()
        .select_only()
        .column(unit_member::Column::UserId)
        .filter(unit_member::Column::UnitId.eq(unit_id))
        .order_by_asc(unit_member::Column::UserId)
        .into_tuple()
        .all(db)
        .await
}

/// [`memberships_of`] as one `SELECT` of rows `('unit', unit id, unit name, '')`, its user-id
/// parameter written `{user}`, for `accounts` to load the signed-in user in one round trip
/// (the SQL on units' tables stays here).
pub const MEMBERSHIP_ROWS_SQL: &str = "SELECT 'unit' AS kind, m.unit_id AS id, u.name AS name, \
     '' AS extra FROM unit_members m JOIN purchasing_units u ON u.id = m.unit_id \
     WHERE m.user_id = {user}";

/// The user ids of a unit's buyers as one `SELECT` of rows `('buyer', user id)`, its unit-id
/// parameter written `{unit}` (see `orgs::MEMBER_ID_ROWS_SQL`).
pub const BUYER_ID_ROWS_SQL: &str =
    "SELECT 'buyer' AS kind, user_id AS id FROM unit_members WHERE unit_id = {unit}";

/// The units a user buys for: id, name.
pub async fn memberships_of(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> Result<Vec<(i64, String)>, DbErr> {
    unit_member::Entity::find()
        .select_only()
        .column(unit_member::Column::UnitId)
        .column(unit::Column::Name)
        .join(
            JoinType::InnerJoin,
            unit_member::Entity::belongs_to(unit::Entity)
                .from(unit_member::Column::UnitId)
                .to(unit::Column::Id)
                .into(),
        )
        .filter(unit_member::Column::UserId.eq(user_id))
        .order_by_asc(unit_member::Column::UnitId)
        .into_tuple()
        .all(db)
        .await
}

/// Buyers of a unit: user id, display name, e-mail, in the order of [`members_of_units`].
pub async fn members(
    db: &impl ConnectionTrait,
    unit_id: i64,
) -> Result<Vec<(i64, String, String)>, DbErr> {
    Ok(members_of_units(db, &[unit_id])
        .await?
        .remove(&unit_id)
        .unwrap_or_default())
}

/// Buyers of some units by unit: user id, display name, e-mail, by user id. Two queries
/// however many units: the memberships (`IN`), then the users through `accounts`' face
/// (accounts owns the `users` table). A unit without buyers has no entry.
pub async fn members_of_units(
    db: &impl ConnectionTrait,
    unit_ids: &[i64],
) -> Result<std::collections::HashMap<i64, Vec<(i64, String, String)>>, DbErr> {
    let mut out = std::collections::HashMap::new();
    if unit_ids.is_empty() {
        return Ok(out);
    }
    let pairs: Vec<(i64, i64)> = unit_member::Entity::find()
        .select_only()
        .column(unit_member::Column::UnitId)
        .column(unit_member::Column::UserId)
        .filter(unit_member::Column::UnitId.is_in(unit_ids.iter().copied()))
        .order_by_asc(unit_member::Column::UnitId)
        .order_by_asc(unit_member::Column::UserId)
        .into_tuple()
        .all(db)
        .await?;
    let mut user_ids: Vec<i64> = pairs.iter().map(|(_, u)| *u).collect();
    user_ids.sort_unstable();
    user_ids.dedup();
    let users: std::collections::HashMap<i64, crate::accounts::UserSummary> =
        crate::accounts::users_by_ids(db, &user_ids)
            .await?
            .into_iter()
            .map(|u| (u.id, u))
            .collect();
    // A membership whose user is gone is left out, as the former inner join did.
    for (unit_id, user_id) in pairs {
        if let Some(u) = users.get(&user_id) {
            out.entry(unit_id).or_insert_with(Vec::new).push((
                user_id,
                u.display_name.clone(),
                u.email.clone(),
            ));
        }
    }
    Ok(out)
}

/// Number of units.
pub async fn count(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    unit::Entity::find().count(db).await
}

/// Names of the units with these ids (unknown ids are left out), in one `IN` query.
pub async fn names_by_ids(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, String>, DbErr> {
    if ids.is_empty() {
        return Ok(std::collections::HashMap::new());
    }
    let rows: Vec<(i64, String)> = unit::Entity::find()
        .select_only()
        .column(unit::Column::Id)
        .column(unit::Column::Name)
        .filter(unit::Column::Id.is_in(ids.iter().copied()))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}
