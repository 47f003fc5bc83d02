use sea_orm_migration::prelude::*;

use crate::m0011_create_tenders::Tenders;
use crate::m0016_create_bids::Bids;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum Awards {
    Table,
    Id,
    TenderId,
    BidId,
    AwardedBy,
    ValueFen,
    Justification,
    AwardedAt,
    StandstillEndsAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Awards::Table)
                .col(
                    ColumnDef::new(Awards::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(
                    ColumnDef::new(Awards::TenderId)
                        .big_integer()
                        .not_null()
                        .unique_key(),
                )
                .col(ColumnDef::new(Awards::BidId).big_integer().not_null())
                .col(ColumnDef::new(Awards::AwardedBy).big_integer())
                .col(ColumnDef::new(Awards::ValueFen).big_integer().not_null())
                .col(ColumnDef::new(Awards::Justification).text().not_null())
                .col(ColumnDef::new(Awards::AwardedAt).big_integer().not_null())
                .col(
                    ColumnDef::new(Awards::StandstillEndsAt)
                        .big_integer()
                        .not_null(),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Awards::Table, Awards::TenderId)
                        .to(Tenders::Table, Tenders::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Awards::Table, Awards::BidId)
                        .to(Bids::Table, Bids::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Awards::Table).to_owned())
            .await
    }
}
