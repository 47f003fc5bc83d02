//! An applicant's applications (their workspace, the one-open-application check) are found
//! by applicant without scanning every incubator's.

use sea_orm_migration::prelude::*;

use crate::m0103_create_incubator_applications::IncubatorApplications;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_incubator_applications_applicant")
                .table(IncubatorApplications::Table)
                .col(IncubatorApplications::ApplicantId)
                .col(IncubatorApplications::IncubatorId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_incubator_applications_applicant")
                .table(IncubatorApplications::Table)
                .to_owned(),
        )
        .await
    }
}
