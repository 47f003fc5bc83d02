//! A tenant's agreements, and an incubator's, are listed by tenant.

use sea_orm_migration::prelude::*;

use crate::m0187_create_tenancy_agreements::TenancyAgreements as T;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_tenancy_agreements_incubator_tenant")
                .table(T::Table)
                .col(T::IncubatorId)
                .col(T::TenantId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_tenancy_agreements_incubator_tenant")
                .table(T::Table)
                .to_owned(),
        )
        .await
    }
}
