//! Incubators (孵化基地): the bases at region, league/city and banner/county level that give
//! new social organizations space and support, kept by platform administrators.

use sea_orm_migration::prelude::*;

use crate::m0005_create_purchasing_units::PurchasingUnits;
use crate::m0007_create_organizations::Organizations;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum Incubators {
    Table,
    Id,
    /// Unique name.
    Name,
    /// `regions::Level` code of the division: region, league_city or banner_county.
    Level,
    DivisionCode,
    /// League/city containing the division (none at region level).
    LeagueCode,
    /// Banner/county containing the division.
    CountyCode,
    /// The organization operating it, if one does.
    OperatorOrgId,
    /// The purchasing unit operating it, if one does.
    OperatorUnitId,
    Address,
    /// What it offers tenants (free text).
    Services,
    /// How many tenants it can hold at once.
    Capacity,
    CreatedAt,
    /// Last edit of the facts above. Writes about the incubator's applications rewrite it
    /// unchanged to take turns on this row (one open application per applicant is checked
    /// inside the turn).
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Incubators::Table)
                .col(
                    ColumnDef::new(Incubators::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(
                    ColumnDef::new(Incubators::Name)
                        .string_len(200)
                        .not_null()
                        .unique_key(),
                )
                .col(ColumnDef::new(Incubators::Level).string_len(16).not_null())
                .col(
                    ColumnDef::new(Incubators::DivisionCode)
                        .string_len(12)
                        .not_null(),
                )
                .col(ColumnDef::new(Incubators::LeagueCode).string_len(12).null())
                .col(ColumnDef::new(Incubators::CountyCode).string_len(12).null())
                .col(
                    ColumnDef::new(Incubators::OperatorOrgId)
                        .big_integer()
                        .null(),
                )
                .col(
                    ColumnDef::new(Incubators::OperatorUnitId)
                        .big_integer()
                        .null(),
                )
                .col(ColumnDef::new(Incubators::Address).text().not_null())
                .col(ColumnDef::new(Incubators::Services).text().not_null())
                .col(ColumnDef::new(Incubators::Capacity).integer().not_null())
                .col(
                    ColumnDef::new(Incubators::CreatedAt)
                        .big_integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(Incubators::UpdatedAt)
                        .big_integer()
                        .not_null(),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Incubators::Table, Incubators::OperatorOrgId)
                        .to(Organizations::Table, Organizations::Id)
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Incubators::Table, Incubators::OperatorUnitId)
                        .to(PurchasingUnits::Table, PurchasingUnits::Id)
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Incubators::Table).to_owned())
            .await
    }
}
