use sea_orm_migration::prelude::*;

use crate::m0001_create_users::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum Organizations {
    Table,
    Id,
    Name,
    Uscc,
    Kind,
    RegistrationDate,
    AuthorityLevel,
    DivisionCode,
    /// Derived from `division_code` when it lies in Inner Mongolia; kept as columns so the
    /// public list can filter by league/city and banner/county through an index.
    LeagueCode,
    CountyCode,
    StaffCount,
    ContactName,
    ContactPhone,
    ContactEmail,
    Intro,
    RatingGrade,
    RatingValidUntil,
    CreditStatus,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use Organizations as O;
        m.create_table(
            Table::create()
                .table(O::Table)
                .col(
                    ColumnDef::new(O::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(ColumnDef::new(O::Name).string_len(200).not_null())
                .col(
                    ColumnDef::new(O::Uscc)
                        .string_len(18)
                        .not_null()
                        .unique_key(),
                )
                .col(ColumnDef::new(O::Kind).string_len(24).not_null())
                .col(ColumnDef::new(O::RegistrationDate).date().not_null())
                .col(ColumnDef::new(O::AuthorityLevel).string_len(16).not_null())
                .col(ColumnDef::new(O::DivisionCode).string_len(12).not_null())
                .col(ColumnDef::new(O::LeagueCode).string_len(6))
                .col(ColumnDef::new(O::CountyCode).string_len(6))
                .col(ColumnDef::new(O::StaffCount).integer().not_null())
                .col(ColumnDef::new(O::ContactName).string_len(100).not_null())
                .col(ColumnDef::new(O::ContactPhone).string_len(40).not_null())
                .col(ColumnDef::new(O::ContactEmail).string_len(254).not_null())
                .col(ColumnDef::new(O::Intro).text().not_null())
                .col(ColumnDef::new(O::RatingGrade).small_integer())
                .col(ColumnDef::new(O::RatingValidUntil).date())
                .col(ColumnDef::new(O::CreditStatus).string_len(16).not_null())
                .col(ColumnDef::new(O::CreatedBy).big_integer())
                .col(ColumnDef::new(O::CreatedAt).big_integer().not_null())
                .col(ColumnDef::new(O::UpdatedAt).big_integer().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .from(O::Table, O::CreatedBy)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .to_owned(),
        )
        .await?;
        for (name, col) in [
            ("idx_orgs_league_id", O::LeagueCode),
            ("idx_orgs_county_id", O::CountyCode),
            ("idx_orgs_kind_id", O::Kind),
            ("idx_orgs_rating_id", O::RatingGrade),
        ] {
            m.create_index(
                Index::create()
                    .name(name)
                    .table(O::Table)
                    .col(col)
                    .col(O::Id)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Organizations::Table).to_owned())
            .await
    }
}
