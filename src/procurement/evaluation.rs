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
    let roles = crate::accounts::roles_of(db, user_id).await?;
    if !roles.contains(&crate::accounts::Role::Evaluator) {
        return Ok(Err(Refusal::NotEvaluator));
    }
    if crate::units::memberships_of(db, user_id)
        .await?
        .iter()
        .any(|(unit, _)| *unit == t.unit_id)
    {
        return Ok(Err(Refusal::EvaluatorIsBuyer));
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
/// it and creates the contract in it): the evaluation is complete, the bid is ranked, and a
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
