use sea_orm_migration::prelude::*;

use crate::m0121_create_brand_places::BrandPlaces;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The gallery filters brands by the league/city they serve.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_brand_places_league")
                .table(BrandPlaces::Table)
                .col(BrandPlaces::LeagueCode)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_brand_places_league")
                .table(BrandPlaces::Table)
                .to_owned(),
        )
        .await
    }
}
