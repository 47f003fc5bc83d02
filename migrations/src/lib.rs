//! Schema migrations for CivicBridge. One change per file; each file works on SQLite and
//! PostgreSQL. A landed migration is never edited: add a new one.
//!
//! Conventions: instants are `BIGINT` Unix seconds (UTC), money is `BIGINT` fen, states and
//! kinds are short `TEXT` codes owned by the Rust enums in the application.

pub use sea_orm_migration::prelude::*;

mod m0001_create_users;
mod m0002_create_user_roles;
mod m0003_create_sessions;
mod m0004_create_login_failures;
mod m0005_create_purchasing_units;
mod m0006_create_unit_members;
mod m0007_create_organizations;
mod m0008_create_org_domains;
mod m0009_create_org_members;
mod m0010_create_org_regulatory_events;

/// Runs the migrations in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m0001_create_users::Migration),
            Box::new(m0002_create_user_roles::Migration),
            Box::new(m0003_create_sessions::Migration),
            Box::new(m0004_create_login_failures::Migration),
            Box::new(m0005_create_purchasing_units::Migration),
            Box::new(m0006_create_unit_members::Migration),
            Box::new(m0007_create_organizations::Migration),
            Box::new(m0008_create_org_domains::Migration),
            Box::new(m0009_create_org_members::Migration),
            Box::new(m0010_create_org_regulatory_events::Migration),
        ]
    }
}
