//! The applicant's reason for withdrawing the proposal, told to the organizer and kept on
//! the proposal's page.

use sea_orm_migration::prelude::*;

use crate::m0162_create_proposals::Proposals;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Col {
    WithdrawalReason,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Proposals::Table)
                .add_column(ColumnDef::new(Col::WithdrawalReason).text())
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Proposals::Table)
                .drop_column(Col::WithdrawalReason)
                .to_owned(),
        )
        .await
    }
}
