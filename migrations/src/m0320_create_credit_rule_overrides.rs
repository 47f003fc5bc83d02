//! Rules per locality (issue 15: "rules as data, configurable per locality"): a league/city,
//! a banner/county or the region overrides some parameters of a credit rule or zombie
//! criterion for the organizations registered there. Each nullable column inherits from the
//! level above when empty (banner/county > league/city > region > the rule's own row), so a
//! locality states only what it changes. `deadline` (`MM-DD`) is the annual report's due day
//! in the following year (report rule only); `objection_days` the written notice's
//! objection period.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum CreditRuleOverrides {
    Table,
    Id,
    Code,
    Division,
    Threshold,
    WindowDays,
    Enabled,
    ObjectionDays,
    Deadline,
    UpdatedBy,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use CreditRuleOverrides as R;
        m.create_table(
            Table::create()
                .table(R::Table)
                .col(
                    ColumnDef::new(R::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(ColumnDef::new(R::Code).string_len(40).not_null())
                .col(ColumnDef::new(R::Division).string_len(12).not_null())
                .col(ColumnDef::new(R::Threshold).big_integer())
                .col(ColumnDef::new(R::WindowDays).big_integer())
                .col(ColumnDef::new(R::Enabled).boolean())
                .col(ColumnDef::new(R::ObjectionDays).big_integer())
                .col(ColumnDef::new(R::Deadline).string_len(5))
                .col(ColumnDef::new(R::UpdatedBy).big_integer())
                .col(ColumnDef::new(R::UpdatedAt).big_integer().not_null())
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(CreditRuleOverrides::Table).to_owned())
            .await
    }
}
