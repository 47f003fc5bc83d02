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
        /// This entry's keyed chain hash (set with `chain_seq`).
        pub hash: Option<String>,
        /// HMAC of the entry's fields and id under the audit key, set in the writing
        /// transaction; `None` only for entries recorded before entries were keyed.
        pub mac: Option<String>,
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

/// `audit_checkpoints`
pub mod checkpoint {
    use sea_orm::entity::prelude::*;

    /// A signed statement of the chain head at one instant.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "audit_checkpoints")]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// Chain position of the head.
        pub seq: i64,
        /// The head's hash.
        pub head_hash: String,
        /// Unix seconds.
        pub at: i64,
        /// Entries in the chain up to `seq`.
        pub count: i64,
        /// Ed25519 signature (hex) of [`crate::audit::rules::checkpoint_message`].
        pub signature: String,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
