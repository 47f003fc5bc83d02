//! When the applicant withdrew the proposal (Unix seconds), shown on its page.

use sea_orm_migration::prelude::*;

use crate::m0162_create_proposals::Proposals;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Col {
    WithdrawnAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Proposals::Table)
                .add_column(ColumnDef::new(Col::WithdrawnAt).big_integer())
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Proposals::Table)
                .drop_column(Col::WithdrawnAt)
                .to_owned(),
        )
        .await
    }
}
