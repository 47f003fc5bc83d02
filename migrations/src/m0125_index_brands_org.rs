use sea_orm_migration::prelude::*;

use crate::m0120_create_brands::Brands;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// An organization's brands are listed on its profile.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_brands_org")
                .table(Brands::Table)
                .col(Brands::OrgId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_brands_org")
                .table(Brands::Table)
                .to_owned(),
        )
        .await
    }
}
