//! Which stage a proposal is in: `concept` (a concept note in a two-stage call, until its
//! invited applicant submits the full proposal) or `full` (every proposal of a one-stage
//! call, and the existing rows).

use sea_orm_migration::prelude::*;

use crate::m0162_create_proposals::Proposals;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Col {
    Stage,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Proposals::Table)
                .add_column(
                    ColumnDef::new(Col::Stage)
                        .string_len(16)
                        .not_null()
                        .default("full"),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Proposals::Table)
                .drop_column(Col::Stage)
                .to_owned(),
        )
        .await
    }
}
