//! An incubator's list of tenant milestones (registered, first government contract, first
//! project delivered, rating obtained, 3A or better, first grant, or one of its own words).

use sea_orm_migration::prelude::*;

use crate::m0100_create_incubators::Incubators;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum IncubatorMilestones {
    Table,
    Id,
    IncubatorId,
    /// `incubators::milestones::rules::MilestoneKind` code.
    Kind,
    /// The manager's words for a custom milestone (empty for the others).
    Label,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use IncubatorMilestones as C;
        m.create_table(
            Table::create()
                .table(C::Table)
                .col(
                    ColumnDef::new(C::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(ColumnDef::new(C::IncubatorId).big_integer().not_null())
                .col(ColumnDef::new(C::Kind).string_len(32).not_null())
                .col(ColumnDef::new(C::Label).string_len(400).not_null())
                .col(ColumnDef::new(C::CreatedAt).big_integer().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .from(C::Table, C::IncubatorId)
                        .to(Incubators::Table, Incubators::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(IncubatorMilestones::Table).to_owned())
            .await
    }
}
