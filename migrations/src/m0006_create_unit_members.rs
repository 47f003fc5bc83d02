use sea_orm_migration::prelude::*;

use crate::m0001_create_users::Users;
use crate::m0005_create_purchasing_units::PurchasingUnits;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum UnitMembers {
    Table,
    UnitId,
    UserId,
    AddedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(UnitMembers::Table)
                .col(ColumnDef::new(UnitMembers::UnitId).big_integer().not_null())
                .col(ColumnDef::new(UnitMembers::UserId).big_integer().not_null())
                .col(
                    ColumnDef::new(UnitMembers::AddedAt)
                        .big_integer()
                        .not_null(),
                )
                .primary_key(
                    Index::create()
                        .col(UnitMembers::UnitId)
                        .col(UnitMembers::UserId),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(UnitMembers::Table, UnitMembers::UnitId)
                        .to(PurchasingUnits::Table, PurchasingUnits::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(UnitMembers::Table, UnitMembers::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_unit_members_user")
                .table(UnitMembers::Table)
                .col(UnitMembers::UserId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(UnitMembers::Table).to_owned())
            .await
    }
}
