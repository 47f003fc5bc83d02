use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum AuditCheckpoints {
    Table,
    Id,
    /// Chain position of the head when signed.
    Seq,
    /// The head's hash.
    HeadHash,
    /// Unix seconds.
    At,
    /// Entries in the chain up to `seq`.
    Count,
    /// Ed25519 signature (hex) of the canonical message.
    Signature,
}

/// Signed checkpoints of the audit chain head, published so that a removed tail or a
/// rewound head shows against them.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(AuditCheckpoints::Table)
                .col(
                    ColumnDef::new(AuditCheckpoints::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(
                    ColumnDef::new(AuditCheckpoints::Seq)
                        .big_integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(AuditCheckpoints::HeadHash)
                        .string_len(64)
                        .not_null(),
                )
                .col(
                    ColumnDef::new(AuditCheckpoints::At)
                        .big_integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(AuditCheckpoints::Count)
                        .big_integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(AuditCheckpoints::Signature)
                        .string_len(128)
                        .not_null(),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(AuditCheckpoints::Table).to_owned())
            .await
    }
}
