//! Donations to campaigns: the pledge, its gateway and state (pending → succeeded | failed,
//! succeeded → refunded), refunds in fen and the collecting foundation's receipt number.

use sea_orm_migration::prelude::*;

use crate::m0281_create_campaigns::Campaigns;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum Donations {
    Table,
    Id,
    CampaignId,
    OrgId,
    Reference,
    DonorName,
    ShowName,
    AmountFen,
    Gateway,
    State,
    RefundedFen,
    PaymentIntent,
    ClientSecret,
    GatewayError,
    PaidAt,
    ReceiptNo,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use Donations as D;
        m.create_table(
            Table::create()
                .table(D::Table)
                .col(
                    ColumnDef::new(D::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(ColumnDef::new(D::CampaignId).big_integer().not_null())
                .col(ColumnDef::new(D::OrgId).big_integer().not_null())
                .col(ColumnDef::new(D::Reference).string_len(40).not_null())
                .col(ColumnDef::new(D::DonorName).string().not_null())
                .col(ColumnDef::new(D::ShowName).boolean().not_null())
                .col(ColumnDef::new(D::AmountFen).big_integer().not_null())
                .col(ColumnDef::new(D::Gateway).string_len(16).not_null())
                .col(ColumnDef::new(D::State).string_len(16).not_null())
                .col(
                    ColumnDef::new(D::RefundedFen)
                        .big_integer()
                        .not_null()
                        .default(0),
                )
                .col(ColumnDef::new(D::PaymentIntent).string().null())
                .col(ColumnDef::new(D::ClientSecret).string().null())
                .col(ColumnDef::new(D::GatewayError).boolean().not_null())
                .col(ColumnDef::new(D::PaidAt).big_integer().null())
                .col(ColumnDef::new(D::ReceiptNo).string().null())
                .col(ColumnDef::new(D::CreatedAt).big_integer().not_null())
                .col(ColumnDef::new(D::UpdatedAt).big_integer().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .from(D::Table, D::CampaignId)
                        .to(Campaigns::Table, Campaigns::Id),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Donations::Table).to_owned())
            .await
    }
}
