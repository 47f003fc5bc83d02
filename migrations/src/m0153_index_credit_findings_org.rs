//! The engine reads an organization's findings.

use sea_orm_migration::prelude::*;

use crate::m0147_create_credit_findings::CreditFindings;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_credit_findings_org")
                .table(CreditFindings::Table)
                .col(CreditFindings::OrgId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_credit_findings_org")
                .table(CreditFindings::Table)
                .to_owned(),
        )
        .await
    }
}
