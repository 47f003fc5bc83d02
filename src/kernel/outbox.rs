//! The outbox: a change to a searchable record is written as a row in the same transaction as
//! the change, and the search room delivers the rows to the engine later (idempotently, with
//! retries), so nothing is lost while the engine is down. Rooms that own searchable records
//! call [`enqueue`]; only `search` reads the rows.

use sea_orm::ActiveValue::Set;
use sea_orm::entity::prelude::*;

/// A searchable kind; one index each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// Public tenders (never drafts).
    Tenders,
    /// Registered organizations.
    Orgs,
    /// Brand service projects shown in the public gallery (never those of an organization
    /// whose registration ended).
    Brands,
}

impl Kind {
    /// Every kind.
    pub const ALL: [Kind; 3] = [Kind::Tenders, Kind::Orgs, Kind::Brands];

    /// Code in URLs and the outbox.
    pub fn code(self) -> &'static str {
        match self {
            Kind::Tenders => "tenders",
            Kind::Orgs => "orgs",
            Kind::Brands => "brands",
        }
    }

    /// Parses [`Kind::code`].
    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.code() == s)
    }
}

/// `search_outbox`
pub mod entry {
    use sea_orm::entity::prelude::*;

    /// One change to a searchable record, waiting to reach the search engine.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "search_outbox")]
    pub struct Model {
        /// Key; also the order of changes.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// `Kind::code()`.
        pub kind: String,
        /// The record's key.
        pub record_id: i64,
        /// Unix seconds.
        pub created_at: i64,
        /// Failed deliveries so far.
        pub attempts: i32,
        /// Not tried again before this instant (unix seconds).
        pub next_attempt_at: i64,
        /// When the engine acknowledged it; `None` while pending.
        pub done_at: Option<i64>,
        /// The last delivery error, for operators.
        pub last_error: Option<String>,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Records that a searchable record changed; call inside the transaction that changes it.
pub async fn enqueue(
    db: &impl ConnectionTrait,
    kind: Kind,
    record_id: i64,
    now: i64,
) -> Result<(), DbErr> {
    entry::ActiveModel {
        kind: Set(kind.code().to_string()),
        record_id: Set(record_id),
        created_at: Set(now),
        attempts: Set(0),
        next_attempt_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}
