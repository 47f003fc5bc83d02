//! Government purchase of services: tenders, enquiries, sealed bids, opening, evaluation,
//! awards and challenges (the contract itself lives in `contracts`).
//!
//! Invariants: every state change goes through [`rules::TenderState::apply`] and appends an
//! audit entry in the same transaction; a bid write first bumps its tender's `seq` with a
//! conditional UPDATE (`state = 'published' AND bid_deadline > now`), which both checks the
//! deadline atomically and takes the row lock that opening also takes — so no bid is
//! accepted at or after the deadline and none acknowledged is left out of the opening; bid
//! content is sealed with the key outside the database until opening. May call: `audit`,
//! `contracts` (create at award), `orgs` (eligibility facts, names), `seal`.

pub mod list;
pub mod model;
pub mod routes;
pub mod rules;
pub mod scoring;
pub mod views;

pub use rules::{
    Eligibility, Ineligible, Method, OrgFacts, ProcurementSettings, TenderState, eligibility,
};

/// A tender row, as other rooms receive it from the loaders below.
pub use model::tender::Model as Tender;
/// Tender reads for other rooms: open tenders, a batch by id, ids and count for rebuilds.
pub use model::{open_tenders, tender_count, tender_ids_after, tenders_by_ids};

use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};

use crate::audit::{self, Entry};
use crate::kernel::Lang;
use crate::kernel::money::Fen;
use crate::kernel::seal::SealKey;
use model::{
    amendment, award, bid, bid_file, challenge, criterion, enquiry, evaluator, milestone, score,
    tender,
};
use rules::{BidState, EvalMethod, TenderDraft, TenderEvent};

/// Why an operation was refused (the user sees [`Refusal::message`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Refusal {
    /// The tender is not in a state that allows this.
    WrongState(TenderState),
    /// The bid deadline has passed (or the tender is no longer accepting bids).
    BidsClosed,
    /// The enquiry deadline has passed.
    EnquiriesClosed,
    /// The organization may not bid.
    Ineligible(Vec<Ineligible>),
    /// The organization has no live bid to change.
    NoLiveBid,
    /// The user is not an evaluator.
    NotEvaluator,
    /// The evaluator belongs to a bidding organization.
    ConflictOfInterest,
    /// Scoring is incomplete or inconsistent.
    Scoring(String),
    /// Awarding another than the top-ranked bid needs a written justification.
    JustificationRequired,
    /// The standstill period is over.
    StandstillOver,
    /// Only bidders may challenge.
    NotABidder,
    /// Already answered.
    AlreadyAnswered,
    /// Attachment problem (already localized).
    File(String),
    /// The bid does not belong to this tender or is not open.
    BadBid,
}

impl Refusal {
    /// A message in the user's language.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            Refusal::WrongState(s) => lang.tf("tender.refuse.state", &[("state", &s.label(lang))]),
            Refusal::BidsClosed => lang.t("tender.refuse.bids_closed"),
            Refusal::EnquiriesClosed => lang.t("tender.refuse.enquiries_closed"),
            Refusal::Ineligible(why) => why
                .iter()
                .map(|w| w.message(lang))
                .collect::<Vec<_>>()
                .join("；"),
            Refusal::NoLiveBid => lang.t("tender.refuse.no_bid"),
            Refusal::NotEvaluator => lang.t("tender.refuse.not_evaluator"),
            Refusal::ConflictOfInterest => lang.t("tender.refuse.conflict"),
            Refusal::Scoring(m) => lang.tf("tender.refuse.scoring", &[("detail", m)]),
            Refusal::JustificationRequired => lang.t("tender.refuse.justification"),
            Refusal::StandstillOver => lang.t("tender.refuse.standstill_over"),
            Refusal::NotABidder => lang.t("tender.refuse.not_bidder"),
            Refusal::AlreadyAnswered => lang.t("tender.refuse.answered"),
            Refusal::File(m) => m.clone(),
            Refusal::BadBid => lang.t("tender.refuse.bad_bid"),
        }
    }
}

/// Appends a tender event to the audit log (inside the caller's transaction).
async fn log_tender(
    db: &impl ConnectionTrait,
    tender_id: i64,
    actor_id: Option<i64>,
    action: &str,
    detail: serde_json::Value,
    public: bool,
    now: i64,
) -> Result<(), DbErr> {
    audit::append(
        db,
        Entry {
            at: now,
            actor_id,
            entity: "tender",
            entity_id: tender_id,
            action,
            detail,
            public,
        },
    )
    .await
}

/// Result of an operation: a database failure, or a refusal, or the value.
pub type OpResult<T> = Result<Result<T, Refusal>, DbErr>;

fn state_of(t: &tender::Model) -> TenderState {
    TenderState::parse(&t.state).unwrap_or(TenderState::Draft)
}

/// Loads a tender.
pub async fn get(db: &impl ConnectionTrait, id: i64) -> Result<Option<tender::Model>, DbErr> {
    tender::Entity::find_by_id(id).one(db).await
}

