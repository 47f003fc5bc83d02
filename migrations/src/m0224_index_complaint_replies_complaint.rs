//! A complaint's page lists its replies.

use sea_orm_migration::prelude::*;

use crate::m0221_create_complaint_replies::ComplaintReplies;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_complaint_replies_complaint")
                .table(ComplaintReplies::Table)
                .col(ComplaintReplies::ComplaintId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_complaint_replies_complaint")
                .table(ComplaintReplies::Table)
                .to_owned(),
        )
        .await
    }
}
