//! A manager's finding on one checklist item of one application: met or not, with a note.

use sea_orm_migration::prelude::*;

use crate::m0102_create_incubator_checklist_items::IncubatorChecklistItems;
use crate::m0103_create_incubator_applications::IncubatorApplications;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum IncubatorChecks {
    Table,
    ApplicationId,
    ItemId,
    Met,
    Note,
    UpdatedBy,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use IncubatorChecks as C;
        m.create_table(
            Table::create()
                .table(C::Table)
                .col(ColumnDef::new(C::ApplicationId).big_integer().not_null())
                .col(ColumnDef::new(C::ItemId).big_integer().not_null())
                .col(ColumnDef::new(C::Met).boolean().not_null())
                .col(ColumnDef::new(C::Note).text().not_null())
                .col(ColumnDef::new(C::UpdatedBy).big_integer().null())
                .col(ColumnDef::new(C::UpdatedAt).big_integer().not_null())
                .primary_key(Index::create().col(C::ApplicationId).col(C::ItemId))
                .foreign_key(
                    ForeignKey::create()
                        .from(C::Table, C::ApplicationId)
                        .to(IncubatorApplications::Table, IncubatorApplications::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(C::Table, C::ItemId)
                        .to(IncubatorChecklistItems::Table, IncubatorChecklistItems::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(IncubatorChecks::Table).to_owned())
            .await
    }
}
