use sea_orm_migration::prelude::*;

use crate::m0011_create_tenders::Tenders;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum TenderCriteria {
    Table,
    Id,
    TenderId,
    Position,
    Name,
    Weight,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(TenderCriteria::Table)
                .col(
                    ColumnDef::new(TenderCriteria::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(
                    ColumnDef::new(TenderCriteria::TenderId)
                        .big_integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(TenderCriteria::Position)
                        .small_integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(TenderCriteria::Name)
                        .string_len(100)
                        .not_null(),
                )
                .col(
                    ColumnDef::new(TenderCriteria::Weight)
                        .small_integer()
                        .not_null(),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(TenderCriteria::Table, TenderCriteria::TenderId)
                        .to(Tenders::Table, Tenders::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_tender_criteria_tender")
                .table(TenderCriteria::Table)
                .col(TenderCriteria::TenderId)
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(TenderCriteria::Table).to_owned())
            .await
    }
}
