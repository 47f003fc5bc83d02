//! A user's TOTP second factor (RFC 6238, issue 11): the secret sealed with the key kept
//! outside the database, when it was switched on (`NULL` while the enrolment waits for its
//! first code), and the last time step a code was accepted for, so no code works twice.
//! No row: two-factor sign-in is off.

use sea_orm_migration::prelude::*;

use crate::m0001_create_users::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum UserTotp {
    Table,
    UserId,
    /// The secret, sealed (XChaCha20-Poly1305, key outside the database).
    SecretSealed,
    CreatedAt,
    EnabledAt,
    /// The time step (Unix seconds / 30) of the last accepted code.
    LastStep,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use UserTotp as C;
        m.create_table(
            Table::create()
                .table(C::Table)
                .col(
                    ColumnDef::new(C::UserId)
                        .big_integer()
                        .not_null()
                        .primary_key(),
                )
                .col(ColumnDef::new(C::SecretSealed).text().not_null())
                .col(ColumnDef::new(C::CreatedAt).big_integer().not_null())
                .col(ColumnDef::new(C::EnabledAt).big_integer().null())
                .col(ColumnDef::new(C::LastStep).big_integer().null())
                .foreign_key(
                    ForeignKey::create()
                        .from(C::Table, C::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(UserTotp::Table).to_owned())
            .await
    }
}
