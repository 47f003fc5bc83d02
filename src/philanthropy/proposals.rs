//! Applications (proposals) to calls: the operations, each one write transaction with its
//! audit entry and notices. Invariants: a proposal is saved or submitted only while the
//! call's window is open, decided in the transaction that writes it (the call's row is taken
//! first, `proposal_model::lock_open_call`); the applicant's eligibility and clean credit are
//! read from the registry in that transaction; an organization applies once per call; every
//! submission keeps a numbered revision; every state change goes through
//! `ProposalState::apply` as a conditional update; approvals never exceed the call's pool.
//! In a two-stage call a proposal starts as a concept note, sent inside the window; the
//! organizer invites or declines it, and the invited full proposal is written and sent
//! until the call's full-proposal deadline (`lock_window`), then follows the one-stage flow.

use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr};

use super::model::Call;
use super::proposal_model::{self as model, Fields, Proposal, StepWrite};
use super::proposal_rules::{
    ApplicantChoice, CallTerms, Content, FileRef, Ineligible, MAX_FILES, OrgStanding,
    ProposalDraft, ProposalState, Stage, Step, StepDraft, StepError, checklist_met, deadline,
    eligible, not_editable_key,
};
use super::rules::{Applicant, unwrap_codes};
use crate::inbox::{Kind, Params};

/// What the call asks of proposals; `default_cap_bp` is the platform's administrative cap
/// where the call sets none.
pub fn terms_of(c: &Call, default_cap_bp: i32) -> CallTerms {
    CallTerms {
        max_grant: crate::kernel::money::Fen(c.max_grant_fen),
        cofund_bp: c.cofund_bp,
        admin_cap_bp: c.admin_cap_bp.unwrap_or(default_cap_bp),
        places: unwrap_codes(&c.places),
    }
}

/// Who the call accepts.
pub fn accepted(c: &Call) -> Vec<Applicant> {
    unwrap_codes(&c.applicants)
        .iter()
        .filter_map(|a| Applicant::parse(a))
        .collect()
}

/// Until when a proposal in `stage` to this call may be written and sent.
pub fn deadline_of(c: &Call, stage: Stage) -> i64 {
    deadline(stage, c.two_stage, c.closes_at, c.full_closes_at)
}

/// Takes the call's turn if a proposal in `stage` may be written now: the call's window
/// for concept notes and one-stage proposals, the full-proposal deadline for a two-stage
/// call's full proposals. False otherwise.
pub async fn lock_window(
    db: &impl ConnectionTrait,
    c: &Call,
    stage: Stage,
    now: i64,
) -> Result<bool, DbErr> {
    if c.two_stage && stage == Stage::Full {
        model::lock_full_window(db, c.id, deadline_of(c, stage), now).await
    } else {
        model::lock_open_call(db, c.id, now).await
    }
}

/// Why a save or submission was refused (nothing was written).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApplyRefusal {
    /// The call is not taking applications now.
    Window,
    /// The full-proposal deadline (Unix seconds) has passed.
    FullDeadline(i64),
    /// The proposal is not editable in this state (the message says why: a concept note not
    /// invited, a declined one, or past writing).
    State(ProposalState),
    /// The applicant may not apply.
    Ineligible(Ineligible),
    /// The organization is not in the registry.
    UnknownOrg,
    /// The organization already applied to this call.
    Duplicate,
    /// No organization on the platform has this co-applicant's USCC.
    UnknownPartner(String),
    /// The applicant named itself as a co-applicant.
    SelfPartner,
    /// The proposal is no longer editable.
    NotEditable,
}

impl ApplyRefusal {
    /// The field the message goes next to, and the message.
    pub fn field(&self, lang: crate::kernel::Lang) -> (&'static str, String) {
        match self {
            ApplyRefusal::Window => ("window", lang.t("proposal.err.window")),
            ApplyRefusal::FullDeadline(at) => (
                "window",
                lang.tf(
                    "proposal.err.full_deadline",
                    &[("date", &crate::kernel::clock::display_instant(*at))],
                ),
            ),
            ApplyRefusal::State(s) => ("kind", lang.t(not_editable_key(*s))),
            // A kind the call does not take is about who applies; credit and verification
            // about the organization chosen.
            ApplyRefusal::Ineligible(i @ Ineligible::Kind) => ("kind", i.message(lang)),
            ApplyRefusal::Ineligible(i) => ("org_id", i.message(lang)),
            ApplyRefusal::UnknownOrg => ("org_id", lang.t("proposal.err.org")),
            ApplyRefusal::Duplicate => ("org_id", lang.t("proposal.err.duplicate")),
            ApplyRefusal::UnknownPartner(u) => (
                "partners",
                lang.tf("proposal.err.unknown_partner", &[("uscc", u)]),
            ),
            ApplyRefusal::SelfPartner => ("partners", lang.t("proposal.err.self_partner")),
            ApplyRefusal::NotEditable => ("kind", lang.t("proposal.err.not_editable")),
        }
    }
}

