//! A tenant's page lists its guidance sessions.

use sea_orm_migration::prelude::*;

use crate::m0210_create_incubator_guidance::IncubatorGuidance;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_incubator_guidance_tenant")
                .table(IncubatorGuidance::Table)
                .col(IncubatorGuidance::TenantId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_incubator_guidance_tenant")
                .table(IncubatorGuidance::Table)
                .to_owned(),
        )
        .await
    }
}
