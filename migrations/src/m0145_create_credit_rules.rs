//! The credit rules as data (issue 15): one row per trigger of the abnormal-activity list or
//! the serious illegal and dishonest list, with its legal basis and parameters, so a
//! locality changes a threshold or switches a rule off without a release.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum CreditRules {
    Table,
    Id,
    Code,
    List,
    LegalBasis,
    Threshold,
    WindowDays,
    Enabled,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use CreditRules as R;
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
                .col(
                    ColumnDef::new(R::Code)
                        .string_len(40)
                        .not_null()
                        .unique_key(),
                )
                .col(ColumnDef::new(R::List).string_len(16).not_null())
                .col(ColumnDef::new(R::LegalBasis).text().not_null())
                .col(ColumnDef::new(R::Threshold).big_integer())
                .col(ColumnDef::new(R::WindowDays).big_integer())
                .col(ColumnDef::new(R::Enabled).boolean().not_null())
                .col(ColumnDef::new(R::UpdatedAt).big_integer().not_null())
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(CreditRules::Table).to_owned())
            .await
    }
}
