//! Audit entities.

/// `audit_events`
pub mod event {
    use sea_orm::entity::prelude::*;

    /// One entry of the hash-chained log.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "audit_events")]
    pub struct Model {
        /// Key; chain order.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// Unix seconds.
        pub at: i64,
        /// Who acted.
        pub actor_id: Option<i64>,
        /// Kind of record.
        pub entity: String,
        /// Its id.
        pub entity_id: i64,
        /// What happened.
        pub action: String,
        /// JSON detail.
        pub detail: String,
        /// Shown on public timelines.
        pub public: bool,
        /// Position in the chain; `None` until the chainer links it (shortly after commit).
        pub chain_seq: Option<i64>,
        /// Previous entry's hash (set with `chain_seq`).
        pub prev_hash: Option<String>,
        /// This entry's hash (set with `chain_seq`).
        pub hash: Option<String>,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `audit_head`
pub mod head {
    use sea_orm::entity::prelude::*;

    /// The single row holding the chain's length and last hash.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "audit_head")]
    pub struct Model {
        /// Always 1.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: i32,
        /// Entries appended.
        pub seq: i64,
        /// Hash of the last entry.
        pub last_hash: String,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
