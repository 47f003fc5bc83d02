//! Services-log entities — trainings, attendance, guidance sessions, venture-philanthropy
//! support — and the queries and
//! single-statement writes on them (the operations live in `services.rs`).

use sea_orm::entity::prelude::*;
use sea_orm::{ActiveValue::Set, QueryOrder};

use super::rules::{GuidanceDraft, TrainingDraft, VpDraft};

/// `incubator_trainings`
pub mod training {
    use sea_orm::entity::prelude::*;

    /// A training an incubator held.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "incubator_trainings")]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// Incubator.
        pub incubator_id: i64,
        /// Topic.
        pub topic: String,
        /// Trainer.
        pub trainer: String,
        /// Unix seconds.
        pub held_at: i64,
        /// Length.
        pub minutes: i32,
        /// Who logged it.
        pub created_by: Option<i64>,
        /// Unix seconds.
        pub created_at: i64,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `incubator_training_attendance`
pub mod attendance {
    use sea_orm::entity::prelude::*;

    /// A tenant attended a training.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "incubator_training_attendance")]
    pub struct Model {
        /// Training.
        #[sea_orm(primary_key, auto_increment = false)]
        pub training_id: i64,
        /// Tenant.
        #[sea_orm(primary_key, auto_increment = false)]
        pub tenant_id: i64,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `incubator_guidance`
pub mod guidance {
    use sea_orm::entity::prelude::*;

    /// A one-to-one guidance session with a tenant.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "incubator_guidance")]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// Tenant.
        pub tenant_id: i64,
        /// The tenant's incubator, copied when logged (the KPIs sum by it without a join).
        pub incubator_id: i64,
        /// Mentor.
        pub mentor: String,
        /// Topic.
        pub topic: String,
        /// Unix seconds.
        pub held_at: i64,
        /// Length.
        pub minutes: i32,
        /// Private to the incubator and the tenant.
        pub notes: String,
        /// Who logged it.
        pub created_by: Option<i64>,
        /// Unix seconds.
        pub created_at: i64,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `incubator_vp_support`
pub mod vp_support {
    use sea_orm::entity::prelude::*;

