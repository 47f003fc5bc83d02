//! Annual reports (年报): one per organization and year, money in fen, states as codes owned
//! by `regulation::rules::ReportState`.

use sea_orm_migration::prelude::*;

use crate::m0007_create_organizations::Organizations;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum AnnualReports {
    Table,
    Id,
    OrgId,
    Year,
    LeagueCode,
    CountyCode,
    State,
    IncomeFen,
    ExpenseFen,
    ExpenseProgramFen,
    ExpenseAdminFen,
    ExpenseFundraisingFen,
    ExpenseOtherFen,
    NetAssetsFen,
    GovPurchaseFen,
    GrantFen,
    StaffFull,
    StaffPart,
    Volunteers,
    PartyEstablished,
    PartyStandard,
    Activities,
    KeyChanges,
    ReturnReason,
    Submissions,
    FirstSubmittedAt,
    SubmittedAt,
    ReviewedAt,
    ReviewedBy,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use AnnualReports as A;
        let money = |c: A| ColumnDef::new(c).big_integer().not_null().to_owned();
        let count = |c: A| ColumnDef::new(c).big_integer().not_null().to_owned();
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
                .col(ColumnDef::new(A::OrgId).big_integer().not_null())
                .col(ColumnDef::new(A::Year).integer().not_null())
                .col(ColumnDef::new(A::LeagueCode).string_len(12))
                .col(ColumnDef::new(A::CountyCode).string_len(12))
                .col(ColumnDef::new(A::State).string_len(16).not_null())
                .col(money(A::IncomeFen))
                .col(money(A::ExpenseFen))
                .col(money(A::ExpenseProgramFen))
                .col(money(A::ExpenseAdminFen))
                .col(money(A::ExpenseFundraisingFen))
                .col(money(A::ExpenseOtherFen))
                .col(money(A::NetAssetsFen))
                .col(money(A::GovPurchaseFen))
                .col(money(A::GrantFen))
                .col(count(A::StaffFull))
                .col(count(A::StaffPart))
                .col(count(A::Volunteers))
                .col(ColumnDef::new(A::PartyEstablished).boolean().not_null())
                .col(ColumnDef::new(A::PartyStandard).boolean().not_null())
                .col(ColumnDef::new(A::Activities).text().not_null())
                .col(ColumnDef::new(A::KeyChanges).text().not_null())
                .col(ColumnDef::new(A::ReturnReason).text())
                .col(ColumnDef::new(A::Submissions).integer().not_null())
                .col(ColumnDef::new(A::FirstSubmittedAt).big_integer())
                .col(ColumnDef::new(A::SubmittedAt).big_integer())
                .col(ColumnDef::new(A::ReviewedAt).big_integer())
                .col(ColumnDef::new(A::ReviewedBy).big_integer())
                .col(ColumnDef::new(A::CreatedAt).big_integer().not_null())
                .col(ColumnDef::new(A::UpdatedAt).big_integer().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .from(A::Table, A::OrgId)
                        .to(Organizations::Table, Organizations::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(AnnualReports::Table).to_owned())
            .await
    }
}
