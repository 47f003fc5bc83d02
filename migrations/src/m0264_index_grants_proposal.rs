//! One grant per proposal: a second agreement for the same approval is refused by the database.

use sea_orm_migration::prelude::*;

use crate::m0260_create_grants::Grants;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_grants_proposal")
                .table(Grants::Table)
                .col(Grants::ProposalId)
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_grants_proposal")
                .table(Grants::Table)
                .to_owned(),
        )
        .await
    }
}
