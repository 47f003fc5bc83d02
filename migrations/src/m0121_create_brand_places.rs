use sea_orm_migration::prelude::*;

use crate::m0120_create_brands::Brands;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum BrandPlaces {
    Table,
    BrandId,
    /// A division code the project serves (`regions`).
    DivisionCode,
    /// The league/city containing it (none for the region itself): the gallery's filter.
    LeagueCode,
}

/// The places a brand project serves.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(BrandPlaces::Table)
                .col(
                    ColumnDef::new(BrandPlaces::BrandId)
                        .big_integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(BrandPlaces::DivisionCode)
                        .string_len(12)
                        .not_null(),
                )
                .col(ColumnDef::new(BrandPlaces::LeagueCode).string_len(12))
                .primary_key(
                    Index::create()
                        .col(BrandPlaces::BrandId)
                        .col(BrandPlaces::DivisionCode),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(BrandPlaces::Table, BrandPlaces::BrandId)
                        .to(Brands::Table, Brands::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(BrandPlaces::Table).to_owned())
            .await
    }
}
