//! An incubator's milestone list is read on every tenant page.

use sea_orm_migration::prelude::*;

use crate::m0204_create_incubator_milestones::IncubatorMilestones;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_incubator_milestones_incubator")
                .table(IncubatorMilestones::Table)
                .col(IncubatorMilestones::IncubatorId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_incubator_milestones_incubator")
                .table(IncubatorMilestones::Table)
                .to_owned(),
        )
        .await
    }
}
