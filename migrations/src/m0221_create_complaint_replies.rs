//! A regulator's replies on a complaint: public ones the complainant reads with the
//! tracking code, internal notes only regulators see.

use sea_orm_migration::prelude::*;

use crate::m0220_create_complaints::Complaints;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum ComplaintReplies {
    Table,
    Id,
    ComplaintId,
    Body,
    Public,
    AuthorId,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use ComplaintReplies as R;
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
                .col(ColumnDef::new(R::ComplaintId).big_integer().not_null())
                .col(ColumnDef::new(R::Body).text().not_null())
                .col(ColumnDef::new(R::Public).boolean().not_null())
                .col(ColumnDef::new(R::AuthorId).big_integer().not_null())
                .col(ColumnDef::new(R::CreatedAt).big_integer().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .from(R::Table, R::ComplaintId)
                        .to(Complaints::Table, Complaints::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ComplaintReplies::Table).to_owned())
            .await
    }
}