    /// Venture-philanthropy support given to a tenant.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "incubator_vp_support")]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// The tenant's incubator (the KPIs sum by it without a join).
        pub incubator_id: i64,
        /// Tenant.
        pub tenant_id: i64,
        /// `rules::VpKind` code.
        pub kind: String,
        /// Topic.
        pub topic: String,
        /// The call, foundation or funder involved.
        pub partner: String,
        /// Unix seconds.
        pub held_at: i64,
        /// Length (0: no time spent).
        pub minutes: i32,
        /// Money handed over, fen.
        pub amount_fen: i64,
        /// Who logged it.
        pub created_by: Option<i64>,
        /// Unix seconds.
        pub created_at: i64,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub use guidance::Model as Guidance;
pub use training::Model as Training;
pub use vp_support::Model as VpSupport;

/// An incubator's trainings, newest first.
pub async fn trainings_of(
    db: &impl ConnectionTrait,
    incubator_id: i64,
) -> Result<Vec<Training>, DbErr> {
    training::Entity::find()
        .filter(training::Column::IncubatorId.eq(incubator_id))
        .order_by_desc(training::Column::HeldAt)
        .order_by_desc(training::Column::Id)
        .all(db)
        .await
}

/// How many tenants attended each of these trainings, by training id, in one query.
pub async fn attendance_counts(
    db: &impl ConnectionTrait,
    training_ids: &[i64],
) -> Result<std::collections::HashMap<i64, i64>, DbErr> {
    use sea_orm::QuerySelect;
    if training_ids.is_empty() {
        return Ok(Default::default());
    }
    let rows: Vec<(i64, i64)> = attendance::Entity::find()
        .select_only()
        .column(attendance::Column::TrainingId)
        .column_as(attendance::Column::TenantId.count(), "n")
        .filter(attendance::Column::TrainingId.is_in(training_ids.iter().copied()))
        .group_by(attendance::Column::TrainingId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}

/// The trainings a tenant attended, newest first (two queries).
pub async fn attended_by(
    db: &impl ConnectionTrait,
    tenant_id: i64,
) -> Result<Vec<Training>, DbErr> {
    use sea_orm::QuerySelect;
    let ids: Vec<i64> = attendance::Entity::find()
        .select_only()
        .column(attendance::Column::TrainingId)
        .filter(attendance::Column::TenantId.eq(tenant_id))
        .into_tuple()
        .all(db)
        .await?;
    if ids.is_empty() {
        return Ok(vec![]);
    }
    training::Entity::find()
        .filter(training::Column::Id.is_in(ids))
        .order_by_desc(training::Column::HeldAt)
        .all(db)
        .await
}

/// A tenant's guidance sessions, newest first.
pub async fn guidance_of(
    db: &impl ConnectionTrait,
    tenant_id: i64,
) -> Result<Vec<Guidance>, DbErr> {
    guidance::Entity::find()
        .filter(guidance::Column::TenantId.eq(tenant_id))
        .order_by_desc(guidance::Column::HeldAt)
        .order_by_desc(guidance::Column::Id)
        .all(db)
        .await
}

/// A tenant's venture-philanthropy support, newest first.
pub async fn vp_support_of(
    db: &impl ConnectionTrait,
    tenant_id: i64,
) -> Result<Vec<VpSupport>, DbErr> {
    vp_support::Entity::find()
        .filter(vp_support::Column::TenantId.eq(tenant_id))
        .order_by_desc(vp_support::Column::HeldAt)
        .order_by_desc(vp_support::Column::Id)
        .all(db)
        .await
}

/// Logs venture-philanthropy support given to a tenant of an incubator.
pub async fn insert_vp_support(
    db: &impl ConnectionTrait,
    incubator_id: i64,
    tenant_id: i64,
    d: &VpDraft,
    by: i64,
    now: i64,
) -> Result<i64, DbErr> {
    Ok(vp_support::ActiveModel {
        incubator_id: Set(incubator_id),
        tenant_id: Set(tenant_id),
        kind: Set(d.kind.code().to_string()),
        topic: Set(d.topic.clone()),
        partner: Set(d.partner.clone()),
        held_at: Set(d.held_at),
        minutes: Set(d.minutes),
        amount_fen: Set(d.amount.0),
        created_by: Set(Some(by)),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?
    .id)
}

/// Logs a training with its attendance.
pub async fn insert_training(
    db: &impl ConnectionTrait,
    incubator_id: i64,
    d: &TrainingDraft,
    by: i64,
    now: i64,
) -> Result<i64, DbErr> {
    let id = training::ActiveModel {
        incubator_id: Set(incubator_id),
        topic: Set(d.topic.clone()),
        trainer: Set(d.trainer.clone()),
        held_at: Set(d.held_at),
        minutes: Set(d.minutes),
        created_by: Set(Some(by)),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?
    .id;
    if !d.attendees.is_empty() {
        attendance::Entity::insert_many(d.attendees.iter().map(|t| attendance::ActiveModel {
            training_id: Set(id),
            tenant_id: Set(*t),
        }))
        .exec(db)
        .await?;
    }
    Ok(id)
}

/// Logs a guidance session.
pub async fn insert_guidance(
    db: &impl ConnectionTrait,
    incubator_id: i64,
    tenant_id: i64,
    d: &GuidanceDraft,
    by: i64,
    now: i64,
) -> Result<i64, DbErr> {
    Ok(guidance::ActiveModel {
        tenant_id: Set(tenant_id),
        incubator_id: Set(incubator_id),
        mentor: Set(d.mentor.clone()),
        topic: Set(d.topic.clone()),
        held_at: Set(d.held_at),
        minutes: Set(d.minutes),
        notes: Set(d.notes.clone()),
        created_by: Set(Some(by)),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?
    .id)
}
