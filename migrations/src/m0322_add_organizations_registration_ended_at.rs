//! When an organization's registration ended (revoked or deregistered by a regulator's
//! zombie outcome), so every refusal to bid, apply or be invited names the day it ended.

use sea_orm_migration::prelude::*;

use crate::m0007_create_organizations::Organizations;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Col {
    RegistrationEndedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Organizations::Table)
                .add_column(ColumnDef::new(Col::RegistrationEndedAt).big_integer())
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Organizations::Table)
                .drop_column(Col::RegistrationEndedAt)
                .to_owned(),
        )
        .await
    }
}
