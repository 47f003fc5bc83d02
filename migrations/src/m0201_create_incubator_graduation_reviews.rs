//! A graduation review's decision on one tenant: graduate or not yet, with the reason and
//! the criteria as found at the time (JSON), by whom and when.

use sea_orm_migration::prelude::*;

use crate::m0106_create_incubator_tenants::IncubatorTenants;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum IncubatorGraduationReviews {
    Table,
    Id,
    TenantId,
    /// `incubators::graduation::Decision` code: graduate or not_yet.
    Decision,
    Reason,
    /// The criteria and what was found for each, as JSON.
    Findings,
    DecidedBy,
    DecidedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use IncubatorGraduationReviews as C;
        m.create_table(
            Table::create()
                .table(C::Table)
                .col(
                    ColumnDef::new(C::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(ColumnDef::new(C::TenantId).big_integer().not_null())
                .col(ColumnDef::new(C::Decision).string_len(16).not_null())
                .col(ColumnDef::new(C::Reason).text().not_null())
                .col(ColumnDef::new(C::Findings).text().not_null())
                .col(ColumnDef::new(C::DecidedBy).big_integer().null())
                .col(ColumnDef::new(C::DecidedAt).big_integer().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .from(C::Table, C::TenantId)
                        .to(IncubatorTenants::Table, IncubatorTenants::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(
            Table::drop()
                .table(IncubatorGraduationReviews::Table)
                .to_owned(),
        )
        .await
    }
}
