//! The audit log an insider with database access cannot rewrite unnoticed. Every state change
//! records an entry in the same transaction, authenticated there with an HMAC under a key
//! kept outside the database ([`crate::kernel::audit_keys`]); a chainer then links
//! authentic entries into one chain whose hashes are keyed too; a job signs the chain head
//! with an Ed25519 key at least hourly and the checkpoints are published
//! (`/audit/checkpoints`), so a removed tail with a rewound head shows against a copy kept
//! elsewhere. `civicbridge audit verify` reads (never writes) the log and names every
//! inserted, altered, removed and truncated entry by id ([`rules::Verifier`]). Public pages
//! show a record's public entries whose MAC verifies as its timeline.
//!
//! Why two steps: linking inside the writing transaction would make every write in the
//! system queue on the chain head until its commit is on disk. Recording is a plain insert
//! (and the MAC, which needs the id); the chainer (every second in the server) takes the
//! head's lock once per batch. An entry is unlinked only between its commit and the next
//! chaining, and the MAC written with it already makes it unforgeable meanwhile.
//!
//! Invariants: entries are only inserted, never updated except by the writer setting `mac`
//! once in its own transaction and the chainer setting `chain_seq`/`prev_hash`/`hash` once;
//! the chainer links only entries whose MAC verifies; chain positions run 1, 2, 3 … without
//! gaps; the `audit_head` row holds the last position and hash; checkpoints are only
//! inserted. May call: the kernel only.

pub mod model;
pub mod routes;
pub mod rules;
pub mod views;

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::kernel::audit_keys::AuditKeys;

pub use rules::{Checkpoint, Finding, Report, Source};

/// One recorded entry, as [`timeline`] hands it out.
pub use model::event::Model as Event;

/// A stored, signed checkpoint, as published.
pub use model::checkpoint::Model as StoredCheckpoint;

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

fn keys() -> Result<AuditKeys, DbErr> {
    crate::kernel::audit_keys::installed()
        .ok_or_else(|| DbErr::Custom("audit keys are not installed (app::init does)".into()))
}

/// Records an entry with its MAC. Call inside the transaction that makes the change.
pub async fn append(db: &impl ConnectionTrait, e: Entry<'_>) -> Result<(), DbErr> {
    let keys = keys()?;
    let row = model::event::ActiveModel {
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
        mac: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    // The MAC covers the id, which exists only now; same transaction, so no one ever sees
    // the entry without it.
    let mac = rules::entry_mac(keys.mac(), row.id, &fields(&row));
    model::event::Entity::update_many()
        .col_expr(model::event::Column::Mac, Expr::value(mac))
        .filter(model::event::Column::Id.eq(row.id))
        .exec(db)
        .await?;
    Ok(())
}

/// Records several entries at once, as [`append`] records one: one multi-row insert and one
/// update that sets every entry's MAC (a batch job writing thousands of entries would
/// otherwise pay two statements each).
pub async fn append_many(db: &impl ConnectionTrait, entries: Vec<Entry<'_>>) -> Result<(), DbErr> {
    if entries.is_empty() {
        return Ok(());
    }
    let keys = keys()?;
    let rows = entries.into_iter().map(|e| model::event::ActiveModel {
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
        mac: Set(None),
        ..Default::default()
    });
    let inserted = model::event::Entity::insert_many(rows)
        .exec_with_returning(db)
        .await?;
    let mut macs = sea_orm::sea_query::CaseStatement::new();
    for row in &inserted {
        let mac = rules::entry_mac(keys.mac(), row.id, &fields(row));
        macs = macs.case(model::event::Column::Id.eq(row.id), Expr::value(mac));
    }
    model::event::Entity::update_many()
        .col_expr(model::event::Column::Mac, macs.into())
        .filter(model::event::Column::Id.is_in(inserted.iter().map(|r| r.id)))
        .exec(db)
        .await?;
    Ok(())
}

fn fields(r: &model::event::Model) -> rules::Fields<'_> {
    rules::Fields {
        at: r.at,
        actor_id: r.actor_id,
        entity: &r.entity,
        entity_id: r.entity_id,
        action: &r.action,
        detail: &r.detail,
        public: r.public,
    }
}

fn mac_ok(keys: &AuditKeys, r: &model::event::Model) -> bool {
    r.mac
        .as_deref()
        .is_some_and(|m| rules::entry_mac_ok(keys.mac(), r.id, &fields(r), m))
}

