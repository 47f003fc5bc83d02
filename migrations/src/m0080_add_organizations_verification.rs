//! Whether a regulator has verified an organization (`unverified`, `verified`, `refused`):
//! a new registration starts unverified and may not bid until verified.

use sea_orm_migration::prelude::*;

use crate::m0007_create_organizations::Organizations;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Col {
    Verification,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Organizations::Table)
                .add_column(
                    ColumnDef::new(Col::Verification)
                        .string_len(20)
                        .not_null()
                        .default("unverified"),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Organizations::Table)
                .drop_column(Col::Verification)
                .to_owned(),
        )
        .await
    }
}
