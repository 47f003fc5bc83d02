use sea_orm_migration::prelude::*;

use crate::m0470_create_mail_queue::MailQueue;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The mail job reads the pending rows that are due, oldest first.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_mail_queue_state_next")
                .table(MailQueue::Table)
                .col(MailQueue::State)
                .col(MailQueue::NextAttemptAt)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_mail_queue_state_next")
                .table(MailQueue::Table)
                .to_owned(),
        )
        .await
    }
}
