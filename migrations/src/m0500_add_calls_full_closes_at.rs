//! A two-stage call's second deadline: until when invited applicants may submit their full
//! proposals (after the concept-note window closes; none for a one-stage call).

use sea_orm_migration::prelude::*;

use crate::m0160_create_calls::Calls;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Col {
    FullClosesAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Calls::Table)
                .add_column(ColumnDef::new(Col::FullClosesAt).big_integer())
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Calls::Table)
                .drop_column(Col::FullClosesAt)
                .to_owned(),
        )
        .await
    }
}