/// Takes the head's row lock (so concurrent chainers on several servers queue) and reads it.
async fn lock_head(db: &impl ConnectionTrait) -> Result<model::head::Model, DbErr> {
    model::head::Entity::update_many()
        .col_expr(
            model::head::Column::Seq,
            Expr::col(model::head::Column::Seq),
        )
        .filter(model::head::Column::Id.eq(1))
        .exec(db)
        .await?;
    model::head::Entity::find_by_id(1)
        .one(db)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("audit_head".into()))
}

/// Links committed, not yet chained entries whose MAC verifies into the chain, in batches;
/// returns how many. An entry whose MAC does not verify is left unlinked with a warning
/// (the verifier reports it as inserted) and the chainer goes on with the next ones.
pub async fn chain_pending(db: &DatabaseConnection, keys: &AuditKeys) -> Result<u64, DbErr> {
    const BATCH: u64 = 500;
    let mut total = 0;
    // Refused entries stay pending: move past them within this round.
    let mut after_id = 0;
    loop {
        let txn = crate::kernel::db::begin_write(db).await?;
        let head = lock_head(&*txn).await?;
        let pending = model::event::Entity::find()
            .filter(model::event::Column::ChainSeq.is_null())
            .filter(model::event::Column::Id.gt(after_id))
            .order_by_asc(model::event::Column::Id)
            .limit(BATCH)
            .all(&*txn)
            .await?;
        let Some(last) = pending.last() else {
            // End the transaction now: a dropped one keeps the head's row lock until the pool
            // gets round to rolling it back.
            txn.commit().await?;
            return Ok(total);
        };
        after_id = last.id;
        let (mut seq, mut prev) = (head.seq, head.last_hash.clone());
        // One UPDATE links the whole batch (three CASEs over the ids): the chainer holds the
        // writers' turn, and a statement per entry made every write wait behind a burst's
        // worth of links.
        let mut seqs = sea_orm::sea_query::CaseStatement::new();
        let mut prevs = sea_orm::sea_query::CaseStatement::new();
        let mut hashes = sea_orm::sea_query::CaseStatement::new();
        let mut linked = Vec::new();
        for e in &pending {
            let Some(mac) = e.mac.as_deref().filter(|_| mac_ok(keys, e)) else {
                tracing::warn!(
                    id = e.id,
                    "audit entry not linked: its MAC does not verify (not written by this \
                     application, or altered)"
                );
                continue;
            };
            seq += 1;
            let hash = rules::link_hash(keys.mac(), seq, &prev, mac);
            let this = || model::event::Column::Id.eq(e.id);
            seqs = seqs.case(this(), Expr::value(seq));
            prevs = prevs.case(this(), Expr::value(prev.clone()));
            hashes = hashes.case(this(), Expr::value(hash.clone()));
            linked.push(e.id);
            prev = hash;
            total += 1;
        }
        if !linked.is_empty() {
            model::event::Entity::update_many()
                .col_expr(model::event::Column::ChainSeq, seqs.into())
                .col_expr(model::event::Column::PrevHash, prevs.into())
                .col_expr(model::event::Column::Hash, hashes.into())
                .filter(model::event::Column::Id.is_in(linked))
                .exec(&*txn)
                .await?;
        }
        if seq != head.seq {
            model::head::Entity::update_many()
                .col_expr(model::head::Column::Seq, Expr::value(seq))
                .col_expr(model::head::Column::LastHash, Expr::value(prev))
                .filter(model::head::Column::Id.eq(1))
                .exec(&*txn)
                .await?;
        }
        txn.commit().await?;
    }
}

/// Verifies the whole log, read-only and in one snapshot: every entry's MAC, every link, the
/// positions, the head, and every stored checkpoint plus `extra` ones kept elsewhere.
pub async fn verify_all(
    db: &DatabaseConnection,
    keys: &AuditKeys,
    extra: &[Checkpoint],
) -> Result<Report, DbErr> {
    const BATCH: u64 = 5_000;
    let snap = crate::kernel::db::begin_snapshot(db).await?;
    let mut cps: Vec<Checkpoint> = model::checkpoint::Entity::find()
        .order_by_asc(model::checkpoint::Column::Id)
        .all(&snap)
        .await?
        .into_iter()
        .map(to_checkpoint)
        .collect();
    cps.extend_from_slice(extra);
    let mut v = rules::Verifier::new(keys.mac(), &keys.verifying(), &cps);
    let mut last_seq = 0;
    loop {
        let rows = model::event::Entity::find()
            .filter(model::event::Column::ChainSeq.gt(last_seq))
            .order_by_asc(model::event::Column::ChainSeq)
            .limit(BATCH)
            .all(&snap)
            .await?;
        if rows.is_empty() {
            break;
        }
        for r in &rows {
            let seq = r.chain_seq.unwrap_or_default();
            v.linked(&rules::Linked {
                id: r.id,
                seq,
                fields: fields(r),
                prev_hash: r.prev_hash.as_deref().unwrap_or_default(),
                hash: r.hash.as_deref().unwrap_or_default(),
                mac: r.mac.as_deref(),
            });
            last_seq = seq;
        }
    }
    let mut after_id = i64::MIN;
    loop {
        let rows = model::event::Entity::find()
            .filter(model::event::Column::ChainSeq.is_null())
            .filter(model::event::Column::Id.gt(after_id))
            .order_by_asc(model::event::Column::Id)
            .limit(BATCH)
            .all(&snap)
            .await?;
        let Some(last) = rows.last() else { break };
        after_id = last.id;
        for r in &rows {
            v.unlinked(r.id, &fields(r), r.mac.as_deref());
        }
    }
    let head = model::head::Entity::find_by_id(1).one(&snap).await?;
    snap.commit().await?;
    Ok(v.finish(head.as_ref().map(|h| (h.seq, h.last_hash.as_str()))))
}

