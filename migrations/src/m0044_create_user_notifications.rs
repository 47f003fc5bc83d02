use sea_orm_migration::prelude::*;

use crate::m0001_create_users::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum UserNotifications {
    Table,
    Id,
    /// The user whose inbox it is in.
    UserId,
    /// What happened (`inbox::Kind` code); the text comes from the locale files.
    Kind,
    /// JSON object of the values the text names (names, role codes, reason).
    Params,
    CreatedAt,
    ReadAt,
}

/// The user-addressed inbox: notices about a user's memberships and roles, and attempts to
/// sign up with their e-mail. A user's notices go when the user goes.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(UserNotifications::Table)
                .col(
                    ColumnDef::new(UserNotifications::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(
                    ColumnDef::new(UserNotifications::UserId)
                        .big_integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(UserNotifications::Kind)
                        .string_len(32)
                        .not_null(),
                )
                .col(ColumnDef::new(UserNotifications::Params).text().not_null())
                .col(
                    ColumnDef::new(UserNotifications::CreatedAt)
                        .big_integer()
                        .not_null(),
                )
                .col(ColumnDef::new(UserNotifications::ReadAt).big_integer())
                .foreign_key(
                    ForeignKey::create()
                        .from(UserNotifications::Table, UserNotifications::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(UserNotifications::Table).to_owned())
            .await
    }
}
