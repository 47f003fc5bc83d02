//! The KPIs count a quarter's applications per incubator by submission time (covering the
//! incubator and the state).

use sea_orm_migration::prelude::*;

use crate::m0103_create_incubator_applications::IncubatorApplications;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_incubator_applications_submitted")
                .table(IncubatorApplications::Table)
                .col(IncubatorApplications::SubmittedAt)
                .col(IncubatorApplications::IncubatorId)
                .col(IncubatorApplications::State)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_incubator_applications_submitted")
                .table(IncubatorApplications::Table)
                .to_owned(),
        )
        .await
    }
}
