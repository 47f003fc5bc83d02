//! A tenant's page lists its graduation reviews.

use sea_orm_migration::prelude::*;

use crate::m0201_create_incubator_graduation_reviews::IncubatorGraduationReviews;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_incubator_graduation_reviews_tenant")
                .table(IncubatorGraduationReviews::Table)
                .col(IncubatorGraduationReviews::TenantId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_incubator_graduation_reviews_tenant")
                .table(IncubatorGraduationReviews::Table)
                .to_owned(),
        )
        .await
    }
}
