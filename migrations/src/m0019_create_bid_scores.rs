use sea_orm_migration::prelude::*;

use crate::m0001_create_users::Users;
use crate::m0012_create_tender_criteria::TenderCriteria;
use crate::m0016_create_bids::Bids;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum BidScores {
    Table,
    BidId,
    EvaluatorId,
    CriterionId,
    Points,
    At,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(BidScores::Table)
                .col(ColumnDef::new(BidScores::BidId).big_integer().not_null())
                .col(
                    ColumnDef::new(BidScores::EvaluatorId)
                        .big_integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(BidScores::CriterionId)
                        .big_integer()
                        .not_null(),
                )
                .col(ColumnDef::new(BidScores::Points).integer().not_null())
                .col(ColumnDef::new(BidScores::At).big_integer().not_null())
                .primary_key(
                    Index::create()
                        .col(BidScores::BidId)
                        .col(BidScores::EvaluatorId)
                        .col(BidScores::CriterionId),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(BidScores::Table, BidScores::BidId)
                        .to(Bids::Table, Bids::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(BidScores::Table, BidScores::EvaluatorId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(BidScores::Table, BidScores::CriterionId)
                        .to(TenderCriteria::Table, TenderCriteria::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(BidScores::Table).to_owned())
            .await
    }
}
