//! One zombie-organization case (僵尸型社会组织) per suspect: the criteria that held when it
//! was opened, the written notice and its objection period, the objection, and the
//! regulator's outcome (rectified, revoked, deregistered). `open_org` holds the
//! organization's id while the case is open and is cleared when it closes, so a unique index
//! on it keeps one open case per organization on both databases (NULLs are distinct).

use sea_orm_migration::prelude::*;

use crate::m0007_create_organizations::Organizations;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum ZombieCases {
    Table,
    Id,
    OrgId,
    OpenOrg,
    Criteria,
    State,
    LegalBasis,
    NoticedAt,
    ObjectionDue,
    ObjectionText,
    ObjectedBy,
    ObjectedAt,
    OutcomeText,
    DecidedBy,
    DecidedAt,
    OpenedBy,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use ZombieCases as C;
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
                .col(ColumnDef::new(C::OrgId).big_integer().not_null())
                .col(ColumnDef::new(C::OpenOrg).big_integer())
                .col(ColumnDef::new(C::Criteria).string_len(120).not_null())
                .col(ColumnDef::new(C::State).string_len(16).not_null())
                .col(ColumnDef::new(C::LegalBasis).text().not_null())
                .col(ColumnDef::new(C::NoticedAt).big_integer().not_null())
                .col(ColumnDef::new(C::ObjectionDue).big_integer().not_null())
                .col(ColumnDef::new(C::ObjectionText).text())
                .col(ColumnDef::new(C::ObjectedBy).big_integer())
                .col(ColumnDef::new(C::ObjectedAt).big_integer())
                .col(ColumnDef::new(C::OutcomeText).text())
                .col(ColumnDef::new(C::DecidedBy).big_integer())
                .col(ColumnDef::new(C::DecidedAt).big_integer())
                .col(ColumnDef::new(C::OpenedBy).big_integer())
                .col(ColumnDef::new(C::UpdatedAt).big_integer().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .from(C::Table, C::OrgId)
                        .to(Organizations::Table, Organizations::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ZombieCases::Table).to_owned())
            .await
    }
}
