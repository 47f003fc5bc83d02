//! A collecting foundation's public-fundraising qualification (公开募捐资格) as its
//! administrators record it, with the bank account donors transfer to; one row per
//! organization. Also the foundation's receipt counter (per year).

use sea_orm_migration::prelude::*;

use crate::m0007_create_organizations::Organizations;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum FundraisingQualifications {
    Table,
    OrgId,
    CertificateNo,
    ValidFrom,
    BankName,
    AccountName,
    AccountNo,
    ReceiptYear,
    ReceiptSeq,
    RecordedBy,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use FundraisingQualifications as Q;
        m.create_table(
            Table::create()
                .table(Q::Table)
                .col(
                    ColumnDef::new(Q::OrgId)
                        .big_integer()
                        .not_null()
                        .primary_key(),
                )
                .col(ColumnDef::new(Q::CertificateNo).string().not_null())
                .col(ColumnDef::new(Q::ValidFrom).big_integer().not_null())
                .col(ColumnDef::new(Q::BankName).string().not_null())
                .col(ColumnDef::new(Q::AccountName).string().not_null())
                .col(ColumnDef::new(Q::AccountNo).string().not_null())
                .col(
                    ColumnDef::new(Q::ReceiptYear)
                        .integer()
                        .not_null()
                        .default(0),
                )
                .col(
                    ColumnDef::new(Q::ReceiptSeq)
                        .big_integer()
                        .not_null()
                        .default(0),
                )
                .col(ColumnDef::new(Q::RecordedBy).big_integer().not_null())
                .col(ColumnDef::new(Q::UpdatedAt).big_integer().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .from(Q::Table, Q::OrgId)
                        .to(Organizations::Table, Organizations::Id),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(
            Table::drop()
                .table(FundraisingQualifications::Table)
                .to_owned(),
        )
        .await
    }
}
