use sea_orm_migration::prelude::*;

use crate::m0450_create_incubator_photos::IncubatorPhotos;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The directory loads the cover of each of its incubators, and a page its gallery, in
/// order, by one `IN` query.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_incubator_photos_incubator_position")
                .table(IncubatorPhotos::Table)
                .col(IncubatorPhotos::IncubatorId)
                .col(IncubatorPhotos::Position)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_incubator_photos_incubator_position")
                .table(IncubatorPhotos::Table)
                .to_owned(),
        )
        .await
    }
}
