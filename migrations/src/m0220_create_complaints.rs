//! Public complaints (投诉举报) about an organization or a general matter, handled by
//! regulators: received → assigned → investigating → concluded. The tracking code is kept
//! only as its SHA-256 (the complainant saw it once); the contact never leaves the
//! regulators' pages.

use sea_orm_migration::prelude::*;

use crate::m0007_create_organizations::Organizations;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum Complaints {
    Table,
    Id,
    TrackingHash,
    OrgId,
    LeagueCode,
    Subject,
    Body,
    Contact,
    SubmittedBy,
    State,
    StateSince,
    AssignedTo,
    Outcome,
    OutcomeText,
    Published,
    ConcludedAt,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use Complaints as C;
        m.create_table(
            Table::create()
                .table(C::Table)
                .col(
                    ColumnDef::new(C::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(
                    ColumnDef::new(C::TrackingHash)
                        .string_len(64)
                        .not_null()
                        .unique_key(),
                )
                .col(ColumnDef::new(C::OrgId).big_integer())
                .col(ColumnDef::new(C::LeagueCode).string_len(12))
                .col(ColumnDef::new(C::Subject).text().not_null())
                .col(ColumnDef::new(C::Body).text().not_null())
                .col(ColumnDef::new(C::Contact).text())
                .col(ColumnDef::new(C::SubmittedBy).big_integer())
                .col(ColumnDef::new(C::State).string_len(24).not_null())
                .col(ColumnDef::new(C::StateSince).big_integer().not_null())
                .col(ColumnDef::new(C::AssignedTo).big_integer())
                .col(ColumnDef::new(C::Outcome).string_len(24))
                .col(ColumnDef::new(C::OutcomeText).text())
                .col(
                    ColumnDef::new(C::Published)
                        .boolean()
                        .not_null()
                        .default(false),
                )
                .col(ColumnDef::new(C::ConcludedAt).big_integer())
                .col(ColumnDef::new(C::CreatedAt).big_integer().not_null())
                .col(ColumnDef::new(C::UpdatedAt).big_integer().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .from(C::Table, C::OrgId)
                        .to(Organizations::Table, Organizations::Id)
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Complaints::Table).to_owned())
            .await
    }
}