async fn audit(
    db: &impl ConnectionTrait,
    now: i64,
    actor: i64,
    id: i64,
    action: &str,
    detail: serde_json::Value,
) -> Result<(), DbErr> {
    crate::audit::append(
        db,
        crate::audit::Entry {
            at: now,
            actor_id: Some(actor),
            entity: "proposal",
            entity_id: id,
            action,
            detail,
            public: false,
        },
    )
    .await
}

/// Reads the registry in the transaction: the applicant's name and USCC, its standing
/// against the call, and the co-applicants.
async fn resolve(
    db: &impl ConnectionTrait,
    c: &Call,
    d: &ProposalDraft,
    except: Option<i64>,
    now: i64,
) -> Result<Result<Fields, ApplyRefusal>, DbErr> {
    let (org_id, name, uscc) = match d.applicant {
        ApplicantChoice::Group => {
            if let Err(i) = eligible(None, &accepted(c)) {
                return Ok(Err(ApplyRefusal::Ineligible(i)));
            }
            (None, d.name.clone(), None)
        }
        ApplicantChoice::Org(id) => {
            let Some(o) = crate::orgs::rows_by_ids(db, &[id]).await?.pop() else {
                return Ok(Err(ApplyRefusal::UnknownOrg));
            };
            let wants_tenant = accepted(c).contains(&Applicant::Tenant);
            // In residence now: graduates (which matching still counts as incubated) are
            // tenants no more.
            let tenant = wants_tenant
                && crate::incubators::incubated_orgs(db, now, 0)
                    .await?
                    .get(&id)
                    .is_some_and(|i| !i.graduated);
            let standing = OrgStanding {
                verified: crate::orgs::is_verified(&o),
                ended: crate::orgs::ended(&o),
                clean_credit: o.credit_status == crate::orgs::CreditStatus::Normal.code(),
                social: crate::orgs::OrgKind::parse(&o.kind).is_some_and(|k| k.is_social_org()),
                tenant,
            };
            if let Err(i) = eligible(Some(standing), &accepted(c)) {
                return Ok(Err(ApplyRefusal::Ineligible(i)));
            }
            if model::org_has_one(db, c.id, id, except).await? {
                return Ok(Err(ApplyRefusal::Duplicate));
            }
            (Some(o.id), o.name, Some(o.uscc))
        }
    };
    let mut partner_ids = Vec::new();
    for u in &d.partners {
        match crate::orgs::id_by_uscc(db, u).await? {
            None => return Ok(Err(ApplyRefusal::UnknownPartner(u.clone()))),
            Some(p) if Some(p) == org_id => return Ok(Err(ApplyRefusal::SelfPartner)),
            Some(p) => partner_ids.push((p, u.clone())),
        }
    }
    let ids: Vec<i64> = partner_ids.iter().map(|(p, _)| *p).collect();
    let names = crate::orgs::names_by_ids(db, &ids).await?;
    let partners: Vec<(i64, String, String)> = partner_ids
        .into_iter()
        .map(|(p, u)| (p, names.get(&p).cloned().unwrap_or_default(), u))
        .collect();
    let content = Content {
        title: d.title.clone(),
        plan: d.plan.clone(),
        beneficiaries: d.beneficiaries.clone(),
        place: d.place.clone(),
        outcomes: d.outcomes.clone(),
        budget: d.budget.clone(),
        total: d.total,
        cofund: d.cofund,
        partners: partners.iter().map(|(_, n, _)| n.clone()).collect(),
        // A revision keeps the files attached when it is submitted (a new proposal has
        // none yet).
        files: match except {
            Some(id) => file_refs(db, id).await?,
            None => vec![],
        },
    };
    Ok(Ok(Fields {
        org_id,
        name,
        uscc,
        content,
        partners,
    }))
}

