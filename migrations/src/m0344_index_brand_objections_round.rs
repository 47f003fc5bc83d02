//! A round's objections are read together (its page, the check before recognition).

use sea_orm_migration::prelude::*;

use crate::m0343_create_brand_objections::BrandObjections;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_brand_objections_round")
                .table(BrandObjections::Table)
                .col(BrandObjections::RoundId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_brand_objections_round")
                .table(BrandObjections::Table)
                .to_owned(),
        )
        .await
    }
}
