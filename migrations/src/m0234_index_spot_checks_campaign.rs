//! A campaign's page lists its checks.

use sea_orm_migration::prelude::*;

use crate::m0231_create_spot_checks::SpotChecks;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_spot_checks_campaign")
                .table(SpotChecks::Table)
                .col(SpotChecks::CampaignId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_spot_checks_campaign")
                .table(SpotChecks::Table)
                .to_owned(),
        )
        .await
    }
}
