//! Venture-philanthropy support (公益创投支持) an incubator gave a tenant — coaching for a
//! call's application, seed funding, a referral to a funder — the third kind of service in
//! the services log (issue 12 point 5): what, with whom (a call or funder, free text), when,
//! how long, and any money handed over in fen.

use sea_orm_migration::prelude::*;

use crate::m0106_create_incubator_tenants::IncubatorTenants;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum IncubatorVpSupport {
    Table,
    Id,
    IncubatorId,
    TenantId,
    Kind,
    Topic,
    Partner,
    HeldAt,
    Minutes,
    AmountFen,
    CreatedBy,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use IncubatorVpSupport as C;
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
                .col(ColumnDef::new(C::TenantId).big_integer().not_null())
                .col(ColumnDef::new(C::Kind).string_len(20).not_null())
                .col(ColumnDef::new(C::Topic).string_len(800).not_null())
                .col(ColumnDef::new(C::Partner).string_len(400).not_null())
                .col(ColumnDef::new(C::HeldAt).big_integer().not_null())
                .col(ColumnDef::new(C::Minutes).integer().not_null())
                .col(ColumnDef::new(C::AmountFen).big_integer().not_null())
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
        m.drop_table(Table::drop().table(IncubatorVpSupport::Table).to_owned())
            .await
    }
}
