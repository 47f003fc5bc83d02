//! The organizer's list reads a call's proposals by state.

use sea_orm_migration::prelude::*;

use crate::m0162_create_proposals::Proposals;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_proposals_call_state")
                .table(Proposals::Table)
                .col(Proposals::CallId)
                .col(Proposals::State)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_proposals_call_state")
                .table(Proposals::Table)
                .to_owned(),
        )
        .await
    }
}
