//! Photos of an incubator (issue 12 point 1), kept by its managers and the platform's
//! administrators: the row names the two renditions the application wrote itself under the
//! data directory, with a caption and a place in the incubator's order (the first is the
//! cover the directory shows).

use sea_orm_migration::prelude::*;

use crate::m0100_create_incubators::Incubators;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum IncubatorPhotos {
    Table,
    Id,
    IncubatorId,
    /// Random hex name of the re-encoded files under the data directory
    /// (`incubators/<key>-thumb.jpg`, `incubators/<key>-large.jpg`).
    FileKey,
    Caption,
    /// Place in the incubator's order, from 1 (the cover).
    Position,
    /// Size of the large rendition, in pixels.
    Width,
    Height,
    CreatedBy,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use IncubatorPhotos as C;
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
                .col(ColumnDef::new(C::IncubatorId).big_integer().not_null())
                .col(
                    ColumnDef::new(C::FileKey)
                        .string_len(64)
                        .not_null()
                        .unique_key(),
                )
                .col(
                    ColumnDef::new(C::Caption)
                        .string_len(400)
                        .not_null()
                        .default(""),
                )
                .col(ColumnDef::new(C::Position).integer().not_null())
                .col(ColumnDef::new(C::Width).integer().not_null())
                .col(ColumnDef::new(C::Height).integer().not_null())
                .col(ColumnDef::new(C::CreatedBy).big_integer())
                .col(ColumnDef::new(C::CreatedAt).big_integer().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .from(C::Table, C::IncubatorId)
                        .to(Incubators::Table, Incubators::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(IncubatorPhotos::Table).to_owned())
            .await
    }
}
