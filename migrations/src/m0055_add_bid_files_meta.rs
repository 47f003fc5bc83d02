//! A bid attachment's name, type, size and plain digest, sealed in one blob (empty for rows
//! written before: the server seals those at start-up, since only it holds the key).

use sea_orm_migration::prelude::*;

use crate::m0017_create_bid_files::BidFiles;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Meta {
    Meta,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(BidFiles::Table)
                .add_column(ColumnDef::new(Meta::Meta).text().not_null().default(""))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(BidFiles::Table)
                .drop_column(Meta::Meta)
                .to_owned(),
        )
        .await
    }
}
