//! Complaints (投诉举报, issue 15 point 5): anyone — signed in or not, anonymously if they
//! wish — complains about an organization or a general matter, with attachments typed by
//! their content; the complaint gets a tracking code shown once, with which anyone holding
//! it follows the case's state and public replies at `/complaints/track`. Regulators manage
//! the cases: received → assigned → investigating → concluded with an outcome, each state
//! with a configurable time limit ([`TimeLimits`]) and the overdue ones highlighted; an
//! outcome the regulator publishes joins the public list at `/complaints`.
//!
//! Invariants: the tracking code is never stored, only its SHA-256 ([`rules::code_hash`]),
//! and comes from a CSPRNG (80 bits); a wrong code is answered exactly
//! like a code of nothing (no oracle). A case changes state only through
//! [`rules::CaseState::apply`], written by a conditional update on the state it was read in,
//! with an audit entry in the same transaction (public when the outcome is published). The
//! complainant's identity (contact, account) is shown to regulators only: organizations
//! never see complaints, the public list shows the outcome without the complaint's text,
//! and audit details carry neither contact nor account. May call: `orgs` (the organization
//! named), `audit`, `accounts` (the regulators), `regions`; its routes and views `web`.

pub mod model;
pub mod routes;
pub mod rules;
pub mod views;

use sea_orm::{ActiveValue::Set, ConnectionTrait, DatabaseConnection, DbErr};

pub use model::{Complaint, FileMeta, Reply};
pub use rules::{
    CaseEvent, CaseState, ComplaintDraft, Conclusion, IllegalTransition, Outcome, TimeLimits,
};

/// Why a case write was refused (nothing was written).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Not allowed in the case's state, or it changed meanwhile.
    Transition(IllegalTransition),
}

async fn log(
    db: &impl ConnectionTrait,
    c: &Complaint,
    action: &str,
    actor: Option<i64>,
    now: i64,
    detail: serde_json::Value,
    public: bool,
) -> Result<(), DbErr> {
    crate::audit::append(
        db,
        crate::audit::Entry {
            at: now,
            actor_id: actor,
            entity: "complaint",
            entity_id: c.id,
            action,
            detail,
            public,
        },
    )
    .await
}

/// A fresh tracking code from rand's thread-local CSPRNG (ChaCha seeded from the operating
/// system, as the CSRF tokens and keys are).
pub fn new_tracking_code() -> String {
    rules::tracking_code(&rand::random::<[u8; rules::CODE_LEN]>())
}

/// Files a complaint (about `org`, or a general matter when `None`) with its attachments
/// and its audit entry in one transaction, under `code` (from [`new_tracking_code`]; only
/// its hash is kept). `user` is the signed-in account, recorded unless the complaint is
/// anonymous; the audit entry names no one.
pub async fn submit(
    db: &DatabaseConnection,
    d: &ComplaintDraft,
    org: Option<&crate::orgs::Org>,
    user: Option<i64>,
    code: &str,
    now: i64,
) -> Result<Complaint, DbErr> {
    let canonical = rules::normalize_code(code)
        .ok_or_else(|| DbErr::Custom("a tracking code not made by new_tracking_code".into()))?;
    let hash = rules::code_hash(&canonical);
    let txn = crate::kernel::db::begin_write(db).await?;
    let c = model::insert(
        &*txn,
        &model::NewComplaint {
            tracking_hash: &hash,
            org_id: org.map(|o| o.id),
            league_code: org.and_then(|o| o.league_code.clone()),
            subject: &d.subject,
            body: &d.body,
            contact: d.contact.as_deref(),
            submitted_by: if d.anonymous { None } else { user },
        },
        now,
    )
    .await?;
    for f in &d.files {
        model::insert_file(&*txn, c.id, &f.name, f.mime, &f.bytes).await?;
    }
    log(
        &*txn,
        &c,
        "received",
        None,
        now,
        serde_json::json!({ "org": c.org_id, "files": d.files.len() }),
        false,
    )
    .await?;
    txn.commit().await?;
    Ok(c)
}

/// The complaint a typed tracking code names (`None` for a malformed code and for a code of
/// nothing alike).
pub async fn by_code(db: &impl ConnectionTrait, typed: &str) -> Result<Option<Complaint>, DbErr> {
    match rules::normalize_code(typed) {
        Some(c) => model::by_hash(db, &rules::code_hash(&c)).await,
        None => Ok(None),
    }
}

