//! Each incubator's admission checklist, configured by its managers.

use sea_orm_migration::prelude::*;

use crate::m0100_create_incubators::Incubators;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum IncubatorChecklistItems {
    Table,
    Id,
    IncubatorId,
    /// What is checked, e.g. "has at least three founders".
    Label,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(IncubatorChecklistItems::Table)
                .col(
                    ColumnDef::new(IncubatorChecklistItems::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(
                    ColumnDef::new(IncubatorChecklistItems::IncubatorId)
                        .big_integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(IncubatorChecklistItems::Label)
                        .string_len(400)
                        .not_null(),
                )
                .col(
                    ColumnDef::new(IncubatorChecklistItems::CreatedAt)
                        .big_integer()
                        .not_null(),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(
                            IncubatorChecklistItems::Table,
                            IncubatorChecklistItems::IncubatorId,
                        )
                        .to(Incubators::Table, Incubators::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(
            Table::drop()
                .table(IncubatorChecklistItems::Table)
                .to_owned(),
        )
        .await
    }
}
