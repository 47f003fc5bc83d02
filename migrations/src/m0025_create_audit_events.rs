use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum AuditEvents {
    Table,
    Id,
    At,
    ActorId,
    Entity,
    EntityId,
    Action,
    Detail,
    Public,
    /// Position in the chain, set by the chainer after commit (NULL while pending).
    ChainSeq,
    PrevHash,
    Hash,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(AuditEvents::Table)
                .col(
                    ColumnDef::new(AuditEvents::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(ColumnDef::new(AuditEvents::At).big_integer().not_null())
                .col(ColumnDef::new(AuditEvents::ActorId).big_integer())
                .col(
                    ColumnDef::new(AuditEvents::Entity)
                        .string_len(32)
                        .not_null(),
                )
                .col(
                    ColumnDef::new(AuditEvents::EntityId)
                        .big_integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(AuditEvents::Action)
                        .string_len(64)
                        .not_null(),
                )
                .col(ColumnDef::new(AuditEvents::Detail).text().not_null())
                .col(ColumnDef::new(AuditEvents::Public).boolean().not_null())
                .col(
                    ColumnDef::new(AuditEvents::ChainSeq)
                        .big_integer()
                        .unique_key(),
                )
                .col(ColumnDef::new(AuditEvents::PrevHash).string_len(64))
                .col(ColumnDef::new(AuditEvents::Hash).string_len(64))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_audit_entity")
                .table(AuditEvents::Table)
                .col(AuditEvents::Entity)
                .col(AuditEvents::EntityId)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_audit_pending")
                .table(AuditEvents::Table)
                .col(AuditEvents::ChainSeq)
                .col(AuditEvents::Id)
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(AuditEvents::Table).to_owned())
            .await
    }
}
