//! Bookable space of an incubator (issue 12 point 4): rooms and desks allocated to tenants
//! for date ranges, and shared rooms booked by the hour, each with capacity, opening hours
//! and the booking windows.

use sea_orm_migration::prelude::*;

use crate::m0100_create_incubators::Incubators;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum SpaceResources {
    Table,
    Id,
    IncubatorId,
    Name,
    /// `spaces::rules::ResourceKind` code: room, desk or shared.
    Kind,
    /// People at once.
    Capacity,
    /// Opening and closing time, minutes after local (Asia/Shanghai) midnight.
    OpensMin,
    ClosesMin,
    /// How many days ahead a shared room may be booked.
    AdvanceDays,
    /// Until how many hours before its start a booking may be cancelled by its booker.
    CancelHours,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use SpaceResources as T;
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
                .col(ColumnDef::new(T::Name).string_len(200).not_null())
                .col(ColumnDef::new(T::Kind).string_len(16).not_null())
                .col(ColumnDef::new(T::Capacity).integer().not_null())
                .col(ColumnDef::new(T::OpensMin).integer().not_null())
                .col(ColumnDef::new(T::ClosesMin).integer().not_null())
                .col(ColumnDef::new(T::AdvanceDays).integer().not_null())
                .col(ColumnDef::new(T::CancelHours).integer().not_null())
                .col(ColumnDef::new(T::CreatedAt).big_integer().not_null())
                .col(ColumnDef::new(T::UpdatedAt).big_integer().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .from(T::Table, T::IncubatorId)
                        .to(Incubators::Table, Incubators::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(SpaceResources::Table).to_owned())
            .await
    }
}
