//! One annual report per organization and year: the database refuses a second one even if
//! two filings race.

use sea_orm_migration::prelude::*;

use crate::m0140_create_annual_reports::AnnualReports;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_annual_reports_org_year")
                .table(AnnualReports::Table)
                .col(AnnualReports::OrgId)
                .col(AnnualReports::Year)
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_annual_reports_org_year")
                .table(AnnualReports::Table)
                .to_owned(),
        )
        .await
    }
}
