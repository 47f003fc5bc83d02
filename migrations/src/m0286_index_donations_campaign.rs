//! A campaign's page sums and lists its donations by state.

use sea_orm_migration::prelude::*;

use crate::m0282_create_donations::Donations;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_donations_campaign")
                .table(Donations::Table)
                .col(Donations::CampaignId)
                .col(Donations::State)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name("idx_donations_campaign").to_owned())
            .await
    }
}
