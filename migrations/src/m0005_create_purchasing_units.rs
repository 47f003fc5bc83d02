use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum PurchasingUnits {
    Table,
    Id,
    Name,
    /// region | league_city | banner_county | township
    Level,
    DivisionCode,
    LeagueCode,
    CountyCode,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(PurchasingUnits::Table)
                .col(
                    ColumnDef::new(PurchasingUnits::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(
                    ColumnDef::new(PurchasingUnits::Name)
                        .string_len(200)
                        .not_null()
                        .unique_key(),
                )
                .col(
                    ColumnDef::new(PurchasingUnits::Level)
                        .string_len(16)
                        .not_null(),
                )
                .col(
                    ColumnDef::new(PurchasingUnits::DivisionCode)
                        .string_len(12)
                        .not_null(),
                )
                .col(ColumnDef::new(PurchasingUnits::LeagueCode).string_len(6))
                .col(ColumnDef::new(PurchasingUnits::CountyCode).string_len(6))
                .col(
                    ColumnDef::new(PurchasingUnits::CreatedAt)
                        .big_integer()
                        .not_null(),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_units_league")
                .table(PurchasingUnits::Table)
                .col(PurchasingUnits::LeagueCode)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(PurchasingUnits::Table).to_owned())
            .await
    }
}
