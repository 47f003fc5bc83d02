//! Whether an organization's registration stands (`active`) or ended by a regulator's
//! outcome (`revoked`, `deregistered`): an organization whose registration ended leaves every
//! eligibility list and shows the status publicly.

use sea_orm_migration::prelude::*;

use crate::m0007_create_organizations::Organizations;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Col {
    RegistrationStatus,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Organizations::Table)
                .add_column(
                    ColumnDef::new(Col::RegistrationStatus)
                        .string_len(20)
                        .not_null()
                        .default("active"),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Organizations::Table)
                .drop_column(Col::RegistrationStatus)
                .to_owned(),
        )
        .await
    }
}
