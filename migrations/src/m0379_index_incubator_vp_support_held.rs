//! The KPIs sum a quarter's venture-philanthropy support per incubator from this index alone.

use sea_orm_migration::prelude::*;

use crate::m0377_create_incubator_vp_support::IncubatorVpSupport;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_incubator_vp_support_held")
                .table(IncubatorVpSupport::Table)
                .col(IncubatorVpSupport::HeldAt)
                .col(IncubatorVpSupport::IncubatorId)
                .col(IncubatorVpSupport::Minutes)
                .col(IncubatorVpSupport::AmountFen)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_incubator_vp_support_held")
                .table(IncubatorVpSupport::Table)
                .to_owned(),
        )
        .await
    }
}
