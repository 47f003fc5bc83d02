use sea_orm_migration::prelude::*;

use crate::m0123_create_brand_photos::BrandPhotos;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// A gallery page loads the first photo of each of its brands in one `IN` query.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_brand_photos_brand")
                .table(BrandPhotos::Table)
                .col(BrandPhotos::BrandId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_brand_photos_brand")
                .table(BrandPhotos::Table)
                .to_owned(),
        )
        .await
    }
}
