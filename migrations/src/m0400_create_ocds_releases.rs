//! OCDS releases (issue 17): one immutable row per public event of a tender, written in the
//! event's own transaction by `opendata`. `id` orders the rows in the order they were
//! committed (writers take a lock first on PostgreSQL), which is what the API's cursor pages
//! on; `body` is the release exactly as published, never updated.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum OcdsReleases {
    Table,
    Id,
    ReleaseId,
    Ocid,
    TenderId,
    Seq,
    Tag,
    At,
    Year,
    Body,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use OcdsReleases as C;
        m.create_table(
            Table::create()
                .table(C::Table)
                .col(
                    ColumnDef::new(C::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(ColumnDef::new(C::ReleaseId).string_len(200).not_null())
                .col(ColumnDef::new(C::Ocid).string_len(100).not_null())
                .col(ColumnDef::new(C::TenderId).big_integer().not_null())
                .col(ColumnDef::new(C::Seq).integer().not_null())
                .col(ColumnDef::new(C::Tag).string_len(40).not_null())
                .col(ColumnDef::new(C::At).big_integer().not_null())
                .col(ColumnDef::new(C::Year).integer().not_null())
                .col(ColumnDef::new(C::Body).text().not_null())
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(OcdsReleases::Table).to_owned())
            .await
    }
}
