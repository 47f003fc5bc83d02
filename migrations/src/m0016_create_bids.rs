use sea_orm_migration::prelude::*;

use crate::m0007_create_organizations::Organizations;
use crate::m0011_create_tenders::Tenders;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum Bids {
    Table,
    Id,
    TenderId,
    OrgId,
    SubmittedBy,
    State,
    Sealed,
    Commitment,
    Revision,
    SubmittedAt,
    OpenedPriceFen,
    OpenedProposal,
    OpenedSalt,
    DisqualifyReason,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Bids::Table)
                .col(
                    ColumnDef::new(Bids::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(ColumnDef::new(Bids::TenderId).big_integer().not_null())
                .col(ColumnDef::new(Bids::OrgId).big_integer().not_null())
                .col(ColumnDef::new(Bids::SubmittedBy).big_integer())
                .col(ColumnDef::new(Bids::State).string_len(16).not_null())
                .col(ColumnDef::new(Bids::Sealed).text().not_null())
                .col(ColumnDef::new(Bids::Commitment).string_len(64).not_null())
                .col(ColumnDef::new(Bids::Revision).integer().not_null())
                .col(ColumnDef::new(Bids::SubmittedAt).big_integer().not_null())
                .col(ColumnDef::new(Bids::OpenedPriceFen).big_integer())
                .col(ColumnDef::new(Bids::OpenedProposal).text())
                .col(ColumnDef::new(Bids::OpenedSalt).string_len(64))
                .col(ColumnDef::new(Bids::DisqualifyReason).text())
                .foreign_key(
                    ForeignKey::create()
                        .from(Bids::Table, Bids::TenderId)
                        .to(Tenders::Table, Tenders::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Bids::Table, Bids::OrgId)
                        .to(Organizations::Table, Organizations::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_bids_tender_state")
                .table(Bids::Table)
                .col(Bids::TenderId)
                .col(Bids::State)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_bids_org")
                .table(Bids::Table)
                .col(Bids::OrgId)
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Bids::Table).to_owned())
            .await
    }
}
