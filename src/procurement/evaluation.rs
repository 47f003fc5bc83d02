//! Evaluation, award and challenges: evaluators, scores, ranking, the award with its standstill, challenges and the signing block.

use super::*;

/// Evaluators of a tender: user id, display name.
pub async fn evaluators(
    db: &impl ConnectionTrait,
    tender_id: i64,
) -> Result<Vec<(i64, String)>, DbErr> {
    let rows = evaluator::Entity::find()
        .filter(evaluator::Column::TenderId.eq(tender_id))
        .all(db)
        .await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.user_id).collect();
    let users = crate::accounts::users_by_ids(db, &ids).await?;
    // In assignment order, as the page lists them; a deleted user drops out.
    Ok(ids
        .iter()
        .filter_map(|id| users.iter().find(|u| u.id == *id))
        .map(|u| (u.id, u.display_name.clone()))
        .collect())
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

/// Why a user may not evaluate a tender: without the evaluator role, buying for the
/// tender's unit, or a member of a bidding organization (conflicts of interest).
async fn assignment_refusal(
    db: &impl ConnectionTrait,
    t: &tender::Model,
    user_id: i64,
) -> Result<Option<Refusal>, DbErr> {
    let roles = crate::accounts::roles_of(db, user_id).await?;
    if !roles.contains(&crate::accounts::Role::Evaluator) {
        return Ok(Some(Refusal::NotEvaluator));
    }
    if crate::units::memberships_of(db, user_id)
        .await?
        .iter()
        .any(|(unit, _)| *unit == t.unit_id)
    {
        return Ok(Some(Refusal::EvaluatorIsBuyer));
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
        return Ok(Some(Refusal::ConflictOfInterest));
    }
    Ok(None)
}

/// Takes the tender row's lock if the tender is still being evaluated (`false`: it is not).
/// The award and an evaluator's replacement both start with it, so the award's count of
/// pending score sheets cannot miss a replacement committed meanwhile.
async fn lock_evaluating(db: &impl ConnectionTrait, tender_id: i64) -> Result<bool, DbErr> {
    Ok(tender::Entity::update_many()
        .col_expr(tender::Column::Seq, Expr::col(tender::Column::Seq))
        .filter(tender::Column::Id.eq(tender_id))
        .filter(tender::Column::State.eq(TenderState::Evaluating.code()))
        .exec(db)
        .await?
        .rows_affected
        == 1)
}

