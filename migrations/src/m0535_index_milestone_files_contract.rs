//! A contract page lists the report files of all its milestones in one query.

use sea_orm_migration::prelude::*;

use crate::m0534_create_milestone_files::MilestoneFiles;

#[derive(DeriveMigrationName)]
pub struct Migration;

const NAME: &str = "idx_milestone_files_contract";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name(NAME)
                .table(MilestoneFiles::Table)
                .col(MilestoneFiles::ContractId)
                .col(MilestoneFiles::MilestoneId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name(NAME)
                .table(MilestoneFiles::Table)
                .to_owned(),
        )
        .await
    }
}
