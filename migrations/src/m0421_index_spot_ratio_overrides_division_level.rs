//! One minimum per locality and campaign level: two regulators saving the same one at once
//! cannot both insert a row.

use sea_orm_migration::prelude::*;

use crate::m0420_create_spot_ratio_overrides::SpotRatioOverrides;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_spot_ratio_overrides_division_level")
                .table(SpotRatioOverrides::Table)
                .col(SpotRatioOverrides::Division)
                .col(SpotRatioOverrides::Level)
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_spot_ratio_overrides_division_level")
                .table(SpotRatioOverrides::Table)
                .to_owned(),
        )
        .await
    }
}
