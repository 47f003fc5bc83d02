//! Applications (proposals) to venture-philanthropy calls. The lists only the proposal's own
//! pages read (outcomes, budget lines, partners, the screening checklist) are JSON text on
//! the row; the amounts the rules and the organizer's list use are integer fen columns.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// `proposals`
#[derive(DeriveIden)]
pub enum Proposals {
    Table,
    Id,
    CallId,
    ApplicantId,
    OrgId,
    ApplicantKind,
    Name,
    Uscc,
    Title,
    Plan,
    Beneficiaries,
    Place,
    Outcomes,
    Budget,
    TotalFen,
    CofundFen,
    RequestedFen,
    Partners,
    Checklist,
    State,
    ReturnTo,
    Message,
    ApprovedFen,
    Revision,
    CreatedAt,
    UpdatedAt,
    SubmittedAt,
    DecidedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Proposals::Table)
                .col(
                    ColumnDef::new(Proposals::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(ColumnDef::new(Proposals::CallId).big_integer().not_null())
                .col(
                    ColumnDef::new(Proposals::ApplicantId)
                        .big_integer()
                        .not_null(),
                )
                .col(ColumnDef::new(Proposals::OrgId).big_integer().null())
                .col(
                    ColumnDef::new(Proposals::ApplicantKind)
                        .string_len(16)
                        .not_null(),
                )
                .col(ColumnDef::new(Proposals::Name).string_len(400).not_null())
                .col(ColumnDef::new(Proposals::Uscc).string_len(18).null())
                .col(ColumnDef::new(Proposals::Title).string_len(400).not_null())
                .col(ColumnDef::new(Proposals::Plan).text().not_null())
                .col(ColumnDef::new(Proposals::Beneficiaries).text().not_null())
                .col(ColumnDef::new(Proposals::Place).string_len(12).not_null())
                .col(ColumnDef::new(Proposals::Outcomes).text().not_null())
                .col(ColumnDef::new(Proposals::Budget).text().not_null())
                .col(ColumnDef::new(Proposals::TotalFen).big_integer().not_null())
                .col(
                    ColumnDef::new(Proposals::CofundFen)
                        .big_integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(Proposals::RequestedFen)
                        .big_integer()
                        .not_null(),
                )
                .col(ColumnDef::new(Proposals::Partners).text().not_null())
                .col(ColumnDef::new(Proposals::Checklist).text().not_null())
                .col(ColumnDef::new(Proposals::State).string_len(16).not_null())
                .col(ColumnDef::new(Proposals::ReturnTo).string_len(16).null())
                .col(ColumnDef::new(Proposals::Message).text().null())
                .col(ColumnDef::new(Proposals::ApprovedFen).big_integer().null())
                .col(ColumnDef::new(Proposals::Revision).integer().not_null())
                .col(
                    ColumnDef::new(Proposals::CreatedAt)
                        .big_integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(Proposals::UpdatedAt)
                        .big_integer()
                        .not_null(),
                )
                .col(ColumnDef::new(Proposals::SubmittedAt).big_integer().null())
                .col(ColumnDef::new(Proposals::DecidedAt).big_integer().null())
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Proposals::Table).to_owned())
            .await
    }
}
