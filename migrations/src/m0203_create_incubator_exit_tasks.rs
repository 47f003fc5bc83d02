//! A graduate's exit tasks (space returned, …) as the manager ticks them: one row per
//! tenant and task once touched; a task without a row is not done.

use sea_orm_migration::prelude::*;

use crate::m0106_create_incubator_tenants::IncubatorTenants;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum IncubatorExitTasks {
    Table,
    TenantId,
    /// `incubators::graduation::ExitTask` code.
    Task,
    Done,
    UpdatedBy,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use IncubatorExitTasks as C;
        m.create_table(
            Table::create()
                .table(C::Table)
                .col(ColumnDef::new(C::TenantId).big_integer().not_null())
                .col(ColumnDef::new(C::Task).string_len(32).not_null())
                .col(ColumnDef::new(C::Done).boolean().not_null())
                .col(ColumnDef::new(C::UpdatedBy).big_integer().null())
                .col(ColumnDef::new(C::UpdatedAt).big_integer().not_null())
                .primary_key(Index::create().col(C::TenantId).col(C::Task))
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
        m.drop_table(Table::drop().table(IncubatorExitTasks::Table).to_owned())
            .await
    }
}
