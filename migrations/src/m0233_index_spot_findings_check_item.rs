//! One finding per item of a check.

use sea_orm_migration::prelude::*;

use crate::m0232_create_spot_findings::SpotFindings;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_spot_findings_check_item")
                .table(SpotFindings::Table)
                .col(SpotFindings::CheckId)
                .col(SpotFindings::Item)
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_spot_findings_check_item")
                .table(SpotFindings::Table)
                .to_owned(),
        )
        .await
    }
}
