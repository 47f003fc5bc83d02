//! An organization applies to a call once: unique (call, organization). Groups in
//! preparation have no organization (NULL), which both databases treat as distinct.

use sea_orm_migration::prelude::*;

use crate::m0162_create_proposals::Proposals;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_proposals_call_org")
                .table(Proposals::Table)
                .col(Proposals::CallId)
                .col(Proposals::OrgId)
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_proposals_call_org")
                .table(Proposals::Table)
                .to_owned(),
        )
        .await
    }
}