/// Applies `event` to a case read as `c`, with the other column changes in `am`, and its
/// audit entry, in one transaction.
async fn step(
    db: &DatabaseConnection,
    c: &Complaint,
    event: CaseEvent,
    am: model::complaint::ActiveModel,
    audit: (&str, serde_json::Value, bool),
    actor: i64,
    now: i64,
) -> Result<Result<CaseState, Refusal>, DbErr> {
    let next = match c.state().apply(event) {
        Ok(s) => s,
        Err(e) => return Ok(Err(Refusal::Transition(e))),
    };
    let txn = crate::kernel::db::begin_write(db).await?;
    if !model::transition(&*txn, c, am, next, now).await? {
        txn.commit().await?;
        return Ok(Err(Refusal::Transition(IllegalTransition {
            from: c.state(),
            event,
        })));
    }
    let (action, detail, public) = audit;
    log(&*txn, c, action, Some(actor), now, detail, public).await?;
    txn.commit().await?;
    Ok(Ok(next))
}

/// Makes a regulator responsible for the case (again: a reassignment keeps the state's
/// clock running).
pub async fn assign(
    db: &DatabaseConnection,
    c: &Complaint,
    assignee: i64,
    actor: i64,
    now: i64,
) -> Result<Result<CaseState, Refusal>, DbErr> {
    let am = model::complaint::ActiveModel {
        assigned_to: Set(Some(assignee)),
        ..Default::default()
    };
    let detail = serde_json::json!({ "assignee": assignee, "before": c.assigned_to });
    step(
        db,
        c,
        CaseEvent::Assign,
        am,
        ("assigned", detail, false),
        actor,
        now,
    )
    .await
}

/// Starts the investigation.
pub async fn investigate(
    db: &DatabaseConnection,
    c: &Complaint,
    actor: i64,
    now: i64,
) -> Result<Result<CaseState, Refusal>, DbErr> {
    let am = <model::complaint::ActiveModel as Default>::default();
    step(
        db,
        c,
        CaseEvent::Investigate,
        am,
        ("investigating", serde_json::json!({}), false),
        actor,
        now,
    )
    .await
}

/// Concludes the case with its outcome, published in the public list when the regulator
/// says so (then its audit entry is public too).
pub async fn conclude(
    db: &DatabaseConnection,
    c: &Complaint,
    k: &Conclusion,
    actor: i64,
    now: i64,
) -> Result<Result<CaseState, Refusal>, DbErr> {
    let am = model::complaint::ActiveModel {
        outcome: Set(Some(k.outcome.code().to_string())),
        outcome_text: Set(Some(k.text.clone())),
        published: Set(k.publish),
        concluded_at: Set(Some(now)),
        ..Default::default()
    };
    let detail = serde_json::json!({
        "org": c.org_id,
        "outcome": k.outcome.code(),
        "published": k.publish,
    });
    step(
        db,
        c,
        CaseEvent::Conclude,
        am,
        ("concluded", detail, k.publish),
        actor,
        now,
    )
    .await
}

/// Adds a regulator's reply (public: the complainant reads it with the code) or internal
/// note, with its audit entry, in one transaction, while the case is open (`None`: it was
/// concluded, nothing written).
pub async fn reply(
    db: &DatabaseConnection,
    c: &Complaint,
    body: &str,
    public: bool,
    actor: i64,
    now: i64,
) -> Result<Option<Reply>, DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    if !model::touch_open(&*txn, c.id, now).await? {
        txn.commit().await?;
        return Ok(None);
    }
    let r = model::insert_reply(&*txn, c.id, body, public, actor, now).await?;
    log(
        &*txn,
        c,
        "replied",
        Some(actor),
        now,
        serde_json::json!({ "reply": r.id, "public": public }),
        false,
    )
    .await?;
    txn.commit().await?;
    Ok(Some(r))
}

/// Open complaints and how many of them are past their state's limit at `now` (the
/// regulator's queue on `/me`).
pub async fn open_counts(
    db: &impl ConnectionTrait,
    limits: &TimeLimits,
    now: i64,
) -> Result<(usize, usize), DbErr> {
    let clocks = model::open_clocks(db).await?;
    let overdue = clocks
        .iter()
        .filter(|(s, since)| CaseState::parse(s).is_some_and(|s| limits.overdue(s, *since, now)))
        .count();
    Ok((clocks.len(), overdue))
}

/// One complaint by id (regulators' pages).
pub use model::get;
