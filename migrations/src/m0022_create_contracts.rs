use sea_orm_migration::prelude::*;

use crate::m0005_create_purchasing_units::PurchasingUnits;
use crate::m0007_create_organizations::Organizations;
use crate::m0011_create_tenders::Tenders;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum Contracts {
    Table,
    Id,
    TenderId,
    UnitId,
    OrgId,
    ValueFen,
    SupplierIsSocial,
    DivisionCode,
    State,
    BuyerSignedAt,
    OrgSignedAt,
    SignedYear,
    CompletedAt,
    Rating,
    RatingComment,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Contracts::Table)
                .col(
                    ColumnDef::new(Contracts::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(
                    ColumnDef::new(Contracts::TenderId)
                        .big_integer()
                        .not_null()
                        .unique_key(),
                )
                .col(ColumnDef::new(Contracts::UnitId).big_integer().not_null())
                .col(ColumnDef::new(Contracts::OrgId).big_integer().not_null())
                .col(ColumnDef::new(Contracts::ValueFen).big_integer().not_null())
                .col(
                    ColumnDef::new(Contracts::SupplierIsSocial)
                        .boolean()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(Contracts::DivisionCode)
                        .string_len(12)
                        .not_null(),
                )
                .col(ColumnDef::new(Contracts::State).string_len(16).not_null())
                .col(ColumnDef::new(Contracts::BuyerSignedAt).big_integer())
                .col(ColumnDef::new(Contracts::OrgSignedAt).big_integer())
                .col(ColumnDef::new(Contracts::SignedYear).integer())
                .col(ColumnDef::new(Contracts::CompletedAt).big_integer())
                .col(ColumnDef::new(Contracts::Rating).small_integer())
                .col(ColumnDef::new(Contracts::RatingComment).text())
                .col(
                    ColumnDef::new(Contracts::CreatedAt)
                        .big_integer()
                        .not_null(),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Contracts::Table, Contracts::TenderId)
                        .to(Tenders::Table, Tenders::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Contracts::Table, Contracts::UnitId)
                        .to(PurchasingUnits::Table, PurchasingUnits::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Contracts::Table, Contracts::OrgId)
                        .to(Organizations::Table, Organizations::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_contracts_org")
                .table(Contracts::Table)
                .col(Contracts::OrgId)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_contracts_unit")
                .table(Contracts::Table)
                .col(Contracts::UnitId)
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Contracts::Table).to_owned())
            .await
    }
}
