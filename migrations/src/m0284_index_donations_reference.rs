//! A donation is found by its reference (the donor's link, the bank transfer's memo).

use sea_orm_migration::prelude::*;

use crate::m0282_create_donations::Donations;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("ux_donations_reference")
                .table(Donations::Table)
                .col(Donations::Reference)
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name("ux_donations_reference").to_owned())
            .await
    }
}
