//! What several server processes on one database agree on about their background jobs: one
//! row per job holding its mark — the last period claimed (a job that runs once per tick) or
//! the instant a lease runs out (a job one instance holds at a time) — and who claimed it.
//! The claim is a conditional upsert, so exactly one instance wins each tick.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum JobClaims {
    Table,
    /// The job's stable name.
    Name,
    /// Last tick claimed, or the end of the lease (Unix seconds).
    Mark,
    /// The instance that claimed it.
    Holder,
    /// When (Unix seconds).
    ClaimedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use JobClaims as C;
        m.create_table(
            Table::create()
                .table(C::Table)
                .col(
                    ColumnDef::new(C::Name)
                        .string_len(64)
                        .not_null()
                        .primary_key(),
                )
                .col(ColumnDef::new(C::Mark).big_integer().not_null())
                .col(ColumnDef::new(C::Holder).string_len(120).not_null())
                .col(ColumnDef::new(C::ClaimedAt).big_integer().not_null())
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(JobClaims::Table).to_owned())
            .await
    }
}
