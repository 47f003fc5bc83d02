//! A counter of an account's sign-ins that still count: a session remembers the value it
//! signed in under, and a password change or reset raises it, so every other session of the
//! account ends at once (the one that changed the password is stamped with the new value).

use sea_orm_migration::prelude::*;

use crate::m0001_create_users::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Col {
    SessionEpoch,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Users::Table)
                .add_column(
                    ColumnDef::new(Col::SessionEpoch)
                        .big_integer()
                        .not_null()
                        .default(0),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Users::Table)
                .drop_column(Col::SessionEpoch)
                .to_owned(),
        )
        .await
    }
}
