//! An evaluator's comment on one criterion of one bid (required on a submitted sheet). Kept
//! apart from `bid_scores` so that a draft may hold a comment before its points.

use sea_orm_migration::prelude::*;

use crate::m0001_create_users::Users;
use crate::m0012_create_tender_criteria::TenderCriteria;
use crate::m0016_create_bids::Bids;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum ScoreComments {
    Table,
    BidId,
    EvaluatorId,
    CriterionId,
    Comment,
    At,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ScoreComments::Table)
                .col(
                    ColumnDef::new(ScoreComments::BidId)
                        .big_integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(ScoreComments::EvaluatorId)
                        .big_integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(ScoreComments::CriterionId)
                        .big_integer()
                        .not_null(),
                )
                .col(ColumnDef::new(ScoreComments::Comment).text().not_null())
                .col(ColumnDef::new(ScoreComments::At).big_integer().not_null())
                .primary_key(
                    Index::create()
                        .col(ScoreComments::BidId)
                        .col(ScoreComments::EvaluatorId)
                        .col(ScoreComments::CriterionId),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(ScoreComments::Table, ScoreComments::BidId)
                        .to(Bids::Table, Bids::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(ScoreComments::Table, ScoreComments::EvaluatorId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(ScoreComments::Table, ScoreComments::CriterionId)
                        .to(TenderCriteria::Table, TenderCriteria::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ScoreComments::Table).to_owned())
            .await
    }
}
