//! A webhook finds its donation by the PaymentIntent id; one donation per PaymentIntent.

use sea_orm_migration::prelude::*;

use crate::m0282_create_donations::Donations;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("ux_donations_payment_intent")
                .table(Donations::Table)
                .col(Donations::PaymentIntent)
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name("ux_donations_payment_intent").to_owned())
            .await
    }
}
