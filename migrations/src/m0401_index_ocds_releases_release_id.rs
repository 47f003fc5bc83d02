//! A release id is published once: a second row with it is refused by the database.

use sea_orm_migration::prelude::*;

use crate::m0400_create_ocds_releases::OcdsReleases;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_ocds_releases_release_id")
                .table(OcdsReleases::Table)
                .unique()
                .col(OcdsReleases::ReleaseId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_ocds_releases_release_id")
                .table(OcdsReleases::Table)
                .to_owned(),
        )
        .await
    }
}