async fn notify_organizer(
    db: &impl ConnectionTrait,
    c: &Call,
    id: i64,
    name: &str,
    now: i64,
) -> Result<(), DbErr> {
    let members = super::organizer_members(db, super::organizer_of(c)).await?;
    let params = Params::new()
        .text("title", &c.title)
        .text("name", name)
        .link(format!("/proposals/{id}"));
    crate::inbox::notify(db, &members, Kind::ProposalSubmitted, &params, now).await
}

/// Saves a new proposal as a draft or submits it at once (`d.submit`, revision 1).
pub async fn apply(
    db: &DatabaseConnection,
    c: &Call,
    applicant: i64,
    d: &ProposalDraft,
    now: i64,
) -> Result<Result<i64, ApplyRefusal>, DbErr> {
    let stage = Stage::first(c.two_stage);
    let txn = crate::kernel::db::begin_write(db).await?;
    if !lock_window(&*txn, c, stage, now).await? {
        txn.commit().await?;
        return Ok(Err(ApplyRefusal::Window));
    }
    let f = match resolve(&*txn, c, d, None, now).await? {
        Ok(f) => f,
        Err(r) => {
            txn.commit().await?;
            return Ok(Err(r));
        }
    };
    let (state, revision) = if d.submit {
        let Ok(to) = ProposalState::Draft.apply(stage.submit_step(), false, None) else {
            txn.commit().await?;
            return Ok(Err(ApplyRefusal::NotEditable));
        };
        (to, 1)
    } else {
        (ProposalState::Draft, 0)
    };
    let id = model::insert(&*txn, c.id, applicant, &f, state, stage, revision, now).await?;
    if d.submit {
        model::insert_revision(&*txn, id, 1, &f.content, applicant, now).await?;
    }
    audit(
        &*txn,
        now,
        applicant,
        id,
        match (d.submit, stage) {
            (false, _) => "drafted",
            (true, Stage::Concept) => "concept_submitted",
            (true, Stage::Full) => "submitted",
        },
        serde_json::json!({
            "call": c.id, "title": f.content.title, "name": f.name,
            "requested_fen": d.requested().0, "revision": revision, "stage": stage.code(),
        }),
    )
    .await?;
    if d.submit {
        notify_organizer(&*txn, c, id, &f.name, now).await?;
    }
    txn.commit().await?;
    Ok(Ok(id))
}

/// Rewrites a draft, or a proposal the organizer asked more information about; submitting
/// (`d.submit`) sends the draft or the revision (kept, numbered) on.
pub async fn revise(
    db: &DatabaseConnection,
    c: &Call,
    p: &Proposal,
    actor: i64,
    d: &ProposalDraft,
    now: i64,
) -> Result<Result<ProposalState, ApplyRefusal>, DbErr> {
    let stage = p.stage();
    let txn = crate::kernel::db::begin_write(db).await?;
    if !lock_window(&*txn, c, stage, now).await? {
        txn.commit().await?;
        return Ok(Err(if c.two_stage && stage == Stage::Full {
            ApplyRefusal::FullDeadline(deadline_of(c, stage))
        } else {
            ApplyRefusal::Window
        }));
    }
    let Some(p) = model::get(&*txn, p.id).await? else {
        txn.commit().await?;
        return Ok(Err(ApplyRefusal::NotEditable));
    };
    let from = p.state();
    if p.stage() != stage || !from.editable() {
        txn.commit().await?;
        return Ok(Err(ApplyRefusal::State(from)));
    }
    let to = match (from, d.submit) {
        (_, false) => from,
        // A draft goes as its stage's submission; an invited concept note's full proposal
        // joins the one-stage flow as submitted.
        (ProposalState::Draft, true) | (ProposalState::Invited, true) => {
            let step = if from == ProposalState::Draft {
                stage.submit_step()
            } else {
                Step::Submit
            };
            match from.apply(step, false, None) {
                Ok(s) => s,
                Err(_) => {
                    txn.commit().await?;
                    return Ok(Err(ApplyRefusal::State(from)));
                }
            }
        }
        (ProposalState::MoreInfo, true) => {
            let back = p.return_to.as_deref().and_then(ProposalState::parse);
            match from.apply(Step::Resubmit, false, back) {
                Ok(s) => s,
                Err(_) => {
                    txn.commit().await?;
                    return Ok(Err(ApplyRefusal::NotEditable));
                }
            }
        }
        _ => {
            txn.commit().await?;
            return Ok(Err(ApplyRefusal::NotEditable));
        }
    };
    let f = match resolve(&*txn, c, d, Some(p.id), now).await? {
        Ok(f) => f,
        Err(r) => {
            txn.commit().await?;
            return Ok(Err(r));
        }
    };
    let revision = if d.submit { p.revision + 1 } else { p.revision };
    if !model::rewrite(&*txn, p.id, &f, from, to, revision, now).await? {
        txn.commit().await?;
        return Ok(Err(ApplyRefusal::NotEditable));
    }
    // A revision returning to expert review reopens its round.
    if to == ProposalState::ExpertReview {
        reviews_follow(&*txn, c, &p, from, to, now).await?.ok();
    }
    if d.submit {
        model::insert_revision(&*txn, p.id, revision, &f.content, actor, now).await?;
    }
    let action = match (from, d.submit) {
        (_, false) => "draft_saved",
        (ProposalState::Draft, true) if stage == Stage::Concept => "concept_submitted",
        (ProposalState::Draft, true) => "submitted",
        (ProposalState::Invited, true) => "full_submitted",
        _ => "revised",
    };
    audit(
        &*txn,
        now,
        actor,
        p.id,
        action,
        serde_json::json!({
            "from": from.code(), "to": to.code(), "revision": revision,
            "title": f.content.title, "requested_fen": d.requested().0, "stage": stage.code(),
        }),
    )
    .await?;
    if d.submit {
        notify_organizer(&*txn, c, p.id, &f.name, now).await?;
    }
    txn.commit().await?;
    Ok(Ok(to))
}

