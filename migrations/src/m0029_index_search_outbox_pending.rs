use sea_orm_migration::prelude::*;

use crate::m0028_create_search_outbox::SearchOutbox;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The drainer asks for rows not done yet, oldest first; done rows pile up until pruned, so
/// the pending ones are found through this index instead of a scan.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_search_outbox_pending")
                .table(SearchOutbox::Table)
                .col(SearchOutbox::DoneAt)
                .col(SearchOutbox::Id)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_search_outbox_pending")
                .table(SearchOutbox::Table)
                .to_owned(),
        )
        .await
    }
}
