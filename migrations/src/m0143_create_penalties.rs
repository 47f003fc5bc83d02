//! Administrative penalties (行政处罚) recorded by regulators and published.

use sea_orm_migration::prelude::*;

use crate::m0007_create_organizations::Organizations;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum Penalties {
    Table,
    Id,
    OrgId,
    LeagueCode,
    Kind,
    AmountFen,
    LegalBasis,
    DecidedOn,
    Decision,
    RecordedBy,
    RecordedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use Penalties as P;
        m.create_table(
            Table::create()
                .table(P::Table)
                .col(
                    ColumnDef::new(P::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(ColumnDef::new(P::OrgId).big_integer().not_null())
                .col(ColumnDef::new(P::LeagueCode).string_len(12))
                .col(ColumnDef::new(P::Kind).string_len(24).not_null())
                .col(ColumnDef::new(P::AmountFen).big_integer())
                .col(ColumnDef::new(P::LegalBasis).text().not_null())
                .col(ColumnDef::new(P::DecidedOn).big_integer().not_null())
                .col(ColumnDef::new(P::Decision).text().not_null())
                .col(ColumnDef::new(P::RecordedBy).big_integer().not_null())
                .col(ColumnDef::new(P::RecordedAt).big_integer().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .from(P::Table, P::OrgId)
                        .to(Organizations::Table, Organizations::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Penalties::Table).to_owned())
            .await
    }
}
