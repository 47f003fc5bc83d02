//! The KPIs sum a quarter's guidance per incubator from this index alone (time range, then
//! incubator and minutes: covering).

use sea_orm_migration::prelude::*;

use crate::m0210_create_incubator_guidance::IncubatorGuidance;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Added by m0370.
#[derive(DeriveIden)]
enum Col {
    IncubatorId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_incubator_guidance_held")
                .table(IncubatorGuidance::Table)
                .col(IncubatorGuidance::HeldAt)
                .col(Col::IncubatorId)
                .col(IncubatorGuidance::Minutes)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_incubator_guidance_held")
                .table(IncubatorGuidance::Table)
                .to_owned(),
        )
        .await
    }
}
