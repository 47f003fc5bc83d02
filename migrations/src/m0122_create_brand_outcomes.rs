use sea_orm_migration::prelude::*;

use crate::m0120_create_brands::Brands;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum BrandOutcomes {
    Table,
    BrandId,
    /// Order on the page, from 0.
    Position,
    /// What was achieved, e.g. 服务老人.
    Label,
    /// How many (a whole number).
    Number,
    /// Of what, e.g. 人次.
    Unit,
}

/// A brand project's outcomes with numbers, as the organization states them.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(BrandOutcomes::Table)
                .col(
                    ColumnDef::new(BrandOutcomes::BrandId)
                        .big_integer()
                        .not_null(),
                )
                .col(ColumnDef::new(BrandOutcomes::Position).integer().not_null())
                .col(
                    ColumnDef::new(BrandOutcomes::Label)
                        .string_len(200)
                        .not_null(),
                )
                .col(
                    ColumnDef::new(BrandOutcomes::Number)
                        .big_integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(BrandOutcomes::Unit)
                        .string_len(80)
                        .not_null(),
                )
                .primary_key(
                    Index::create()
                        .col(BrandOutcomes::BrandId)
                        .col(BrandOutcomes::Position),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(BrandOutcomes::Table, BrandOutcomes::BrandId)
                        .to(Brands::Table, Brands::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(BrandOutcomes::Table).to_owned())
            .await
    }
}
