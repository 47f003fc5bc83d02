//! One open claim per user per organization, kept by the database too: a partial unique
//! index (SQLite and PostgreSQL both have them), so two simultaneous submissions cannot
//! both land.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX idx_org_claims_one_open ON org_claims (org_id, user_id) \
                 WHERE state = 'pending'",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection()
            .execute_unprepared("DROP INDEX idx_org_claims_one_open")
            .await?;
        Ok(())
    }
}
