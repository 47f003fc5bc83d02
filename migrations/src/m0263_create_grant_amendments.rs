//! Formal amendments of a grant (no-cost extension, budget revision): the request, the
//! organizer's decision with its reason; kept as the grant's history.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum GrantAmendments {
    Table,
    Id,
    GrantId,
    Kind,
    State,
    NewEndsAt,
    Budget,
    Reason,
    Decision,
    RequestedBy,
    RequestedAt,
    DecidedBy,
    DecidedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use GrantAmendments as A;
        m.create_table(
            Table::create()
                .table(A::Table)
                .col(
                    ColumnDef::new(A::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(ColumnDef::new(A::GrantId).big_integer().not_null())
                .col(ColumnDef::new(A::Kind).string_len(16).not_null())
                .col(ColumnDef::new(A::State).string_len(16).not_null())
                .col(ColumnDef::new(A::NewEndsAt).big_integer())
                .col(ColumnDef::new(A::Budget).text())
                .col(ColumnDef::new(A::Reason).text().not_null())
                .col(ColumnDef::new(A::Decision).text())
                .col(ColumnDef::new(A::RequestedBy).big_integer().not_null())
                .col(ColumnDef::new(A::RequestedAt).big_integer().not_null())
                .col(ColumnDef::new(A::DecidedBy).big_integer())
                .col(ColumnDef::new(A::DecidedAt).big_integer())
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(GrantAmendments::Table).to_owned())
            .await
    }
}
