use sea_orm_migration::prelude::*;

use crate::m0022_create_contracts::Contracts;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum ContractMilestones {
    Table,
    Id,
    ContractId,
    Position,
    Name,
    PercentBp,
    AmountFen,
    State,
    Report,
    ReturnReason,
    SubmittedAt,
    DecidedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ContractMilestones::Table)
                .col(
                    ColumnDef::new(ContractMilestones::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(
                    ColumnDef::new(ContractMilestones::ContractId)
                        .big_integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(ContractMilestones::Position)
                        .small_integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(ContractMilestones::Name)
                        .string_len(100)
                        .not_null(),
                )
                .col(
                    ColumnDef::new(ContractMilestones::PercentBp)
                        .integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(ContractMilestones::AmountFen)
                        .big_integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(ContractMilestones::State)
                        .string_len(16)
                        .not_null(),
                )
                .col(ColumnDef::new(ContractMilestones::Report).text())
                .col(ColumnDef::new(ContractMilestones::ReturnReason).text())
                .col(ColumnDef::new(ContractMilestones::SubmittedAt).big_integer())
                .col(ColumnDef::new(ContractMilestones::DecidedAt).big_integer())
                .foreign_key(
                    ForeignKey::create()
                        .from(ContractMilestones::Table, ContractMilestones::ContractId)
                        .to(Contracts::Table, Contracts::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_contract_milestones_contract")
                .table(ContractMilestones::Table)
                .col(ContractMilestones::ContractId)
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ContractMilestones::Table).to_owned())
            .await
    }
}
