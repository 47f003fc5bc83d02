use sea_orm_migration::prelude::*;

use crate::m0022_create_contracts::Contracts;
use crate::m0023_create_contract_milestones::ContractMilestones;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum Payments {
    Table,
    Id,
    ContractId,
    MilestoneId,
    AmountFen,
    PaidOn,
    Reference,
    RecordedBy,
    At,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Payments::Table)
                .col(
                    ColumnDef::new(Payments::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(
                    ColumnDef::new(Payments::ContractId)
                        .big_integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(Payments::MilestoneId)
                        .big_integer()
                        .not_null()
                        .unique_key(),
                )
                .col(ColumnDef::new(Payments::AmountFen).big_integer().not_null())
                .col(ColumnDef::new(Payments::PaidOn).date().not_null())
                .col(
                    ColumnDef::new(Payments::Reference)
                        .string_len(100)
                        .not_null(),
                )
                .col(ColumnDef::new(Payments::RecordedBy).big_integer())
                .col(ColumnDef::new(Payments::At).big_integer().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .from(Payments::Table, Payments::ContractId)
                        .to(Contracts::Table, Contracts::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Payments::Table, Payments::MilestoneId)
                        .to(ContractMilestones::Table, ContractMilestones::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Payments::Table).to_owned())
            .await
    }
}
