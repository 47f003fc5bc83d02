//! Sealed bids: eligibility, submission with a receipt, attachments, withdrawal.

use super::*;
use sea_orm::QuerySelect;

/// What is sealed: everything the bidder submitted.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BidContent {
    /// Tender.
    pub tender_id: i64,
    /// Bidder.
    pub org_id: i64,
    /// Revision number.
    pub revision: i32,
    /// Price in fen.
    pub price_fen: i64,
    /// Technical proposal.
    pub proposal: String,
    /// Attachments: name, size, SHA-256 of the bytes (unsalted: the whole content is sealed
    /// and the commitment salted).
    pub files: Vec<(String, i64, String)>,
}

impl BidContent {
    /// The canonical bytes the commitment covers (serde_json of this struct: field order is
    /// fixed by the declaration).
    pub fn canonical(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }
}

/// What is sealed together: the content and the commitment salt.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(super) struct SealedBody {
    pub(super) salt: String,
    pub(super) content: BidContent,
}

/// The receipt a bidder keeps.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Receipt {
    /// Bid id.
    pub bid_id: i64,
    /// Revision.
    pub revision: i32,
    /// Unix seconds.
    pub submitted_at: i64,
    /// SHA-256 commitment (hex).
    pub commitment: String,
}

pub(super) fn seal_context(tender_id: i64, org_id: i64) -> String {
    format!("bid:{tender_id}:{org_id}")
}

/// Takes the tender's row lock and checks, in the same statement, that bids are still
/// accepted at `now`.
pub(super) async fn lock_open_for_bids(
    db: &impl ConnectionTrait,
    tender_id: i64,
    now: i64,
) -> Result<bool, DbErr> {
    Ok(tender::Entity::update_many()
        .col_expr(tender::Column::Seq, Expr::col(tender::Column::Seq).add(1))
        .filter(tender::Column::Id.eq(tender_id))
        .filter(tender::Column::State.eq(TenderState::Published.code()))
        .filter(tender::Column::BidDeadline.gt(now))
        .exec(db)
        .await?
        .rows_affected
        == 1)
}

pub(super) async fn live_bid(
    db: &impl ConnectionTrait,
    tender_id: i64,
    org_id: i64,
) -> Result<Option<bid::Model>, DbErr> {
    bid::Entity::find()
        .filter(bid::Column::TenderId.eq(tender_id))
        .filter(bid::Column::OrgId.eq(org_id))
        .filter(bid::Column::State.eq(BidState::Submitted.code()))
        .one(db)
        .await
}

fn facts_of(o: crate::orgs::Org) -> rules::OrgFacts {
    use crate::orgs::{CreditStatus, OrgKind};
    rules::OrgFacts {
        kind: OrgKind::parse(&o.kind).unwrap_or(OrgKind::Enterprise),
        // An unreadable status counts as the worst, never as clean.
        credit: CreditStatus::parse(&o.credit_status).unwrap_or(CreditStatus::Dishonest),
        rating: o.rating_grade.zip(o.rating_valid_until),
        registered: o.registration_date,
        verified: crate::orgs::is_verified(&o),
        ended: crate::orgs::ended(&o),
        league: o.league_code,
    }
}

/// Eligibility facts of an organization.
pub async fn org_facts(
    db: &impl ConnectionTrait,
    org_id: i64,
) -> Result<Option<rules::OrgFacts>, DbErr> {
    Ok(crate::orgs::row(db, org_id).await?.map(facts_of))
}

/// Eligibility facts of some organizations by id, in one query (unknown ids are left out).
pub async fn org_facts_of(
    db: &impl ConnectionTrait,
    org_ids: &[i64],
) -> Result<std::collections::HashMap<i64, rules::OrgFacts>, DbErr> {
    Ok(crate::orgs::rows_by_ids(db, org_ids)
        .await?
        .into_iter()
        .map(|o| (o.id, facts_of(o)))
        .collect())
}

/// The tender's eligibility rules.
pub fn eligibility_of(t: &tender::Model) -> rules::Eligibility {
    eligibility_from(t.min_grade, t.social_only, &t.allowed_leagues, t.min_years)
}

