use sea_orm_migration::prelude::*;

use crate::m0007_create_organizations::Organizations;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum OrgDomains {
    Table,
    OrgId,
    Domain,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(OrgDomains::Table)
                .col(ColumnDef::new(OrgDomains::OrgId).big_integer().not_null())
                .col(ColumnDef::new(OrgDomains::Domain).string_len(32).not_null())
                .primary_key(
                    Index::create()
                        .col(OrgDomains::OrgId)
                        .col(OrgDomains::Domain),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(OrgDomains::Table, OrgDomains::OrgId)
                        .to(Organizations::Table, Organizations::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_org_domains_domain_org")
                .table(OrgDomains::Table)
                .col(OrgDomains::Domain)
                .col(OrgDomains::OrgId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(OrgDomains::Table).to_owned())
            .await
    }
}
