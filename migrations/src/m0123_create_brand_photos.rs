use sea_orm_migration::prelude::*;

use crate::m0120_create_brands::Brands;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum BrandPhotos {
    Table,
    Id,
    BrandId,
    /// Random hex name of the re-encoded files under the data directory
    /// (`brands/<key>-thumb.jpg`, `brands/<key>-large.jpg`).
    FileKey,
    /// Size of the large rendition, in pixels.
    Width,
    Height,
    CreatedBy,
    CreatedAt,
}

/// Photos of a brand project: the row names files the application wrote itself.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(BrandPhotos::Table)
                .col(
                    ColumnDef::new(BrandPhotos::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(
                    ColumnDef::new(BrandPhotos::BrandId)
                        .big_integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(BrandPhotos::FileKey)
                        .string_len(64)
                        .not_null()
                        .unique_key(),
                )
                .col(ColumnDef::new(BrandPhotos::Width).integer().not_null())
                .col(ColumnDef::new(BrandPhotos::Height).integer().not_null())
                .col(ColumnDef::new(BrandPhotos::CreatedBy).big_integer())
                .col(
                    ColumnDef::new(BrandPhotos::CreatedAt)
                        .big_integer()
                        .not_null(),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(BrandPhotos::Table, BrandPhotos::BrandId)
                        .to(Brands::Table, Brands::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(BrandPhotos::Table).to_owned())
            .await
    }
}
