use sea_orm_migration::prelude::*;

use crate::m0005_create_purchasing_units::PurchasingUnits;
use crate::m0007_create_organizations::Organizations;
use crate::m0011_create_tenders::Tenders;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum Notifications {
    Table,
    Id,
    /// The organization whose members see it.
    OrgId,
    /// `invite` (more kinds later).
    Kind,
    TenderId,
    UnitId,
    CreatedBy,
    CreatedAt,
    ReadAt,
}

/// In-app notifications to organizations. One invitation per organization and tender: the
/// unique index makes inviting twice a no-op.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Notifications::Table)
                .col(
                    ColumnDef::new(Notifications::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(
                    ColumnDef::new(Notifications::OrgId)
                        .big_integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(Notifications::Kind)
                        .string_len(16)
                        .not_null(),
                )
                .col(
                    ColumnDef::new(Notifications::TenderId)
                        .big_integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(Notifications::UnitId)
                        .big_integer()
                        .not_null(),
                )
                .col(ColumnDef::new(Notifications::CreatedBy).big_integer())
                .col(
                    ColumnDef::new(Notifications::CreatedAt)
                        .big_integer()
                        .not_null(),
                )
                .col(ColumnDef::new(Notifications::ReadAt).big_integer())
                .foreign_key(
                    ForeignKey::create()
                        .from(Notifications::Table, Notifications::OrgId)
                        .to(Organizations::Table, Organizations::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Notifications::Table, Notifications::TenderId)
                        .to(Tenders::Table, Tenders::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Notifications::Table, Notifications::UnitId)
                        .to(PurchasingUnits::Table, PurchasingUnits::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_notifications_once")
                .table(Notifications::Table)
                .col(Notifications::OrgId)
                .col(Notifications::Kind)
                .col(Notifications::TenderId)
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Notifications::Table).to_owned())
            .await
    }
}
