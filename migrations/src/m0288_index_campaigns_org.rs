//! A foundation's fundraising page lists its campaigns.

use sea_orm_migration::prelude::*;

use crate::m0281_create_campaigns::Campaigns;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_campaigns_org")
                .table(Campaigns::Table)
                .col(Campaigns::OrgId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name("idx_campaigns_org").to_owned())
            .await
    }
}
