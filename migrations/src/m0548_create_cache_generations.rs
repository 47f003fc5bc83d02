//! Generations of the in-process caches (the organization list's totals, the matching
//! snapshot): a write through any instance raises its cache's generation here, and every
//! instance compares the stored generation before it reuses what it cached, so no instance
//! answers from a cache another instance's write made stale.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CacheGenerations {
    Table,
    /// The cache's stable name.
    Name,
    /// Raised by one at each write that makes the cache stale.
    Generation,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use CacheGenerations as C;
        m.create_table(
            Table::create()
                .table(C::Table)
                .col(
                    ColumnDef::new(C::Name)
                        .string_len(64)
                        .not_null()
                        .primary_key(),
                )
                .col(ColumnDef::new(C::Generation).big_integer().not_null())
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(CacheGenerations::Table).to_owned())
            .await
    }
}
