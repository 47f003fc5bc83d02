use sea_orm_migration::prelude::*;

use crate::m0025_create_audit_events::AuditEvents;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Mac {
    Mac,
}

/// Each audit entry's HMAC under a key outside the database, computed when it is written
/// (NULL only for entries recorded before this change).
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(AuditEvents::Table)
                .add_column(ColumnDef::new(Mac::Mac).string_len(64))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(AuditEvents::Table)
                .drop_column(Mac::Mac)
                .to_owned(),
        )
        .await
    }
}
