//! Fills `registration_ended_at` for registrations that ended before the column existed:
//! the instant of the registry's own `registration` event that ended it.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection()
            .execute_unprepared(
                "UPDATE organizations SET registration_ended_at = (\
                 SELECT MAX(e.at) FROM org_regulatory_events e \
                 WHERE e.org_id = organizations.id AND e.kind = 'registration') \
                 WHERE registration_status <> 'active' AND registration_ended_at IS NULL",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        Ok(())
    }
}
