//! Applications to an incubator, for a group in preparation or a registered organization.

use sea_orm_migration::prelude::*;

use crate::m0001_create_users::Users;
use crate::m0007_create_organizations::Organizations;
use crate::m0100_create_incubators::Incubators;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum IncubatorApplications {
    Table,
    Id,
    IncubatorId,
    /// The user who applied (and alone edits and submits it).
    ApplicantId,
    /// The registered organization applying; none for a group in preparation.
    OrgId,
    /// The group's name, or the organization's registered name when it applied.
    Name,
    /// The organization's USCC when it applied (from the registry); none for a group.
    Uscc,
    /// The group's founders (free text); empty for an organization.
    Founders,
    /// Intended service domain (`orgs::DOMAINS` code).
    Domain,
    /// What the group or organization plans to do in the incubator.
    Plan,
    /// `incubators::rules::AppState` code.
    State,
    /// Why it was rejected (shown to the applicant).
    Reason,
    CreatedAt,
    UpdatedAt,
    SubmittedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use IncubatorApplications as A;
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
                .col(ColumnDef::new(A::IncubatorId).big_integer().not_null())
                .col(ColumnDef::new(A::ApplicantId).big_integer().not_null())
                .col(ColumnDef::new(A::OrgId).big_integer().null())
                .col(ColumnDef::new(A::Name).string_len(200).not_null())
                .col(ColumnDef::new(A::Uscc).string_len(18).null())
                .col(ColumnDef::new(A::Founders).text().not_null())
                .col(ColumnDef::new(A::Domain).string_len(32).not_null())
                .col(ColumnDef::new(A::Plan).text().not_null())
                .col(ColumnDef::new(A::State).string_len(24).not_null())
                .col(ColumnDef::new(A::Reason).text().null())
                .col(ColumnDef::new(A::CreatedAt).big_integer().not_null())
                .col(ColumnDef::new(A::UpdatedAt).big_integer().not_null())
                .col(ColumnDef::new(A::SubmittedAt).big_integer().null())
                .foreign_key(
                    ForeignKey::create()
                        .from(A::Table, A::IncubatorId)
                        .to(Incubators::Table, Incubators::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(A::Table, A::ApplicantId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(A::Table, A::OrgId)
                        .to(Organizations::Table, Organizations::Id)
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(IncubatorApplications::Table).to_owned())
            .await
    }
}
