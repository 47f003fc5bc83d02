//! The incubator of a guidance session, copied from its tenant when it is logged, so the
//! quarterly KPIs sum an incubator's guidance from one covering index on the session's time
//! (m0372) instead of joining a million sessions to their tenants (issue 12: the regulators'
//! roll-up took 440 ms; the join was most of it).

use sea_orm_migration::prelude::*;

use crate::m0210_create_incubator_guidance::IncubatorGuidance;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Col {
    IncubatorId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Zero until m0371 fills it from the tenants (SQLite adds a NOT NULL column only
        // with a default).
        m.alter_table(
            Table::alter()
                .table(IncubatorGuidance::Table)
                .add_column(
                    ColumnDef::new(Col::IncubatorId)
                        .big_integer()
                        .not_null()
                        .default(0),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(IncubatorGuidance::Table)
                .drop_column(Col::IncubatorId)
                .to_owned(),
        )
        .await
    }
}