/// Why an organizer's step was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepRefusal {
    /// Determination waits for the reviews: too few submitted, or someone still missing.
    Reviews(crate::reviews::NotReady),
    /// The state machine refused it.
    Rule(StepError),
    /// Approving it would take the approvals past the call's pool.
    Pool,
    /// The proposal changed meanwhile.
    Stale,
}

impl StepRefusal {
    /// The message shown to the organizer.
    pub fn message(&self, lang: crate::kernel::Lang) -> String {
        match self {
            StepRefusal::Reviews(n) => n.message(lang),
            StepRefusal::Rule(e) => e.message(lang),
            StepRefusal::Pool => lang.t("proposal.err.pool"),
            StepRefusal::Stale => StepError::Illegal.message(lang),
        }
    }
}

/// Keeps the proposal's review round in step with its state, in the moving transaction:
/// entering expert review opens it (with the call's rubric, the first time); moving to
/// determination closes it only if review is complete (`Err`: who is missing); leaving
/// review any other way freezes it until the proposal returns.
async fn reviews_follow(
    txn: &impl ConnectionTrait,
    c: &Call,
    p: &Proposal,
    from: ProposalState,
    to: ProposalState,
    now: i64,
) -> Result<Result<(), crate::reviews::NotReady>, DbErr> {
    use crate::reviews::SubjectKind::Proposal as Kind;
    if to == ProposalState::ExpertReview && from != to {
        let s = super::reviewing::subject_of(p);
        crate::reviews::open_in(txn, &s, &super::reviewing::rubric_of(c), now).await?;
    } else if from == ProposalState::ExpertReview && to == ProposalState::Determination {
        let required = usize::try_from(c.reviewers).unwrap_or(0);
        return crate::reviews::close_in(txn, Kind, p.id, required, now).await;
    } else if from == ProposalState::ExpertReview && to != from {
        crate::reviews::freeze_in(txn, Kind, p.id, now).await?;
    }
    Ok(Ok(()))
}

