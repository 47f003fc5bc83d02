use sea_orm_migration::prelude::*;

use crate::m0022_create_contracts::Contracts;
use crate::m0120_create_brands::Brands;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum BrandEvidence {
    Table,
    BrandId,
    /// A completed contract of the brand's organization.
    ContractId,
    LinkedBy,
    LinkedAt,
}

/// Evidence from the platform: completed contracts an organization links to its brand.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(BrandEvidence::Table)
                .col(
                    ColumnDef::new(BrandEvidence::BrandId)
                        .big_integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(BrandEvidence::ContractId)
                        .big_integer()
                        .not_null(),
                )
                .col(ColumnDef::new(BrandEvidence::LinkedBy).big_integer())
                .col(
                    ColumnDef::new(BrandEvidence::LinkedAt)
                        .big_integer()
                        .not_null(),
                )
                .primary_key(
                    Index::create()
                        .col(BrandEvidence::BrandId)
                        .col(BrandEvidence::ContractId),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(BrandEvidence::Table, BrandEvidence::BrandId)
                        .to(Brands::Table, Brands::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(BrandEvidence::Table, BrandEvidence::ContractId)
                        .to(Contracts::Table, Contracts::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(BrandEvidence::Table).to_owned())
            .await
    }
}