fn to_checkpoint(c: model::checkpoint::Model) -> Checkpoint {
    Checkpoint {
        source: Source::Stored(c.id),
        seq: c.seq,
        head_hash: c.head_hash,
        at: c.at,
        count: c.count,
        signature: c.signature,
    }
}

/// Whether the head (position, hash) is the hash of an authentic entry linked there, so
/// that a checkpoint never vouches for a forged head. Entries without a MAC qualify only
/// before any entry was keyed and any checkpoint signed (the first start after the
/// upgrade that introduced keys).
async fn head_is_authentic(
    db: &impl ConnectionTrait,
    keys: &AuditKeys,
    head: &model::head::Model,
) -> Result<bool, DbErr> {
    if head.seq == 0 {
        return Ok(head.last_hash == rules::GENESIS);
    }
    let Some(e) = model::event::Entity::find()
        .filter(model::event::Column::ChainSeq.eq(head.seq))
        .one(db)
        .await?
    else {
        return Ok(false);
    };
    let (Some(prev), Some(hash)) = (e.prev_hash.as_deref(), e.hash.as_deref()) else {
        return Ok(false);
    };
    if hash != head.last_hash {
        return Ok(false);
    }
    Ok(match e.mac.as_deref() {
        Some(mac) => mac_ok(keys, &e) && rules::link_ok(keys.mac(), head.seq, prev, mac, hash),
        None => {
            !any_keyed(db).await?
                && model::checkpoint::Entity::find().one(db).await?.is_none()
                && rules::legacy_hash(&fields(&e), prev) == hash
        }
    })
}

async fn any_keyed(db: &impl ConnectionTrait) -> Result<bool, DbErr> {
    Ok(model::event::Entity::find()
        .filter(model::event::Column::Mac.is_not_null())
        .one(db)
        .await?
        .is_some())
}

/// Signs the current chain head (position, hash, instant, entries up to it) and stores the
/// checkpoint; `None` (with a warning) when the head is not an authentic entry's.
pub async fn checkpoint(
    db: &DatabaseConnection,
    keys: &AuditKeys,
    now: i64,
) -> Result<Option<StoredCheckpoint>, DbErr> {
    let head = model::head::Entity::find_by_id(1)
        .one(db)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("audit_head".into()))?;
    if !head_is_authentic(db, keys, &head).await? {
        tracing::error!(
            seq = head.seq,
            "audit head is not an authentic entry's: not signing a checkpoint; run \
             `civicbridge audit verify`"
        );
        return Ok(None);
    }
    let count = model::event::Entity::find()
        .filter(model::event::Column::ChainSeq.lte(head.seq))
        .count(db)
        .await? as i64;
    let msg = rules::checkpoint_message(head.seq, &head.last_hash, now, count);
    let c = model::checkpoint::ActiveModel {
        seq: Set(head.seq),
        head_hash: Set(head.last_hash),
        at: Set(now),
        count: Set(count),
        signature: Set(keys.sign(msg.as_bytes())),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(Some(c))
}

/// Start-up: on the very first start with keys (no checkpoint and no keyed entry yet) links
/// the entries recorded before entries were keyed, with the old unkeyed hash, and signs a
/// first checkpoint, which vouches for that unkeyed prefix and for nothing after it. Any
/// other start changes nothing (`audit verify` starts this way too).
pub async fn start(db: &DatabaseConnection, keys: &AuditKeys, now: i64) -> Result<(), DbErr> {
    if model::checkpoint::Entity::find().one(db).await?.is_some() || any_keyed(db).await? {
        return Ok(());
    }
    link_unkeyed(db).await?;
    checkpoint(db, keys, now).await?;
    Ok(())
}

