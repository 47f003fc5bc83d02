//! Spot-check campaigns (双随机一公开): level, division, year, ratio and scope items; the
//! seed's commitment and the candidates published before the draw, the seed revealed after.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum SpotCampaigns {
    Table,
    Id,
    Name,
    Level,
    DivisionCode,
    Year,
    RatioBp,
    Items,
    State,
    SeedHash,
    Seed,
    Candidates,
    Inspectors,
    Conflicts,
    SampleSize,
    CreatedBy,
    CreatedAt,
    CommittedAt,
    DrawnAt,
    ConcludedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use SpotCampaigns as C;
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
                .col(ColumnDef::new(C::Name).text().not_null())
                .col(ColumnDef::new(C::Level).string_len(24).not_null())
                .col(ColumnDef::new(C::DivisionCode).string_len(12).not_null())
                .col(ColumnDef::new(C::Year).integer().not_null())
                .col(ColumnDef::new(C::RatioBp).integer().not_null())
                .col(ColumnDef::new(C::Items).text().not_null())
                .col(ColumnDef::new(C::State).string_len(24).not_null())
                .col(ColumnDef::new(C::SeedHash).string_len(64))
                .col(ColumnDef::new(C::Seed).string_len(64))
                .col(ColumnDef::new(C::Candidates).text())
                .col(ColumnDef::new(C::Inspectors).text())
                .col(ColumnDef::new(C::Conflicts).text())
                .col(ColumnDef::new(C::SampleSize).integer())
                .col(ColumnDef::new(C::CreatedBy).big_integer().not_null())
                .col(ColumnDef::new(C::CreatedAt).big_integer().not_null())
                .col(ColumnDef::new(C::CommittedAt).big_integer())
                .col(ColumnDef::new(C::DrawnAt).big_integer())
                .col(ColumnDef::new(C::ConcludedAt).big_integer())
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(SpotCampaigns::Table).to_owned())
            .await
    }
}
