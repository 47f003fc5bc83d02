//! The organizer's reason for terminating the grant early, shown to both sides.

use sea_orm_migration::prelude::*;

use crate::m0260_create_grants::Grants;

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
                .table(Grants::Table)
                .add_column(ColumnDef::new(Col::TerminationReason).text())
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Grants::Table)
                .drop_column(Col::TerminationReason)
                .to_owned(),
        )
        .await
    }
}
