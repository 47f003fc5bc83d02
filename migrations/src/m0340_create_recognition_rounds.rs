//! Annual brand-recognition rounds (品牌项目认定): a year, a level (the region or one
//! league/city) and its division, the nomination window, the eligibility rules as data
//! (minimum rating grade, clean credit, years running), the rubric and reviewers, an
//! optional maximum of recognitions, the public-notice period and where the round stands.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum RecognitionRounds {
    Table,
    Id,
    Year,
    Level,
    DivisionCode,
    Title,
    OpensAt,
    ClosesAt,
    MinGrade,
    CleanCredit,
    MinYears,
    Rubric,
    Reviewers,
    MaxRecognitions,
    NoticeDays,
    State,
    NoticeStartsAt,
    NoticeEndsAt,
    RecognizedAt,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use RecognitionRounds as C;
        m.create_table(
            Table::create()
                .table(C::Table)
                .col(
                    ColumnDef::new(C::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(ColumnDef::new(C::Year).integer().not_null())
                .col(ColumnDef::new(C::Level).string_len(16).not_null())
                .col(ColumnDef::new(C::DivisionCode).string_len(12).not_null())
                .col(ColumnDef::new(C::Title).string_len(200).not_null())
                .col(ColumnDef::new(C::OpensAt).big_integer().not_null())
                .col(ColumnDef::new(C::ClosesAt).big_integer().not_null())
                .col(ColumnDef::new(C::MinGrade).small_integer().not_null())
                .col(ColumnDef::new(C::CleanCredit).boolean().not_null())
                .col(ColumnDef::new(C::MinYears).integer().not_null())
                .col(ColumnDef::new(C::Rubric).text().not_null())
                .col(ColumnDef::new(C::Reviewers).text().not_null())
                .col(ColumnDef::new(C::MaxRecognitions).integer())
                .col(ColumnDef::new(C::NoticeDays).integer().not_null())
                .col(ColumnDef::new(C::State).string_len(16).not_null())
                .col(ColumnDef::new(C::NoticeStartsAt).big_integer())
                .col(ColumnDef::new(C::NoticeEndsAt).big_integer())
                .col(ColumnDef::new(C::RecognizedAt).big_integer())
                .col(ColumnDef::new(C::CreatedBy).big_integer())
                .col(ColumnDef::new(C::CreatedAt).big_integer().not_null())
                .col(ColumnDef::new(C::UpdatedAt).big_integer().not_null())
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(RecognitionRounds::Table).to_owned())
            .await
    }
}
