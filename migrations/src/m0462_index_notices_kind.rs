//! The notice list and feed of one type, newest first.

use sea_orm_migration::prelude::*;

use crate::m0460_create_notices::Notices;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_notices_kind")
                .table(Notices::Table)
                .col(Notices::Kind)
                .col(Notices::At)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_notices_kind")
                .table(Notices::Table)
                .to_owned(),
        )
        .await
    }
}
