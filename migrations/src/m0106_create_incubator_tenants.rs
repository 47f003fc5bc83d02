//! Tenants (resident organizations and groups), created when an application is admitted.

use sea_orm_migration::prelude::*;

use crate::m0007_create_organizations::Organizations;
use crate::m0100_create_incubators::Incubators;
use crate::m0103_create_incubator_applications::IncubatorApplications;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum IncubatorTenants {
    Table,
    Id,
    IncubatorId,
    /// The admitted application (one tenant per application).
    ApplicationId,
    /// The registered organization; none for a group in preparation.
    OrgId,
    /// Name as admitted.
    Name,
    /// `incubators::rules::TenantState` code.
    State,
    AdmittedAt,
    EndedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use IncubatorTenants as T;
        m.create_table(
            Table::create()
                .table(T::Table)
                .col(
                    ColumnDef::new(T::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(ColumnDef::new(T::IncubatorId).big_integer().not_null())
                .col(
                    ColumnDef::new(T::ApplicationId)
                        .big_integer()
                        .not_null()
                        .unique_key(),
                )
                .col(ColumnDef::new(T::OrgId).big_integer().null())
                .col(ColumnDef::new(T::Name).string_len(200).not_null())
                .col(ColumnDef::new(T::State).string_len(16).not_null())
                .col(ColumnDef::new(T::AdmittedAt).big_integer().not_null())
                .col(ColumnDef::new(T::EndedAt).big_integer().null())
                .foreign_key(
                    ForeignKey::create()
                        .from(T::Table, T::IncubatorId)
                        .to(Incubators::Table, Incubators::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(T::Table, T::ApplicationId)
                        .to(IncubatorApplications::Table, IncubatorApplications::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(T::Table, T::OrgId)
                        .to(Organizations::Table, Organizations::Id)
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(IncubatorTenants::Table).to_owned())
            .await
    }
}
