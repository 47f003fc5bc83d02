//! A user's e-mail settings (issue 11 point 6): which kinds of notice also come by e-mail,
//! and in which language. No row: the defaults (a sensible set, Chinese).

use sea_orm_migration::prelude::*;

use crate::m0001_create_users::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum MailSettings {
    Table,
    UserId,
    /// `zh-CN` or `en`.
    Lang,
    /// The chosen notice kinds' codes, comma-separated (empty: none).
    Kinds,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use MailSettings as C;
        m.create_table(
            Table::create()
                .table(C::Table)
                .col(
                    ColumnDef::new(C::UserId)
                        .big_integer()
                        .not_null()
                        .primary_key(),
                )
                .col(ColumnDef::new(C::Lang).string_len(8).not_null())
                .col(ColumnDef::new(C::Kinds).text().not_null())
                .col(ColumnDef::new(C::UpdatedAt).big_integer().not_null())
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
        m.drop_table(Table::drop().table(MailSettings::Table).to_owned())
            .await
    }
}