/// One organizer's step in a transaction already holding the call's turn: the conditional
/// update, the audit entry and the applicant's notice.
#[allow(clippy::too_many_arguments)]
async fn step_in(
    txn: &impl ConnectionTrait,
    c: &Call,
    id: i64,
    step: Step,
    message: &str,
    amount: Option<i64>,
    actor: i64,
    now: i64,
) -> Result<Result<ProposalState, StepRefusal>, DbErr> {
    let Some(p) = model::get(txn, id).await? else {
        return Ok(Err(StepRefusal::Stale));
    };
    if p.call_id != c.id {
        return Ok(Err(StepRefusal::Stale));
    }
    let from = p.state();
    let confirmed: Vec<String> = serde_json::from_str(&p.checklist).unwrap_or_default();
    let to = match from.apply(step, checklist_met(&confirmed), None) {
        Ok(to) => to,
        Err(e) => return Ok(Err(StepRefusal::Rule(e))),
    };
    let amount = amount.unwrap_or(p.requested_fen);
    if step == Step::Approve && model::approved_total(txn, c.id).await? + amount > c.pool_fen {
        return Ok(Err(StepRefusal::Pool));
    }
    let w = StepWrite {
        return_to: (step == Step::RequestInfo).then_some(from),
        message: (!message.is_empty() || to.is_final()).then(|| message.to_string()),
        approved: match step {
            Step::Approve => Some(Some(amount)),
            Step::Reopen => Some(None),
            _ => None,
        },
        decided: to.is_final(),
        // An invited concept note's applicant now writes the full proposal.
        stage: (step == Step::Invite).then_some(Stage::Full),
    };
    if !model::set_state(txn, p.id, from, to, &w, now).await? {
        return Ok(Err(StepRefusal::Stale));
    }
    // Expert review: determination waits for the call's number of submitted sheets and for
    // every assigned reviewer's, read here under the call's turn. (The caller then drops
    // the transaction unfinished, so the state written above is not kept.)
    if let Err(n) = reviews_follow(txn, c, &p, from, to, now).await? {
        return Ok(Err(StepRefusal::Reviews(n)));
    }
    audit(
        txn,
        now,
        actor,
        p.id,
        step.code(),
        serde_json::json!({
            "from": from.code(), "to": to.code(), "message": message,
            "approved_fen": (step == Step::Approve).then_some(amount),
        }),
    )
    .await?;
    let mut to_notify = vec![p.applicant_id];
    if let Some(o) = p.org_id {
        for (u, r) in crate::orgs::member_roles(txn, o).await? {
            if r == crate::accounts::OrgRole::Admin && !to_notify.contains(&u) {
                to_notify.push(u);
            }
        }
    }
    let params = Params::new()
        .text("title", &p.title)
        .label("state", format!("proposal.state.{}", to.code()))
        .text("message", message)
        .link(format!("/proposals/{}", p.id));
    crate::inbox::notify(txn, &to_notify, Kind::ProposalMoved, &params, now).await?;
    Ok(Ok(to))
}

/// The organizer moves a proposal on (a validated step: its message, and for an approval
/// the amount).
pub async fn take_step(
    db: &DatabaseConnection,
    c: &Call,
    p: &Proposal,
    d: &StepDraft,
    actor: i64,
    now: i64,
) -> Result<Result<ProposalState, StepRefusal>, DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    model::lock_call(&*txn, c.id).await?;
    let amount = d.amount.map(|a| a.0);
    let r = step_in(&*txn, c, p.id, d.step, &d.message, amount, actor, now).await?;
    // A refused step may have written its state before the reviews refused it: only a
    // step taken whole is committed (dropping the transaction rolls it back).
    if r.is_ok() {
        txn.commit().await?;
    }
    Ok(r)
}

/// The organizer approves (each at the amount asked) or rejects several proposals awaiting
/// determination, all or none: the ids of those that could not be decided otherwise.
pub async fn determine_batch(
    db: &DatabaseConnection,
    c: &Call,
    ids: &[i64],
    step: Step,
    message: &str,
    actor: i64,
    now: i64,
) -> Result<Result<usize, (StepRefusal, Vec<i64>)>, DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    model::lock_call(&*txn, c.id).await?;
    // Every proposal is checked before anything is written, so a refused batch leaves
    // nothing behind (not even an audit entry).
    let mut failed = Vec::new();
    let mut reason = StepRefusal::Stale;
    let mut asked = 0i64;
    let rows = model::by_ids(&*txn, ids).await?;
    failed.extend(ids.iter().filter(|i| !rows.iter().any(|p| p.id == **i)));
    for p in rows {
        let confirmed: Vec<String> = serde_json::from_str(&p.checklist).unwrap_or_default();
        match p.state().apply(step, checklist_met(&confirmed), None) {
            Ok(_) if p.call_id == c.id => asked += p.requested_fen,
            Ok(_) => failed.push(p.id),
            Err(e) => {
                failed.push(p.id);
                reason = StepRefusal::Rule(e);
            }
        }
    }
    if failed.is_empty()
        && step == Step::Approve
        && model::approved_total(&*txn, c.id).await? + asked > c.pool_fen
    {
        txn.commit().await?;
        return Ok(Err((StepRefusal::Pool, ids.to_vec())));
    }
    if !failed.is_empty() {
        txn.commit().await?;
        return Ok(Err((reason, failed)));
    }
    for id in ids {
        if step_in(&*txn, c, *id, step, message, None, actor, now)
            .await?
            .is_err()
        {
            // Checked above under the call's turn, so this cannot happen; should it, the
            // transaction is dropped unfinished and nothing of the batch is kept.
            return Err(DbErr::Custom(format!(
                "proposal {id} changed during its batch"
            )));
        }
    }
    txn.commit().await?;
    Ok(Ok(ids.len()))
}

