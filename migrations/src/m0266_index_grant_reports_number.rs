//! A grant's reports are numbered once each.

use sea_orm_migration::prelude::*;

use crate::m0262_create_grant_reports::GrantReports;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_grant_reports_number")
                .table(GrantReports::Table)
                .col(GrantReports::GrantId)
                .col(GrantReports::Number)
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_grant_reports_number")
                .table(GrantReports::Table)
                .to_owned(),
        )
        .await
    }
}
