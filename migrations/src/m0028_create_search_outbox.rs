use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The transactional outbox of the search index: a row per change to a searchable record,
/// written in the same transaction as the change and marked done once the engine has it.
#[derive(DeriveIden)]
pub enum SearchOutbox {
    Table,
    Id,
    Kind,
    RecordId,
    CreatedAt,
    Attempts,
    NextAttemptAt,
    DoneAt,
    LastError,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(SearchOutbox::Table)
                .col(
                    ColumnDef::new(SearchOutbox::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(ColumnDef::new(SearchOutbox::Kind).string_len(16).not_null())
                .col(
                    ColumnDef::new(SearchOutbox::RecordId)
                        .big_integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(SearchOutbox::CreatedAt)
                        .big_integer()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(SearchOutbox::Attempts)
                        .integer()
                        .not_null()
                        .default(0),
                )
                .col(
                    ColumnDef::new(SearchOutbox::NextAttemptAt)
                        .big_integer()
                        .not_null(),
                )
                .col(ColumnDef::new(SearchOutbox::DoneAt).big_integer())
                .col(ColumnDef::new(SearchOutbox::LastError).text())
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(SearchOutbox::Table).to_owned())
            .await
    }
}
