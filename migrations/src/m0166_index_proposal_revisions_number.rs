//! A proposal's revisions are numbered once each: unique (proposal, number).

use sea_orm_migration::prelude::*;

use crate::m0163_create_proposal_revisions::ProposalRevisions;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_proposal_revisions_number")
                .table(ProposalRevisions::Table)
                .col(ProposalRevisions::ProposalId)
                .col(ProposalRevisions::Number)
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_proposal_revisions_number")
                .table(ProposalRevisions::Table)
                .to_owned(),
        )
        .await
    }
}
