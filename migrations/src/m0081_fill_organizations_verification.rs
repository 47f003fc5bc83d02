//! Organizations from before verification existed: those with members were vetted when
//! their members joined, and records without a registering user were imported from the
//! registry (seeding, import): both stay verified. Only a self-registration that has lost
//! every member starts unverified.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection()
            .execute_unprepared(
                "UPDATE organizations SET verification = 'verified' \
                 WHERE created_by IS NULL \
                 OR id IN (SELECT org_id FROM org_members)",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection()
            .execute_unprepared("UPDATE organizations SET verification = 'unverified'")
            .await?;
        Ok(())
    }
}
