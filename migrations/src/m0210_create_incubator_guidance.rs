//! One-to-one guidance with a tenant: mentor, topic, when, how long, and notes private to
//! the incubator and the tenant.

use sea_orm_migration::prelude::*;

use crate::m0106_create_incubator_tenants::IncubatorTenants;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum IncubatorGuidance {
    Table,
    Id,
    TenantId,
    Mentor,
    Topic,
    HeldAt,
    Minutes,
    Notes,
    CreatedBy,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use IncubatorGuidance as C;
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
                .col(ColumnDef::new(C::TenantId).big_integer().not_null())
                .col(ColumnDef::new(C::Mentor).string_len(400).not_null())
                .col(ColumnDef::new(C::Topic).string_len(800).not_null())
                .col(ColumnDef::new(C::HeldAt).big_integer().not_null())
                .col(ColumnDef::new(C::Minutes).integer().not_null())
                .col(ColumnDef::new(C::Notes).text().not_null())
                .col(ColumnDef::new(C::CreatedBy).big_integer().null())
                .col(ColumnDef::new(C::CreatedAt).big_integer().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .from(C::Table, C::TenantId)
                        .to(IncubatorTenants::Table, IncubatorTenants::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(IncubatorGuidance::Table).to_owned())
            .await
    }
}
