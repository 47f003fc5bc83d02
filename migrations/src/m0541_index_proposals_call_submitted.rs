//! The organizer's list of a call's proposals comes in pages, oldest submission first: the
//! index gives a page in order without sorting the whole call (measured on PostgreSQL with
//! 5,000 applications: the sort of every row was most of a page's time).

use sea_orm_migration::prelude::*;

use crate::m0162_create_proposals::Proposals;

#[derive(DeriveMigrationName)]
pub struct Migration;

const NAME: &str = "idx_proposals_call_submitted";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name(NAME)
                .table(Proposals::Table)
                .col(Proposals::CallId)
                .col(Proposals::SubmittedAt)
                .col(Proposals::Id)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name(NAME).table(Proposals::Table).to_owned())
            .await
    }
}
