//! The tenancies of given organizations (the KPIs ask only for those with contracts, staff
//! or grants to count; a group that registers is found by its organization).

use sea_orm_migration::prelude::*;

use crate::m0106_create_incubator_tenants::IncubatorTenants;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_incubator_tenants_org")
                .table(IncubatorTenants::Table)
                .col(IncubatorTenants::OrgId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_incubator_tenants_org")
                .table(IncubatorTenants::Table)
                .to_owned(),
        )
        .await
    }
}
