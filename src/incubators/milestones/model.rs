//! Milestone entities — an incubator's list and the managers' confirmations — and the
//! queries and single-statement writes on them (the operations live in `milestones.rs`).

use std::collections::HashMap;

use sea_orm::entity::prelude::*;
use sea_orm::{ActiveValue::Set, QueryOrder};

use super::rules::MilestoneKind;

/// `incubator_milestones`
pub mod milestone {
    use sea_orm::entity::prelude::*;

    /// One milestone of an incubator's list.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "incubator_milestones")]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// Incubator.
        pub incubator_id: i64,
        /// `MilestoneKind::code()`.
        pub kind: String,
        /// A custom milestone's words.
        pub label: String,
        /// Unix seconds.
        pub created_at: i64,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}

    impl Model {
        /// Its kind (an unreadable code reads as custom: a manager confirms it, the platform
        /// never claims it).
        pub fn kind(&self) -> super::MilestoneKind {
            super::MilestoneKind::parse(&self.kind).unwrap_or(super::MilestoneKind::Custom)
        }
    }
}

/// `incubator_milestone_marks`
pub mod mark {
    use sea_orm::entity::prelude::*;

    /// A manager's confirmation that a tenant met a milestone.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "incubator_milestone_marks")]
    pub struct Model {
        /// Tenant.
        #[sea_orm(primary_key, auto_increment = false)]
        pub tenant_id: i64,
        /// Milestone.
        #[sea_orm(primary_key, auto_increment = false)]
        pub milestone_id: i64,
        /// Unix seconds.
        pub met_at: i64,
        /// Note.
        pub note: String,
        /// Who confirmed it.
        pub confirmed_by: Option<i64>,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub use mark::Model as Mark;
pub use milestone::Model as Milestone;

/// An incubator's milestones, in the order added.
pub async fn list_of(
    db: &impl ConnectionTrait,
    incubator_id: i64,
) -> Result<Vec<Milestone>, DbErr> {
    milestone::Entity::find()
        .filter(milestone::Column::IncubatorId.eq(incubator_id))
        .order_by_asc(milestone::Column::Id)
        .all(db)
        .await
}

/// Adds a milestone to an incubator's list.
pub async fn insert(
    db: &impl ConnectionTrait,
    incubator_id: i64,
    kind: MilestoneKind,
    label: &str,
    now: i64,
) -> Result<i64, DbErr> {
    Ok(milestone::ActiveModel {
        incubator_id: Set(incubator_id),
        kind: Set(kind.code().to_string()),
        label: Set(label.to_string()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?
    .id)
}

/// A tenant's confirmations, by milestone id.
pub async fn marks_of(
    db: &impl ConnectionTrait,
    tenant_id: i64,
) -> Result<HashMap<i64, Mark>, DbErr> {
    Ok(mark::Entity::find()
        .filter(mark::Column::TenantId.eq(tenant_id))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.milestone_id, m))
        .collect())
}

/// Whether a confirmation exists.
pub async fn is_marked(
    db: &impl ConnectionTrait,
    tenant_id: i64,
    milestone_id: i64,
) -> Result<bool, DbErr> {
    Ok(mark::Entity::find_by_id((tenant_id, milestone_id))
        .one(db)
        .await?
        .is_some())
}

/// Records a confirmation (the caller checked there is none yet).
pub async fn insert_mark(
    db: &impl ConnectionTrait,
    tenant_id: i64,
    milestone_id: i64,
    note: &str,
    by: i64,
    now: i64,
) -> Result<(), DbErr> {
    mark::ActiveModel {
        tenant_id: Set(tenant_id),
        milestone_id: Set(milestone_id),
        met_at: Set(now),
        note: Set(note.to_string()),
        confirmed_by: Set(Some(by)),
    }
    .insert(db)
    .await?;
    Ok(())
}
