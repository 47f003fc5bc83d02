use sea_orm_migration::prelude::*;

use crate::m0001_create_users::Users;
use crate::m0007_create_organizations::Organizations;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum OrgMembers {
    Table,
    OrgId,
    UserId,
    /// admin | member
    Role,
    AddedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(OrgMembers::Table)
                .col(ColumnDef::new(OrgMembers::OrgId).big_integer().not_null())
                .col(ColumnDef::new(OrgMembers::UserId).big_integer().not_null())
                .col(ColumnDef::new(OrgMembers::Role).string_len(16).not_null())
                .col(ColumnDef::new(OrgMembers::AddedAt).big_integer().not_null())
                .primary_key(
                    Index::create()
                        .col(OrgMembers::OrgId)
                        .col(OrgMembers::UserId),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(OrgMembers::Table, OrgMembers::OrgId)
                        .to(Organizations::Table, Organizations::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(OrgMembers::Table, OrgMembers::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_org_members_user")
                .table(OrgMembers::Table)
                .col(OrgMembers::UserId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(OrgMembers::Table).to_owned())
            .await
    }
}
