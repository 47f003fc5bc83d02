//! Claims of an organization's record by a user, with evidence (a statement and the
//! registration certificate's file), decided by a regulator.

use sea_orm_migration::prelude::*;

use crate::m0001_create_users::Users;
use crate::m0007_create_organizations::Organizations;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum OrgClaims {
    Table,
    Id,
    OrgId,
    UserId,
    Evidence,
    FileName,
    FileMime,
    FileSha256,
    FileBytes,
    State,
    Reason,
    DecidedBy,
    DecidedAt,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(OrgClaims::Table)
                .col(
                    ColumnDef::new(OrgClaims::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(ColumnDef::new(OrgClaims::OrgId).big_integer().not_null())
                .col(ColumnDef::new(OrgClaims::UserId).big_integer().not_null())
                .col(ColumnDef::new(OrgClaims::Evidence).text().not_null())
                .col(
                    ColumnDef::new(OrgClaims::FileName)
                        .string_len(200)
                        .not_null(),
                )
                .col(
                    ColumnDef::new(OrgClaims::FileMime)
                        .string_len(100)
                        .not_null(),
                )
                .col(
                    ColumnDef::new(OrgClaims::FileSha256)
                        .string_len(64)
                        .not_null(),
                )
                .col(ColumnDef::new(OrgClaims::FileBytes).blob().not_null())
                .col(ColumnDef::new(OrgClaims::State).string_len(20).not_null())
                .col(
                    ColumnDef::new(OrgClaims::Reason)
                        .text()
                        .not_null()
                        .default(""),
                )
                .col(ColumnDef::new(OrgClaims::DecidedBy).big_integer().null())
                .col(ColumnDef::new(OrgClaims::DecidedAt).big_integer().null())
                .col(
                    ColumnDef::new(OrgClaims::CreatedAt)
                        .big_integer()
                        .not_null(),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(OrgClaims::Table, OrgClaims::OrgId)
                        .to(Organizations::Table, Organizations::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(OrgClaims::Table, OrgClaims::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_org_claims_state")
                .table(OrgClaims::Table)
                .col(OrgClaims::State)
                .col(OrgClaims::CreatedAt)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(OrgClaims::Table).to_owned())
            .await
    }
}
