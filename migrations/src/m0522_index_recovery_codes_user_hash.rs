use sea_orm_migration::prelude::*;

use crate::m0521_create_recovery_codes::RecoveryCodes;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// A sign-in looks a recovery code up by its user and hash; one hash per user.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_recovery_codes_user_hash")
                .table(RecoveryCodes::Table)
                .col(RecoveryCodes::UserId)
                .col(RecoveryCodes::CodeHash)
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_recovery_codes_user_hash")
                .table(RecoveryCodes::Table)
                .to_owned(),
        )
        .await
    }
}
