//! Notices (issue 11 point 5): the public notices people read — procurement notice,
//! correction, result, contract, termination — one row per OCDS release that is such a
//! notice, written by `opendata` in the transaction that records the release (and filled at
//! start for releases recorded before this table). `id` is the release's row id, so a
//! notice's URL is stable. The unit and title are copied from the release so the list is
//! filtered and paged without reading another room's tables or parsing JSON.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum Notices {
    Table,
    Id,
    TenderId,
    Kind,
    UnitId,
    UnitName,
    Title,
    At,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use Notices as C;
        m.create_table(
            Table::create()
                .table(C::Table)
                .col(ColumnDef::new(C::Id).big_integer().not_null().primary_key())
                .col(ColumnDef::new(C::TenderId).big_integer().not_null())
                .col(ColumnDef::new(C::Kind).string_len(20).not_null())
                .col(ColumnDef::new(C::UnitId).big_integer().not_null())
                .col(ColumnDef::new(C::UnitName).text().not_null())
                .col(ColumnDef::new(C::Title).text().not_null())
                .col(ColumnDef::new(C::At).big_integer().not_null())
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Notices::Table).to_owned())
            .await
    }
}