/// The applicant (the user who applied or an administrator of the applying organization)
/// withdraws the proposal before determination, with a reason: the conditional update
/// through `ProposalState::apply`, the review round closed if one is open (its pending
/// sheets are no longer asked for), the audit entry and the organizer's notice, in one
/// transaction that first takes the call's turn (so no organizer's step interleaves).
pub async fn withdraw(
    db: &DatabaseConnection,
    c: &Call,
    p: &Proposal,
    actor: i64,
    reason: &str,
    now: i64,
) -> Result<Result<(), StepRefusal>, DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    model::lock_call(&*txn, c.id).await?;
    let Some(p) = model::get(&*txn, p.id).await? else {
        txn.commit().await?;
        return Ok(Err(StepRefusal::Stale));
    };
    let from = p.state();
    let to = match from.apply(Step::Withdraw, false, None) {
        Ok(to) => to,
        Err(e) => {
            txn.commit().await?;
            return Ok(Err(StepRefusal::Rule(e)));
        }
    };
    if !model::withdraw(&*txn, p.id, from, reason, now).await? {
        txn.commit().await?;
        return Ok(Err(StepRefusal::Stale));
    }
    // Leaving expert review freezes the round; a round frozen earlier (more information
    // asked during review) stays closed. Either way no reviewer is asked for a sheet.
    reviews_follow(&*txn, c, &p, from, to, now).await?.ok();
    audit(
        &*txn,
        now,
        actor,
        p.id,
        "withdrawn",
        serde_json::json!({ "from": from.code(), "to": to.code(), "reason": reason }),
    )
    .await?;
    let members = super::organizer_members(&*txn, super::organizer_of(c)).await?;
    let params = Params::new()
        .text("title", &p.title)
        .text("name", &p.name)
        .text("reason", reason)
        .link(format!("/proposals/{}", p.id));
    crate::inbox::notify(&*txn, &members, Kind::ProposalWithdrawn, &params, now).await?;
    txn.commit().await?;
    Ok(Ok(()))
}

/// The organizer records which screening items are confirmed (only while screening).
pub async fn record_checklist(
    db: &DatabaseConnection,
    p: &Proposal,
    items: &[String],
    actor: i64,
    now: i64,
) -> Result<bool, DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    if !model::set_checklist(&*txn, p.id, items, now).await? {
        txn.commit().await?;
        return Ok(false);
    }
    audit(
        &*txn,
        now,
        actor,
        p.id,
        "screened",
        serde_json::json!({ "confirmed": items }),
    )
    .await?;
    txn.commit().await?;
    Ok(true)
}

/// The files attached to a proposal now, as a revision keeps them.
pub async fn file_refs(db: &impl ConnectionTrait, proposal_id: i64) -> Result<Vec<FileRef>, DbErr> {
    Ok(model::live_files(db, proposal_id)
        .await?
        .into_iter()
        .map(|f| FileRef {
            id: f.id,
            name: f.name,
            size: f.size,
            sha256: f.sha256,
        })
        .collect())
}

/// The folder of proposals' files under the data directory.
pub const FILES_FOLDER: &str = "proposal-files";

/// Why a file was not attached or taken off (nothing was written).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileRefusal {
    /// The call is not taking applications now.
    Window,
    /// Neither a draft nor asked for more information.
    NotEditable,
    /// The file itself (the message names it).
    File(String),
    /// No such file attached now.
    Missing,
}

impl FileRefusal {
    /// The message shown next to the file field.
    pub fn message(&self, lang: crate::kernel::Lang) -> String {
        match self {
            FileRefusal::Window => lang.t("proposal.err.window"),
            FileRefusal::NotEditable => lang.t("proposal.err.files_not_editable"),
            FileRefusal::File(m) => m.clone(),
            FileRefusal::Missing => lang.t("proposal.err.file_missing"),
        }
    }
}

