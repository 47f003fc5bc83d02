//! Messages from an incubator's managers to an applicant, shown on the application page.

use sea_orm_migration::prelude::*;

use crate::m0103_create_incubator_applications::IncubatorApplications;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum IncubatorMessages {
    Table,
    Id,
    ApplicationId,
    AuthorId,
    Body,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use IncubatorMessages as M;
        m.create_table(
            Table::create()
                .table(M::Table)
                .col(
                    ColumnDef::new(M::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(ColumnDef::new(M::ApplicationId).big_integer().not_null())
                .col(ColumnDef::new(M::AuthorId).big_integer().null())
                .col(ColumnDef::new(M::Body).text().not_null())
                .col(ColumnDef::new(M::CreatedAt).big_integer().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .from(M::Table, M::ApplicationId)
                        .to(IncubatorApplications::Table, IncubatorApplications::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(IncubatorMessages::Table).to_owned())
            .await
    }
}
