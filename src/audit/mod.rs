//! The tamper-evident audit log: every state change records an entry in the same
//! transaction; a chainer then links entries into one hash chain (each entry's hash covers
//! the previous entry's hash); `civicbridge audit verify` walks the chain and names the first
//! broken entry; public pages show a record's public entries as its timeline.
//!
//! Why two steps: linking inside the writing transaction would make every write in the
//! system queue on the chain head until its commit is on disk. Recording is a plain insert;
//! the chainer (every second in the server, and before every verification) takes the head's
//! lock once per batch. An entry is unlinked only between its commit and the next chaining.
//!
//! Invariants: entries are only inserted, never updated except by the chainer setting
//! `chain_seq`/`prev_hash`/`hash` once; chain positions run 1, 2, 3 … without gaps; the
//! `audit_head` row holds the last position and hash. May call: the kernel only.

pub mod model;
pub mod rules;

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

pub use rules::Broken;

/// One recorded entry, as [`timeline`] hands it out.
pub use model::event::Model as Event;

/// What to record.
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    /// Unix seconds (from the injected clock).
    pub at: i64,
    /// Who acted.
    pub actor_id: Option<i64>,
    /// `tender`, `bid`, `contract`, …
    pub entity: &'a str,
    /// Its id.
    pub entity_id: i64,
    /// What happened.
    pub action: &'a str,
    /// Detail (public entries show it).
    pub detail: serde_json::Value,
    /// Shown on the public timeline.
    pub public: bool,
}

/// Records an entry. Call inside the transaction that makes the change.
pub async fn append(db: &impl ConnectionTrait, e: Entry<'_>) -> Result<(), DbErr> {
    model::event::ActiveModel {
        at: Set(e.at),
        actor_id: Set(e.actor_id),
        entity: Set(e.entity.to_string()),
        entity_id: Set(e.entity_id),
        action: Set(e.action.to_string()),
        detail: Set(e.detail.to_string()),
        public: Set(e.public),
        chain_seq: Set(None),
        prev_hash: Set(None),
        hash: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

fn fields<'a>(r: &'a model::event::Model, prev_hash: &'a str) -> rules::Fields<'a> {
    rules::Fields {
        at: r.at,
        actor_id: r.actor_id,
        entity: &r.entity,
        entity_id: r.entity_id,
        action: &r.action,
        detail: &r.detail,
        public: r.public,
        prev_hash,
    }
}

/// Links committed, not yet chained entries into the chain, in batches; returns how many.
pub async fn chain_pending(db: &DatabaseConnection) -> Result<u64, DbErr> {
    const BATCH: u64 = 500;
    let mut total = 0;
    loop {
        let txn = crate::kernel::db::begin_write(db).await?;
        // Take the head's row lock first, so concurrent chainers (several servers) queue.
        model::head::Entity::update_many()
            .col_expr(
                model::head::Column::Seq,
                Expr::col(model::head::Column::Seq),
            )
            .filter(model::head::Column::Id.eq(1))
            .exec(&*txn)
            .await?;
        let head = model::head::Entity::find_by_id(1)
            .one(&*txn)
            .await?
            .ok_or_else(|| DbErr::RecordNotFound("audit_head".into()))?;
        let pending = model::event::Entity::find()
            .filter(model::event::Column::ChainSeq.is_null())
            .order_by_asc(model::event::Column::Id)
            .limit(BATCH)
            .all(&*txn)
            .await?;
        if pending.is_empty() {
            // End the transaction now: a dropped one keeps the head's row lock until the pool
            // gets round to rolling it back.
            txn.commit().await?;
            return Ok(total);
        }
        let (mut seq, mut prev) = (head.seq, head.last_hash.clone());
        for e in &pending {
            seq += 1;
            let hash = rules::entry_hash(&fields(e, &prev));
            model::event::Entity::update_many()
                .col_expr(model::event::Column::ChainSeq, Expr::value(seq))
                .col_expr(model::event::Column::PrevHash, Expr::value(prev.clone()))
                .col_expr(model::event::Column::Hash, Expr::value(hash.clone()))
                .filter(model::event::Column::Id.eq(e.id))
                .exec(&*txn)
                .await?;
            prev = hash;
        }
        model::head::Entity::update_many()
            .col_expr(model::head::Column::Seq, Expr::value(seq))
            .col_expr(model::head::Column::LastHash, Expr::value(prev))
            .filter(model::head::Column::Id.eq(1))
            .exec(&*txn)
            .await?;
        txn.commit().await?;
        total += pending.len() as u64;
    }
}

/// Links what is pending, then verifies the whole chain in batches. `Ok(n)` is the number
/// of entries checked.
pub async fn verify_all(db: &DatabaseConnection) -> Result<Result<i64, Broken>, DbErr> {
    const BATCH: u64 = 5_000;
    chain_pending(db).await?;
    let mut prev = rules::GENESIS.to_string();
    let mut last_seq = 0;
    let mut last_id = None;
    loop {
        let rows = model::event::Entity::find()
            .filter(model::event::Column::ChainSeq.gt(last_seq))
            .order_by_asc(model::event::Column::ChainSeq)
            .limit(BATCH)
            .all(db)
            .await?;
        if rows.is_empty() {
            break;
        }
        for r in &rows {
            let seq = r.chain_seq.unwrap_or_default();
            // A gap in the positions means entries were removed.
            if seq != last_seq + 1 {
                return Ok(Err(Broken::Link { id: r.id }));
            }
            let checked = rules::verify(
                &prev,
                [(
                    r.id,
                    fields(r, r.prev_hash.as_deref().unwrap_or_default()),
                    r.hash.as_deref().unwrap_or_default(),
                )],
            );
            match checked {
                Ok((h, _)) => prev = h,
                Err(b) => return Ok(Err(b)),
            }
            last_seq = seq;
            last_id = Some(r.id);
        }
    }
    let head = model::head::Entity::find_by_id(1).one(db).await?;
    match head {
        Some(h) if h.seq == last_seq && h.last_hash == prev => Ok(Ok(last_seq)),
        _ => Ok(Err(Broken::Truncated { last_id })),
    }
}

/// Entries about one record, oldest first; `public_only` for public pages.
pub async fn timeline(
    db: &impl ConnectionTrait,
    entity: &str,
    entity_id: i64,
    public_only: bool,
) -> Result<Vec<model::event::Model>, DbErr> {
    let mut q = model::event::Entity::find()
        .filter(model::event::Column::Entity.eq(entity))
        .filter(model::event::Column::EntityId.eq(entity_id));
    if public_only {
        q = q.filter(model::event::Column::Public.eq(true));
    }
    q.order_by_asc(model::event::Column::Id).all(db).await
}
