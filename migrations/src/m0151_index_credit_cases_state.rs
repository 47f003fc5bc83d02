//! The public lookup lists the cases in one state (listed).

use sea_orm_migration::prelude::*;

use crate::m0148_create_credit_cases::CreditCases;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_credit_cases_state")
                .table(CreditCases::Table)
                .col(CreditCases::State)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_credit_cases_state")
                .table(CreditCases::Table)
                .to_owned(),
        )
        .await
    }
}
