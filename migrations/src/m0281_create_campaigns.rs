//! Donation campaigns for funded projects (approved proposals), each run by a collecting
//! foundation under a filed fundraising plan (备案编号 and period).

use sea_orm_migration::prelude::*;

use crate::m0007_create_organizations::Organizations;
use crate::m0162_create_proposals::Proposals;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum Campaigns {
    Table,
    Id,
    OrgId,
    ProposalId,
    Title,
    GoalFen,
    PlanRecordNo,
    PlanStartsAt,
    PlanEndsAt,
    State,
    CreatedBy,
    CreatedAt,
    ClosedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use Campaigns as C;
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
                .col(ColumnDef::new(C::OrgId).big_integer().not_null())
                .col(ColumnDef::new(C::ProposalId).big_integer().not_null())
                .col(ColumnDef::new(C::Title).string().not_null())
                .col(ColumnDef::new(C::GoalFen).big_integer().not_null())
                .col(ColumnDef::new(C::PlanRecordNo).string().not_null())
                .col(ColumnDef::new(C::PlanStartsAt).big_integer().not_null())
                .col(ColumnDef::new(C::PlanEndsAt).big_integer().not_null())
                .col(ColumnDef::new(C::State).string_len(16).not_null())
                .col(ColumnDef::new(C::CreatedBy).big_integer().not_null())
                .col(ColumnDef::new(C::CreatedAt).big_integer().not_null())
                .col(ColumnDef::new(C::ClosedAt).big_integer().null())
                .foreign_key(
                    ForeignKey::create()
                        .from(C::Table, C::OrgId)
                        .to(Organizations::Table, Organizations::Id),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(C::Table, C::ProposalId)
                        .to(Proposals::Table, Proposals::Id),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Campaigns::Table).to_owned())
            .await
    }
}
