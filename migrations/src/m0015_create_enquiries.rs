use sea_orm_migration::prelude::*;

use crate::m0011_create_tenders::Tenders;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum Enquiries {
    Table,
    Id,
    TenderId,
    AskerId,
    Question,
    Answer,
    AskedAt,
    AnsweredAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Enquiries::Table)
                .col(
                    ColumnDef::new(Enquiries::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(ColumnDef::new(Enquiries::TenderId).big_integer().not_null())
                .col(ColumnDef::new(Enquiries::AskerId).big_integer())
                .col(ColumnDef::new(Enquiries::Question).text().not_null())
                .col(ColumnDef::new(Enquiries::Answer).text())
                .col(ColumnDef::new(Enquiries::AskedAt).big_integer().not_null())
                .col(ColumnDef::new(Enquiries::AnsweredAt).big_integer())
                .foreign_key(
                    ForeignKey::create()
                        .from(Enquiries::Table, Enquiries::TenderId)
                        .to(Tenders::Table, Tenders::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_enquiries_tender")
                .table(Enquiries::Table)
                .col(Enquiries::TenderId)
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Enquiries::Table).to_owned())
            .await
    }
}