/// Criteria of a tender in order.
pub async fn criteria(db: &impl ConnectionTrait, id: i64) -> Result<Vec<criterion::Model>, DbErr> {
    criterion::Entity::find()
        .filter(criterion::Column::TenderId.eq(id))
        .order_by_asc(criterion::Column::Position)
        .all(db)
        .await
}

/// Milestones of a tender in order.
pub async fn milestones(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Vec<milestone::Model>, DbErr> {
    milestone::Entity::find()
        .filter(milestone::Column::TenderId.eq(id))
        .order_by_asc(milestone::Column::Position)
        .all(db)
        .await
}

/// Moves a tender through its state machine, recording the event; refuses illegal moves.
async fn transition(
    db: &impl ConnectionTrait,
    t: &tender::Model,
    event: TenderEvent,
    reason: &str,
    actor: Option<i64>,
    now: i64,
    detail: serde_json::Value,
) -> OpResult<TenderState> {
    let from = state_of(t);
    let to = match from.apply(event) {
        Ok(to) => to,
        Err(_) => return Ok(Err(Refusal::WrongState(from))),
    };
    // Conditional on the state read, so two concurrent transitions cannot both succeed.
    let mut upd = tender::Entity::update_many()
        .col_expr(tender::Column::State, Expr::value(to.code()))
        .col_expr(tender::Column::UpdatedAt, Expr::value(now))
        .col_expr(tender::Column::Seq, Expr::col(tender::Column::Seq).add(1))
        .filter(tender::Column::Id.eq(t.id))
        .filter(tender::Column::State.eq(from.code()));
    if !reason.is_empty() {
        upd = upd.col_expr(tender::Column::StateReason, Expr::value(reason));
    }
    if to == TenderState::Published {
        upd = upd.col_expr(tender::Column::PublishedAt, Expr::value(now));
    }
    if upd.exec(db).await?.rows_affected != 1 {
        let current = get(db, t.id).await?.map(|t| state_of(&t)).unwrap_or(from);
        return Ok(Err(Refusal::WrongState(current)));
    }
    crate::kernel::outbox::enqueue(db, crate::kernel::outbox::Kind::Tenders, t.id, now).await?;
    audit::append(
        db,
        Entry {
            at: now,
            actor_id: actor,
            entity: "tender",
            entity_id: t.id,
            action: to.code(),
            detail,
            public: to != TenderState::Draft,
        },
    )
    .await?;
    Ok(Ok(to))
}

fn tender_row(d: &TenderDraft, now: i64) -> tender::ActiveModel {
    let (league, county) = crate::orgs::division_parts(&d.division_code);
    tender::ActiveModel {
        unit_id: Set(d.unit_id),
        title: Set(d.title.clone()),
        description: Set(d.description.clone()),
        domain: Set(d.domain.clone()),
        division_code: Set(d.division_code.clone()),
        league_code: Set(league),
        county_code: Set(county),
        budget_fen: Set(d.budget.0),
        method: Set(d.method.code().to_string()),
        eval_method: Set(d.eval_method.code().to_string()),
        price_weight: Set(d.price_weight),
        min_grade: Set(d.min_grade),
        social_only: Set(d.social_only),
        allowed_leagues: Set(d.allowed_leagues.join(",")),
        min_years: Set(d.min_years),
        enquiry_deadline: Set(d.enquiry_deadline),
        bid_deadline: Set(d.bid_deadline),
        contract_months: Set(d.contract_months),
        updated_at: Set(now),
        ..Default::default()
    }
}

async fn replace_parts(db: &impl ConnectionTrait, id: i64, d: &TenderDraft) -> Result<(), DbErr> {
    criterion::Entity::delete_many()
        .filter(criterion::Column::TenderId.eq(id))
        .exec(db)
        .await?;
    milestone::Entity::delete_many()
        .filter(milestone::Column::TenderId.eq(id))
        .exec(db)
        .await?;
    for (i, (name, w)) in d.criteria.iter().enumerate() {
        criterion::ActiveModel {
            tender_id: Set(id),
            position: Set(i as i16),
            name: Set(name.clone()),
            weight: Set(*w),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    for (i, (name, bp)) in d.milestones.iter().enumerate() {
        milestone::ActiveModel {
            tender_id: Set(id),
            position: Set(i as i16),
            name: Set(name.clone()),
            percent_bp: Set(*bp),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// Saves a new draft. One transaction.
pub async fn create_draft(
    db: &DatabaseConnection,
    d: &TenderDraft,
    actor: i64,
    now: i64,
) -> Result<i64, DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    let mut row = tender_row(d, now);
    row.created_by = Set(Some(actor));
    row.state = Set(TenderState::Draft.code().to_string());
    row.state_reason = Set(String::new());
    row.min_bids = Set(1);
    row.seq = Set(0);
    row.created_at = Set(now);
    let t = row.insert(&*txn).await?;
    replace_parts(&*txn, t.id, d).await?;
    log_tender(
        &*txn,
        t.id,
        Some(actor),
        "drafted",
        serde_json::json!({}),
        false,
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(t.id)
}

/// Replaces a draft's content (drafts only).
pub async fn update_draft(
    db: &DatabaseConnection,
    t: &tender::Model,
    d: &TenderDraft,
    actor: i64,
    now: i64,
) -> OpResult<()> {
    if state_of(t) != TenderState::Draft {
        return Ok(Err(Refusal::WrongState(state_of(t))));
    }
    let txn = crate::kernel::db::begin_write(db).await?;
    let mut row = tender_row(d, now);
    row.id = Set(t.id);
    row.update(&*txn).await?;
    replace_parts(&*txn, t.id, d).await?;
    log_tender(
        &*txn,
        t.id,
        Some(actor),
        "draft_edited",
        serde_json::json!({}),
        false,
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(()))
}

/// Publishes a draft: enquiries and bids open until their deadlines.
pub async fn publish(
    db: &DatabaseConnection,
    t: &tender::Model,
    settings: &rules::ProcurementSettings,
    actor: i64,
    now: i64,
) -> OpResult<()> {
    if t.bid_deadline <= now || t.enquiry_deadline <= now {
        return Ok(Err(Refusal::BidsClosed));
    }
    let txn = crate::kernel::db::begin_write(db).await?;
    let min_bids = if t.method == Method::OpenTender.code() {
        settings.min_bids_open_tender
    } else {
        1
    };
    tender::Entity::update_many()
        .col_expr(tender::Column::MinBids, Expr::value(min_bids))
        .filter(tender::Column::Id.eq(t.id))
        .exec(&*txn)
        .await?;
    let detail = serde_json::json!({ "title": t.title, "budget_fen": t.budget_fen, "bid_deadline": t.bid_deadline });
    let r = transition(&*txn, t, TenderEvent::Publish, "", Some(actor), now, detail).await?;
    if r.is_ok() {
        txn.commit().await?;
    }
    Ok(r.map(|_| ()))
}

/// Cancels a tender with a recorded reason.
pub async fn cancel(
    db: &DatabaseConnection,
    t: &tender::Model,
    reason: &str,
    actor: i64,
    now: i64,
) -> OpResult<()> {
    let txn = crate::kernel::db::begin_write(db).await?;
    let r = transition(
        &*txn,
        t,
        TenderEvent::Cancel,
        reason,
        Some(actor),
        now,
        serde_json::json!({ "reason": reason }),
    )
    .await?;
    if r.is_ok() {
        txn.commit().await?;
    }
    Ok(r.map(|_| ()))
}

/// Amends a published tender's deadlines with a recorded change (the rules for late
/// amendments are checked by the caller with [`rules::check_amendment`]).
pub async fn amend(
    db: &DatabaseConnection,
    t: &tender::Model,
    new_enquiry: i64,
    new_bid: i64,
    summary: &str,
    actor: i64,
    now: i64,
) -> OpResult<()> {
    let txn = crate::kernel::db::begin_write(db).await?;
    let n = tender::Entity::update_many()
        .col_expr(tender::Column::EnquiryDeadline, Expr::value(new_enquiry))
        .col_expr(tender::Column::BidDeadline, Expr::value(new_bid))
        .col_expr(tender::Column::UpdatedAt, Expr::value(now))
        .col_expr(tender::Column::Seq, Expr::col(tender::Column::Seq).add(1))
        .filter(tender::Column::Id.eq(t.id))
        .filter(tender::Column::State.eq("published"))
        .filter(tender::Column::BidDeadline.gt(now))
        .exec(&*txn)
        .await?
        .rows_affected;
    if n != 1 {
        return Ok(Err(Refusal::BidsClosed));
    }
    // The new deadline is part of the public notice, so the index must follow.
    crate::kernel::outbox::enqueue(&*txn, crate::kernel::outbox::Kind::Tenders, t.id, now).await?;
    amendment::ActiveModel {
        tender_id: Set(t.id),
        actor_id: Set(Some(actor)),
        summary: Set(summary.to_string()),
        old_bid_deadline: Set(t.bid_deadline),
        new_bid_deadline: Set(new_bid),
        at: Set(now),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    log_tender(&*txn, t.id, Some(actor), "amended", serde_json::json!({ "summary": summary, "old_bid_deadline": t.bid_deadline, "new_bid_deadline": new_bid }), true, now).await?;
    txn.commit().await?;
    Ok(Ok(()))
}

/// Amendments of a tender, oldest first.
pub async fn amendments(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Vec<amendment::Model>, DbErr> {
    amendment::Entity::find()
        .filter(amendment::Column::TenderId.eq(id))
        .order_by_asc(amendment::Column::Id)
        .all(db)
        .await
}

// ---------------------------------------------------------------------------------------
// Enquiries

/// Asks a question before the enquiry deadline.
pub async fn ask(
    db: &DatabaseConnection,
    t: &tender::Model,
    asker: i64,
    question: &str,
    now: i64,
) -> OpResult<i64> {
    if state_of(t) != TenderState::Published {
        return Ok(Err(Refusal::WrongState(state_of(t))));
    }
    if now >= t.enquiry_deadline {
        return Ok(Err(Refusal::EnquiriesClosed));
    }
    let txn = crate::kernel::db::begin_write(db).await?;
    let q = enquiry::ActiveModel {
        tender_id: Set(t.id),
        asker_id: Set(Some(asker)),
        question: Set(question.to_string()),
        asked_at: Set(now),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    log_tender(
        &*txn,
        t.id,
        Some(asker),
        "question",
        serde_json::json!({ "enquiry": q.id }),
        true,
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(q.id))
}

/// Answers a question (once); the answer is public.
pub async fn answer(
    db: &DatabaseConnection,
    t: &tender::Model,
    enquiry_id: i64,
    text: &str,
    actor: i64,
    now: i64,
) -> OpResult<()> {
    let txn = crate::kernel::db::begin_write(db).await?;
    let n = enquiry::Entity::update_many()
        .col_expr(enquiry::Column::Answer, Expr::value(text))
        .col_expr(enquiry::Column::AnsweredAt, Expr::value(now))
        .filter(enquiry::Column::Id.eq(enquiry_id))
        .filter(enquiry::Column::TenderId.eq(t.id))
        .filter(enquiry::Column::AnsweredAt.is_null())
        .exec(&*txn)
        .await?
        .rows_affected;
    if n != 1 {
        return Ok(Err(Refusal::AlreadyAnswered));
    }
    log_tender(
        &*txn,
        t.id,
        Some(actor),
        "answer",
        serde_json::json!({ "enquiry": enquiry_id }),
        true,
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(()))
}

/// Questions of a tender, oldest first.
pub async fn enquiries(db: &impl ConnectionTrait, id: i64) -> Result<Vec<enquiry::Model>, DbErr> {
    enquiry::Entity::find()
        .filter(enquiry::Column::TenderId.eq(id))
        .order_by_asc(enquiry::Column::Id)
        .all(db)
        .await
}

// ---------------------------------------------------------------------------------------
// Bids

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
    /// Attachments: name, size, SHA-256.
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
struct SealedBody {
    salt: String,
    content: BidContent,
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

fn seal_context(tender_id: i64, org_id: i64) -> String {
    format!("bid:{tender_id}:{org_id}")
}

/// Takes the tender's row lock and checks, in the same statement, that bids are still
/// accepted at `now`.
async fn lock_open_for_bids(
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

async fn live_bid(
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

/// Eligibility facts of an organization.
pub async fn org_facts(
    db: &impl ConnectionTrait,
    org_id: i64,
) -> Result<Option<rules::OrgFacts>, DbErr> {
    use crate::orgs::model::organization;
    use crate::orgs::{CreditStatus, OrgKind};
    Ok(organization::Entity::find_by_id(org_id)
        .one(db)
        .await?
        .map(|o| rules::OrgFacts {
            kind: OrgKind::parse(&o.kind).unwrap_or(OrgKind::Enterprise),
            // An unreadable status counts as the worst, never as clean.
            credit: CreditStatus::parse(&o.credit_status).unwrap_or(CreditStatus::Dishonest),
            rating: o.rating_grade.zip(o.rating_valid_until),
            registered: o.registration_date,
            league: o.league_code,
        }))
}

/// The tender's eligibility rules.
pub fn eligibility_of(t: &tender::Model) -> rules::Eligibility {
    rules::Eligibility {
        min_grade: t.min_grade,
        social_only: t.social_only,
        allowed_leagues: t
            .allowed_leagues
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
        min_years: t.min_years,
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

async fn write_sealed(
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

/// Submits or revises the organization's bid. Eligibility is checked first; the deadline
/// and the state are checked in the same transaction as the write.
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
    let why = why_ineligible(db, t, org_id, today).await?;
    if !why.is_empty() {
        return Ok(Err(Refusal::Ineligible(why)));
    }
    let txn = crate::kernel::db::begin_write(db).await?;
    if !lock_open_for_bids(&*txn, t.id, now).await? {
        return Ok(Err(Refusal::BidsClosed));
    }
    let existing = live_bid(&*txn, t.id, org_id).await?;
    let (revision, files) = match &existing {
        Some(b) => (b.revision + 1, file_list(&*txn, b.id).await?),
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

async fn file_list(
    db: &impl ConnectionTrait,
    bid_id: i64,
) -> Result<Vec<(String, i64, String)>, DbErr> {
    Ok(bid_file::Entity::find()
        .filter(bid_file::Column::BidId.eq(bid_id))
        .order_by_asc(bid_file::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|f| (f.name, f.size, f.sha256))
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
    let mime = match rules::check_file(name, bytes.len(), existing, lang) {
        Ok(m) => m,
        Err(msg) => return Ok(Err(Refusal::File(msg))),
    };
    let old =
        open_body(key, &b).map_err(|_| DbErr::Custom("sealed bid cannot be opened".into()))?;
    use sha2::Digest;
    let digest = hex::encode(sha2::Sha256::digest(bytes));
    bid_file::ActiveModel {
        bid_id: Set(b.id),
        name: Set(name.to_string()),
        mime: Set(mime.to_string()),
        size: Set(bytes.len() as i64),
        sha256: Set(digest),
        sealed: Set(key.seal(&format!("file:{}", b.id), bytes)),
        uploaded_at: Set(now),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    let files = file_list(&*txn, b.id).await?;
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

fn open_body(key: &SealKey, b: &bid::Model) -> Result<SealedBody, crate::kernel::seal::SealError> {
    let plain = key.open(&seal_context(b.tender_id, b.org_id), &b.sealed)?;
    serde_json::from_slice(&plain).map_err(|_| crate::kernel::seal::SealError::Open)
}

/// The bids of one organization (any state), newest first, with their tender titles.
pub async fn bids_of_org(
    db: &impl ConnectionTrait,
    org_id: i64,
) -> Result<Vec<(bid::Model, tender::Model)>, DbErr> {
    let bids = bid::Entity::find()
        .filter(bid::Column::OrgId.eq(org_id))
        .order_by_desc(bid::Column::Id)
        .all(db)
        .await?;
    let mut out = Vec::new();
    for b in bids {
        if let Some(t) = get(db, b.tender_id).await? {
            out.push((b, t));
        }
    }
    Ok(out)
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

// ---------------------------------------------------------------------------------------
// Opening

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
        let reason = format!("valid bids {} < {}", live.len(), needed);
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
    let mut out = Vec::new();
    for b in bids {
        let name = crate::orgs::name_of(db, b.org_id)
            .await?
            .unwrap_or_default();
        out.push(OpeningLine {
            bid_id: b.id,
            org_id: b.org_id,
            org_name: name,
            price_fen: b.opened_price_fen.unwrap_or_default(),
            state: b.state.clone(),
            commitment: b.commitment.clone(),
        });
    }
    Ok(out)
}

/// An attachment of an opened bid, decrypted: name, MIME type, bytes. `None` before opening,
/// or when the file does not belong to the bid.
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
    let Some(f) = bid_file::Entity::find_by_id(file_id).one(db).await? else {
        return Ok(None);
    };
    if f.bid_id != bid_id {
        return Ok(None);
    }
    let bytes = key
        .open(&format!("file:{bid_id}"), &f.sealed)
        .map_err(|e| DbErr::Custom(format!("file {file_id}: {e}")))?;
    Ok(Some((f.name, f.mime, bytes)))
}

/// Recomputes an opened bid's commitment from its revealed content (what a bidder does with
/// its receipt). `None` before opening.
pub async fn verify_opened_bid(
    db: &impl ConnectionTrait,
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
    let files = file_list(db, b.id).await?;
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

// ---------------------------------------------------------------------------------------
// Evaluation, award, challenges

/// Evaluators of a tender: user id, display name.
pub async fn evaluators(
    db: &impl ConnectionTrait,
    tender_id: i64,
) -> Result<Vec<(i64, String)>, DbErr> {
    let rows = evaluator::Entity::find()
        .filter(evaluator::Column::TenderId.eq(tender_id))
        .all(db)
        .await?;
    let mut out = Vec::new();
    for r in rows {
        if let Some(u) = crate::accounts::model::user::Entity::find_by_id(r.user_id)
            .one(db)
            .await?
        {
            out.push((u.id, u.display_name));
        }
    }
    Ok(out)
}

/// Whether a user is assigned to evaluate a tender.
pub async fn is_evaluator(
    db: &impl ConnectionTrait,
    tender_id: i64,
    user_id: i64,
) -> Result<bool, DbErr> {
    Ok(evaluator::Entity::find_by_id((tender_id, user_id))
        .one(db)
        .await?
        .is_some())
}

/// Assigns an evaluator (an opened tender moves to evaluation). Refuses users without the
/// evaluator role and members of any bidding organization.
pub async fn assign_evaluator(
    db: &DatabaseConnection,
    t: &tender::Model,
    user_id: i64,
    actor: i64,
    now: i64,
) -> OpResult<()> {
    let state = state_of(t);
    if !matches!(state, TenderState::Opened | TenderState::Evaluating) {
        return Ok(Err(Refusal::WrongState(state)));
    }
    let roles = crate::accounts::roles_of(db, user_id).await?;
    if !roles.contains(&crate::accounts::Role::Evaluator) {
        return Ok(Err(Refusal::NotEvaluator));
    }
    let memberships = crate::orgs::memberships_of(db, user_id).await?;
    let bidders: Vec<i64> = bid::Entity::find()
        .filter(bid::Column::TenderId.eq(t.id))
        .filter(bid::Column::State.ne(BidState::Withdrawn.code()))
        .all(db)
        .await?
        .into_iter()
        .map(|b| b.org_id)
        .collect();
    if memberships.iter().any(|(org, _, _)| bidders.contains(org)) {
        return Ok(Err(Refusal::ConflictOfInterest));
    }
    let txn = crate::kernel::db::begin_write(db).await?;
    if !is_evaluator(&*txn, t.id, user_id).await? {
        evaluator::ActiveModel {
            tender_id: Set(t.id),
            user_id: Set(user_id),
            assigned_at: Set(now),
        }
        .insert(&*txn)
        .await?;
    }
    log_tender(
        &*txn,
        t.id,
        Some(actor),
        "evaluator_assigned",
        serde_json::json!({ "evaluator": user_id }),
        false,
        now,
    )
    .await?;
    // Re-read inside the transaction: the caller's copy may predate another assignment.
    let current = get(&*txn, t.id).await?.unwrap_or_else(|| t.clone());
    if state_of(&current) == TenderState::Opened {
        let r = transition(
            &*txn,
            &current,
            TenderEvent::StartEvaluation,
            "",
            Some(actor),
            now,
            serde_json::json!({}),
        )
        .await?;
        if let Err(e) = r {
            return Ok(Err(e));
        }
    }
    txn.commit().await?;
    Ok(Ok(()))
}

/// Marks an opened bid as failing qualification, with a reason.
pub async fn disqualify(
    db: &DatabaseConnection,
    t: &tender::Model,
    bid_id: i64,
    reason: &str,
    actor: i64,
    now: i64,
) -> OpResult<()> {
    if state_of(t) != TenderState::Evaluating {
        return Ok(Err(Refusal::WrongState(state_of(t))));
    }
    let txn = crate::kernel::db::begin_write(db).await?;
    let n = bid::Entity::update_many()
        .col_expr(
            bid::Column::State,
            Expr::value(BidState::Disqualified.code()),
        )
        .col_expr(bid::Column::DisqualifyReason, Expr::value(reason))
        .filter(bid::Column::Id.eq(bid_id))
        .filter(bid::Column::TenderId.eq(t.id))
        .filter(bid::Column::State.eq(BidState::Opened.code()))
        .exec(&*txn)
        .await?
        .rows_affected;
    if n != 1 {
        return Ok(Err(Refusal::BadBid));
    }
    log_tender(
        &*txn,
        t.id,
        Some(actor),
        "bid_disqualified",
        serde_json::json!({ "bid": bid_id, "reason": reason }),
        true,
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(()))
}

/// Opened (and disqualified) bids of a tender.
pub async fn opened_bids(
    db: &impl ConnectionTrait,
    tender_id: i64,
) -> Result<Vec<bid::Model>, DbErr> {
    bid::Entity::find()
        .filter(bid::Column::TenderId.eq(tender_id))
        .filter(bid::Column::State.is_in([BidState::Opened.code(), BidState::Disqualified.code()]))
        .order_by_asc(bid::Column::Id)
        .all(db)
        .await
}

/// Saves one evaluator's points for every (bid, criterion) given, replacing earlier ones.
pub async fn save_scores(
    db: &DatabaseConnection,
    t: &tender::Model,
    evaluator_id: i64,
    points: &[(i64, i64, i32)],
    now: i64,
) -> OpResult<()> {
    if state_of(t) != TenderState::Evaluating {
        return Ok(Err(Refusal::WrongState(state_of(t))));
    }
    let crits = criteria(db, t.id).await?;
    let bids: Vec<i64> = opened_bids(db, t.id)
        .await?
        .into_iter()
        .map(|b| b.id)
        .collect();
    for (b, c, p) in points {
        let Some(cr) = crits.iter().find(|x| x.id == *c) else {
            return Ok(Err(Refusal::Scoring(format!("criterion {c}"))));
        };
        if !bids.contains(b) || *p < 0 || *p > i32::from(cr.weight) {
            return Ok(Err(Refusal::Scoring(format!(
                "{} 0–{}",
                cr.name, cr.weight
            ))));
        }
    }
    let txn = crate::kernel::db::begin_write(db).await?;
    for (b, c, p) in points {
        score::Entity::delete_by_id((*b, evaluator_id, *c))
            .exec(&*txn)
            .await?;
        score::ActiveModel {
            bid_id: Set(*b),
            evaluator_id: Set(evaluator_id),
            criterion_id: Set(*c),
            points: Set(*p),
            at: Set(now),
        }
        .insert(&*txn)
        .await?;
    }
    log_tender(
        &*txn,
        t.id,
        Some(evaluator_id),
        "scored",
        serde_json::json!({ "entries": points.len() }),
        false,
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(()))
}

/// Points an evaluator has given on a tender: (bid, criterion) → points.
pub async fn scores_by(
    db: &impl ConnectionTrait,
    tender_id: i64,
    evaluator_id: i64,
) -> Result<Vec<score::Model>, DbErr> {
    let bids: Vec<i64> = opened_bids(db, tender_id)
        .await?
        .into_iter()
        .map(|b| b.id)
        .collect();
    score::Entity::find()
        .filter(score::Column::EvaluatorId.eq(evaluator_id))
        .filter(score::Column::BidId.is_in(bids))
        .all(db)
        .await
}

/// The ranking of a tender's bids from the stored scores.
pub async fn ranking(
    db: &impl ConnectionTrait,
    t: &tender::Model,
) -> Result<Result<Vec<scoring::Ranked>, scoring::ScoreError>, DbErr> {
    let crits = criteria(db, t.id).await?;
    let bids = opened_bids(db, t.id).await?;
    let ids: Vec<i64> = bids.iter().map(|b| b.id).collect();
    let all_scores = score::Entity::find()
        .filter(score::Column::BidId.is_in(ids))
        .all(db)
        .await?;
    let inputs: Vec<scoring::BidInput> = bids
        .iter()
        .map(|b| scoring::BidInput {
            bid_id: b.id,
            price_fen: b.opened_price_fen.unwrap_or_default(),
            submitted_at: b.submitted_at,
            qualified: b.state == BidState::Opened.code(),
            scores: all_scores
                .iter()
                .filter(|s| s.bid_id == b.id)
                .map(|s| (s.evaluator_id, s.criterion_id, s.points))
                .collect(),
        })
        .collect();
    let method = if t.eval_method == EvalMethod::Comprehensive.code() {
        scoring::Method::Comprehensive {
            price_weight: i32::from(t.price_weight),
        }
    } else {
        scoring::Method::LowestPrice
    };
    let cs: Vec<scoring::Criterion> = crits
        .iter()
        .map(|c| scoring::Criterion {
            id: c.id,
            weight: i32::from(c.weight),
        })
        .collect();
    Ok(scoring::evaluate(&method, &cs, &inputs))
}

/// The award of a tender, if any.
pub async fn award_of(
    db: &impl ConnectionTrait,
    tender_id: i64,
) -> Result<Option<award::Model>, DbErr> {
    award::Entity::find()
        .filter(award::Column::TenderId.eq(tender_id))
        .one(db)
        .await
}

/// Awards a bid: the top-ranked one, or another with a written justification. Starts the
/// standstill and creates the contract (pending signatures) in the same transaction.
#[allow(clippy::too_many_arguments)]
pub async fn award(
    db: &DatabaseConnection,
    t: &tender::Model,
    bid_id: i64,
    justification: &str,
    settings: &rules::ProcurementSettings,
    actor: i64,
    now: i64,
) -> OpResult<i64> {
    if state_of(t) != TenderState::Evaluating {
        return Ok(Err(Refusal::WrongState(state_of(t))));
    }
    let ranked = match ranking(db, t).await? {
        Ok(r) => r,
        Err(e) => return Ok(Err(Refusal::Scoring(e.to_string()))),
    };
    let Some(chosen) = ranked.iter().find(|r| r.bid_id == bid_id) else {
        return Ok(Err(Refusal::BadBid));
    };
    let top = ranked.first().map(|r| r.bid_id);
    if top != Some(bid_id) && justification.trim().chars().count() < 10 {
        return Ok(Err(Refusal::JustificationRequired));
    }
    let Some(b) = bid::Entity::find_by_id(bid_id).one(db).await? else {
        return Ok(Err(Refusal::BadBid));
    };
    let standstill = scoring::add_working_days(now, settings.standstill_working_days, &[]);
    let txn = crate::kernel::db::begin_write(db).await?;
    let a = award::ActiveModel {
        tender_id: Set(t.id),
        bid_id: Set(bid_id),
        awarded_by: Set(Some(actor)),
        value_fen: Set(chosen.price_fen),
        justification: Set(if top == Some(bid_id) {
            String::new()
        } else {
            justification.trim().to_string()
        }),
        awarded_at: Set(now),
        standstill_ends_at: Set(standstill),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    let org = crate::orgs::get(&*txn, b.org_id).await?.map(|(o, _)| o);
    let detail = serde_json::json!({
        "bid": bid_id,
        "org": org.as_ref().map(|o| o.name.clone()),
        "value_fen": chosen.price_fen,
        "rank": chosen.rank,
        "justification": a.justification,
        "standstill_ends_at": standstill,
    });
    if let Err(e) = transition(&*txn, t, TenderEvent::Award, "", Some(actor), now, detail).await? {
        return Ok(Err(e));
    }
    let social = org
        .as_ref()
        .and_then(|o| crate::orgs::OrgKind::parse(&o.kind))
        .is_some_and(|k| k.is_social_org());
    let ms = milestones(&*txn, t.id).await?;
    crate::contracts::create_from_award(
        &*txn,
        &crate::contracts::ContractSeed {
            tender_id: t.id,
            unit_id: t.unit_id,
            org_id: b.org_id,
            value: Fen(chosen.price_fen),
            supplier_is_social: social,
            division_code: t.division_code.clone(),
            milestones: ms.iter().map(|m| (m.name.clone(), m.percent_bp)).collect(),
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(a.id))
}

/// Files a challenge during the standstill (bidders only).
pub async fn file_challenge(
    db: &DatabaseConnection,
    t: &tender::Model,
    org_id: i64,
    text: &str,
    user: i64,
    now: i64,
) -> OpResult<i64> {
    if state_of(t) != TenderState::Awarded {
        return Ok(Err(Refusal::WrongState(state_of(t))));
    }
    let Some(a) = award_of(db, t.id).await? else {
        return Ok(Err(Refusal::WrongState(state_of(t))));
    };
    if now >= a.standstill_ends_at {
        return Ok(Err(Refusal::StandstillOver));
    }
    let is_bidder = bid::Entity::find()
        .filter(bid::Column::TenderId.eq(t.id))
        .filter(bid::Column::OrgId.eq(org_id))
        .filter(bid::Column::State.is_in([BidState::Opened.code(), BidState::Disqualified.code()]))
        .count(db)
        .await?
        > 0;
    if !is_bidder {
        return Ok(Err(Refusal::NotABidder));
    }
    let txn = crate::kernel::db::begin_write(db).await?;
    let c = challenge::ActiveModel {
        tender_id: Set(t.id),
        org_id: Set(org_id),
        filed_by: Set(Some(user)),
        text: Set(text.to_string()),
        filed_at: Set(now),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    log_tender(
        &*txn,
        t.id,
        Some(user),
        "challenge_filed",
        serde_json::json!({ "challenge": c.id }),
        true,
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(c.id))
}

/// Answers a challenge (once).
pub async fn answer_challenge(
    db: &DatabaseConnection,
    t: &tender::Model,
    challenge_id: i64,
    text: &str,
    actor: i64,
    now: i64,
) -> OpResult<()> {
    let txn = crate::kernel::db::begin_write(db).await?;
    let n = challenge::Entity::update_many()
        .col_expr(challenge::Column::Answer, Expr::value(text))
        .col_expr(challenge::Column::AnsweredAt, Expr::value(now))
        .filter(challenge::Column::Id.eq(challenge_id))
        .filter(challenge::Column::TenderId.eq(t.id))
        .filter(challenge::Column::AnsweredAt.is_null())
        .exec(&*txn)
        .await?
        .rows_affected;
    if n != 1 {
        return Ok(Err(Refusal::AlreadyAnswered));
    }
    log_tender(
        &*txn,
        t.id,
        Some(actor),
        "challenge_answered",
        serde_json::json!({ "challenge": challenge_id }),
        true,
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(()))
}

/// Challenges of a tender, oldest first.
pub async fn challenges(
    db: &impl ConnectionTrait,
    tender_id: i64,
) -> Result<Vec<challenge::Model>, DbErr> {
    challenge::Entity::find()
        .filter(challenge::Column::TenderId.eq(tender_id))
        .order_by_asc(challenge::Column::Id)
        .all(db)
        .await
}

/// Why a contract may not be signed yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SigningBlock {
    /// The standstill period runs until this instant.
    StandstillRunning {
        /// Unix seconds.
        ends_at: i64,
    },
    /// Challenges wait for the buyer's answer.
    UnansweredChallenges {
        /// How many.
        count: u64,
    },
}

impl SigningBlock {
    /// A message in the user's language.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            SigningBlock::StandstillRunning { ends_at } => lang.tf(
                "contract.block.standstill",
                &[("until", &crate::kernel::clock::display_instant(*ends_at))],
            ),
            SigningBlock::UnansweredChallenges { count } => {
                lang.tf("contract.block.challenges", &[("n", &count.to_string())])
            }
        }
    }
}

/// Whether the contract of a tender may be signed now: not during the standstill, not with
/// an unanswered challenge. A tender without an award row has no block.
pub async fn signing_block(
    db: &impl ConnectionTrait,
    tender_id: i64,
    now: i64,
) -> Result<Option<SigningBlock>, DbErr> {
    let Some(a) = award_of(db, tender_id).await? else {
        return Ok(None);
    };
    if now < a.standstill_ends_at {
        return Ok(Some(SigningBlock::StandstillRunning {
            ends_at: a.standstill_ends_at,
        }));
    }
    let open = challenge::Entity::find()
        .filter(challenge::Column::TenderId.eq(tender_id))
        .filter(challenge::Column::AnsweredAt.is_null())
        .count(db)
        .await?;
    if open > 0 {
        return Ok(Some(SigningBlock::UnansweredChallenges { count: open }));
    }
    Ok(None)
}

async fn follow(
    db: &impl ConnectionTrait,
    tender_id: i64,
    event: TenderEvent,
    actor: Option<i64>,
    now: i64,
) -> Result<(), DbErr> {
    let t = get(db, tender_id)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("tender {tender_id}")))?;
    match transition(db, &t, event, "", actor, now, serde_json::json!({})).await? {
        Ok(_) => Ok(()),
        Err(r) => Err(DbErr::Custom(format!("tender {tender_id}: {r:?}"))),
    }
}

/// The contract is signed by both sides: the tender becomes contracted.
pub async fn mark_contracted(
    db: &impl ConnectionTrait,
    tender_id: i64,
    actor: Option<i64>,
    now: i64,
) -> Result<(), DbErr> {
    follow(db, tender_id, TenderEvent::Contract, actor, now).await
}

/// The contract is fulfilled: the tender is completed.
pub async fn mark_completed(
    db: &impl ConnectionTrait,
    tender_id: i64,
    actor: Option<i64>,
    now: i64,
) -> Result<(), DbErr> {
    follow(db, tender_id, TenderEvent::Complete, actor, now).await
}