/// The applicant attaches a file to a draft or to a proposal asked for more information,
/// inside the call's window: typed by content and name, at most 5 MB and
/// [`MAX_FILES`](super::proposal_rules::MAX_FILES) attached at once (counted in the writing
/// transaction, after taking the call's turn and the proposal's row). The file is written
/// under the data directory first and removed again if its row is not committed; the audit
/// entry is in the row's transaction.
#[allow(clippy::too_many_arguments)]
pub async fn attach_file(
    db: &DatabaseConnection,
    data_dir: &std::path::Path,
    c: &Call,
    p: &Proposal,
    name: &str,
    bytes: &[u8],
    actor: i64,
    now: i64,
    lang: crate::kernel::Lang,
) -> Result<Result<i64, FileRefusal>, DbErr> {
    use crate::kernel::files;
    // The file itself first (nothing stored for a refused one); the count in the transaction.
    let kind = match files::check_upload(name, bytes, 0, MAX_FILES, lang) {
        Ok(k) => k,
        Err(m) => return Ok(Err(FileRefusal::File(m))),
    };
    let key = files::store(data_dir, FILES_FOLDER, bytes)
        .await
        .map_err(|e| DbErr::Custom(format!("writing a proposal file: {e}")))?;
    let r = attach_row(db, c, p, name, bytes, kind, &key, actor, now, lang).await;
    if !matches!(r, Ok(Ok(_))) {
        files::remove(data_dir, FILES_FOLDER, &key).await;
    }
    r
}

#[allow(clippy::too_many_arguments)]
async fn attach_row(
    db: &DatabaseConnection,
    c: &Call,
    p: &Proposal,
    name: &str,
    bytes: &[u8],
    kind: crate::kernel::files::FileKind,
    key: &str,
    actor: i64,
    now: i64,
    lang: crate::kernel::Lang,
) -> Result<Result<i64, FileRefusal>, DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    if !lock_window(&*txn, c, p.stage(), now).await? {
        return Ok(Err(FileRefusal::Window));
    }
    if !model::lock_in_states(&*txn, p.id, &EDITABLE, now).await? {
        return Ok(Err(FileRefusal::NotEditable));
    }
    let existing = model::live_files(&*txn, p.id).await?.len();
    if let Err(m) = crate::kernel::files::check_upload(name, bytes, existing, MAX_FILES, lang) {
        return Ok(Err(FileRefusal::File(m)));
    }
    let sha256 = crate::kernel::files::sha256_hex(bytes);
    let id = model::insert_file(
        &*txn,
        &model::NewFile {
            proposal_id: p.id,
            key,
            name,
            mime: kind.mime(),
            size: bytes.len() as i64,
            sha256: &sha256,
        },
        actor,
        now,
    )
    .await?;
    audit(
        &*txn,
        now,
        actor,
        p.id,
        "file_attached",
        serde_json::json!({
            "file": id, "name": name, "mime": kind.mime(), "size": bytes.len(),
            "sha256": sha256,
        }),
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(id))
}

/// The states in which files may change.
const EDITABLE: [ProposalState; 3] = [
    ProposalState::Draft,
    ProposalState::Invited,
    ProposalState::MoreInfo,
];

/// The applicant takes a file off a draft or a proposal asked for more information, inside
/// the call's window. The row is marked and the stored file kept: the revisions submitted
/// with it still list it and its readers may still download it.
pub async fn remove_file(
    db: &DatabaseConnection,
    c: &Call,
    p: &Proposal,
    file_id: i64,
    actor: i64,
    now: i64,
) -> Result<Result<(), FileRefusal>, DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    if !lock_window(&*txn, c, p.stage(), now).await? {
        return Ok(Err(FileRefusal::Window));
    }
    if !model::lock_in_states(&*txn, p.id, &EDITABLE, now).await? {
        return Ok(Err(FileRefusal::NotEditable));
    }
    let Some(f) = model::file_of(&*txn, p.id, file_id).await? else {
        return Ok(Err(FileRefusal::Missing));
    };
    if !model::mark_removed(&*txn, p.id, file_id, actor, now).await? {
        return Ok(Err(FileRefusal::Missing));
    }
    audit(
        &*txn,
        now,
        actor,
        p.id,
        "file_removed",
        serde_json::json!({ "file": f.id, "name": f.name, "sha256": f.sha256 }),
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(()))
}
