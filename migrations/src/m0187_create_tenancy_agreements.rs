//! Tenancy agreements (issue 12 point 3): a tenant's term, space (an allocation), services,
//! obligations and monthly fee in fen (possibly zero); drafted by a manager, accepted by the
//! tenant, countersigned by the manager; renewed by a new agreement for the following term;
//! ended early with a reason (the allocation then ends on the exit date).

use sea_orm_migration::prelude::*;

use crate::m0100_create_incubators::Incubators;
use crate::m0106_create_incubator_tenants::IncubatorTenants;
use crate::m0181_create_space_allocations::SpaceAllocations;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum TenancyAgreements {
    Table,
    Id,
    IncubatorId,
    TenantId,
    /// The space it gives (one agreement per allocation).
    AllocationId,
    /// The agreement it renews, if any.
    RenewsId,
    /// Term, Unix seconds: local midnight of the first day, and after the last (exclusive).
    StartsAt,
    EndsAt,
    Services,
    Obligations,
    /// Monthly fee in fen.
    FeeFen,
    /// `spaces::rules::AgreementState` code.
    State,
    DraftedBy,
    DraftedAt,
    AcceptedBy,
    AcceptedAt,
    CountersignedBy,
    CountersignedAt,
    /// Early exit: the day the space is freed (local midnight), and why.
    ExitAt,
    ExitReason,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use TenancyAgreements as T;
        m.create_table(
            Table::create()
                .table(T::Table)
                .col(
                    ColumnDef::new(T::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(ColumnDef::new(T::IncubatorId).big_integer().not_null())
                .col(ColumnDef::new(T::TenantId).big_integer().not_null())
                .col(
                    ColumnDef::new(T::AllocationId)
                        .big_integer()
                        .not_null()
                        .unique_key(),
                )
                .col(ColumnDef::new(T::RenewsId).big_integer().null())
                .col(ColumnDef::new(T::StartsAt).big_integer().not_null())
                .col(ColumnDef::new(T::EndsAt).big_integer().not_null())
                .col(ColumnDef::new(T::Services).text().not_null())
                .col(ColumnDef::new(T::Obligations).text().not_null())
                .col(ColumnDef::new(T::FeeFen).big_integer().not_null())
                .col(ColumnDef::new(T::State).string_len(16).not_null())
                .col(ColumnDef::new(T::DraftedBy).big_integer().null())
                .col(ColumnDef::new(T::DraftedAt).big_integer().not_null())
                .col(ColumnDef::new(T::AcceptedBy).big_integer().null())
                .col(ColumnDef::new(T::AcceptedAt).big_integer().null())
                .col(ColumnDef::new(T::CountersignedBy).big_integer().null())
                .col(ColumnDef::new(T::CountersignedAt).big_integer().null())
                .col(ColumnDef::new(T::ExitAt).big_integer().null())
                .col(ColumnDef::new(T::ExitReason).text().null())
                .col(ColumnDef::new(T::UpdatedAt).big_integer().not_null())
                .check(Expr::col(T::FeeFen).gte(0))
                .foreign_key(
                    ForeignKey::create()
                        .from(T::Table, T::IncubatorId)
                        .to(Incubators::Table, Incubators::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(T::Table, T::TenantId)
                        .to(IncubatorTenants::Table, IncubatorTenants::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(T::Table, T::AllocationId)
                        .to(SpaceAllocations::Table, SpaceAllocations::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(T::Table, T::RenewsId)
                        .to(T::Table, T::Id)
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(TenancyAgreements::Table).to_owned())
            .await
    }
}
