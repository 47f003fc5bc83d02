//! The yearly bulk files read one year's releases in commit order.

use sea_orm_migration::prelude::*;

use crate::m0400_create_ocds_releases::OcdsReleases;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_ocds_releases_year")
                .table(OcdsReleases::Table)
                .col(OcdsReleases::Year)
                .col(OcdsReleases::Id)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_ocds_releases_year")
                .table(OcdsReleases::Table)
                .to_owned(),
        )
        .await
    }
}