/// Replaces an evaluator before the award (the buyer, with a reason): the new one passes the
/// same conflict-of-interest checks as an assignment; the old one's sheet — draft or
/// submitted — is discarded, since only the panel as it stands may count, and its points
/// are kept as history in the audit entry (not public). Both evaluators get a notice.
pub async fn replace_evaluator(
    db: &DatabaseConnection,
    t: &tender::Model,
    old: i64,
    new: i64,
    reason: &str,
    actor: i64,
    now: i64,
) -> OpResult<()> {
    let state = state_of(t);
    if state != TenderState::Evaluating {
        return Ok(Err(Refusal::WrongState(state)));
    }
    if !is_evaluator(db, t.id, old).await? {
        return Ok(Err(Refusal::NotAssigned));
    }
    if is_evaluator(db, t.id, new).await? {
        return Ok(Err(Refusal::AlreadyAssigned));
    }
    if let Some(r) = assignment_refusal(db, t, new).await? {
        return Ok(Err(r));
    }
    let txn = crate::kernel::db::begin_write(db).await?;
    if !lock_evaluating(&*txn, t.id).await? {
        txn.commit().await?;
        let current = get(db, t.id).await?.map_or(state, |x| state_of(&x));
        return Ok(Err(Refusal::WrongState(current)));
    }
    // Someone else may have replaced one of them meanwhile. (Nothing written yet on either
    // refusal: ending the transaction now frees the writers' turn.)
    if is_evaluator(&*txn, t.id, new).await? {
        txn.commit().await?;
        return Ok(Err(Refusal::AlreadyAssigned));
    }
    let removed = evaluator::Entity::delete_by_id((t.id, old))
        .exec(&*txn)
        .await?
        .rows_affected;
    if removed != 1 {
        txn.commit().await?;
        return Ok(Err(Refusal::NotAssigned));
    }
    let bids: Vec<i64> = opened_bids(&*txn, t.id)
        .await?
        .into_iter()
        .map(|b| b.id)
        .collect();
    let discarded: Vec<[i64; 3]> = score::Entity::find()
        .filter(score::Column::EvaluatorId.eq(old))
        .filter(score::Column::BidId.is_in(bids.clone()))
        .all(&*txn)
        .await?
        .into_iter()
        .map(|s| [s.bid_id, s.criterion_id, i64::from(s.points)])
        .collect();
    let status = sheet_status(&*txn, t.id, old).await?;
    clear_sheet(&*txn, old, &bids).await?;
    sheet::Entity::delete_by_id((t.id, old)).exec(&*txn).await?;
    evaluator::ActiveModel {
        tender_id: Set(t.id),
        user_id: Set(new),
        assigned_at: Set(now),
    }
    .insert(&*txn)
    .await?;
    log_tender(
        &*txn,
        t.id,
        Some(actor),
        "evaluator_replaced",
        serde_json::json!({
            "old": old,
            "new": new,
            "reason": reason,
            "old_sheet_submitted": status.is_submitted(),
            "discarded_scores": discarded,
        }),
        false,
        now,
    )
    .await?;
    let names = crate::accounts::users_by_ids(&*txn, &[old, new, actor]).await?;
    let name = |id: i64| {
        names
            .iter()
            .find(|u| u.id == id)
            .map(|u| u.display_name.clone())
            .unwrap_or_default()
    };
    let params = crate::inbox::Params::new()
        .text("tender", &t.title)
        .text("old", name(old))
        .text("new", name(new))
        .text("by", name(actor))
        .text("reason", reason);
    crate::inbox::notify(
        &*txn,
        &[old],
        crate::inbox::Kind::EvaluatorRemoved,
        &params.clone().link(format!("/tenders/{}", t.id)),
        now,
    )
    .await?;
    crate::inbox::notify(
        &*txn,
        &[new],
        crate::inbox::Kind::EvaluatorAssigned,
        &params.link(format!("/tenders/{}/score", t.id)),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(()))
}

/// Assigns an evaluator (an opened tender moves to evaluation). Refuses users without the
/// evaluator role, buyers of the tender's unit and members of any bidding organization
/// (conflicts of interest).
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
    if let Some(r) = assignment_refusal(db, t, user_id).await? {
        return Ok(Err(r));
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

/// The criteria an evaluator scores: those of a comprehensive-scoring tender (a
/// lowest-price tender is ranked by price alone, and its sheet is the declaration only).
pub async fn sheet_criteria(
    db: &impl ConnectionTrait,
    t: &tender::Model,
) -> Result<Vec<criterion::Model>, DbErr> {
    if t.eval_method == EvalMethod::Comprehensive.code() {
        criteria(db, t.id).await
    } else {
        Ok(Vec::new())
    }
}

/// The bids on a score sheet: opened and not disqualified, in id order.
pub async fn sheet_bids(
    db: &impl ConnectionTrait,
    tender_id: i64,
) -> Result<Vec<bid::Model>, DbErr> {
    Ok(opened_bids(db, tender_id)
        .await?
        .into_iter()
        .filter(|b| b.state == BidState::Opened.code())
        .collect())
}

/// One cell of a score sheet as saved: points (empty in a draft) and comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetEntry {
    /// The bid.
    pub bid_id: i64,
    /// The criterion.
    pub criterion_id: i64,
    /// Whole points, or `None` for an empty cell.
    pub points: Option<i32>,
    /// The comment (trimmed; may be empty in a draft).
    pub comment: String,
}

