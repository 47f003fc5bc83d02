use sea_orm_migration::prelude::*;

use crate::m0480_create_proposal_files::ProposalFiles;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// A proposal's page lists its files, and an upload counts them, by proposal.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_proposal_files_proposal")
                .table(ProposalFiles::Table)
                .col(ProposalFiles::ProposalId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_proposal_files_proposal")
                .table(ProposalFiles::Table)
                .to_owned(),
        )
        .await
    }
}
