use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Fills the ledger from the contracts signed before it existed (same rule as the
/// application: signed, not terminated, counted in the year of the second signature).
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection()
            .execute_unprepared(
                "INSERT INTO target_ledger (year, unit_id, social, total_fen, contracts) \
                 SELECT signed_year, unit_id, supplier_is_social, SUM(value_fen), COUNT(*) \
                 FROM contracts WHERE signed_year IS NOT NULL AND state <> 'terminated' \
                 GROUP BY signed_year, unit_id, supplier_is_social",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection()
            .execute_unprepared("DELETE FROM target_ledger")
            .await?;
        Ok(())
    }
}
