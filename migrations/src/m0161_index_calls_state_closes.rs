//! The public list (open calls) and the closing job both look calls up by state and the end
//! of their window.

use sea_orm_migration::prelude::*;

use crate::m0160_create_calls::Calls;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_calls_state_closes_at")
                .table(Calls::Table)
                .col(Calls::State)
                .col(Calls::ClosesAt)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_calls_state_closes_at")
                .table(Calls::Table)
                .to_owned(),
        )
        .await
    }
}
