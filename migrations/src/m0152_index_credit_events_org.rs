//! An organization's credit history is read by organization.

use sea_orm_migration::prelude::*;

use crate::m0149_create_credit_events::CreditEvents;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_credit_events_org")
                .table(CreditEvents::Table)
                .col(CreditEvents::OrgId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_credit_events_org")
                .table(CreditEvents::Table)
                .to_owned(),
        )
        .await
    }
}
