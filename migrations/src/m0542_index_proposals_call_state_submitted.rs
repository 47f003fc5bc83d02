//! The organizer's list filtered by state, a page at a time in submission order (see m0541,
//! the same for the unfiltered list).

use sea_orm_migration::prelude::*;

use crate::m0162_create_proposals::Proposals;

#[derive(DeriveMigrationName)]
pub struct Migration;

const NAME: &str = "idx_proposals_call_state_submitted";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name(NAME)
                .table(Proposals::Table)
                .col(Proposals::CallId)
                .col(Proposals::State)
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
