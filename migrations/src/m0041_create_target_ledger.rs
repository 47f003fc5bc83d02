use sea_orm_migration::prelude::*;

use crate::m0005_create_purchasing_units::PurchasingUnits;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum TargetLedger {
    Table,
    /// Asia/Shanghai year the contract was signed.
    Year,
    UnitId,
    /// Supplier is a social organization.
    Social,
    /// Sum of contract values in fen.
    TotalFen,
    /// Number of contracts.
    Contracts,
}

/// The 30% ledger: signed, non-terminated contract value per (year, purchasing unit,
/// supplier is a social organization), kept in the same transaction as the signature that
/// activates a contract, so the dashboard never scans the contracts table.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(TargetLedger::Table)
                .col(ColumnDef::new(TargetLedger::Year).integer().not_null())
                .col(
                    ColumnDef::new(TargetLedger::UnitId)
                        .big_integer()
                        .not_null(),
                )
                .col(ColumnDef::new(TargetLedger::Social).boolean().not_null())
                .col(
                    ColumnDef::new(TargetLedger::TotalFen)
                        .big_integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(TargetLedger::Contracts)
                        .big_integer()
                        .not_null(),
                )
                .primary_key(
                    Index::create()
                        .col(TargetLedger::Year)
                        .col(TargetLedger::UnitId)
                        .col(TargetLedger::Social),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(TargetLedger::Table, TargetLedger::UnitId)
                        .to(PurchasingUnits::Table, PurchasingUnits::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(TargetLedger::Table).to_owned())
            .await
    }
}
