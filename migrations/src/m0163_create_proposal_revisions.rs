//! Every submitted version of a proposal (the first submission and each revision after a
//! request for more information), kept whole as JSON so two can be compared.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// `proposal_revisions`
#[derive(DeriveIden)]
pub enum ProposalRevisions {
    Table,
    Id,
    ProposalId,
    Number,
    Content,
    SubmittedBy,
    SubmittedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ProposalRevisions::Table)
                .col(
                    ColumnDef::new(ProposalRevisions::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(
                    ColumnDef::new(ProposalRevisions::ProposalId)
                        .big_integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(ProposalRevisions::Number)
                        .integer()
                        .not_null(),
                )
                .col(ColumnDef::new(ProposalRevisions::Content).text().not_null())
                .col(
                    ColumnDef::new(ProposalRevisions::SubmittedBy)
                        .big_integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(ProposalRevisions::SubmittedAt)
                        .big_integer()
                        .not_null(),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ProposalRevisions::Table).to_owned())
            .await
    }
}
