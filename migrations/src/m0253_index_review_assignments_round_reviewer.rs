//! A reviewer is assigned to a round at most once.

use sea_orm_migration::prelude::*;

use crate::m0252_create_review_assignments::ReviewAssignments;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("ux_review_assignments_round_reviewer")
                .table(ReviewAssignments::Table)
                .col(ReviewAssignments::RoundId)
                .col(ReviewAssignments::ReviewerId)
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("ux_review_assignments_round_reviewer")
                .to_owned(),
        )
        .await
    }
}
