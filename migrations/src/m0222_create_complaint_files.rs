//! A complaint's attachments, typed by their content and size-capped, kept in the database
//! (like a claim's certificate) and served only to regulators.

use sea_orm_migration::prelude::*;

use crate::m0220_create_complaints::Complaints;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum ComplaintFiles {
    Table,
    Id,
    ComplaintId,
    FileName,
    Mime,
    Size,
    Sha256,
    Bytes,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use ComplaintFiles as F;
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
                .col(ColumnDef::new(F::ComplaintId).big_integer().not_null())
                .col(ColumnDef::new(F::FileName).text().not_null())
                .col(ColumnDef::new(F::Mime).string_len(40).not_null())
                .col(ColumnDef::new(F::Size).big_integer().not_null())
                .col(ColumnDef::new(F::Sha256).string_len(64).not_null())
                .col(ColumnDef::new(F::Bytes).blob().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .from(F::Table, F::ComplaintId)
                        .to(Complaints::Table, Complaints::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ComplaintFiles::Table).to_owned())
            .await
    }
}
