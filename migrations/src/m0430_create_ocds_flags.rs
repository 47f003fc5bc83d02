//! Red flags (issue 17 part 5): the OCDS indicators evaluated on each tender's compiled
//! record, one row per tender with releases, upserted by `opendata` in the transaction that
//! records each release (so the row always matches the published record). `codes` is the
//! comma-separated list of flag codes (empty when none), `evidence` a JSON object of each
//! flag's evidence by code. The unit and title are copied from the record so the
//! regulators' pages list units and tenders without reading another room's tables.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum OcdsFlags {
    Table,
    TenderId,
    Ocid,
    UnitId,
    UnitName,
    Title,
    Codes,
    Evidence,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use OcdsFlags as C;
        m.create_table(
            Table::create()
                .table(C::Table)
                .col(
                    ColumnDef::new(C::TenderId)
                        .big_integer()
                        .not_null()
                        .primary_key(),
                )
                .col(ColumnDef::new(C::Ocid).string_len(100).not_null())
                .col(ColumnDef::new(C::UnitId).big_integer().not_null())
                .col(ColumnDef::new(C::UnitName).text().not_null())
                .col(ColumnDef::new(C::Title).text().not_null())
                .col(ColumnDef::new(C::Codes).text().not_null())
                .col(ColumnDef::new(C::Evidence).text().not_null())
                .col(ColumnDef::new(C::UpdatedAt).big_integer().not_null())
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(OcdsFlags::Table).to_owned())
            .await
    }
}
