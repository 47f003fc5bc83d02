//! The tamper-evident audit log: every state change appends an entry whose hash covers the
//! previous entry's hash; `civicbridge audit verify` walks the chain and names the first
//! broken entry; public pages show a record's public entries as its timeline.
//!
//! Invariants: entries are only appended, inside the same transaction as the change they
//! record; appends serialize on the single `audit_head` row (updated first, so PostgreSQL
//! row-locks it and SQLite takes its write lock), so the chain never forks. May call: nothing
//! but its own model.

pub mod model;
pub mod rules;

use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

pub use rules::Broken;

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

/// Appends an entry. Call inside the transaction that makes the change.
pub async fn append(db: &impl ConnectionTrait, e: Entry<'_>) -> Result<(), DbErr> {
    model::head::Entity::update_many()
        .col_expr(
            model::head::Column::Seq,
            Expr::col(model::head::Column::Seq).add(1),
        )
        .filter(model::head::Column::Id.eq(1))
        .exec(db)
        .await?;
    let head = model::head::Entity::find_by_id(1)
        .one(db)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("audit_head".into()))?;
    let detail = e.detail.to_string();
    let hash = rules::entry_hash(&rules::Fields {
        at: e.at,
        actor_id: e.actor_id,
        entity: e.entity,
        entity_id: e.entity_id,
        action: e.action,
        detail: &detail,
        public: e.public,
        prev_hash: &head.last_hash,
    });
    model::event::ActiveModel {
        at: Set(e.at),
        actor_id: Set(e.actor_id),
        entity: Set(e.entity.to_string()),
        entity_id: Set(e.entity_id),
        action: Set(e.action.to_string()),
        detail: Set(detail),
        public: Set(e.public),
        prev_hash: Set(head.last_hash.clone()),
        hash: Set(hash.clone()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    model::head::Entity::update_many()
        .col_expr(model::head::Column::LastHash, Expr::value(hash))
        .filter(model::head::Column::Id.eq(1))
        .exec(db)
        .await?;
    Ok(())
}

/// Verifies the whole chain in batches. `Ok(n)` is the number of entries checked.
pub async fn verify_all(db: &impl ConnectionTrait) -> Result<Result<i64, Broken>, DbErr> {
    const BATCH: u64 = 5_000;
    let mut prev = rules::GENESIS.to_string();
    let mut last_id = 0;
    let mut count = 0;
    loop {
        let rows = model::event::Entity::find()
            .filter(model::event::Column::Id.gt(last_id))
            .order_by_asc(model::event::Column::Id)
            .limit(BATCH)
            .all(db)
            .await?;
        if rows.is_empty() {
            break;
        }
        let checked = rules::verify(
            &prev,
            rows.iter().map(|r| {
                (
                    r.id,
                    rules::Fields {
                        at: r.at,
                        actor_id: r.actor_id,
                        entity: &r.entity,
                        entity_id: r.entity_id,
                        action: &r.action,
                        detail: &r.detail,
                        public: r.public,
                        prev_hash: &r.prev_hash,
                    },
                    r.hash.as_str(),
                )
            }),
        );
        match checked {
            Ok((h, n)) => {
                prev = h;
                count += n;
            }
            Err(b) => return Ok(Err(b)),
        }
        last_id = rows.last().map(|r| r.id).unwrap_or(last_id);
    }
    let head = model::head::Entity::find_by_id(1).one(db).await?;
    match head {
        Some(h) if h.seq == count && h.last_hash == prev => Ok(Ok(count)),
        _ => Ok(Err(Broken::Truncated {
            last_id: (last_id > 0).then_some(last_id),
        })),
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
