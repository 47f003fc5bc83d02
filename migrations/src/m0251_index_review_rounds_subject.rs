//! One review round per subject; the organizer's list finds its rounds by subject ids.

use sea_orm_migration::prelude::*;

use crate::m0250_create_review_rounds::ReviewRounds;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("ux_review_rounds_subject")
                .table(ReviewRounds::Table)
                .col(ReviewRounds::SubjectKind)
                .col(ReviewRounds::SubjectId)
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name("ux_review_rounds_subject").to_owned())
            .await
    }
}
