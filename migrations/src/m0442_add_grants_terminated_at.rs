//! When the organizer terminated the grant early (Unix seconds): the grant page and the
//! 360Giving export show it.

use sea_orm_migration::prelude::*;

use crate::m0260_create_grants::Grants;

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
                .table(Grants::Table)
                .add_column(ColumnDef::new(Col::TerminatedAt).big_integer())
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Grants::Table)
                .drop_column(Col::TerminatedAt)
                .to_owned(),
        )
        .await
    }
}
