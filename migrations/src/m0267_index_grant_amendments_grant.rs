//! A grant's page lists its amendments.

use sea_orm_migration::prelude::*;

use crate::m0263_create_grant_amendments::GrantAmendments;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_grant_amendments_grant")
                .table(GrantAmendments::Table)
                .col(GrantAmendments::GrantId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_grant_amendments_grant")
                .table(GrantAmendments::Table)
                .to_owned(),
        )
        .await
    }
}
