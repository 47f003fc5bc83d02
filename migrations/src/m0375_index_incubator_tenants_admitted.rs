//! The KPIs' tenant figures (admissions, residents, registered, graduations) read every
//! column they need from this index, in incubator order (no table lookups, no sort).

use sea_orm_migration::prelude::*;

use crate::m0106_create_incubator_tenants::IncubatorTenants;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_incubator_tenants_admitted")
                .table(IncubatorTenants::Table)
                .col(IncubatorTenants::IncubatorId)
                .col(IncubatorTenants::AdmittedAt)
                .col(IncubatorTenants::EndedAt)
                .col(IncubatorTenants::State)
                .col(IncubatorTenants::OrgId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_incubator_tenants_admitted")
                .table(IncubatorTenants::Table)
                .to_owned(),
        )
        .await
    }
}
