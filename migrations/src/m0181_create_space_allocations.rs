//! A room or desk allocated to a tenant for a date range, kept as the instants of local
//! midnight at its first day and after its last day (half-open), so the database can
//! compare ranges as integers.

use sea_orm_migration::prelude::*;

use crate::m0106_create_incubator_tenants::IncubatorTenants;
use crate::m0180_create_space_resources::SpaceResources;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum SpaceAllocations {
    Table,
    Id,
    ResourceId,
    TenantId,
    /// Unix seconds, inclusive.
    StartsAt,
    /// Unix seconds, exclusive.
    EndsAt,
    /// `spaces::rules::HoldState` code: active or cancelled.
    State,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use SpaceAllocations as T;
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
                .col(ColumnDef::new(T::ResourceId).big_integer().not_null())
                .col(ColumnDef::new(T::TenantId).big_integer().not_null())
                .col(ColumnDef::new(T::StartsAt).big_integer().not_null())
                .col(ColumnDef::new(T::EndsAt).big_integer().not_null())
                .col(ColumnDef::new(T::State).string_len(16).not_null())
                .col(ColumnDef::new(T::CreatedBy).big_integer().null())
                .col(ColumnDef::new(T::CreatedAt).big_integer().not_null())
                .col(ColumnDef::new(T::UpdatedAt).big_integer().not_null())
                .check(Expr::col(T::StartsAt).lt(Expr::col(T::EndsAt)))
                .foreign_key(
                    ForeignKey::create()
                        .from(T::Table, T::ResourceId)
                        .to(SpaceResources::Table, SpaceResources::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(T::Table, T::TenantId)
                        .to(IncubatorTenants::Table, IncubatorTenants::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(SpaceAllocations::Table).to_owned())
            .await
    }
}