/// Deletes an evaluator's points and comments on the given bids.
async fn clear_sheet(
    db: &impl ConnectionTrait,
    evaluator_id: i64,
    bids: &[i64],
) -> Result<(), DbErr> {
    score::Entity::delete_many()
        .filter(score::Column::EvaluatorId.eq(evaluator_id))
        .filter(score::Column::BidId.is_in(bids.to_vec()))
        .exec(db)
        .await?;
    score_comment::Entity::delete_many()
        .filter(score_comment::Column::EvaluatorId.eq(evaluator_id))
        .filter(score_comment::Column::BidId.is_in(bids.to_vec()))
        .exec(db)
        .await?;
    Ok(())
}

/// Saves an evaluator's whole score sheet, replacing the earlier draft: as a draft (only
/// what was typed must be valid) or, with `submit`, as final (every cell scored and
/// commented, and `declared` — no conflict of interest with any bidder). A submitted sheet
/// is read-only; the award waits until every assigned evaluator has submitted.
pub async fn save_sheet(
    db: &DatabaseConnection,
    t: &tender::Model,
    evaluator_id: i64,
    entries: &[SheetEntry],
    declared: bool,
    submit: bool,
    now: i64,
) -> OpResult<()> {
    if state_of(t) != TenderState::Evaluating {
        return Ok(Err(Refusal::WrongState(state_of(t))));
    }
    let crits: Vec<scoring::Criterion> = sheet_criteria(db, t)
        .await?
        .iter()
        .map(|c| scoring::Criterion {
            id: c.id,
            weight: i32::from(c.weight),
        })
        .collect();
    let bids: Vec<i64> = sheet_bids(db, t.id).await?.iter().map(|b| b.id).collect();
    let cells: Vec<scoring::SheetCell> = entries
        .iter()
        .map(|e| scoring::SheetCell {
            bid_id: e.bid_id,
            criterion_id: e.criterion_id,
            points: e
                .points
                .map_or(scoring::Typed::Empty, scoring::Typed::Points),
            comment_chars: e.comment.trim().chars().count(),
        })
        .collect();
    let problems = scoring::check_sheet(
        &crits,
        &bids,
        &cells,
        rules::limits::SCORE_COMMENT,
        declared,
        submit,
    );
    if !problems.is_empty() {
        return Ok(Err(Refusal::SheetInvalid(
            problems.cells.len() + usize::from(problems.undeclared),
        )));
    }
    let txn = crate::kernel::db::begin_write(db).await?;
    // The evaluator's row lock orders concurrent saves of one sheet; no row: replaced.
    let assigned = evaluator::Entity::update_many()
        .col_expr(
            evaluator::Column::AssignedAt,
            Expr::col(evaluator::Column::AssignedAt),
        )
        .filter(evaluator::Column::TenderId.eq(t.id))
        .filter(evaluator::Column::UserId.eq(evaluator_id))
        .exec(&*txn)
        .await?
        .rows_affected
        == 1;
    // Nothing written on these refusals: end the transaction now to free the writers' turn.
    if !assigned {
        txn.commit().await?;
        return Ok(Err(Refusal::NotAssigned));
    }
    let existing = sheet::Entity::find_by_id((t.id, evaluator_id))
        .one(&*txn)
        .await?;
    if existing.as_ref().is_some_and(|s| s.submitted_at.is_some()) {
        txn.commit().await?;
        return Ok(Err(Refusal::SheetSubmitted));
    }
    let all_bids: Vec<i64> = opened_bids(&*txn, t.id)
        .await?
        .into_iter()
        .map(|b| b.id)
        .collect();
    clear_sheet(&*txn, evaluator_id, &all_bids).await?;
    for e in entries {
        if let Some(p) = e.points {
            score::ActiveModel {
                bid_id: Set(e.bid_id),
                evaluator_id: Set(evaluator_id),
                criterion_id: Set(e.criterion_id),
                points: Set(p),
                at: Set(now),
            }
            .insert(&*txn)
            .await?;
        }
        let comment = e.comment.trim();
        if !comment.is_empty() {
            score_comment::ActiveModel {
                bid_id: Set(e.bid_id),
                evaluator_id: Set(evaluator_id),
                criterion_id: Set(e.criterion_id),
                comment: Set(comment.to_string()),
                at: Set(now),
            }
            .insert(&*txn)
            .await?;
        }
    }
    let submitted_at = Set(submit.then_some(now));
    if existing.is_some() {
        sheet::Entity::update_many()
            .col_expr(sheet::Column::SavedAt, Expr::value(now))
            .col_expr(
                sheet::Column::SubmittedAt,
                Expr::value(submit.then_some(now)),
            )
            .filter(sheet::Column::TenderId.eq(t.id))
            .filter(sheet::Column::EvaluatorId.eq(evaluator_id))
            .exec(&*txn)
            .await?;
    } else {
        sheet::ActiveModel {
            tender_id: Set(t.id),
            evaluator_id: Set(evaluator_id),
            saved_at: Set(now),
            submitted_at,
        }
        .insert(&*txn)
        .await?;
    }
    log_tender(
        &*txn,
        t.id,
        Some(evaluator_id),
        if submit {
            "score_sheet_submitted"
        } else {
            "scored"
        },
        serde_json::json!({
            "entries": entries.len(),
            "declared_no_conflict": submit && declared,
        }),
        false,
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(()))
}

