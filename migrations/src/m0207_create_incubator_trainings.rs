//! A training an incubator held: topic, trainer, when, how long.

use sea_orm_migration::prelude::*;

use crate::m0100_create_incubators::Incubators;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum IncubatorTrainings {
    Table,
    Id,
    IncubatorId,
    Topic,
    Trainer,
    HeldAt,
    Minutes,
    CreatedBy,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use IncubatorTrainings as C;
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
                .col(ColumnDef::new(C::Topic).string_len(800).not_null())
                .col(ColumnDef::new(C::Trainer).string_len(400).not_null())
                .col(ColumnDef::new(C::HeldAt).big_integer().not_null())
                .col(ColumnDef::new(C::Minutes).integer().not_null())
                .col(ColumnDef::new(C::CreatedBy).big_integer().null())
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
        m.drop_table(Table::drop().table(IncubatorTrainings::Table).to_owned())
            .await
    }
}
