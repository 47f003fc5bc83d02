use sea_orm_migration::prelude::*;

use crate::m0530_create_tender_documents::TenderDocuments;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The tender page and every release list a tender's documents.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_tender_documents_tender")
                .table(TenderDocuments::Table)
                .col(TenderDocuments::TenderId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_tender_documents_tender")
                .table(TenderDocuments::Table)
                .to_owned(),
        )
        .await
    }
}
