//! The regulators' list filters complaints by state, oldest first.

use sea_orm_migration::prelude::*;

use crate::m0220_create_complaints::Complaints;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_complaints_state_since")
                .table(Complaints::Table)
                .col(Complaints::State)
                .col(Complaints::StateSince)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_complaints_state_since")
                .table(Complaints::Table)
                .to_owned(),
        )
        .await
    }
}
