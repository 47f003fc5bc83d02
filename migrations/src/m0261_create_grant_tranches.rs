//! A grant's tranches, in order, each with its offline payment once recorded.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum GrantTranches {
    Table,
    Id,
    GrantId,
    Number,
    AmountFen,
    PaidOn,
    Reference,
    RecordedBy,
    RecordedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use GrantTranches as T;
        m.create_table(
            Table::create()
                .table(T::Table)
                .col(
                    ColumnDef::new(T::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(ColumnDef::new(T::GrantId).big_integer().not_null())
                .col(ColumnDef::new(T::Number).integer().not_null())
                .col(ColumnDef::new(T::AmountFen).big_integer().not_null())
                .col(ColumnDef::new(T::PaidOn).string_len(10))
                .col(ColumnDef::new(T::Reference).text())
                .col(ColumnDef::new(T::RecordedBy).big_integer())
                .col(ColumnDef::new(T::RecordedAt).big_integer())
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(GrantTranches::Table).to_owned())
            .await
    }
}
