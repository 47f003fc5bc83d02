//! A tenant's timeline reads its venture-philanthropy support.

use sea_orm_migration::prelude::*;

use crate::m0377_create_incubator_vp_support::IncubatorVpSupport;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_incubator_vp_support_tenant")
                .table(IncubatorVpSupport::Table)
                .col(IncubatorVpSupport::TenantId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_incubator_vp_support_tenant")
                .table(IncubatorVpSupport::Table)
                .to_owned(),
        )
        .await
    }
}
