use sea_orm_migration::prelude::*;

use crate::m0044_create_user_notifications::UserNotifications;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Every signed-in page counts the user's unread notices, and the inbox lists a user's
/// newest first: both are served by (user, read_at, id) without touching other users' rows.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_user_notifications_user")
                .table(UserNotifications::Table)
                .col(UserNotifications::UserId)
                .col(UserNotifications::ReadAt)
                .col(UserNotifications::Id)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_user_notifications_user")
                .table(UserNotifications::Table)
                .to_owned(),
        )
        .await
    }
}
