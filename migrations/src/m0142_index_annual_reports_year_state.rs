//! The review queue and the targets read a year's reports by state.

use sea_orm_migration::prelude::*;

use crate::m0140_create_annual_reports::AnnualReports;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_annual_reports_year_state")
                .table(AnnualReports::Table)
                .col(AnnualReports::Year)
                .col(AnnualReports::State)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_annual_reports_year_state")
                .table(AnnualReports::Table)
                .to_owned(),
        )
        .await
    }
}
