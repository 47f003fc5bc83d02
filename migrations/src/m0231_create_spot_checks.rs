//! One drawn check of a campaign: the organization, its place in the draw and its
//! inspectors (user ids, JSON, in drawn order).

use sea_orm_migration::prelude::*;

use crate::m0007_create_organizations::Organizations;
use crate::m0230_create_spot_campaigns::SpotCampaigns;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum SpotChecks {
    Table,
    Id,
    CampaignId,
    OrgId,
    Position,
    Inspectors,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use SpotChecks as K;
        m.create_table(
            Table::create()
                .table(K::Table)
                .col(
                    ColumnDef::new(K::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(ColumnDef::new(K::CampaignId).big_integer().not_null())
                .col(ColumnDef::new(K::OrgId).big_integer().not_null())
                .col(ColumnDef::new(K::Position).integer().not_null())
                .col(ColumnDef::new(K::Inspectors).text().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .from(K::Table, K::CampaignId)
                        .to(SpotCampaigns::Table, SpotCampaigns::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(K::Table, K::OrgId)
                        .to(Organizations::Table, Organizations::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(SpotChecks::Table).to_owned())
            .await
    }
}
