//! Review rounds: one per reviewed subject (kind + id), with the subject's title and page
//! and the rubric as it stood when review began (JSON `[{name, weight}]`); `closed_at` is
//! set while the subject is past review, so sheets cannot change under a decision.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum ReviewRounds {
    Table,
    Id,
    SubjectKind,
    SubjectId,
    Title,
    Link,
    Rubric,
    CreatedAt,
    ClosedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ReviewRounds::Table)
                .col(
                    ColumnDef::new(ReviewRounds::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(
                    ColumnDef::new(ReviewRounds::SubjectKind)
                        .string_len(32)
                        .not_null(),
                )
                .col(
                    ColumnDef::new(ReviewRounds::SubjectId)
                        .big_integer()
                        .not_null(),
                )
                .col(ColumnDef::new(ReviewRounds::Title).text().not_null())
                .col(ColumnDef::new(ReviewRounds::Link).text().not_null())
                .col(ColumnDef::new(ReviewRounds::Rubric).text().not_null())
                .col(
                    ColumnDef::new(ReviewRounds::CreatedAt)
                        .big_integer()
                        .not_null(),
                )
                .col(ColumnDef::new(ReviewRounds::ClosedAt).big_integer().null())
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ReviewRounds::Table).to_owned())
            .await
    }
}
