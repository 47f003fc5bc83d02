//! A tenant's page lists the trainings it attended.

use sea_orm_migration::prelude::*;

use crate::m0208_create_incubator_training_attendance::IncubatorTrainingAttendance;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_incubator_training_attendance_tenant")
                .table(IncubatorTrainingAttendance::Table)
                .col(IncubatorTrainingAttendance::TenantId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_incubator_training_attendance_tenant")
                .table(IncubatorTrainingAttendance::Table)
                .to_owned(),
        )
        .await
    }
}
