use sea_orm_migration::prelude::*;

use crate::m0007_create_organizations::Organizations;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum Brands {
    Table,
    Id,
    /// The organization that runs the project and keeps its page.
    OrgId,
    Name,
    /// Service-domain code (`orgs::rules::DOMAINS`).
    Domain,
    /// Calendar year the project started.
    StartedYear,
    /// People served in a year, as the organization states it.
    BeneficiariesPerYear,
    Partners,
    Story,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

/// Brand service projects (品牌服务项目) an organization showcases.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Brands::Table)
                .col(
                    ColumnDef::new(Brands::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(ColumnDef::new(Brands::OrgId).big_integer().not_null())
                .col(ColumnDef::new(Brands::Name).string_len(200).not_null())
                .col(ColumnDef::new(Brands::Domain).string_len(32).not_null())
                .col(ColumnDef::new(Brands::StartedYear).integer().not_null())
                .col(
                    ColumnDef::new(Brands::BeneficiariesPerYear)
                        .big_integer()
                        .not_null(),
                )
                .col(ColumnDef::new(Brands::Partners).text().not_null())
                .col(ColumnDef::new(Brands::Story).text().not_null())
                .col(ColumnDef::new(Brands::CreatedBy).big_integer())
                .col(ColumnDef::new(Brands::CreatedAt).big_integer().not_null())
                .col(ColumnDef::new(Brands::UpdatedAt).big_integer().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .from(Brands::Table, Brands::OrgId)
                        .to(Organizations::Table, Organizations::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Brands::Table).to_owned())
            .await
    }
}