/// An open tender's eligibility rules, as [`eligibility_of`] reads them from a whole row.
pub fn open_eligibility(t: &super::model::OpenTender) -> rules::Eligibility {
    eligibility_from(t.min_grade, t.social_only, &t.allowed_leagues, t.min_years)
}

fn eligibility_from(
    min_grade: Option<i16>,
    social_only: bool,
    allowed_leagues: &str,
    min_years: i16,
) -> rules::Eligibility {
    rules::Eligibility {
        min_grade,
        social_only,
        allowed_leagues: allowed_leagues
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
        min_years,
    }
}

/// Why an organization may not bid on a tender (empty = eligible).
pub async fn why_ineligible(
    db: &impl ConnectionTrait,
    t: &tender::Model,
    org_id: i64,
    today: time::Date,
) -> Result<Vec<Ineligible>, DbErr> {
    Ok(match org_facts(db, org_id).await? {
        Some(f) => rules::eligibility(&eligibility_of(t), &f, today),
        None => vec![Ineligible::Place],
    })
}

pub(super) async fn write_sealed(
    db: &impl ConnectionTrait,
    key: &SealKey,
    existing: Option<bid::Model>,
    content: BidContent,
    user: i64,
    now: i64,
) -> Result<Receipt, DbErr> {
    let salt = crate::kernel::seal::new_salt();
    let commitment = crate::kernel::seal::commitment(&salt, &content.canonical());
    let body = serde_json::to_vec(&SealedBody {
        salt,
        content: content.clone(),
    })
    .unwrap_or_default();
    let sealed = key.seal(&seal_context(content.tender_id, content.org_id), &body);
    let (id, action) = match existing {
        Some(b) => {
            let mut am: bid::ActiveModel = b.into();
            am.sealed = Set(sealed);
            am.commitment = Set(commitment.clone());
            am.revision = Set(content.revision);
            am.submitted_at = Set(now);
            am.submitted_by = Set(Some(user));
            (am.update(db).await?.id, "bid_revised")
        }
        None => {
            let b = bid::ActiveModel {
                tender_id: Set(content.tender_id),
                org_id: Set(content.org_id),
                submitted_by: Set(Some(user)),
                state: Set(BidState::Submitted.code().to_string()),
                sealed: Set(sealed),
                commitment: Set(commitment.clone()),
                revision: Set(content.revision),
                submitted_at: Set(now),
                ..Default::default()
            }
            .insert(db)
            .await?;
            (b.id, "bid_submitted")
        }
    };
    // Not public before opening: even the number of bids stays sealed.
    audit::append(
        db,
        Entry {
            at: now,
            actor_id: Some(user),
            entity: "bid",
            entity_id: id,
            action,
            detail: serde_json::json!({ "tender": content.tender_id, "commitment": commitment }),
            public: false,
        },
    )
    .await?;
    Ok(Receipt {
        bid_id: id,
        revision: content.revision,
        submitted_at: now,
        commitment,
    })
}

/// Conflicts of interest that bar an organization from a tender: one of its members buys for
/// the tender's unit, or evaluates the tender. One round trip: the members, the unit's buyers
/// and the tender's evaluators as rows of one `UNION ALL`, whose SQL on their tables `orgs`
/// and `units` provide; the decision is [`rules::conflict_of_interest`].
pub async fn bid_conflict(
    db: &impl ConnectionTrait,
    t: &tender::Model,
    org_id: i64,
) -> Result<Option<Refusal>, DbErr> {
    let backend = db.get_database_backend();
    let p = |n| crate::kernel::db::placeholder(backend, n);
    let sql = format!(
        "{} UNION ALL {} UNION ALL SELECT 'evaluator' AS kind, user_id AS id \
         FROM tender_evaluators WHERE tender_id = {}",
        crate::orgs::MEMBER_ID_ROWS_SQL.replace("{org}", &p(1)),
        crate::units::BUYER_ID_ROWS_SQL.replace("{unit}", &p(2)),
        p(3),
    );
    let rows = db
        .query_all_raw(sea_orm::Statement::from_sql_and_values(
            backend,
            sql,
            [org_id.into(), t.unit_id.into(), t.id.into()],
        ))
        .await?;
    let mut people = rules::Involved::default();
    for r in rows {
        let kind: String = r.try_get("", "kind")?;
        let id: i64 = r.try_get("", "id")?;
        match kind.as_str() {
            "member" => people.members.push(id),
            "buyer" => people.buyers.push(id),
            _ => people.evaluators.push(id),
        }
    }
    Ok(rules::conflict_of_interest(&people))
}

