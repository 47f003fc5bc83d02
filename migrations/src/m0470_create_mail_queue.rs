//! The mail queue (issue 11 point 6): one e-mail to one user, written in the same
//! transaction as the notice (or the password-reset link) it carries, and sent afterwards by
//! the mail job — nothing is lost on a crash and no SMTP call happens inside a transaction.

use sea_orm_migration::prelude::*;

use crate::m0001_create_users::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum MailQueue {
    Table,
    Id,
    /// The recipient.
    UserId,
    /// An inbox notice kind's code, or `password_reset`.
    Kind,
    /// JSON parameters (the inbox's `Params`); emptied once sent.
    Params,
    /// `zh-CN`/`en`, or empty: the recipient's chosen language.
    Lang,
    /// `pending`, `sent`, `skipped` (the recipient does not want it), `failed` (gave up).
    State,
    Attempts,
    /// Not tried before this instant (unix seconds); also the claim of a sender at work.
    NextAttemptAt,
    CreatedAt,
    SentAt,
    LastError,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use MailQueue as C;
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
                .col(ColumnDef::new(C::UserId).big_integer().not_null())
                .col(ColumnDef::new(C::Kind).string_len(40).not_null())
                .col(ColumnDef::new(C::Params).text().not_null())
                .col(ColumnDef::new(C::Lang).string_len(8).not_null().default(""))
                .col(ColumnDef::new(C::State).string_len(16).not_null())
                .col(ColumnDef::new(C::Attempts).integer().not_null().default(0))
                .col(ColumnDef::new(C::NextAttemptAt).big_integer().not_null())
                .col(ColumnDef::new(C::CreatedAt).big_integer().not_null())
                .col(ColumnDef::new(C::SentAt).big_integer())
                .col(ColumnDef::new(C::LastError).text())
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
        m.drop_table(Table::drop().table(MailQueue::Table).to_owned())
            .await
    }
}
