use sea_orm_migration::prelude::*;

use crate::m0016_create_bids::Bids;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum BidFiles {
    Table,
    Id,
    BidId,
    Name,
    Mime,
    Size,
    Sha256,
    Sealed,
    UploadedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(BidFiles::Table)
                .col(
                    ColumnDef::new(BidFiles::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(ColumnDef::new(BidFiles::BidId).big_integer().not_null())
                .col(ColumnDef::new(BidFiles::Name).string_len(200).not_null())
                .col(ColumnDef::new(BidFiles::Mime).string_len(100).not_null())
                .col(ColumnDef::new(BidFiles::Size).big_integer().not_null())
                .col(ColumnDef::new(BidFiles::Sha256).string_len(64).not_null())
                .col(ColumnDef::new(BidFiles::Sealed).text().not_null())
                .col(
                    ColumnDef::new(BidFiles::UploadedAt)
                        .big_integer()
                        .not_null(),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(BidFiles::Table, BidFiles::BidId)
                        .to(Bids::Table, Bids::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_bid_files_bid")
                .table(BidFiles::Table)
                .col(BidFiles::BidId)
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(BidFiles::Table).to_owned())
            .await
    }
}
