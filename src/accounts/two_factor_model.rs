//! Two-factor entities and their single-statement queries: `user_totp` (the sealed secret,
//! when it was switched on, the last accepted step) and `recovery_codes` (hashes only).
//! The writes that must not race are conditional updates whose row count says who won.

use sea_orm::entity::prelude::*;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, Condition, PaginatorTrait, QuerySelect};

/// `user_totp`
pub mod user_totp {
    use sea_orm::entity::prelude::*;

    /// A user's TOTP secret; no row: two-factor sign-in is off.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "user_totp")]
    pub struct Model {
        /// The user.
        #[sea_orm(primary_key, auto_increment = false)]
        pub user_id: i64,
        /// The secret sealed with the key outside the database (`kernel::seal`).
        pub secret_sealed: String,
        /// Unix seconds the enrolment began.
        pub created_at: i64,
        /// Unix seconds it was switched on; `None` while waiting for the first code.
        pub enabled_at: Option<i64>,
        /// The time step of the last accepted code.
        pub last_step: Option<i64>,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `recovery_codes`
pub mod recovery_code {
    use sea_orm::entity::prelude::*;

    /// One single-use recovery code, by its hash.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "recovery_codes")]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// Whose code.
        pub user_id: i64,
        /// `two_factor_rules::recovery_hash` of the code.
        pub code_hash: String,
        /// Unix seconds.
        pub created_at: i64,
        /// Unix seconds it was used; `None` while it still works.
        pub used_at: Option<i64>,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A user's TOTP row, switched on or waiting.
pub async fn totp_of(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> Result<Option<user_totp::Model>, DbErr> {
    user_totp::Entity::find_by_id(user_id).one(db).await
}

/// Whether a user has two-factor sign-in switched on.
pub async fn is_on(db: &impl ConnectionTrait, user_id: i64) -> Result<bool, DbErr> {
    Ok(totp_of(db, user_id)
        .await?
        .is_some_and(|t| t.enabled_at.is_some()))
}

/// Stores a new waiting enrolment, replacing a waiting one; `false` (nothing written) when
/// two-factor sign-in is already on.
pub async fn put_pending(
    db: &impl ConnectionTrait,
    user_id: i64,
    sealed: &str,
    now: i64,
) -> Result<bool, DbErr> {
    if is_on(db, user_id).await? {
        return Ok(false);
    }
    user_totp::Entity::delete_many()
        .filter(user_totp::Column::UserId.eq(user_id))
        .filter(user_totp::Column::EnabledAt.is_null())
        .exec(db)
        .await?;
    user_totp::ActiveModel {
        user_id: Set(user_id),
        secret_sealed: Set(sealed.to_string()),
        created_at: Set(now),
        enabled_at: Set(None),
        last_step: Set(None),
    }
    .insert(db)
    .await?;
    Ok(true)
}

/// Switches a waiting enrolment on with the step of its first code; `false` when it was not
/// waiting any more (a parallel confirmation won).
pub async fn enable(
    db: &impl ConnectionTrait,
    user_id: i64,
    step: i64,
    now: i64,
) -> Result<bool, DbErr> {
    let r = user_totp::Entity::update_many()
        .col_expr(user_totp::Column::EnabledAt, Expr::value(now))
        .col_expr(user_totp::Column::LastStep, Expr::value(step))
        .filter(user_totp::Column::UserId.eq(user_id))
        .filter(user_totp::Column::EnabledAt.is_null())
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

/// Records `step` as the last accepted one if it is later than the stored one; `false`
/// when it is not (the code was used already, perhaps by a parallel request).
pub async fn accept_step(
    db: &impl ConnectionTrait,
    user_id: i64,
    step: i64,
) -> Result<bool, DbErr> {
    let r = user_totp::Entity::update_many()
        .col_expr(user_totp::Column::LastStep, Expr::value(step))
        .filter(user_totp::Column::UserId.eq(user_id))
        .filter(user_totp::Column::EnabledAt.is_not_null())
        .filter(
            Condition::any()
                .add(user_totp::Column::LastStep.is_null())
                .add(user_totp::Column::LastStep.lt(step)),
        )
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

/// Removes a user's secret and recovery codes (two-factor sign-in off).
pub async fn remove(db: &impl ConnectionTrait, user_id: i64) -> Result<(), DbErr> {
    recovery_code::Entity::delete_many()
        .filter(recovery_code::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    user_totp::Entity::delete_many()
        .filter(user_totp::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Stores recovery codes' hashes (after removing any earlier ones).
pub async fn replace_recovery(
    db: &impl ConnectionTrait,
    user_id: i64,
    hashes: &[String],
    now: i64,
) -> Result<(), DbErr> {
    recovery_code::Entity::delete_many()
        .filter(recovery_code::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    recovery_code::Entity::insert_many(hashes.iter().map(|h| recovery_code::ActiveModel {
        user_id: Set(user_id),
        code_hash: Set(h.clone()),
        created_at: Set(now),
        used_at: Set(None),
        ..Default::default()
    }))
    .exec(db)
    .await?;
    Ok(())
}

/// Spends an unused recovery code by its hash; `false` when there is none such.
pub async fn spend_recovery(
    db: &impl ConnectionTrait,
    user_id: i64,
    hash: &str,
    now: i64,
) -> Result<bool, DbErr> {
    let r = recovery_code::Entity::update_many()
        .col_expr(recovery_code::Column::UsedAt, Expr::value(now))
        .filter(recovery_code::Column::UserId.eq(user_id))
        .filter(recovery_code::Column::CodeHash.eq(hash))
        .filter(recovery_code::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

/// How many of a user's recovery codes still work.
pub async fn recovery_left(db: &impl ConnectionTrait, user_id: i64) -> Result<u64, DbErr> {
    recovery_code::Entity::find()
        .filter(recovery_code::Column::UserId.eq(user_id))
        .filter(recovery_code::Column::UsedAt.is_null())
        .count(db)
        .await
}

/// Which of these users have two-factor sign-in on, in one IN query (the administrator's
/// list of a page of users).
pub async fn on_among(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<std::collections::HashSet<i64>, DbErr> {
    if ids.is_empty() {
        return Ok(Default::default());
    }
    let on: Vec<i64> = user_totp::Entity::find()
        .select_only()
        .column(user_totp::Column::UserId)
        .filter(user_totp::Column::UserId.is_in(ids.iter().copied()))
        .filter(user_totp::Column::EnabledAt.is_not_null())
        .into_tuple()
        .all(db)
        .await?;
    Ok(on.into_iter().collect())
}
