use sea_orm_migration::prelude::*;

use crate::m0001_create_users::Users;
use crate::m0011_create_tenders::Tenders;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum TenderEvaluators {
    Table,
    TenderId,
    UserId,
    AssignedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(TenderEvaluators::Table)
                .col(
                    ColumnDef::new(TenderEvaluators::TenderId)
                        .big_integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(TenderEvaluators::UserId)
                        .big_integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(TenderEvaluators::AssignedAt)
                        .big_integer()
                        .not_null(),
                )
                .primary_key(
                    Index::create()
                        .col(TenderEvaluators::TenderId)
                        .col(TenderEvaluators::UserId),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(TenderEvaluators::Table, TenderEvaluators::TenderId)
                        .to(Tenders::Table, Tenders::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(TenderEvaluators::Table, TenderEvaluators::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_tender_evaluators_user")
                .table(TenderEvaluators::Table)
                .col(TenderEvaluators::UserId)
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(TenderEvaluators::Table).to_owned())
            .await
    }
}