/// The chainer as it was before entries were keyed, for the entries of that time.
async fn link_unkeyed(db: &DatabaseConnection) -> Result<(), DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    let head = lock_head(&*txn).await?;
    let pending = model::event::Entity::find()
        .filter(model::event::Column::ChainSeq.is_null())
        .filter(model::event::Column::Mac.is_null())
        .order_by_asc(model::event::Column::Id)
        .all(&*txn)
        .await?;
    let (mut seq, mut prev) = (head.seq, head.last_hash.clone());
    for e in &pending {
        seq += 1;
        let hash = rules::legacy_hash(&fields(e), &prev);
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
    txn.commit().await
}

/// Stored checkpoints with an id above `after_id`, oldest first, at most `limit`.
pub async fn checkpoints(
    db: &impl ConnectionTrait,
    after_id: i64,
    limit: u64,
) -> Result<Vec<StoredCheckpoint>, DbErr> {
    model::checkpoint::Entity::find()
        .filter(model::checkpoint::Column::Id.gt(after_id))
        .order_by_asc(model::checkpoint::Column::Id)
        .limit(limit)
        .all(db)
        .await
}

/// The latest `n` stored checkpoints, newest first.
pub async fn latest_checkpoints(
    db: &impl ConnectionTrait,
    n: u64,
) -> Result<Vec<StoredCheckpoint>, DbErr> {
    model::checkpoint::Entity::find()
        .order_by_desc(model::checkpoint::Column::Id)
        .limit(n)
        .all(db)
        .await
}

/// Entries about one record, oldest first; `public_only` for public pages. Only entries
/// written by the application are handed out: the MAC of each (a page's few rows) is
/// checked, so an entry inserted or edited in the database never shows.
pub async fn timeline(
    db: &impl ConnectionTrait,
    entity: &str,
    entity_id: i64,
    public_only: bool,
) -> Result<Vec<model::event::Model>, DbErr> {
    let keys = keys()?;
    let mut q = model::event::Entity::find()
        .filter(model::event::Column::Entity.eq(entity))
        .filter(model::event::Column::EntityId.eq(entity_id));
    if public_only {
        q = q.filter(model::event::Column::Public.eq(true));
    }
    let rows = q.order_by_asc(model::event::Column::Id).all(db).await?;
    // Entries from before entries were keyed count only up to the earliest signed
    // checkpoint, read once and only when such an entry is on the page.
    let mut unkeyed_limit: Option<i64> = None;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let shown = match (r.mac.as_deref(), r.chain_seq, &r.prev_hash, &r.hash) {
            (Some(_), ..) => mac_ok(&keys, &r),
            (None, Some(seq), Some(prev), Some(hash)) => {
                let limit = match unkeyed_limit {
                    Some(l) => l,
                    None => {
                        let l = earliest_signed_seq(db, &keys).await?;
                        unkeyed_limit = Some(l);
                        l
                    }
                };
                seq <= limit && rules::legacy_hash(&fields(&r), prev) == *hash
            }
            _ => false,
        };
        if shown {
            out.push(r);
        }
    }
    Ok(out)
}

async fn earliest_signed_seq(db: &impl ConnectionTrait, keys: &AuditKeys) -> Result<i64, DbErr> {
    let first = model::checkpoint::Entity::find()
        .order_by_asc(model::checkpoint::Column::Id)
        .one(db)
        .await?;
    Ok(first
        .map(to_checkpoint)
        .filter(|c| c.signed_by(&keys.verifying()))
        .map_or(0, |c| c.seq))
}

/// Checkpoints from a JSON document kept elsewhere: the `/api/v1/audit/checkpoints`
/// document, a list of checkpoints, or one checkpoint.
pub fn parse_checkpoints(json: &str) -> Result<Vec<Checkpoint>, String> {
    #[derive(serde::Deserialize)]
    struct One {
        seq: i64,
        head_hash: String,
        at: i64,
        count: i64,
        signature: String,
    }
    let v: serde_json::Value = serde_json::from_str(json).map_err(|e| e.to_string())?;
    let list = match v {
        serde_json::Value::Object(mut o) if o.contains_key("checkpoints") => {
            o.remove("checkpoints").unwrap_or_default()
        }
        serde_json::Value::Array(_) => v,
        other => serde_json::Value::Array(vec![other]),
    };
    let parsed: Vec<One> = serde_json::from_value(list).map_err(|e| e.to_string())?;
    Ok(parsed
        .into_iter()
        .enumerate()
        .map(|(i, c)| Checkpoint {
            source: Source::External(i + 1),
            seq: c.seq,
            head_hash: c.head_hash,
            at: c.at,
            count: c.count,
            signature: c.signature,
        })
        .collect())
}
