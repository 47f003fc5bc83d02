//! Expert review of proposals through the shared `reviews` room: what a proposal is as a
//! review subject (title, page, rubric snapshot, the parties a reviewer must not belong to)
//! and the organizer's reviewer changes, each in one write transaction that takes the
//! call's turn and checks the proposal is in expert review before `reviews` writes.

use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr};

use super::model::Call;
use super::proposal_model::{self as model, Proposal};
use super::proposal_rules::ProposalState;
use crate::reviews::{Conflicts, Criterion, Refusal, Subject, SubjectKind};

/// A proposal as a review subject.
pub fn subject_of(p: &Proposal) -> Subject {
    Subject {
        kind: SubjectKind::Proposal,
        id: p.id,
        title: p.title.clone(),
        link: format!("/proposals/{}", p.id),
    }
}

/// The call's rubric as the reviews room keeps it.
pub fn rubric_of(c: &Call) -> Vec<Criterion> {
    let rows: Vec<(String, i16)> = serde_json::from_str(&c.rubric).unwrap_or_default();
    rows.into_iter()
        .map(|(name, weight)| Criterion { name, weight })
        .collect()
}

/// Who may not review a proposal: the applying organization's members, the co-applicants'
/// and those acting for the call's organizer.
pub fn conflicts_of(c: &Call, p: &Proposal) -> Conflicts {
    let partners: Vec<(i64, String, String)> =
        serde_json::from_str(&p.partners).unwrap_or_default();
    let o = super::organizer_of(c);
    let (organizer_orgs, organizer_units) = match o.kind {
        super::OrganizerKind::Org => (vec![o.id], vec![]),
        super::OrganizerKind::Unit => (vec![], vec![o.id]),
    };
    Conflicts {
        applicant: p.org_id.map(|id| (id, p.name.clone())),
        partners: partners.into_iter().map(|(id, n, _)| (id, n)).collect(),
        organizer_orgs,
        organizer_units,
    }
}

/// Takes the call's turn and re-reads the proposal: `None` unless it belongs to the call and
/// is in expert review.
async fn in_review(
    txn: &impl ConnectionTrait,
    c: &Call,
    id: i64,
) -> Result<Option<Proposal>, DbErr> {
    model::lock_call(txn, c.id).await?;
    Ok(model::get(txn, id)
        .await?
        .filter(|p| p.call_id == c.id && p.state() == ProposalState::ExpertReview))
}

/// The organizer assigns a reviewer to a proposal in expert review.
pub async fn assign_reviewer(
    db: &DatabaseConnection,
    c: &Call,
    proposal_id: i64,
    reviewer: i64,
    actor: i64,
    now: i64,
) -> Result<Result<(), Refusal>, DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    let Some(p) = in_review(&*txn, c, proposal_id).await? else {
        txn.commit().await?;
        return Ok(Err(Refusal::Closed));
    };
    let r = crate::reviews::assign_in(
        &*txn,
        SubjectKind::Proposal,
        p.id,
        &conflicts_of(c, &p),
        reviewer,
        actor,
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(r.map(|_| ()))
}

/// The organizer takes a reviewer off a proposal in expert review, with a reason, and puts
/// another on instead if one is named.
#[allow(clippy::too_many_arguments)]
pub async fn remove_reviewer(
    db: &DatabaseConnection,
    c: &Call,
    proposal_id: i64,
    old: i64,
    replacement: Option<i64>,
    reason: &str,
    actor: i64,
    now: i64,
) -> Result<Result<(), Refusal>, DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    let Some(p) = in_review(&*txn, c, proposal_id).await? else {
        txn.commit().await?;
        return Ok(Err(Refusal::Closed));
    };
    let r = crate::reviews::unassign_in(
        &*txn,
        SubjectKind::Proposal,
        p.id,
        &conflicts_of(c, &p),
        old,
        replacement,
        reason,
        actor,
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(r)
}
