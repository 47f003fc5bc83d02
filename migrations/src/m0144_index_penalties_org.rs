//! A profile lists its organization's penalties.

use sea_orm_migration::prelude::*;

use crate::m0143_create_penalties::Penalties;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_penalties_org")
                .table(Penalties::Table)
                .col(Penalties::OrgId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_penalties_org")
                .table(Penalties::Table)
                .to_owned(),
        )
        .await
    }
}
