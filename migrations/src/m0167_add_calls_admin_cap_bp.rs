//! A call may set its own cap on the administrative share of a proposal's budget (basis
//! points); NULL keeps the platform default.

use sea_orm_migration::prelude::*;

use crate::m0160_create_calls::Calls;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Added {
    AdminCapBp,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Calls::Table)
                .add_column(ColumnDef::new(Added::AdminCapBp).integer().null())
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Calls::Table)
                .drop_column(Added::AdminCapBp)
                .to_owned(),
        )
        .await
    }
}
