//! Graduation entities — criteria, reviews, exit tasks — and the queries and
//! single-statement writes on them (the operations live in `graduation.rs`).

use std::collections::HashMap;

use sea_orm::entity::prelude::*;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, QueryOrder};

use super::rules::{Criteria, Decision, ExitTask};
use crate::incubators::model::tenant;
use crate::incubators::rules::TenantState;

/// `incubator_graduation_criteria`
pub mod criteria {
    use sea_orm::entity::prelude::*;

    /// An incubator's graduation criteria as its managers set them.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "incubator_graduation_criteria")]
    pub struct Model {
        /// Incubator.
        #[sea_orm(primary_key, auto_increment = false)]
        pub incubator_id: i64,
        /// Registration required.
        pub require_registered: bool,
        /// Minimum months in residence.
        pub min_months: i32,
        /// One project delivered required.
        pub require_delivered: bool,
        /// Who set them.
        pub updated_by: Option<i64>,
        /// Unix seconds.
        pub updated_at: i64,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `incubator_graduation_reviews`
pub mod review {
    use sea_orm::entity::prelude::*;

    /// One graduation review of a tenant.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "incubator_graduation_reviews")]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// Tenant.
        pub tenant_id: i64,
        /// `Decision::code()`.
        pub decision: String,
        /// Reason.
        pub reason: String,
        /// The findings at the time, as JSON.
        pub findings: String,
        /// Who decided.
        pub decided_by: Option<i64>,
        /// Unix seconds.
        pub decided_at: i64,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `incubator_exit_tasks`
pub mod exit_task {
    use sea_orm::entity::prelude::*;

    /// One exit task of a graduate, once a manager touched it.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "incubator_exit_tasks")]
    pub struct Model {
        /// Tenant.
        #[sea_orm(primary_key, auto_increment = false)]
        pub tenant_id: i64,
        /// `ExitTask::code()`.
        #[sea_orm(primary_key, auto_increment = false)]
        pub task: String,
        /// Done.
        pub done: bool,
        /// Who ticked it.
        pub updated_by: Option<i64>,
        /// Unix seconds.
        pub updated_at: i64,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub use exit_task::Model as ExitRow;
pub use review::Model as Review;

/// An incubator's criteria, or the defaults when its managers set none.
pub async fn criteria_of(db: &impl ConnectionTrait, incubator_id: i64) -> Result<Criteria, DbErr> {
    Ok(criteria::Entity::find_by_id(incubator_id)
        .one(db)
        .await?
        .map_or_else(Criteria::default, |c| Criteria {
            require_registered: c.require_registered,
            min_months: c.min_months,
            require_delivered: c.require_delivered,
        }))
}

/// Replaces an incubator's criteria.
pub async fn put_criteria(
    db: &impl ConnectionTrait,
    incubator_id: i64,
    c: &Criteria,
    by: i64,
    now: i64,
) -> Result<(), DbErr> {
    criteria::Entity::delete_by_id(incubator_id)
        .exec(db)
        .await?;
    criteria::ActiveModel {
        incubator_id: Set(incubator_id),
        require_registered: Set(c.require_registered),
        min_months: Set(c.min_months),
        require_delivered: Set(c.require_delivered),
        updated_by: Set(Some(by)),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// One tenant.
pub async fn tenant(db: &impl ConnectionTrait, id: i64) -> Result<Option<tenant::Model>, DbErr> {
    tenant::Entity::find_by_id(id).one(db).await
}

/// The tenant an admitted application created.
pub async fn tenant_of_application(
    db: &impl ConnectionTrait,
    application_id: i64,
) -> Result<Option<i64>, DbErr> {
    Ok(tenant::Entity::find()
        .filter(tenant::Column::ApplicationId.eq(application_id))
        .one(db)
        .await?
        .map(|t| t.id))
}

/// A tenant's reviews, newest first.
pub async fn reviews_of(db: &impl ConnectionTrait, tenant_id: i64) -> Result<Vec<Review>, DbErr> {
    review::Entity::find()
        .filter(review::Column::TenantId.eq(tenant_id))
        .order_by_desc(review::Column::DecidedAt)
        .order_by_desc(review::Column::Id)
        .all(db)
        .await
}

/// Records a review.
pub async fn insert_review(
    db: &impl ConnectionTrait,
    tenant_id: i64,
    decision: Decision,
    reason: &str,
    findings: &serde_json::Value,
    by: i64,
    now: i64,
) -> Result<i64, DbErr> {
    Ok(review::ActiveModel {
        tenant_id: Set(tenant_id),
        decision: Set(decision.code().to_string()),
        reason: Set(reason.to_string()),
        findings: Set(findings.to_string()),
        decided_by: Set(Some(by)),
        decided_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?
    .id)
}

/// Moves a tenant in residence to graduated at `now`; false when it was no longer in
/// residence.
pub async fn graduate(db: &impl ConnectionTrait, tenant_id: i64, now: i64) -> Result<bool, DbErr> {
    Ok(tenant::Entity::update_many()
        .col_expr(
            tenant::Column::State,
            Expr::value(TenantState::Graduated.code()),
        )
        .col_expr(tenant::Column::EndedAt, Expr::value(now))
        .filter(tenant::Column::Id.eq(tenant_id))
        .filter(tenant::Column::State.eq(TenantState::Resident.code()))
        .exec(db)
        .await?
        .rows_affected
        == 1)
}

/// A graduate's exit tasks as ticked, by task code.
pub async fn exit_tasks(
    db: &impl ConnectionTrait,
    tenant_id: i64,
) -> Result<HashMap<String, ExitRow>, DbErr> {
    Ok(exit_task::Entity::find()
        .filter(exit_task::Column::TenantId.eq(tenant_id))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.task.clone(), r))
        .collect())
}

/// Ticks or unticks an exit task.
pub async fn put_exit(
    db: &impl ConnectionTrait,
    tenant_id: i64,
    task: ExitTask,
    done: bool,
    by: i64,
    now: i64,
) -> Result<(), DbErr> {
    exit_task::Entity::delete_by_id((tenant_id, task.code().to_string()))
        .exec(db)
        .await?;
    exit_task::ActiveModel {
        tenant_id: Set(tenant_id),
        task: Set(task.code().to_string()),
        done: Set(done),
        updated_by: Set(Some(by)),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(())
}
