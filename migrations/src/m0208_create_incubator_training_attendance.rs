//! Attendance of a training, taken per tenant.

use sea_orm_migration::prelude::*;

use crate::m0106_create_incubator_tenants::IncubatorTenants;
use crate::m0207_create_incubator_trainings::IncubatorTrainings;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum IncubatorTrainingAttendance {
    Table,
    TrainingId,
    TenantId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use IncubatorTrainingAttendance as C;
        m.create_table(
            Table::create()
                .table(C::Table)
                .col(ColumnDef::new(C::TrainingId).big_integer().not_null())
                .col(ColumnDef::new(C::TenantId).big_integer().not_null())
                .primary_key(Index::create().col(C::TrainingId).col(C::TenantId))
                .foreign_key(
                    ForeignKey::create()
                        .from(C::Table, C::TrainingId)
                        .to(IncubatorTrainings::Table, IncubatorTrainings::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
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
                .table(IncubatorTrainingAttendance::Table)
                .to_owned(),
        )
        .await
    }
}
