//! A grant's tranches are numbered once each.

use sea_orm_migration::prelude::*;

use crate::m0261_create_grant_tranches::GrantTranches;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_grant_tranches_number")
                .table(GrantTranches::Table)
                .col(GrantTranches::GrantId)
                .col(GrantTranches::Number)
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_grant_tranches_number")
                .table(GrantTranches::Table)
                .to_owned(),
        )
        .await
    }
}
