use sea_orm_migration::prelude::*;

use crate::m0022_create_contracts::Contracts;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The drill-down behind a dashboard number lists a year's contracts of some units.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_contracts_year_unit")
                .table(Contracts::Table)
                .col(Contracts::SignedYear)
                .col(Contracts::UnitId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_contracts_year_unit")
                .table(Contracts::Table)
                .to_owned(),
        )
        .await
    }
}
