//! Objections (异议) to a shortlisted nomination during its round's public notice: who
//! objected, the reasons, and the regulator's answer (upheld or not) once given.

use sea_orm_migration::prelude::*;

use crate::m0341_create_brand_nominations::BrandNominations;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum BrandObjections {
    Table,
    Id,
    NominationId,
    RoundId,
    UserId,
    Reasons,
    Answer,
    Upheld,
    AnsweredBy,
    AnsweredAt,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use BrandObjections as C;
        m.create_table(
            Table::create()
                .table(C::Table)
                .col(
                    ColumnDef::new(C::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(ColumnDef::new(C::NominationId).big_integer().not_null())
                .col(ColumnDef::new(C::RoundId).big_integer().not_null())
                .col(ColumnDef::new(C::UserId).big_integer().not_null())
                .col(ColumnDef::new(C::Reasons).text().not_null())
                .col(ColumnDef::new(C::Answer).text())
                .col(ColumnDef::new(C::Upheld).boolean())
                .col(ColumnDef::new(C::AnsweredBy).big_integer())
                .col(ColumnDef::new(C::AnsweredAt).big_integer())
                .col(ColumnDef::new(C::CreatedAt).big_integer().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .from(C::Table, C::NominationId)
                        .to(BrandNominations::Table, BrandNominations::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(BrandObjections::Table).to_owned())
            .await
    }
}
