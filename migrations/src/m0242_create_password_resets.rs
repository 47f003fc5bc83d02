//! Single-use password-reset links: only the SHA-256 of the secret in the link is stored, with
//! who issued it, when it expires and when it was used.

use sea_orm_migration::prelude::*;

use crate::m0001_create_users::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum PasswordResets {
    Table,
    TokenHash,
    UserId,
    IssuedBy,
    CreatedAt,
    ExpiresAt,
    UsedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(PasswordResets::Table)
                .col(
                    ColumnDef::new(PasswordResets::TokenHash)
                        .string_len(64)
                        .not_null()
                        .primary_key(),
                )
                .col(
                    ColumnDef::new(PasswordResets::UserId)
                        .big_integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(PasswordResets::IssuedBy)
                        .big_integer()
                        .null(),
                )
                .col(
                    ColumnDef::new(PasswordResets::CreatedAt)
                        .big_integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(PasswordResets::ExpiresAt)
                        .big_integer()
                        .not_null(),
                )
                .col(ColumnDef::new(PasswordResets::UsedAt).big_integer().null())
                .foreign_key(
                    ForeignKey::create()
                        .from(PasswordResets::Table, PasswordResets::UserId)
                        .to(Users::Table, Users::Id),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(PasswordResets::Table).to_owned())
            .await
    }
}
