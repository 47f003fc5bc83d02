//! The notice list and the feeds read the newest notices first.

use sea_orm_migration::prelude::*;

use crate::m0460_create_notices::Notices;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_notices_at")
                .table(Notices::Table)
                .col(Notices::At)
                .col(Notices::Id)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_notices_at")
                .table(Notices::Table)
                .to_owned(),
        )
        .await
    }
}