/// Where an evaluator's sheet on a tender stands.
pub async fn sheet_status(
    db: &impl ConnectionTrait,
    tender_id: i64,
    evaluator_id: i64,
) -> Result<scoring::SheetStatus, DbErr> {
    let s = sheet::Entity::find_by_id((tender_id, evaluator_id))
        .one(db)
        .await?;
    Ok(scoring::SheetStatus::of(
        s.map(|s| (s.saved_at, s.submitted_at)),
    ))
}

/// Each assigned evaluator of a tender with the state of their sheet, in assignment order:
/// user id, display name, status.
pub async fn evaluator_statuses(
    db: &impl ConnectionTrait,
    tender_id: i64,
) -> Result<Vec<(i64, String, scoring::SheetStatus)>, DbErr> {
    let panel = evaluators(db, tender_id).await?;
    let sheets = sheet::Entity::find()
        .filter(sheet::Column::TenderId.eq(tender_id))
        .all(db)
        .await?;
    Ok(panel
        .into_iter()
        .map(|(id, name)| {
            let s = sheets
                .iter()
                .find(|s| s.evaluator_id == id)
                .map(|s| (s.saved_at, s.submitted_at));
            (id, name, scoring::SheetStatus::of(s))
        })
        .collect())
}

/// An evaluator's sheet on a tender as stored: the points given, (bid, criterion) → points,
/// and the comments. The opened bids are read once for both.
pub async fn sheet_by(
    db: &impl ConnectionTrait,
    tender_id: i64,
    evaluator_id: i64,
) -> Result<(Vec<score::Model>, Vec<score_comment::Model>), DbErr> {
    let bids: Vec<i64> = opened_bids(db, tender_id)
        .await?
        .into_iter()
        .map(|b| b.id)
        .collect();
    let scores = score::Entity::find()
        .filter(score::Column::EvaluatorId.eq(evaluator_id))
        .filter(score::Column::BidId.is_in(bids.iter().copied()))
        .all(db)
        .await?;
    let comments = score_comment::Entity::find()
        .filter(score_comment::Column::EvaluatorId.eq(evaluator_id))
        .filter(score_comment::Column::BidId.is_in(bids))
        .all(db)
        .await?;
    Ok((scores, comments))
}

