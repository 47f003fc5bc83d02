//! An incubator's page lists its tenants by state; matching reads the current tenants.

use sea_orm_migration::prelude::*;

use crate::m0106_create_incubator_tenants::IncubatorTenants;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_incubator_tenants_incubator")
                .table(IncubatorTenants::Table)
                .col(IncubatorTenants::IncubatorId)
                .col(IncubatorTenants::State)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_incubator_tenants_incubator")
                .table(IncubatorTenants::Table)
                .to_owned(),
        )
        .await
    }
}
