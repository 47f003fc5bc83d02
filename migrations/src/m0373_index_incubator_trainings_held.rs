//! The KPIs find a quarter's trainings (and through them the attendance) by time, covering
//! the incubator and the minutes.

use sea_orm_migration::prelude::*;

use crate::m0207_create_incubator_trainings::IncubatorTrainings;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_incubator_trainings_held")
                .table(IncubatorTrainings::Table)
                .col(IncubatorTrainings::HeldAt)
                .col(IncubatorTrainings::IncubatorId)
                .col(IncubatorTrainings::Minutes)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_incubator_trainings_held")
                .table(IncubatorTrainings::Table)
                .to_owned(),
        )
        .await
    }
}
