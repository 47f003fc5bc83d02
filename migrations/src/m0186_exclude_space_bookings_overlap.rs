//! No double booking, kept by the database: two active bookings of one resource never
//! overlap. PostgreSQL: an exclusion constraint over the half-open range of instants
//! (`btree_gist` lets the resource id join the GiST index with `=`), so concurrent writers
//! are refused at insert whatever the application checked. SQLite has no exclusion
//! constraints; triggers refuse the same rows (its writers are serialized, so the check
//! inside a trigger sees every committed row). Both raise an error naming
//! `space_bookings_no_overlap`, which `spaces` recognizes.

use sea_orm_migration::prelude::sea_orm::DatabaseBackend;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const CLASH: &str = "EXISTS (SELECT 1 FROM space_bookings o WHERE o.resource_id = NEW.resource_id \
     AND o.id IS NOT NEW.id AND o.state = 'active' \
     AND o.starts_at < NEW.ends_at AND NEW.starts_at < o.ends_at)";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        match db.get_database_backend() {
            DatabaseBackend::Postgres => {
                db.execute_unprepared("CREATE EXTENSION IF NOT EXISTS btree_gist")
                    .await?;
                db.execute_unprepared(
                    "ALTER TABLE space_bookings ADD CONSTRAINT space_bookings_no_overlap \
                     EXCLUDE USING gist (resource_id WITH =, int8range(starts_at, ends_at) WITH &&) \
                     WHERE (state = 'active')",
                )
                .await?;
            }
            _ => {
                for (name, event) in [
                    ("space_bookings_no_overlap_insert", "INSERT"),
                    ("space_bookings_no_overlap_update", "UPDATE"),
                ] {
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER {name} BEFORE {event} ON space_bookings \
                         WHEN NEW.state = 'active' AND {CLASH} \
                         BEGIN SELECT RAISE(ABORT, 'space_bookings_no_overlap'); END"
                    ))
                    .await?;
                }
            }
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        match db.get_database_backend() {
            DatabaseBackend::Postgres => {
                db.execute_unprepared(
                    "ALTER TABLE space_bookings DROP CONSTRAINT space_bookings_no_overlap",
                )
                .await?;
            }
            _ => {
                db.execute_unprepared("DROP TRIGGER space_bookings_no_overlap_insert")
                    .await?;
                db.execute_unprepared("DROP TRIGGER space_bookings_no_overlap_update")
                    .await?;
            }
        }
        Ok(())
    }
}
