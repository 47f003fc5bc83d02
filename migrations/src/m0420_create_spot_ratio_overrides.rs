//! Minimum sampling ratios per locality (issue 15 point 4, "rules as data, configurable per
//! locality"): the region, a league/city or a banner/county raises the minimum ratio of the
//! spot-check campaigns of one level run for its organizations. The national floors
//! (民发〔2017〕45号: 5% region, 4% league/city, 3% banner/county) stay in code; a row only
//! ever raises them. No row: the locality inherits. The reason of each change is kept in
//! the audit log.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum SpotRatioOverrides {
    Table,
    Id,
    Division,
    Level,
    MinRatioBp,
    UpdatedBy,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use SpotRatioOverrides as R;
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
                .col(ColumnDef::new(R::Division).string_len(12).not_null())
                .col(ColumnDef::new(R::Level).string_len(20).not_null())
                .col(ColumnDef::new(R::MinRatioBp).integer().not_null())
                .col(ColumnDef::new(R::UpdatedBy).big_integer())
                .col(ColumnDef::new(R::UpdatedAt).big_integer().not_null())
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(SpotRatioOverrides::Table).to_owned())
            .await
    }
}
