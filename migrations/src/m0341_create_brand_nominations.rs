//! A brand nominated to a recognition round, by its organization's administrators or by a
//! purchasing unit: the statement, where it stands (screening, shortlist, recognition), the
//! screening note, the review total and rank frozen when the shortlist is published, and
//! the certificate number once recognized.

use sea_orm_migration::prelude::*;

use crate::m0120_create_brands::Brands;
use crate::m0340_create_recognition_rounds::RecognitionRounds;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum BrandNominations {
    Table,
    Id,
    RoundId,
    BrandId,
    OrgId,
    UnitId,
    NominatedBy,
    Statement,
    State,
    Note,
    TotalMilli,
    Rank,
    CertificateNo,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use BrandNominations as C;
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
                .col(ColumnDef::new(C::RoundId).big_integer().not_null())
                .col(ColumnDef::new(C::BrandId).big_integer().not_null())
                .col(ColumnDef::new(C::OrgId).big_integer().not_null())
                .col(ColumnDef::new(C::UnitId).big_integer())
                .col(ColumnDef::new(C::NominatedBy).big_integer())
                .col(ColumnDef::new(C::Statement).text().not_null())
                .col(ColumnDef::new(C::State).string_len(16).not_null())
                .col(ColumnDef::new(C::Note).text().not_null())
                .col(ColumnDef::new(C::TotalMilli).big_integer())
                .col(ColumnDef::new(C::Rank).integer())
                .col(ColumnDef::new(C::CertificateNo).string_len(40))
                .col(ColumnDef::new(C::CreatedAt).big_integer().not_null())
                .col(ColumnDef::new(C::UpdatedAt).big_integer().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .from(C::Table, C::RoundId)
                        .to(RecognitionRounds::Table, RecognitionRounds::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(C::Table, C::BrandId)
                        .to(Brands::Table, Brands::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(BrandNominations::Table).to_owned())
            .await
    }
}
