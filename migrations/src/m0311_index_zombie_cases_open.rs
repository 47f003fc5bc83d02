//! At most one open zombie case per organization: two detection runs at once (two
//! instances, or a regulator's run during the daily one) cannot both open a case.

use sea_orm_migration::prelude::*;

use crate::m0310_create_zombie_cases::ZombieCases;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_zombie_cases_open_org")
                .table(ZombieCases::Table)
                .col(ZombieCases::OpenOrg)
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_zombie_cases_open_org")
                .table(ZombieCases::Table)
                .to_owned(),
        )
        .await
    }
}
