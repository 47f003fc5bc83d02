//! A reviewer's assignments, listed on `/me/reviews`.

use sea_orm_migration::prelude::*;

use crate::m0252_create_review_assignments::ReviewAssignments;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("ix_review_assignments_reviewer")
                .table(ReviewAssignments::Table)
                .col(ReviewAssignments::ReviewerId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("ix_review_assignments_reviewer")
                .to_owned(),
        )
        .await
    }
}