/// Submits or revises the organization's bid. Eligibility and conflicts of interest are
/// checked first; the deadline and the state are checked in the same transaction as the
/// write.
#[allow(clippy::too_many_arguments)]
pub async fn submit_bid(
    db: &DatabaseConnection,
    key: &SealKey,
    t: &tender::Model,
    org_id: i64,
    price: Fen,
    proposal: &str,
    user: i64,
    now: i64,
    today: time::Date,
) -> OpResult<Receipt> {
    // Two independent reads, on two connections at once.
    let (why, conflict) = tokio::try_join!(
        why_ineligible(db, t, org_id, today),
        bid_conflict(db, t, org_id)
    )?;
    if !why.is_empty() {
        return Ok(Err(Refusal::Ineligible(why)));
    }
    if let Some(conflict) = conflict {
        return Ok(Err(conflict));
    }
    let txn = crate::kernel::db::begin_write(db).await?;
    if !lock_open_for_bids(&*txn, t.id, now).await? {
        return Ok(Err(Refusal::BidsClosed));
    }
    let existing = live_bid(&*txn, t.id, org_id).await?;
    let (revision, files) = match &existing {
        Some(b) => (b.revision + 1, file_list(&*txn, key, b.id).await?),
        None => (1, vec![]),
    };
    let content = BidContent {
        tender_id: t.id,
        org_id,
        revision,
        price_fen: price.0,
        proposal: proposal.to_string(),
        files,
    };
    let r = write_sealed(&*txn, key, existing, content, user, now).await?;
    txn.commit().await?;
    Ok(Ok(r))
}

/// What is sealed of an attachment besides its bytes: everything that would identify it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(super) struct FileMeta {
    /// Cleaned name.
    pub(super) name: String,
    /// MIME type decided from the content.
    pub(super) mime: String,
    /// Bytes.
    pub(super) size: i64,
    /// SHA-256 of the bytes (hex): what the receipt commits to.
    pub(super) sha256: String,
    /// Salt of the row's stored digest (hex; empty on a row not yet sealed).
    pub(super) salt: String,
}

/// The seal context of an attachment's metadata: bound to its bid and its own row, so a
/// blob copied to another row or bid does not open.
fn meta_context(bid_id: i64, file_id: i64) -> String {
    format!("file-meta:{bid_id}:{file_id}")
}

/// The seal context of an attachment's bytes (bound to the bid; the digest in the metadata
/// ties the bytes to their row).
pub(super) fn bytes_context(bid_id: i64) -> String {
    format!("file:{bid_id}")
}

/// An attachment's metadata, unsealed. A row written before metadata was sealed (the
/// start-up step [`seal_file_metadata`] has not reached it) still has it in clear.
pub(super) fn file_meta(key: &SealKey, f: &bid_file::Model) -> Result<FileMeta, DbErr> {
    if f.meta.is_empty() {
        return Ok(FileMeta {
            name: f.name.clone(),
            mime: f.mime.clone(),
            size: f.size,
            sha256: f.sha256.clone(),
            salt: String::new(),
        });
    }
    let broken = |e: String| DbErr::Custom(format!("bid file {}: {e}", f.id));
    let plain = key
        .open(&meta_context(f.bid_id, f.id), &f.meta)
        .map_err(|e| broken(e.to_string()))?;
    serde_json::from_slice(&plain).map_err(|e| broken(e.to_string()))
}

/// The hex SHA-256 of some bytes.
pub(super) fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// Attachment rows of a bid with their unsealed metadata, in upload order.
pub(super) async fn files_with_meta(
    db: &impl ConnectionTrait,
    key: &SealKey,
    bid_id: i64,
) -> Result<Vec<(bid_file::Model, FileMeta)>, DbErr> {
    bid_file::Entity::find()
        .filter(bid_file::Column::BidId.eq(bid_id))
        .order_by_asc(bid_file::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|f| file_meta(key, &f).map(|m| (f, m)))
        .collect()
}

