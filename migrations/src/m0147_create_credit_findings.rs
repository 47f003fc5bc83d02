//! What a regulator records that the credit rules read: an organization unreachable (two
//! registered letters unsigned), a rectification ordered with its due day, or another
//! ground; each resolved (met and verified) by a regulator.

use sea_orm_migration::prelude::*;

use crate::m0007_create_organizations::Organizations;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum CreditFindings {
    Table,
    Id,
    OrgId,
    Kind,
    Note,
    DueAt,
    RecordedBy,
    RecordedAt,
    ResolvedAt,
    ResolvedBy,
    ResolutionNote,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use CreditFindings as F;
        m.create_table(
            Table::create()
                .table(F::Table)
                .col(
                    ColumnDef::new(F::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(ColumnDef::new(F::OrgId).big_integer().not_null())
                .col(ColumnDef::new(F::Kind).string_len(24).not_null())
                .col(ColumnDef::new(F::Note).text().not_null())
                .col(ColumnDef::new(F::DueAt).big_integer())
                .col(ColumnDef::new(F::RecordedBy).big_integer().not_null())
                .col(ColumnDef::new(F::RecordedAt).big_integer().not_null())
                .col(ColumnDef::new(F::ResolvedAt).big_integer())
                .col(ColumnDef::new(F::ResolvedBy).big_integer())
                .col(ColumnDef::new(F::ResolutionNote).text())
                .foreign_key(
                    ForeignKey::create()
                        .from(F::Table, F::OrgId)
                        .to(Organizations::Table, Organizations::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(CreditFindings::Table).to_owned())
            .await
    }
}
