//! The week calendar and the overlap check read a resource's bookings by time.

use sea_orm_migration::prelude::*;

use crate::m0182_create_space_bookings::SpaceBookings as T;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_space_bookings_resource")
                .table(T::Table)
                .col(T::ResourceId)
                .col(T::StartsAt)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_space_bookings_resource")
                .table(T::Table)
                .to_owned(),
        )
        .await
    }
}
