//! A milestone may be paid in parts (issue 11): `payments.milestone_id` loses the UNIQUE it
//! was created with. PostgreSQL drops the named constraint. SQLite cannot drop a column
//! constraint, so the table is rebuilt with the same columns and keys (built by the same
//! schema statements as m0024, so the types match) and the rows copied, ids kept, all in one
//! transaction.

use sea_orm_migration::prelude::sea_orm::DatabaseBackend;
use sea_orm_migration::prelude::*;

use crate::m0022_create_contracts::Contracts;
use crate::m0023_create_contract_milestones::ContractMilestones;
use crate::m0024_create_payments::Payments;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The columns, in order, that the rebuild copies.
const COLUMNS: &str =
    "id, contract_id, milestone_id, amount_fen, paid_on, reference, recorded_by, at";

/// `payments` as m0024 made it, under `name`, with or without the UNIQUE on the milestone.
fn definition(name: &str, unique_milestone: bool) -> TableCreateStatement {
    let mut milestone = ColumnDef::new(Payments::MilestoneId);
    milestone.big_integer().not_null();
    if unique_milestone {
        milestone.unique_key();
    }
    Table::create()
        .table(Alias::new(name))
        .col(
            ColumnDef::new(Payments::Id)
                .big_integer()
                .not_null()
                .auto_increment()
                .primary_key(),
        )
        .col(
            ColumnDef::new(Payments::ContractId)
                .big_integer()
                .not_null(),
        )
        .col(&mut milestone)
        .col(ColumnDef::new(Payments::AmountFen).big_integer().not_null())
        .col(ColumnDef::new(Payments::PaidOn).date().not_null())
        .col(
            ColumnDef::new(Payments::Reference)
                .string_len(100)
                .not_null(),
        )
        .col(ColumnDef::new(Payments::RecordedBy).big_integer())
        .col(ColumnDef::new(Payments::At).big_integer().not_null())
        .foreign_key(
            ForeignKey::create()
                .from(Alias::new(name), Payments::ContractId)
                .to(Contracts::Table, Contracts::Id)
                .on_delete(ForeignKeyAction::Cascade),
        )
        .foreign_key(
            ForeignKey::create()
                .from(Alias::new(name), Payments::MilestoneId)
                .to(ContractMilestones::Table, ContractMilestones::Id)
                .on_delete(ForeignKeyAction::Cascade),
        )
        .to_owned()
}

/// SQLite: rebuild `payments` from a copy made with or without the UNIQUE.
async fn rebuild(m: &SchemaManager<'_>, unique_milestone: bool) -> Result<(), DbErr> {
    let db = m.get_connection();
    m.create_table(definition("payments_rebuilt", unique_milestone))
        .await?;
    db.execute_unprepared(&format!(
        "INSERT INTO payments_rebuilt ({COLUMNS}) SELECT {COLUMNS} FROM payments"
    ))
    .await?;
    db.execute_unprepared("DROP TABLE payments").await?;
    db.execute_unprepared("ALTER TABLE payments_rebuilt RENAME TO payments")
        .await?;
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// In one transaction on every backend: on SQLite the rebuild's statements would otherwise
    /// each commit alone (and may run on different pooled connections), so a failure half-way
    /// would leave the copy beside the original.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        match m.get_connection().get_database_backend() {
            DatabaseBackend::Postgres => {
                m.get_connection()
                    .execute_unprepared(
                        "ALTER TABLE payments DROP CONSTRAINT payments_milestone_id_key",
                    )
                    .await?;
                Ok(())
            }
            _ => rebuild(m, false).await,
        }
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        match m.get_connection().get_database_backend() {
            DatabaseBackend::Postgres => {
                m.get_connection()
                    .execute_unprepared(
                        "ALTER TABLE payments ADD CONSTRAINT payments_milestone_id_key \
                         UNIQUE (milestone_id)",
                    )
                    .await?;
                Ok(())
            }
            _ => rebuild(m, true).await,
        }
    }
}
