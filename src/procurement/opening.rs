//! Opening at the deadline: unsealing, the public opening record, receipts checked.

use super::*;

/// One line of the opening record.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OpeningLine {
    /// Bid.
    pub bid_id: i64,
    /// Bidder.
    pub org_id: i64,
    /// Bidder's name.
    pub org_name: String,
    /// Price.
    pub price_fen: i64,
    /// Bid state after opening (opened or disqualified).
    pub state: String,
    /// Commitment, to check against the receipt.
    pub commitment: String,
}

/// Opens the tender's bids if its deadline has passed: decrypts them, publishes the opening
/// record and, for an open tender with fewer valid bids than required, fails the tender.
/// Safe to call any number of times (only the first call after the deadline opens).
pub async fn open_if_due(
    db: &DatabaseConnection,
    key: &SealKey,
    tender_id: i64,
    now: i64,
) -> Result<bool, DbErr> {
    // Every tender page calls this: a plain read settles the common case (not due) without
    // taking a write transaction.
    match get(db, tender_id).await? {
        Some(t) if t.state == TenderState::Published.code() && t.bid_deadline <= now => {}
        _ => return Ok(false),
    }
    let txn = crate::kernel::db::begin_write(db).await?;
    // The conditional UPDATE is the lock: concurrent bid writes either committed before it
    // (and are opened) or find the state changed (and are refused).
    let n = tender::Entity::update_many()
        .col_expr(
            tender::Column::State,
            Expr::value(TenderState::Opened.code()),
        )
        .col_expr(tender::Column::OpenedAt, Expr::value(now))
        .col_expr(tender::Column::Seq, Expr::col(tender::Column::Seq).add(1))
        .filter(tender::Column::Id.eq(tender_id))
        .filter(tender::Column::State.eq(TenderState::Published.code()))
        .filter(tender::Column::BidDeadline.lte(now))
        .exec(&*txn)
        .await?
        .rows_affected;
    if n != 1 {
        return Ok(false);
    }
    crate::kernel::outbox::enqueue(&*txn, crate::kernel::outbox::Kind::Tenders, tender_id, now)
        .await?;
    let t = get(&*txn, tender_id)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("tender {tender_id}")))?;
    let live = bid::Entity::find()
        .filter(bid::Column::TenderId.eq(tender_id))
        .filter(bid::Column::State.eq(BidState::Submitted.code()))
        .order_by_asc(bid::Column::Id)
        .all(&*txn)
        .await?;
    let mut record = Vec::new();
    for b in &live {
        let body = open_body(key, b).map_err(|e| DbErr::Custom(format!("bid {}: {e}", b.id)))?;
        bid::Entity::update_many()
            .col_expr(bid::Column::State, Expr::value(BidState::Opened.code()))
            .col_expr(
                bid::Column::OpenedPriceFen,
                Expr::value(body.content.price_fen),
            )
            .col_expr(
                bid::Column::OpenedProposal,
                Expr::value(body.content.proposal.clone()),
            )
            .col_expr(bid::Column::OpenedSalt, Expr::value(body.salt.clone()))
            .filter(bid::Column::Id.eq(b.id))
            .exec(&*txn)
            .await?;
        let name = crate::orgs::name_of(&*txn, b.org_id)
            .await?
            .unwrap_or_default();
        record.push(serde_json::json!({ "bid": b.id, "org": name, "price_fen": body.content.price_fen, "commitment": b.commitment }));
    }
    log_tender(
        &*txn,
        tender_id,
        None,
        "opened",
        serde_json::json!({ "bids": record }),
        true,
        now,
    )
    .await?;
    let opened = get(&*txn, tender_id).await?.unwrap_or(t);
    let needed = std::cmp::max(opened.min_bids, 1);
    if live.len() < needed as usize {
        let reason = super::rules::too_few_bids_reason(live.len(), needed.into());
        let r = transition(
            &*txn,
            &opened,
            TenderEvent::Fail,
            &reason,
            None,
            now,
            serde_json::json!({ "reason": reason }),
        )
        .await?;
        if r.is_err() {
            return Err(DbErr::Custom("could not fail the tender".into()));
        }
    }
    // The opening is public: bids, prices and tenderers reach the open data from here on.
    record_release(&*txn, tender_id, crate::opendata::Tag::TenderUpdate, now).await?;
    txn.commit().await?;
    Ok(true)
}

