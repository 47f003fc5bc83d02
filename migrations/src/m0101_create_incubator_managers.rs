//! Who manages which incubator: the incubator-manager role is scoped to the incubators a
//! platform administrator assigns.

use sea_orm_migration::prelude::*;

use crate::m0001_create_users::Users;
use crate::m0100_create_incubators::Incubators;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum IncubatorManagers {
    Table,
    IncubatorId,
    UserId,
    AddedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(IncubatorManagers::Table)
                .col(
                    ColumnDef::new(IncubatorManagers::IncubatorId)
                        .big_integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(IncubatorManagers::UserId)
                        .big_integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(IncubatorManagers::AddedAt)
                        .big_integer()
                        .not_null(),
                )
                .primary_key(
                    Index::create()
                        .col(IncubatorManagers::IncubatorId)
                        .col(IncubatorManagers::UserId),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(IncubatorManagers::Table, IncubatorManagers::IncubatorId)
                        .to(Incubators::Table, Incubators::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(IncubatorManagers::Table, IncubatorManagers::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(IncubatorManagers::Table).to_owned())
            .await
    }
}
