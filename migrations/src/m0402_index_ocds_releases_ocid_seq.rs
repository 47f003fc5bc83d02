//! A record gathers its releases by ocid in order; each position of a process is taken once.

use sea_orm_migration::prelude::*;

use crate::m0400_create_ocds_releases::OcdsReleases;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_ocds_releases_ocid_seq")
                .table(OcdsReleases::Table)
                .unique()
                .col(OcdsReleases::Ocid)
                .col(OcdsReleases::Seq)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_ocds_releases_ocid_seq")
                .table(OcdsReleases::Table)
                .to_owned(),
        )
        .await
    }
}
