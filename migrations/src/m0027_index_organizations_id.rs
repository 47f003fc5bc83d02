use sea_orm_migration::prelude::*;

use crate::m0007_create_organizations::Organizations;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// A narrow index on the key alone. On SQLite the key is the table's rowid, so skipping
/// thousands of rows for a deep page of the unfiltered list walked the whole table; through
/// this index the page's ids are found first (measured: 7.8 ms → 1 ms at offset 50,000).
/// On PostgreSQL it duplicates the primary key's index and costs little.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_orgs_id")
                .table(Organizations::Table)
                .col(Organizations::Id)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_orgs_id")
                .table(Organizations::Table)
                .to_owned(),
        )
        .await
    }
}
