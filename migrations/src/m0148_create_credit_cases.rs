//! One credit-list case per trigger occurrence: the written notice, the objection and its
//! answer, the listing and the removal, with the legal basis kept as it read when noticed.

use sea_orm_migration::prelude::*;

use crate::m0007_create_organizations::Organizations;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum CreditCases {
    Table,
    Id,
    OrgId,
    Trigger,
    Subject,
    List,
    State,
    LegalBasis,
    Since,
    NoticedAt,
    ObjectionDue,
    ObjectionText,
    ObjectedBy,
    ObjectedAt,
    AnswerText,
    AnsweredBy,
    AnsweredAt,
    ListedAt,
    ClockFrom,
    ClosedAt,
    ClosedBy,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use CreditCases as C;
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
                .col(ColumnDef::new(C::OrgId).big_integer().not_null())
                .col(ColumnDef::new(C::Trigger).string_len(40).not_null())
                .col(ColumnDef::new(C::Subject).string_len(40).not_null())
                .col(ColumnDef::new(C::List).string_len(16).not_null())
                .col(ColumnDef::new(C::State).string_len(16).not_null())
                .col(ColumnDef::new(C::LegalBasis).text().not_null())
                .col(ColumnDef::new(C::Since).big_integer().not_null())
                .col(ColumnDef::new(C::NoticedAt).big_integer().not_null())
                .col(ColumnDef::new(C::ObjectionDue).big_integer().not_null())
                .col(ColumnDef::new(C::ObjectionText).text())
                .col(ColumnDef::new(C::ObjectedBy).big_integer())
                .col(ColumnDef::new(C::ObjectedAt).big_integer())
                .col(ColumnDef::new(C::AnswerText).text())
                .col(ColumnDef::new(C::AnsweredBy).big_integer())
                .col(ColumnDef::new(C::AnsweredAt).big_integer())
                .col(ColumnDef::new(C::ListedAt).big_integer())
                .col(ColumnDef::new(C::ClockFrom).big_integer().not_null())
                .col(ColumnDef::new(C::ClosedAt).big_integer())
                .col(ColumnDef::new(C::ClosedBy).big_integer())
                .col(ColumnDef::new(C::UpdatedAt).big_integer().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .from(C::Table, C::OrgId)
                        .to(Organizations::Table, Organizations::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(CreditCases::Table).to_owned())
            .await
    }
}
