use sea_orm_migration::prelude::*;

use crate::m0011_create_tenders::Tenders;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum TenderMilestones {
    Table,
    Id,
    TenderId,
    Position,
    Name,
    PercentBp,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(TenderMilestones::Table)
                .col(
                    ColumnDef::new(TenderMilestones::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(
                    ColumnDef::new(TenderMilestones::TenderId)
                        .big_integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(TenderMilestones::Position)
                        .small_integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(TenderMilestones::Name)
                        .string_len(100)
                        .not_null(),
                )
                .col(
                    ColumnDef::new(TenderMilestones::PercentBp)
                        .integer()
                        .not_null(),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(TenderMilestones::Table, TenderMilestones::TenderId)
                        .to(Tenders::Table, Tenders::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_tender_milestones_tender")
                .table(TenderMilestones::Table)
                .col(TenderMilestones::TenderId)
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(TenderMilestones::Table).to_owned())
            .await
    }
}
