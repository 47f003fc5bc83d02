//! The finding on one scope item of one check, recorded by one of its inspectors.

use sea_orm_migration::prelude::*;

use crate::m0231_create_spot_checks::SpotChecks;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum SpotFindings {
    Table,
    Id,
    CheckId,
    Item,
    Finding,
    Note,
    RecordedBy,
    RecordedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use SpotFindings as F;
        m.create_table(
            Table::create()
                .table(F::Table)
                .col(
                    ColumnDef::new(F::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(ColumnDef::new(F::CheckId).big_integer().not_null())
                .col(ColumnDef::new(F::Item).string_len(24).not_null())
                .col(ColumnDef::new(F::Finding).string_len(24).not_null())
                .col(ColumnDef::new(F::Note).text().not_null())
                .col(ColumnDef::new(F::RecordedBy).big_integer().not_null())
                .col(ColumnDef::new(F::RecordedAt).big_integer().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .from(F::Table, F::CheckId)
                        .to(SpotChecks::Table, SpotChecks::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(SpotFindings::Table).to_owned())
            .await
    }
}
