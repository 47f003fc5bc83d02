//! Venture-philanthropy calls (公益创投 funding rounds). Lists that only their own call reads
//! (rubric, tranche plan, report schedule) are kept as JSON text on the row; domains, places
//! and their leagues as comma-wrapped codes (`,elderly,community,`) so the public list filters
//! with a portable `LIKE '%,code,%'`.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// `calls`
#[derive(DeriveIden)]
pub enum Calls {
    Table,
    Id,
    OrganizerKind,
    OrganizerId,
    Title,
    Theme,
    Domains,
    Places,
    Leagues,
    Applicants,
    PoolFen,
    MaxGrantFen,
    CofundBp,
    OpensAt,
    ClosesAt,
    Reviewers,
    Rubric,
    Tranches,
    Reports,
    TwoStage,
    Sealed,
    State,
    CancelReason,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Calls::Table)
                .col(
                    ColumnDef::new(Calls::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(
                    ColumnDef::new(Calls::OrganizerKind)
                        .string_len(8)
                        .not_null(),
                )
                .col(ColumnDef::new(Calls::OrganizerId).big_integer().not_null())
                .col(ColumnDef::new(Calls::Title).string_len(400).not_null())
                .col(ColumnDef::new(Calls::Theme).text().not_null())
                .col(ColumnDef::new(Calls::Domains).text().not_null())
                .col(ColumnDef::new(Calls::Places).text().not_null())
                .col(ColumnDef::new(Calls::Leagues).text().not_null())
                .col(ColumnDef::new(Calls::Applicants).string_len(64).not_null())
                .col(ColumnDef::new(Calls::PoolFen).big_integer().not_null())
                .col(ColumnDef::new(Calls::MaxGrantFen).big_integer().not_null())
                .col(ColumnDef::new(Calls::CofundBp).integer().not_null())
                .col(ColumnDef::new(Calls::OpensAt).big_integer().not_null())
                .col(ColumnDef::new(Calls::ClosesAt).big_integer().not_null())
                .col(ColumnDef::new(Calls::Reviewers).small_integer().not_null())
                .col(ColumnDef::new(Calls::Rubric).text().not_null())
                .col(ColumnDef::new(Calls::Tranches).text().not_null())
                .col(ColumnDef::new(Calls::Reports).text().not_null())
                .col(ColumnDef::new(Calls::TwoStage).boolean().not_null())
                .col(ColumnDef::new(Calls::Sealed).boolean().not_null())
                .col(ColumnDef::new(Calls::State).string_len(16).not_null())
                .col(ColumnDef::new(Calls::CancelReason).text().null())
                .col(ColumnDef::new(Calls::CreatedBy).big_integer().not_null())
                .col(ColumnDef::new(Calls::CreatedAt).big_integer().not_null())
                .col(ColumnDef::new(Calls::UpdatedAt).big_integer().not_null())
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Calls::Table).to_owned())
            .await
    }
}