/// The attachments as the receipt commits to them: name, size, plain SHA-256.
pub(super) async fn file_list(
    db: &impl ConnectionTrait,
    key: &SealKey,
    bid_id: i64,
) -> Result<Vec<(String, i64, String)>, DbErr> {
    Ok(files_with_meta(db, key, bid_id)
        .await?
        .into_iter()
        .map(|(_, m)| (m.name, m.size, m.sha256))
        .collect())
}

/// Attaches a file to the live bid: a new revision with a new receipt.
#[allow(clippy::too_many_arguments)]
pub async fn attach_file(
    db: &DatabaseConnection,
    key: &SealKey,
    t: &tender::Model,
    org_id: i64,
    name: &str,
    bytes: &[u8],
    user: i64,
    now: i64,
    lang: Lang,
) -> OpResult<Receipt> {
    if let Some(conflict) = bid_conflict(db, t, org_id).await? {
        return Ok(Err(conflict));
    }
    let txn = crate::kernel::db::begin_write(db).await?;
    if !lock_open_for_bids(&*txn, t.id, now).await? {
        return Ok(Err(Refusal::BidsClosed));
    }
    let Some(b) = live_bid(&*txn, t.id, org_id).await? else {
        return Ok(Err(Refusal::NoLiveBid));
    };
    let existing = bid_file::Entity::find()
        .filter(bid_file::Column::BidId.eq(b.id))
        .count(&*txn)
        .await? as usize;
    let kind = match rules::check_file(name, bytes, existing, lang) {
        Ok(k) => k,
        Err(msg) => return Ok(Err(Refusal::File(msg))),
    };
    let old =
        open_body(key, &b).map_err(|_| DbErr::Custom("sealed bid cannot be opened".into()))?;
    // Nothing that identifies the file is written in clear: the name, type, size and plain
    // digest go into a sealed blob bound to the row (so the row is inserted first, to have
    // its id), and the stored digest is salted with a salt sealed in that blob.
    let salt = crate::kernel::seal::new_salt();
    let meta = FileMeta {
        name: name.to_string(),
        mime: kind.mime().to_string(),
        size: bytes.len() as i64,
        sha256: sha256_hex(bytes),
        salt,
    };
    let row = bid_file::ActiveModel {
        bid_id: Set(b.id),
        name: Set(String::new()),
        mime: Set(String::new()),
        size: Set(0),
        sha256: Set(crate::kernel::seal::commitment(&meta.salt, bytes)),
        sealed: Set(key.seal(&bytes_context(b.id), bytes)),
        uploaded_at: Set(now),
        meta: Set(String::new()),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    let sealed_meta = key.seal(
        &meta_context(b.id, row.id),
        &serde_json::to_vec(&meta).unwrap_or_default(),
    );
    let mut row: bid_file::ActiveModel = row.into();
    row.meta = Set(sealed_meta);
    row.update(&*txn).await?;
    let files = file_list(&*txn, key, b.id).await?;
    let content = BidContent {
        revision: b.revision + 1,
        files,
        ..old.content
    };
    let r = write_sealed(&*txn, key, Some(b), content, user, now).await?;
    txn.commit().await?;
    Ok(Ok(r))
}

/// Withdraws the organization's live bid before the deadline.
pub async fn withdraw_bid(
    db: &DatabaseConnection,
    t: &tender::Model,
    org_id: i64,
    user: i64,
    now: i64,
) -> OpResult<()> {
    let txn = crate::kernel::db::begin_write(db).await?;
    if !lock_open_for_bids(&*txn, t.id, now).await? {
        return Ok(Err(Refusal::BidsClosed));
    }
    let Some(b) = live_bid(&*txn, t.id, org_id).await? else {
        return Ok(Err(Refusal::NoLiveBid));
    };
    bid::Entity::update_many()
        .col_expr(bid::Column::State, Expr::value(BidState::Withdrawn.code()))
        .filter(bid::Column::Id.eq(b.id))
        .exec(&*txn)
        .await?;
    audit::append(
        &*txn,
        Entry {
            at: now,
            actor_id: Some(user),
            entity: "bid",
            entity_id: b.id,
            action: "bid_withdrawn",
            detail: serde_json::json!({ "tender": t.id }),
            public: false,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(()))
}

/// Seals the metadata of attachments written before it was sealed (rows with an empty
/// `meta`): name, type, size and plain digest move into the sealed blob, the clear columns
/// are blanked and the stored digest is salted. Run at every start-up (the key is not
/// available to migrations); each row in its own write transaction and only while its
/// `meta` is still empty, so it is idempotent and safe with several instances starting at
/// once. Returns how many rows it sealed.
pub async fn seal_file_metadata(db: &DatabaseConnection, key: &SealKey) -> Result<u64, DbErr> {
    let pending: Vec<i64> = bid_file::Entity::find()
        .select_only()
        .column(bid_file::Column::Id)
        .filter(bid_file::Column::Meta.eq(""))
        .order_by_asc(bid_file::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let mut sealed = 0;
    for id in pending {
        let txn = crate::kernel::db::begin_write(db).await?;
        if txn.get_database_backend() == sea_orm::DbBackend::Sqlite {
            // The row's old cell, with the clear name, is zeroed rather than left in a free
            // page of the file.
            txn.execute_unprepared("PRAGMA secure_delete = ON").await?;
        }
        let Some(f) = bid_file::Entity::find_by_id(id)
            .filter(bid_file::Column::Meta.eq(""))
            .one(&*txn)
            .await?
        else {
            continue;
        };
        let bytes = key
            .open(&bytes_context(f.bid_id), &f.sealed)
            .map_err(|e| DbErr::Custom(format!("bid file {id}: {e}")))?;
        let salt = crate::kernel::seal::new_salt();
        let digest = crate::kernel::seal::commitment(&salt, &bytes);
        let meta = FileMeta {
            name: f.name,
            mime: f.mime,
            size: f.size,
            sha256: f.sha256,
            salt,
        };
        let blob = key.seal(
            &meta_context(f.bid_id, f.id),
            &serde_json::to_vec(&meta).unwrap_or_default(),
        );
        sealed += bid_file::Entity::update_many()
            .col_expr(bid_file::Column::Name, Expr::value(""))
            .col_expr(bid_file::Column::Mime, Expr::value(""))
            .col_expr(bid_file::Column::Size, Expr::value(0i64))
            .col_expr(bid_file::Column::Sha256, Expr::value(digest))
            .col_expr(bid_file::Column::Meta, Expr::value(blob))
            .filter(bid_file::Column::Id.eq(id))
            .filter(bid_file::Column::Meta.eq(""))
            .exec(&*txn)
            .await?
            .rows_affected;
        txn.commit().await?;
    }
    Ok(sealed)
}

pub(super) fn open_body(
    key: &SealKey,
    b: &bid::Model,
) -> Result<SealedBody, crate::kernel::seal::SealError> {
    let plain = key.open(&seal_context(b.tender_id, b.org_id), &b.sealed)?;
    serde_json::from_slice(&plain).map_err(|_| crate::kernel::seal::SealError::Open)
}

/// What a bid sealed, decrypted for its own organization — before the opening too: the
/// caller has checked that the viewer is a member of the bidder (`Action::ViewOrgBids`, the
/// bid reached through [`bid_in_scope`] with [`BidScope::Orgs`]). Nothing is logged of the
/// content. `None` when the bid does not exist.
pub async fn own_bid_content(
    db: &impl ConnectionTrait,
    key: &SealKey,
    bid_id: i64,
) -> Result<Option<(bid::Model, BidContent)>, DbErr> {
    let Some(b) = bid::Entity::find_by_id(bid_id).one(db).await? else {
        return Ok(None);
    };
    let body = open_body(key, &b).map_err(|e| DbErr::Custom(format!("bid {bid_id}: {e}")))?;
    Ok(Some((b, body.content)))
}

/// The awards of these tenders by tender (tenders without one left out), in one `IN` query:
/// what the bidders' workspace needs to say won or lost.
pub async fn awards_of_tenders(
    db: &impl ConnectionTrait,
    tender_ids: &[i64],
) -> Result<std::collections::HashMap<i64, award::Model>, DbErr> {
    if tender_ids.is_empty() {
        return Ok(std::collections::HashMap::new());
    }
    Ok(award::Entity::find()
        .filter(award::Column::TenderId.is_in(tender_ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.tender_id, a))
        .collect())
}

/// The latest `limit` bids of some organizations (any state), newest submission first, with
/// their tenders, in two queries (the bids, then their tenders by `IN`). The workspace shows
/// only the latest, so an organization that bid in thousands of tenders costs no more than
/// one that bid in `limit`. A bid whose tender is gone is left out.
pub async fn latest_bids_of_orgs(
    db: &impl ConnectionTrait,
    org_ids: &[i64],
    limit: u64,
) -> Result<Vec<(bid::Model, tender::Model)>, DbErr> {
    if org_ids.is_empty() {
        return Ok(vec![]);
    }
    let bids = bid::Entity::find()
        .filter(bid::Column::OrgId.is_in(org_ids.iter().copied()))
        .order_by_desc(bid::Column::SubmittedAt)
        .order_by_desc(bid::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    let mut tender_ids: Vec<i64> = bids.iter().map(|b| b.tender_id).collect();
    tender_ids.sort_unstable();
    tender_ids.dedup();
    let tenders: std::collections::HashMap<i64, tender::Model> = if tender_ids.is_empty() {
        std::collections::HashMap::new()
    } else {
        tender::Entity::find()
            .filter(tender::Column::Id.is_in(tender_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|t| (t.id, t))
            .collect()
    };
    Ok(bids
        .into_iter()
        .filter_map(|b| tenders.get(&b.tender_id).cloned().map(|t| (b, t)))
        .collect())
}

/// Which bids of a tender someone may reach, decided from the tender's public facts and the
/// asker alone, before any bid is looked up (see [`bid_in_scope`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BidScope {
    /// Every bid of the tender: its oversight (the unit's buyers, assigned evaluators,
    /// regulators).
    Tender,
    /// Only the bids of these organizations: the asker's own (possibly none).
    Orgs(Vec<i64>),
}

/// A bid as a route needs it to decide what to serve, without its sealed content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BidRef {
    /// Bid id.
    pub id: i64,
    /// Bidder.
    pub org_id: i64,
    /// Whether the bid was opened (its content and attachments are readable).
    pub opened: bool,
}

/// The bid `bid_id` of tender `tender_id` if it lies in `scope`, else `None`. One query
/// whatever the case, reading no sealed content, and the same `None` for a bid that does
/// not exist, belongs to another tender or to an organization outside the scope: callers
/// answer all of them alike, so the answer never tells which bid ids exist on a sealed
/// tender.
pub async fn bid_in_scope(
    db: &impl ConnectionTrait,
    tender_id: i64,
    bid_id: i64,
    scope: &BidScope,
) -> Result<Option<BidRef>, DbErr> {
    use sea_orm::QuerySelect;
    let mut q = bid::Entity::find()
        .select_only()
        .columns([bid::Column::Id, bid::Column::OrgId, bid::Column::OpenedSalt])
        .filter(bid::Column::Id.eq(bid_id))
        .filter(bid::Column::TenderId.eq(tender_id));
    if let BidScope::Orgs(orgs) = scope {
        // An empty list still runs the query (as `1 = 2`): the same work for everyone.
        q = q.filter(bid::Column::OrgId.is_in(orgs.iter().copied()));
    }
    let row: Option<(i64, i64, Option<String>)> = q.into_tuple().one(db).await?;
    Ok(row.map(|(id, org_id, salt)| BidRef {
        id,
        org_id,
        opened: salt.is_some(),
    }))
}

/// The organization's bids on one tender (live or not), newest first.
pub async fn bids_of_org_on(
    db: &impl ConnectionTrait,
    tender_id: i64,
    org_id: i64,
) -> Result<Vec<bid::Model>, DbErr> {
    bid::Entity::find()
        .filter(bid::Column::TenderId.eq(tender_id))
        .filter(bid::Column::OrgId.eq(org_id))
        .order_by_desc(bid::Column::Id)
        .all(db)
        .await
}
