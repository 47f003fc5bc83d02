//! Files a supplier attaches to a milestone's delivery report (issue 11 point 7): sign-in
//! sheets, photos, the service record. The row names the file the application wrote under
//! the data directory (`milestone-files/<key>`), with the name it was uploaded under, its type
//! by content, size and SHA-256. A file taken off is marked, not deleted.

use sea_orm_migration::prelude::*;

use crate::m0022_create_contracts::Contracts;
use crate::m0023_create_contract_milestones::ContractMilestones;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum MilestoneFiles {
    Table,
    Id,
    ContractId,
    MilestoneId,
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
    /// When the supplier took it off (null: attached).
    RemovedAt,
    RemovedBy,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use MilestoneFiles as C;
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
                .col(ColumnDef::new(C::ContractId).big_integer().not_null())
                .col(ColumnDef::new(C::MilestoneId).big_integer().not_null())
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
                .col(ColumnDef::new(C::RemovedAt).big_integer())
                .col(ColumnDef::new(C::RemovedBy).big_integer())
                .foreign_key(
                    ForeignKey::create()
                        .from(C::Table, C::ContractId)
                        .to(Contracts::Table, Contracts::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(C::Table, C::MilestoneId)
                        .to(ContractMilestones::Table, ContractMilestones::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(MilestoneFiles::Table).to_owned())
            .await
    }
}
