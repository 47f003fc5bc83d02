//! Stripe webhook events already applied, keyed by event id: the effect of an event and its
//! row are written in one transaction, so a replayed delivery changes nothing.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum StripeEvents {
    Table,
    EventId,
    Kind,
    DonationId,
    ReceivedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use StripeEvents as E;
        m.create_table(
            Table::create()
                .table(E::Table)
                .col(
                    ColumnDef::new(E::EventId)
                        .string_len(255)
                        .not_null()
                        .primary_key(),
                )
                .col(ColumnDef::new(E::Kind).string().not_null())
                .col(ColumnDef::new(E::DonationId).big_integer().null())
                .col(ColumnDef::new(E::ReceivedAt).big_integer().not_null())
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(StripeEvents::Table).to_owned())
            .await
    }
}
