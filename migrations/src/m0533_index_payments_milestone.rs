//! The payments of one milestone, summed on every payment (partial payments), found by index
//! now that the UNIQUE that used to index the column is gone (m0532).

use sea_orm_migration::prelude::*;

use crate::m0024_create_payments::Payments;

#[derive(DeriveMigrationName)]
pub struct Migration;

const NAME: &str = "idx_payments_milestone";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name(NAME)
                .table(Payments::Table)
                .col(Payments::MilestoneId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name(NAME).table(Payments::Table).to_owned())
            .await
    }
}
