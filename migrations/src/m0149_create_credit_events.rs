//! The credit history: every step of every case (noticed, objected, answered, listed,
//! restarted, withdrawn, removed) with when, and who acted or which rule.

use sea_orm_migration::prelude::*;

use crate::m0148_create_credit_cases::CreditCases;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum CreditEvents {
    Table,
    Id,
    CaseId,
    OrgId,
    Action,
    ActorId,
    Note,
    At,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use CreditEvents as E;
        m.create_table(
            Table::create()
                .table(E::Table)
                .col(
                    ColumnDef::new(E::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(ColumnDef::new(E::CaseId).big_integer().not_null())
                .col(ColumnDef::new(E::OrgId).big_integer().not_null())
                .col(ColumnDef::new(E::Action).string_len(24).not_null())
                .col(ColumnDef::new(E::ActorId).big_integer())
                .col(ColumnDef::new(E::Note).text().not_null())
                .col(ColumnDef::new(E::At).big_integer().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .from(E::Table, E::CaseId)
                        .to(CreditCases::Table, CreditCases::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(CreditEvents::Table).to_owned())
            .await
    }
}