/// The ranking of a tender's bids from the stored scores.
pub async fn ranking(
    db: &impl ConnectionTrait,
    t: &tender::Model,
) -> Result<Result<Vec<scoring::Ranked>, scoring::ScoreError>, DbErr> {
    let crits = criteria(db, t.id).await?;
    let bids = opened_bids(db, t.id).await?;
    let ids: Vec<i64> = bids.iter().map(|b| b.id).collect();
    // Only final sheets count: a draft may still change.
    let submitted: Vec<i64> = sheet::Entity::find()
        .filter(sheet::Column::TenderId.eq(t.id))
        .filter(sheet::Column::SubmittedAt.is_not_null())
        .all(db)
        .await?
        .into_iter()
        .map(|s| s.evaluator_id)
        .collect();
    let all_scores = score::Entity::find()
        .filter(score::Column::BidId.is_in(ids))
        .filter(score::Column::EvaluatorId.is_in(submitted))
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

/// What the procurement room knows at award time.
#[derive(Debug, Clone)]
pub struct ContractSeed {
    /// The awarded tender.
    pub tender_id: i64,
    /// Buyer.
    pub unit_id: i64,
    /// Supplier.
    pub org_id: i64,
    /// Awarded value.
    pub value: Fen,
    /// Whether the supplier is a social organization.
    pub supplier_is_social: bool,
    /// Place of service.
    pub division_code: String,
    /// Milestones in order: name and share in basis points (adding up to 10000).
    pub milestones: Vec<(String, i32)>,
}

/// What an award decided: the award row and the contract to create from it.
#[derive(Debug, Clone)]
pub struct Awarded {
    /// The new award row.
    pub award_id: i64,
    /// The contract `contracts` creates in the same transaction.
    pub contract: ContractSeed,
}

/// Awards the tender to a bid inside the caller's write transaction (`contracts::award` opens
/// it and creates the contract in it): every assigned evaluator has submitted a final score
/// sheet, the evaluation is complete, the bid is ranked, and a
/// bid other than the first needs a written justification (≥ 10 characters). The standstill
/// ends after the configured number of working days.
pub async fn award_in(
    txn: &impl ConnectionTrait,
    t: &tender::Model,
    bid_id: i64,
    justification: &str,
    settings: &rules::ProcurementSettings,
    actor: i64,
    now: i64,
) -> OpResult<Awarded> {
    if state_of(t) != TenderState::Evaluating {
        return Ok(Err(Refusal::WrongState(state_of(t))));
    }
    if !lock_evaluating(txn, t.id).await? {
        let current = get(txn, t.id)
            .await?
            .map_or(TenderState::Draft, |x| state_of(&x));
        return Ok(Err(Refusal::WrongState(current)));
    }
    let statuses: Vec<scoring::SheetStatus> = evaluator_statuses(txn, t.id)
        .await?
        .into_iter()
        .map(|(_, _, s)| s)
        .collect();
    let pending = scoring::pending_sheets(&statuses);
    if pending > 0 {
        return Ok(Err(Refusal::SheetsPending(pending)));
    }
    let ranked = match ranking(txn, t).await? {
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
    let Some(b) = bid::Entity::find_by_id(bid_id).one(txn).await? else {
        return Ok(Err(Refusal::BadBid));
    };
    let standstill = scoring::add_working_days(now, settings.standstill_working_days, &[]);
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
    .insert(txn)
    .await?;
    let org = crate::orgs::get(txn, b.org_id).await?.map(|(o, _)| o);
    let detail = serde_json::json!({
        "bid": bid_id,
        "org": org.as_ref().map(|o| o.name.clone()),
        "value_fen": chosen.price_fen,
        "rank": chosen.rank,
        "justification": a.justification,
        "standstill_ends_at": standstill,
    });
    if let Err(e) = transition(txn, t, TenderEvent::Award, "", Some(actor), now, detail).await? {
        return Ok(Err(e));
    }
    let supplier_is_social = org
        .as_ref()
        .and_then(|o| crate::orgs::OrgKind::parse(&o.kind))
        .is_some_and(|k| k.is_social_org());
    let ms = milestones(txn, t.id).await?;
    Ok(Ok(Awarded {
        award_id: a.id,
        contract: ContractSeed {
            tender_id: t.id,
            unit_id: t.unit_id,
            org_id: b.org_id,
            value: Fen(chosen.price_fen),
            supplier_is_social,
            division_code: t.division_code.clone(),
            milestones: ms.iter().map(|m| (m.name.clone(), m.percent_bp)).collect(),
        },
    }))
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

pub(super) async fn follow(
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
