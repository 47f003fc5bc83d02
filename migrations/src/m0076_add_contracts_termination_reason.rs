//! Why the buyer terminated the contract early, as shown on the contract page.

use sea_orm_migration::prelude::*;

use crate::m0022_create_contracts::Contracts;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Col {
    TerminationReason,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Contracts::Table)
                .add_column(ColumnDef::new(Col::TerminationReason).text().null())
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Contracts::Table)
                .drop_column(Col::TerminationReason)
                .to_owned(),
        )
        .await
    }
}
