//! A grant's reports per the call's schedule (the last one final): due date, what the
//! organization submitted, the organizer's review, and which reminders were sent.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum GrantReports {
    Table,
    Id,
    GrantId,
    Number,
    IsFinal,
    DueAt,
    State,
    Narrative,
    SpentFen,
    Achieved,
    Reason,
    SubmittedBy,
    SubmittedAt,
    ReviewedBy,
    ReviewedAt,
    RemindedBefore,
    RemindedAfter,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use GrantReports as R;
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
                .col(ColumnDef::new(R::GrantId).big_integer().not_null())
                .col(ColumnDef::new(R::Number).integer().not_null())
                .col(ColumnDef::new(R::IsFinal).boolean().not_null())
                .col(ColumnDef::new(R::DueAt).big_integer().not_null())
                .col(ColumnDef::new(R::State).string_len(16).not_null())
                .col(ColumnDef::new(R::Narrative).text())
                .col(ColumnDef::new(R::SpentFen).big_integer())
                .col(ColumnDef::new(R::Achieved).text())
                .col(ColumnDef::new(R::Reason).text())
                .col(ColumnDef::new(R::SubmittedBy).big_integer())
                .col(ColumnDef::new(R::SubmittedAt).big_integer())
                .col(ColumnDef::new(R::ReviewedBy).big_integer())
                .col(ColumnDef::new(R::ReviewedAt).big_integer())
                .col(ColumnDef::new(R::RemindedBefore).boolean().not_null())
                .col(ColumnDef::new(R::RemindedAfter).boolean().not_null())
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(GrantReports::Table).to_owned())
            .await
    }
}
