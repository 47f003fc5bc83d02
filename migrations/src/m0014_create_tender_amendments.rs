use sea_orm_migration::prelude::*;

use crate::m0011_create_tenders::Tenders;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum TenderAmendments {
    Table,
    Id,
    TenderId,
    ActorId,
    Summary,
    OldBidDeadline,
    NewBidDeadline,
    At,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(TenderAmendments::Table)
                .col(
                    ColumnDef::new(TenderAmendments::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(
                    ColumnDef::new(TenderAmendments::TenderId)
                        .big_integer()
                        .not_null(),
                )
                .col(ColumnDef::new(TenderAmendments::ActorId).big_integer())
                .col(ColumnDef::new(TenderAmendments::Summary).text().not_null())
                .col(
                    ColumnDef::new(TenderAmendments::OldBidDeadline)
                        .big_integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(TenderAmendments::NewBidDeadline)
                        .big_integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(TenderAmendments::At)
                        .big_integer()
                        .not_null(),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(TenderAmendments::Table, TenderAmendments::TenderId)
                        .to(Tenders::Table, Tenders::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_tender_amendments_tender")
                .table(TenderAmendments::Table)
                .col(TenderAmendments::TenderId)
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(TenderAmendments::Table).to_owned())
            .await
    }
}
