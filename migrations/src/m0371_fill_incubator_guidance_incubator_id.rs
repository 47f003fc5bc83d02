//! Fills the incubator of every guidance session logged before m0370, from its tenant.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // A correlated subquery: the same statement on SQLite and PostgreSQL.
        m.get_connection()
            .execute_unprepared(
                "UPDATE incubator_guidance SET incubator_id = \
                 (SELECT t.incubator_id FROM incubator_tenants t \
                  WHERE t.id = incubator_guidance.tenant_id)",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        // m0370's down drops the column.
        Ok(())
    }
}
