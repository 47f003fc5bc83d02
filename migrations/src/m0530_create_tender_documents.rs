//! A tender's documents (issue 11): the specification, terms and forms a buyer attaches to a
//! draft, or adds, replaces and withdraws by amending a published tender. The row names the
//! file written under the data directory (`tender-documents/<key>`). A published version is
//! never deleted: a replaced one is marked superseded, a withdrawn one withdrawn, and both
//! stay listed and downloadable.

use sea_orm_migration::prelude::*;

use crate::m0011_create_tenders::Tenders;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum TenderDocuments {
    Table,
    Id,
    TenderId,
    /// The version this one replaces (null: a first version).
    ReplacesId,
    /// 1 for a first version, one more for each replacement.
    Version,
    /// OCDS documentType code (`technicalSpecifications`, `contractDraft`, …).
    DocType,
    /// `current`, `superseded` or `withdrawn`.
    State,
    /// Random hex name of the stored file under the data directory.
    FileKey,
    /// The name it was uploaded under (cleaned).
    Name,
    /// Media type decided by its content.
    Mime,
    /// Bytes.
    Size,
    /// SHA-256, hex.
    Sha256,
    UploadedBy,
    UploadedAt,
    /// The amendment that added it (null: attached to the draft).
    AmendmentId,
    /// When it was superseded or withdrawn.
    EndedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use TenderDocuments as C;
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
                .col(ColumnDef::new(C::TenderId).big_integer().not_null())
                .col(ColumnDef::new(C::ReplacesId).big_integer())
                .col(ColumnDef::new(C::Version).integer().not_null())
                .col(ColumnDef::new(C::DocType).string_len(40).not_null())
                .col(ColumnDef::new(C::State).string_len(20).not_null())
                .col(
                    ColumnDef::new(C::FileKey)
                        .string_len(64)
                        .not_null()
                        .unique_key(),
                )
                .col(ColumnDef::new(C::Name).string_len(400).not_null())
                .col(ColumnDef::new(C::Mime).string_len(120).not_null())
                .col(ColumnDef::new(C::Size).big_integer().not_null())
                .col(ColumnDef::new(C::Sha256).string_len(64).not_null())
                .col(ColumnDef::new(C::UploadedBy).big_integer().not_null())
                .col(ColumnDef::new(C::UploadedAt).big_integer().not_null())
                .col(ColumnDef::new(C::AmendmentId).big_integer())
                .col(ColumnDef::new(C::EndedAt).big_integer())
                .foreign_key(
                    ForeignKey::create()
                        .from(C::Table, C::TenderId)
                        .to(Tenders::Table, Tenders::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(TenderDocuments::Table).to_owned())
            .await
    }
}
