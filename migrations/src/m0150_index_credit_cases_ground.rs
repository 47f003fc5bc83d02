//! One case per organization and ground occurrence, so two engine runs at once (two
//! instances) cannot both give notice of the same ground; it also serves reading an
//! organization's cases.

use sea_orm_migration::prelude::*;

use crate::m0148_create_credit_cases::CreditCases;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_credit_cases_ground")
                .table(CreditCases::Table)
                .col(CreditCases::OrgId)
                .col(CreditCases::Trigger)
                .col(CreditCases::Subject)
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_credit_cases_ground")
                .table(CreditCases::Table)
                .to_owned(),
        )
        .await
    }
}
