//! Grant agreements made from approved proposals to venture-philanthropy calls: parties,
//! amount in fen, planned outcomes and budget, both signatures, term, completion rating.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum Grants {
    Table,
    Id,
    ProposalId,
    CallId,
    OrganizerKind,
    OrganizerId,
    OrgId,
    ApplicantId,
    RecipientName,
    RecipientUscc,
    Title,
    Description,
    Place,
    League,
    AmountFen,
    Outcomes,
    Budget,
    State,
    OrganizerSignedBy,
    OrganizerSignedAt,
    RecipientSignedBy,
    RecipientSignedAt,
    StartsAt,
    EndsAt,
    Rating,
    CompletedAt,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use Grants as G;
        m.create_table(
            Table::create()
                .table(G::Table)
                .col(
                    ColumnDef::new(G::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(ColumnDef::new(G::ProposalId).big_integer().not_null())
                .col(ColumnDef::new(G::CallId).big_integer().not_null())
                .col(ColumnDef::new(G::OrganizerKind).string_len(16).not_null())
                .col(ColumnDef::new(G::OrganizerId).big_integer().not_null())
                .col(ColumnDef::new(G::OrgId).big_integer())
                .col(ColumnDef::new(G::ApplicantId).big_integer().not_null())
                .col(ColumnDef::new(G::RecipientName).text().not_null())
                .col(ColumnDef::new(G::RecipientUscc).string_len(18))
                .col(ColumnDef::new(G::Title).text().not_null())
                .col(ColumnDef::new(G::Description).text().not_null())
                .col(ColumnDef::new(G::Place).string_len(12).not_null())
                .col(ColumnDef::new(G::League).string_len(12).not_null())
                .col(ColumnDef::new(G::AmountFen).big_integer().not_null())
                .col(ColumnDef::new(G::Outcomes).text().not_null())
                .col(ColumnDef::new(G::Budget).text().not_null())
                .col(ColumnDef::new(G::State).string_len(24).not_null())
                .col(ColumnDef::new(G::OrganizerSignedBy).big_integer())
                .col(ColumnDef::new(G::OrganizerSignedAt).big_integer())
                .col(ColumnDef::new(G::RecipientSignedBy).big_integer())
                .col(ColumnDef::new(G::RecipientSignedAt).big_integer())
                .col(ColumnDef::new(G::StartsAt).big_integer().not_null())
                .col(ColumnDef::new(G::EndsAt).big_integer().not_null())
                .col(ColumnDef::new(G::Rating).small_integer())
                .col(ColumnDef::new(G::CompletedAt).big_integer())
                .col(ColumnDef::new(G::CreatedBy).big_integer().not_null())
                .col(ColumnDef::new(G::CreatedAt).big_integer().not_null())
                .col(ColumnDef::new(G::UpdatedAt).big_integer().not_null())
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Grants::Table).to_owned())
            .await
    }
}
