//! A brand is nominated at most once per round: two nominations at once cannot both land.

use sea_orm_migration::prelude::*;

use crate::m0341_create_brand_nominations::BrandNominations;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_brand_nominations_round_brand")
                .table(BrandNominations::Table)
                .col(BrandNominations::RoundId)
                .col(BrandNominations::BrandId)
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_brand_nominations_round_brand")
                .table(BrandNominations::Table)
                .to_owned(),
        )
        .await
    }
}
