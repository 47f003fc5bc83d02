//! One cell of a reviewer's sheet: the criterion's position in the round's rubric, the
//! points (NULL when not applicable or left empty), whether it is n/a, and the comment.

use sea_orm_migration::prelude::*;

use crate::m0252_create_review_assignments::ReviewAssignments;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum ReviewScores {
    Table,
    AssignmentId,
    Criterion,
    Points,
    Na,
    Comment,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ReviewScores::Table)
                .col(
                    ColumnDef::new(ReviewScores::AssignmentId)
                        .big_integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(ReviewScores::Criterion)
                        .small_integer()
                        .not_null(),
                )
                .col(ColumnDef::new(ReviewScores::Points).small_integer().null())
                .col(
                    ColumnDef::new(ReviewScores::Na)
                        .boolean()
                        .not_null()
                        .default(false),
                )
                .col(ColumnDef::new(ReviewScores::Comment).text().not_null())
                .primary_key(
                    Index::create()
                        .col(ReviewScores::AssignmentId)
                        .col(ReviewScores::Criterion),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(ReviewScores::Table, ReviewScores::AssignmentId)
                        .to(ReviewAssignments::Table, ReviewAssignments::Id),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ReviewScores::Table).to_owned())
            .await
    }
}
