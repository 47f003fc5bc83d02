//! The red-flag page of a purchasing unit lists that unit's tenders.

use sea_orm_migration::prelude::*;

use crate::m0430_create_ocds_flags::OcdsFlags;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_ocds_flags_unit")
                .table(OcdsFlags::Table)
                .col(OcdsFlags::UnitId)
                .col(OcdsFlags::TenderId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_ocds_flags_unit")
                .table(OcdsFlags::Table)
                .to_owned(),
        )
        .await
    }
}
