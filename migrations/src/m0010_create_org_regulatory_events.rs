use sea_orm_migration::prelude::*;

use crate::m0001_create_users::Users;
use crate::m0007_create_organizations::Organizations;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Every rating or credit-list decision a regulator records, with who acted, when and why.
#[derive(DeriveIden)]
enum OrgRegulatoryEvents {
    Table,
    Id,
    OrgId,
    ActorId,
    /// rating | credit
    Kind,
    OldValue,
    NewValue,
    Reason,
    At,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use OrgRegulatoryEvents as E;
        m.create_table(
            Table::create()
                .table(E::Table)
                .col(
                    ColumnDef::new(E::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(ColumnDef::new(E::OrgId).big_integer().not_null())
                .col(ColumnDef::new(E::ActorId).big_integer())
                .col(ColumnDef::new(E::Kind).string_len(16).not_null())
                .col(ColumnDef::new(E::OldValue).string_len(64).not_null())
                .col(ColumnDef::new(E::NewValue).string_len(64).not_null())
                .col(ColumnDef::new(E::Reason).text().not_null())
                .col(ColumnDef::new(E::At).big_integer().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .from(E::Table, E::OrgId)
                        .to(Organizations::Table, Organizations::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(E::Table, E::ActorId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_org_reg_events_org")
                .table(E::Table)
                .col(E::OrgId)
                .col(E::At)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(OrgRegulatoryEvents::Table).to_owned())
            .await
    }
}
