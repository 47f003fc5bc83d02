//! One evaluator's score sheet on one tender: when the draft was last saved and when it was
//! submitted (final and read-only from then on; submitting is the evaluator's declaration of
//! no conflict of interest with any bidder).

use sea_orm_migration::prelude::*;

use crate::m0001_create_users::Users;
use crate::m0011_create_tenders::Tenders;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum ScoreSheets {
    Table,
    TenderId,
    EvaluatorId,
    SavedAt,
    SubmittedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ScoreSheets::Table)
                .col(
                    ColumnDef::new(ScoreSheets::TenderId)
                        .big_integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(ScoreSheets::EvaluatorId)
                        .big_integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(ScoreSheets::SavedAt)
                        .big_integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(ScoreSheets::SubmittedAt)
                        .big_integer()
                        .null(),
                )
                .primary_key(
                    Index::create()
                        .col(ScoreSheets::TenderId)
                        .col(ScoreSheets::EvaluatorId),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(ScoreSheets::Table, ScoreSheets::TenderId)
                        .to(Tenders::Table, Tenders::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(ScoreSheets::Table, ScoreSheets::EvaluatorId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ScoreSheets::Table).to_owned())
            .await
    }
}
