//! When a manager retired a room, desk or shared room: it keeps its history and takes no
//! new bookings or allocations.

use sea_orm_migration::prelude::*;

use crate::m0180_create_space_resources::SpaceResources;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Col {
    RetiredAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(SpaceResources::Table)
                .add_column(ColumnDef::new(Col::RetiredAt).big_integer())
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(SpaceResources::Table)
                .drop_column(Col::RetiredAt)
                .to_owned(),
        )
        .await
    }
}
