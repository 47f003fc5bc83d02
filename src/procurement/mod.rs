//! Government purchase of services: tenders, enquiries, sealed bids, opening, evaluation,
//! awards and challenges (the contract itself lives in `contracts`).
//!
//! Invariants: every state change goes through [`rules::TenderState::apply`] and appends an
//! audit entry in the same transaction; a bid write first bumps its tender's `seq` with a
//! conditional UPDATE (`state = 'published' AND bid_deadline > now`), which both checks the
//! deadline atomically and takes the row lock that opening also takes — so no bid is
//! accepted at or after the deadline and none acknowledged is left out of the opening; bid
//! content is sealed with the key outside the database until opening.
//!
//! Where things live: the tender lifecycle (draft, publish, amend, cancel) here; `enquiries`
//! (questions and answers), `documents` (the tender's files, changed after publication only by
//! amendment; pure rules in `document_rules`), `bids` (sealing, receipts, attachments, withdrawal),
//! `opening` (unsealing at the deadline, the opening record), `evaluation` (evaluators,
//! scores, ranking, award, challenges, signing block); [`scoring`] is pure arithmetic;
//! `routes/` and `views/` follow the same split.
//!
//! May call: `audit`, `orgs` (eligibility facts, names), `units`, `accounts` (evaluators'
//! names), `inbox` (notices of evaluator replacements), the kernel. The award is decided by [`award_in`] inside a transaction that
//! `contracts::award` opens, so procurement's core never calls `contracts`; its routes show
//! the contract summary through contracts' face and call `contracts::award`.

pub mod document_rules;
pub mod list;
pub mod model;
pub mod routes;
pub mod rules;
pub mod scoring;
pub mod views;

mod bids;
mod documents;
mod enquiries;
mod evaluation;
mod opening;
mod releases;
pub use bids::*;
pub use documents::*;
pub use enquiries::*;
pub use evaluation::*;
pub use opening::*;
/// The public facts of a tender for its OCDS release (`contracts` adds the contract).
pub use releases::ocds_facts;
use releases::record_release;

pub use model::tender::Model as Tender;
pub use rules::{
    BidOutcome, Eligibility, Ineligible, Method, OrgFacts, ProcurementSettings, QuestionUrgency,
    TenderState, bid_outcome, eligibility, question_urgency,
};

/// Which organizations have bid (zombie detection's activity).
pub use model::bidders_among;
/// Tender titles by id, for rooms that list tenders they refer to.
pub use model::titles_by_ids as tender_titles_by_ids;
/// A tender row, as other rooms receive it from the loaders below.
/// Tender reads for other rooms: open tenders, a batch by id, ids and count for rebuilds.
pub use model::{
    OpenTender, open_tender_facts, open_tenders, tender_count, tender_ids_after,
    tender_ids_in_league, tenders_by_ids,
};
/// Working-day arithmetic (the challenge period's), for other deadlines counted alike.
pub use scoring::add_working_days;

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
    score_comment, sheet, tender,
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
    /// The evaluator buys for the tender's purchasing unit.
    EvaluatorIsBuyer,
    /// A member of the bidding organization buys for the tender's purchasing unit.
    BidderIsBuyer,
    /// A member of the bidding organization evaluates the tender.
    BidderIsEvaluator,
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
    /// The evaluator's score sheet is submitted: final, read-only.
    SheetSubmitted,
    /// The score sheet has this many problems (cells, declaration).
    SheetInvalid(usize),
    /// This many assigned evaluators have not submitted their score sheet.
    SheetsPending(usize),
    /// The user is not an evaluator of this tender.
    NotAssigned,
    /// The user already evaluates this tender.
    AlreadyAssigned,
    /// No such document in force on this tender.
    NoDocument,
    /// Too close to the bid deadline to change the documents without moving it.
    LateDocuments,
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
            Refusal::EvaluatorIsBuyer => lang.t("duties.conflict.evaluator_buyer"),
            Refusal::BidderIsBuyer => lang.t("duties.conflict.bidder_buyer"),
            Refusal::BidderIsEvaluator => lang.t("duties.conflict.bidder_evaluator"),
            Refusal::Scoring(m) => lang.tf("tender.refuse.scoring", &[("detail", m)]),
            Refusal::JustificationRequired => lang.t("tender.refuse.justification"),
            Refusal::StandstillOver => lang.t("tender.refuse.standstill_over"),
            Refusal::NotABidder => lang.t("tender.refuse.not_bidder"),
            Refusal::AlreadyAnswered => lang.t("tender.refuse.answered"),
            Refusal::File(m) => m.clone(),
            Refusal::BadBid => lang.t("tender.refuse.bad_bid"),
            Refusal::SheetSubmitted => lang.t("eval.refuse.submitted"),
            Refusal::SheetInvalid(n) => lang.tf("eval.refuse.sheet", &[("n", &n.to_string())]),
            Refusal::SheetsPending(n) => lang.tf("eval.refuse.pending", &[("n", &n.to_string())]),
            Refusal::NotAssigned => lang.t("eval.refuse.not_assigned"),
            Refusal::AlreadyAssigned => lang.t("eval.refuse.already_assigned"),
            Refusal::NoDocument => lang.t("tender.doc.err.missing"),
            Refusal::LateDocuments => lang.t("tender.doc.err.late"),
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
        record_release(&*txn, t.id, crate::opendata::Tag::Tender, now).await?;
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
        // A draft was never public: its cancellation is no release.
        if t.published_at.is_some() {
            record_release(&*txn, t.id, crate::opendata::Tag::TenderCancellation, now).await?;
        }
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
    record_release(&*txn, t.id, crate::opendata::Tag::TenderAmendment, now).await?;
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
