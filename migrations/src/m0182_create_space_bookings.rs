//! An hourly booking of a shared room (training room, meeting room) in 15-minute steps,
//! by a tenant or by the incubator's managers for the incubator's own use.

use sea_orm_migration::prelude::*;

use crate::m0001_create_users::Users;
use crate::m0106_create_incubator_tenants::IncubatorTenants;
use crate::m0180_create_space_resources::SpaceResources;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum SpaceBookings {
    Table,
    Id,
    ResourceId,
    /// The tenant it is for; none for the incubator's own use.
    TenantId,
    /// The user who booked.
    BookedBy,
    /// Unix seconds, inclusive.
    StartsAt,
    /// Unix seconds, exclusive.
    EndsAt,
    Attendees,
    Purpose,
    /// `spaces::rules::HoldState` code: active or cancelled.
    State,
    CreatedAt,
    CancelledAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use SpaceBookings as T;
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
                .col(ColumnDef::new(T::TenantId).big_integer().null())
                .col(ColumnDef::new(T::BookedBy).big_integer().not_null())
                .col(ColumnDef::new(T::StartsAt).big_integer().not_null())
                .col(ColumnDef::new(T::EndsAt).big_integer().not_null())
                .col(ColumnDef::new(T::Attendees).integer().not_null())
                .col(ColumnDef::new(T::Purpose).string_len(400).not_null())
                .col(ColumnDef::new(T::State).string_len(16).not_null())
                .col(ColumnDef::new(T::CreatedAt).big_integer().not_null())
                .col(ColumnDef::new(T::CancelledAt).big_integer().null())
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
                .foreign_key(
                    ForeignKey::create()
                        .from(T::Table, T::BookedBy)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(SpaceBookings::Table).to_owned())
            .await
    }
}
