//! When the buyer terminated the contract early (Unix seconds; none while it runs).

use sea_orm_migration::prelude::*;

use crate::m0022_create_contracts::Contracts;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Col {
    TerminatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Contracts::Table)
                .add_column(ColumnDef::new(Col::TerminatedAt).big_integer().null())
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Contracts::Table)
                .drop_column(Col::TerminatedAt)
                .to_owned(),
        )
        .await
    }
}