/// Opens every tender whose deadline has passed (the background job).
pub async fn open_due(db: &DatabaseConnection, key: &SealKey, now: i64) -> Result<u32, DbErr> {
    let due = tender::Entity::find()
        .filter(tender::Column::State.eq(TenderState::Published.code()))
        .filter(tender::Column::BidDeadline.lte(now))
        .all(db)
        .await?;
    let mut n = 0;
    for t in due {
        if open_if_due(db, key, t.id, now).await? {
            n += 1;
        }
    }
    Ok(n)
}

/// The opening record, once opened (empty before: nothing about bids is public).
pub async fn opening_record(
    db: &impl ConnectionTrait,
    t: &tender::Model,
) -> Result<Vec<OpeningLine>, DbErr> {
    if t.opened_at.is_none() {
        return Ok(vec![]);
    }
    let bids = bid::Entity::find()
        .filter(bid::Column::TenderId.eq(t.id))
        .filter(bid::Column::State.is_in([BidState::Opened.code(), BidState::Disqualified.code()]))
        .order_by_asc(bid::Column::Id)
        .all(db)
        .await?;
    // The bidders' names in one `IN` query, not one per bid.
    let org_ids: Vec<i64> = bids.iter().map(|b| b.org_id).collect();
    let names = crate::orgs::names_by_ids(db, &org_ids).await?;
    Ok(bids
        .into_iter()
        .map(|b| OpeningLine {
            bid_id: b.id,
            org_id: b.org_id,
            org_name: names.get(&b.org_id).cloned().unwrap_or_default(),
            price_fen: b.opened_price_fen.unwrap_or_default(),
            state: b.state,
            commitment: b.commitment,
        })
        .collect())
}

/// An attachment of an opened bid, decrypted: name, MIME type, bytes. `None` before opening,
/// or when the file does not belong to the bid. Bytes that do not match the sealed digest
/// (a ciphertext moved between rows of one bid) are an error, never served.
pub async fn open_file(
    db: &impl ConnectionTrait,
    key: &SealKey,
    bid_id: i64,
    file_id: i64,
) -> Result<Option<(String, String, Vec<u8>)>, DbErr> {
    let Some(b) = bid::Entity::find_by_id(bid_id).one(db).await? else {
        return Ok(None);
    };
    if b.opened_salt.is_none() {
        return Ok(None);
    }
    read_file(db, key, bid_id, file_id).await
}

/// An attachment of a bid at any time, decrypted, for the bid's own organization (its
/// members read what they submitted before the opening too): the caller has checked that
/// the viewer is a member of the bidder (`Action::ViewOrgBids`). `None` when the file does
/// not belong to the bid.
pub async fn own_file(
    db: &impl ConnectionTrait,
    key: &SealKey,
    bid_id: i64,
    file_id: i64,
) -> Result<Option<(String, String, Vec<u8>)>, DbErr> {
    read_file(db, key, bid_id, file_id).await
}

async fn read_file(
    db: &impl ConnectionTrait,
    key: &SealKey,
    bid_id: i64,
    file_id: i64,
) -> Result<Option<(String, String, Vec<u8>)>, DbErr> {
    // Looked up with its bid, so another bid's attachment (and its sealed bytes) is never
    // read: the same one query whether the id is missing or someone else's.
    let Some(f) = bid_file::Entity::find_by_id(file_id)
        .filter(bid_file::Column::BidId.eq(bid_id))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let meta = file_meta(key, &f)?;
    let bytes = key
        .open(&bytes_context(bid_id), &f.sealed)
        .map_err(|e| DbErr::Custom(format!("file {file_id}: {e}")))?;
    if sha256_hex(&bytes) != meta.sha256 {
        return Err(DbErr::Custom(format!(
            "file {file_id}: bytes do not match their digest"
        )));
    }
    Ok(Some((meta.name, meta.mime, bytes)))
}

/// Recomputes an opened bid's commitment from its revealed content and its attachments'
/// unsealed metadata (what a bidder does with its receipt). `None` before opening.
pub async fn verify_opened_bid(
    db: &impl ConnectionTrait,
    key: &SealKey,
    bid_id: i64,
) -> Result<Option<bool>, DbErr> {
    let Some(b) = bid::Entity::find_by_id(bid_id).one(db).await? else {
        return Ok(None);
    };
    let (Some(price), Some(proposal), Some(salt)) = (
        b.opened_price_fen,
        b.opened_proposal.clone(),
        b.opened_salt.clone(),
    ) else {
        return Ok(None);
    };
    let files = file_list(db, key, b.id).await?;
    let content = BidContent {
        tender_id: b.tender_id,
        org_id: b.org_id,
        revision: b.revision,
        price_fen: price,
        proposal,
        files,
    };
    Ok(Some(
        crate::kernel::seal::commitment(&salt, &content.canonical()) == b.commitment,
    ))
}
