//! A manager's confirmation that a tenant met one of the milestones the platform cannot see
//! (a grant from elsewhere, a milestone of the incubator's own words): when, with a note.

use sea_orm_migration::prelude::*;

use crate::m0106_create_incubator_tenants::IncubatorTenants;
use crate::m0204_create_incubator_milestones::IncubatorMilestones;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum IncubatorMilestoneMarks {
    Table,
    TenantId,
    MilestoneId,
    MetAt,
    Note,
    ConfirmedBy,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use IncubatorMilestoneMarks as C;
        m.create_table(
            Table::create()
                .table(C::Table)
                .col(ColumnDef::new(C::TenantId).big_integer().not_null())
                .col(ColumnDef::new(C::MilestoneId).big_integer().not_null())
                .col(ColumnDef::new(C::MetAt).big_integer().not_null())
                .col(ColumnDef::new(C::Note).text().not_null())
                .col(ColumnDef::new(C::ConfirmedBy).big_integer().null())
                .primary_key(Index::create().col(C::TenantId).col(C::MilestoneId))
                .foreign_key(
                    ForeignKey::create()
                        .from(C::Table, C::TenantId)
                        .to(IncubatorTenants::Table, IncubatorTenants::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(C::Table, C::MilestoneId)
                        .to(IncubatorMilestones::Table, IncubatorMilestones::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(
            Table::drop()
                .table(IncubatorMilestoneMarks::Table)
                .to_owned(),
        )
        .await
    }
}
