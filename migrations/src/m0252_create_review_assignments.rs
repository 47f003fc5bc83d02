//! A reviewer assigned to a round, with their sheet's head: state (`assigned`, `draft`,
//! `submitted`), recommendation, the no-conflict declaration and when it was saved and
//! submitted. Taking a reviewer off deletes the row and its scores (kept in the audit entry).

use sea_orm_migration::prelude::*;

use crate::m0001_create_users::Users;
use crate::m0250_create_review_rounds::ReviewRounds;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum ReviewAssignments {
    Table,
    Id,
    RoundId,
    ReviewerId,
    State,
    Recommendation,
    Declared,
    AssignedAt,
    SavedAt,
    SubmittedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ReviewAssignments::Table)
                .col(
                    ColumnDef::new(ReviewAssignments::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(
                    ColumnDef::new(ReviewAssignments::RoundId)
                        .big_integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(ReviewAssignments::ReviewerId)
                        .big_integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(ReviewAssignments::State)
                        .string_len(16)
                        .not_null(),
                )
                .col(
                    ColumnDef::new(ReviewAssignments::Recommendation)
                        .string_len(16)
                        .null(),
                )
                .col(
                    ColumnDef::new(ReviewAssignments::Declared)
                        .boolean()
                        .not_null()
                        .default(false),
                )
                .col(
                    ColumnDef::new(ReviewAssignments::AssignedAt)
                        .big_integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(ReviewAssignments::SavedAt)
                        .big_integer()
                        .null(),
                )
                .col(
                    ColumnDef::new(ReviewAssignments::SubmittedAt)
                        .big_integer()
                        .null(),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(ReviewAssignments::Table, ReviewAssignments::RoundId)
                        .to(ReviewRounds::Table, ReviewRounds::Id),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(ReviewAssignments::Table, ReviewAssignments::ReviewerId)
                        .to(Users::Table, Users::Id),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ReviewAssignments::Table).to_owned())
            .await
    }
}
