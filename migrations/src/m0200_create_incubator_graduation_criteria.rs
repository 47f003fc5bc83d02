//! An incubator's graduation (出壳) criteria, set by its managers: registered, a minimum
//! number of months in residence, one project delivered. An incubator without a row uses
//! the defaults of `incubators::graduation`.

use sea_orm_migration::prelude::*;

use crate::m0100_create_incubators::Incubators;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum IncubatorGraduationCriteria {
    Table,
    IncubatorId,
    /// The tenant must be a registered organization.
    RequireRegistered,
    /// Months in residence at least (0: no minimum).
    MinMonths,
    /// The tenant must have completed a contract.
    RequireDelivered,
    UpdatedBy,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use IncubatorGraduationCriteria as C;
        m.create_table(
            Table::create()
                .table(C::Table)
                .col(
                    ColumnDef::new(C::IncubatorId)
                        .big_integer()
                        .not_null()
                        .primary_key(),
                )
                .col(ColumnDef::new(C::RequireRegistered).boolean().not_null())
                .col(ColumnDef::new(C::MinMonths).integer().not_null())
                .col(ColumnDef::new(C::RequireDelivered).boolean().not_null())
                .col(ColumnDef::new(C::UpdatedBy).big_integer().null())
                .col(ColumnDef::new(C::UpdatedAt).big_integer().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .from(C::Table, C::IncubatorId)
                        .to(Incubators::Table, Incubators::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(
            Table::drop()
                .table(IncubatorGraduationCriteria::Table)
                .to_owned(),
        )
        .await
    }
}
