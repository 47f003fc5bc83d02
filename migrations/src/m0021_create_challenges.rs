use sea_orm_migration::prelude::*;

use crate::m0007_create_organizations::Organizations;
use crate::m0011_create_tenders::Tenders;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum Challenges {
    Table,
    Id,
    TenderId,
    OrgId,
    FiledBy,
    Text,
    FiledAt,
    Answer,
    AnsweredAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Challenges::Table)
                .col(
                    ColumnDef::new(Challenges::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(
                    ColumnDef::new(Challenges::TenderId)
                        .big_integer()
                        .not_null(),
                )
                .col(ColumnDef::new(Challenges::OrgId).big_integer().not_null())
                .col(ColumnDef::new(Challenges::FiledBy).big_integer())
                .col(ColumnDef::new(Challenges::Text).text().not_null())
                .col(ColumnDef::new(Challenges::FiledAt).big_integer().not_null())
                .col(ColumnDef::new(Challenges::Answer).text())
                .col(ColumnDef::new(Challenges::AnsweredAt).big_integer())
                .foreign_key(
                    ForeignKey::create()
                        .from(Challenges::Table, Challenges::TenderId)
                        .to(Tenders::Table, Tenders::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Challenges::Table, Challenges::OrgId)
                        .to(Organizations::Table, Organizations::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_challenges_tender")
                .table(Challenges::Table)
                .col(Challenges::TenderId)
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Challenges::Table).to_owned())
            .await
    }
}
