//! The week calendar and the overlap check read a resource's allocations by time.

use sea_orm_migration::prelude::*;

use crate::m0181_create_space_allocations::SpaceAllocations as T;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_space_allocations_resource")
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
                .name("idx_space_allocations_resource")
                .table(T::Table)
                .to_owned(),
        )
        .await
    }
}
