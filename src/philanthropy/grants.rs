//! Grants made from approved proposals: the operations, each one write transaction with its
//! audit entry and notices to the other side. Invariants: one grant per proposal (a unique
//! index); tranches add up to the approved amount exactly and reports follow the call's
//! schedule; every state change goes through `GrantState::apply` as a conditional update;
//! the first tranche is paid only after both signatures and a later one never while a
//! report is overdue (decided under the grant's turn, `grant_model::lock`); each reminder
//! is sent once (a conditional update of its flag); amendments are asked one at a time and
//! kept with their decisions.

use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr};

use super::grant_model::{self as model, Grant, NewGrant};
use super::grant_rules::{
    self as rules, AmendmentDraft, AmendmentState, GrantError, GrantEvent, GrantState, PayRefusal,
    PaymentDraft, Reminder, ReportDraft, ReportDue, ReportState,
};
use super::model::Call;
use super::proposal_model::Proposal;
use super::proposal_rules::ProposalState;
use crate::inbox::{Kind, Params};
use crate::kernel::money::Fen;

/// Why a grant operation was refused (nothing was written).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The state machine refused it.
    Rule(GrantError),
    /// The tranche rule refused it.
    Pay(PayRefusal),
    /// The proposal is not approved.
    NotApproved,
    /// The proposal already has its grant.
    Exists,
    /// The report is not in a state that allows it.
    ReportState,
    /// The final report is not accepted yet.
    FinalNotAccepted,
    /// An amendment is already waiting for the organizer.
    AmendmentPending,
    /// The amendment was already decided.
    AmendmentDecided,
    /// The grant changed meanwhile, or is not under way.
    Stale,
}

impl Refusal {
    /// The message shown to the user.
    pub fn message(self, lang: crate::kernel::Lang) -> String {
        match self {
            Refusal::Rule(e) => e.message(lang),
            Refusal::Pay(p) => p.message(lang),
            Refusal::NotApproved => lang.t("grant.err.not_approved"),
            Refusal::Exists => lang.t("grant.err.exists"),
            Refusal::ReportState => lang.t("grant.err.report_state"),
            Refusal::FinalNotAccepted => lang.t("grant.err.final_not_accepted"),
            Refusal::AmendmentPending => lang.t("grant.err.amendment_pending"),
            Refusal::AmendmentDecided => lang.t("grant.err.amendment_decided"),
            Refusal::Stale => lang.t("grant.err.not_active"),
        }
    }
}

type Outcome<T> = Result<Result<T, Refusal>, DbErr>;

async fn audit(
    db: &impl ConnectionTrait,
    now: i64,
    actor: Option<i64>,
    id: i64,
    action: &str,
    detail: serde_json::Value,
) -> Result<(), DbErr> {
    crate::audit::append(
        db,
        crate::audit::Entry {
            at: now,
            actor_id: actor,
            entity: "grant",
            entity_id: id,
            action,
            detail,
            public: false,
        },
    )
    .await
}

/// Who acts for the recipient: the user who applied and the organization's administrators.
pub async fn recipients(db: &impl ConnectionTrait, g: &Grant) -> Result<Vec<i64>, DbErr> {
    let mut out = vec![g.applicant_id];
    if let Some(o) = g.org_id {
        for (u, r) in crate::orgs::member_roles(db, o).await? {
            if r == crate::accounts::OrgRole::Admin && !out.contains(&u) {
                out.push(u);
            }
        }
    }
    Ok(out)
}

/// The organizer of the grant's call.
pub fn organizer_of(g: &Grant) -> super::Organizer {
    super::Organizer {
        kind: super::OrganizerKind::parse(&g.organizer_kind).unwrap_or(super::OrganizerKind::Unit),
        id: g.organizer_id,
    }
}

/// Tells one side what happened (`what`: a `grant.event.*` locale key).
async fn tell(
    db: &impl ConnectionTrait,
    g: &Grant,
    to_recipient: bool,
    what: &str,
    detail: &str,
    now: i64,
) -> Result<(), DbErr> {
    let to = if to_recipient {
        recipients(db, g).await?
    } else {
        super::organizer_members(db, organizer_of(g)).await?
    };
    let params = Params::new()
        .text("title", &g.title)
        .label("what", format!("grant.event.{what}"))
        .text("detail", detail)
        .link(format!("/grants/{}", g.id));
    crate::inbox::notify(db, &to, Kind::GrantUpdate, &params, now).await
}

/// The organizer draws up the agreement from an approved proposal: the approved amount, the
/// tranches from the call's plan, the reports from its schedule (months after today).
pub async fn create(
    db: &DatabaseConnection,
    c: &Call,
    p: &Proposal,
    by: i64,
    now: i64,
) -> Outcome<i64> {
    let txn = crate::kernel::db::begin_write(db).await?;
    super::proposal_model::lock_call(&*txn, c.id).await?;
    let Some(p) = super::proposal_model::get(&*txn, p.id).await? else {
        txn.commit().await?;
        return Ok(Err(Refusal::NotApproved));
    };
    let Some(amount) = p
        .approved_fen
        .filter(|_| p.state() == ProposalState::Approved)
    else {
        txn.commit().await?;
        return Ok(Err(Refusal::NotApproved));
    };
    if model::of_proposal(&*txn, p.id).await?.is_some() {
        txn.commit().await?;
        return Ok(Err(Refusal::Exists));
    }
    let plan: Vec<i32> = serde_json::from_str(&c.tranches).unwrap_or_default();
    let plan = if plan.is_empty() { vec![10_000] } else { plan };
    let months: Vec<i16> = serde_json::from_str(&c.reports).unwrap_or_default();
    let months = if months.is_empty() { vec![12] } else { months };
    let start = crate::kernel::clock::shanghai_date(now);
    let dues = rules::report_dues(start, &months);
    let tranches = rules::tranche_amounts(Fen(amount), &plan);
    let league = crate::regions::regions()
        .league_of(&p.place)
        .map(|d| d.code.clone())
        .unwrap_or_else(|| crate::regions::REGION_CODE.to_string());
    let ends_at = dues.last().copied().unwrap_or(now);
    let id = model::insert(
        &*txn,
        NewGrant {
            proposal_id: p.id,
            call_id: c.id,
            organizer_kind: c.organizer_kind.clone(),
            organizer_id: c.organizer_id,
            org_id: p.org_id,
            applicant_id: p.applicant_id,
            recipient_name: p.name.clone(),
            recipient_uscc: p.uscc.clone(),
            title: p.title.clone(),
            description: p.plan.clone(),
            place: p.place.clone(),
            league,
            amount_fen: amount,
            outcomes: p.outcomes.clone(),
            budget: p.budget.clone(),
            starts_at: now,
            ends_at,
        },
        by,
        now,
    )
    .await?;
    let amounts: Vec<i64> = tranches.iter().map(|f| f.0).collect();
    model::insert_tranches(&*txn, id, &amounts).await?;
    model::insert_reports(&*txn, id, &dues).await?;
    audit(
        &*txn,
        now,
        Some(by),
        id,
        "drafted",
        serde_json::json!({
            "proposal": p.id, "amount_fen": amount, "tranches": amounts, "report_dues": dues,
        }),
    )
    .await?;
    let Some(g) = model::get(&*txn, id).await? else {
        return Err(DbErr::RecordNotFound(format!("grant {id}")));
    };
    tell(&*txn, &g, true, "drafted", "", now).await?;
    txn.commit().await?;
    Ok(Ok(id))
}

/// One side signs (`organizer_side`: a member of the organizer; else the recipient).
pub async fn sign(
    db: &DatabaseConnection,
    g: &Grant,
    organizer_side: bool,
    by: i64,
    now: i64,
) -> Outcome<GrantState> {
    let txn = crate::kernel::db::begin_write(db).await?;
    let Some(g) = model::get(&*txn, g.id).await? else {
        txn.commit().await?;
        return Ok(Err(Refusal::Stale));
    };
    let from = g.state();
    let event = if organizer_side {
        GrantEvent::SignOrganizer
    } else {
        GrantEvent::SignRecipient
    };
    let to = match from.apply(event) {
        Ok(to) => to,
        Err(e) => {
            txn.commit().await?;
            return Ok(Err(Refusal::Rule(e)));
        }
    };
    if !model::sign(&*txn, g.id, from, to, organizer_side, by, now).await? {
        txn.commit().await?;
        return Ok(Err(Refusal::Stale));
    }
    let side = if organizer_side {
        "organizer"
    } else {
        "recipient"
    };
    audit(
        &*txn,
        now,
        Some(by),
        g.id,
        "signed",
        serde_json::json!({ "side": side, "from": from.code(), "to": to.code() }),
    )
    .await?;
    let what = if to == GrantState::Active {
        "active"
    } else {
        "signed"
    };
    tell(&*txn, &g, !organizer_side, what, "", now).await?;
    txn.commit().await?;
    Ok(Ok(to))
}

fn dues_of(reports: &[model::Report]) -> Vec<ReportDue> {
    reports
        .iter()
        .map(|r| ReportDue {
            number: r.number,
            due_at: r.due_at,
            state: r.state(),
        })
        .collect()
}

/// The next unpaid tranche, if any.
pub fn next_tranche(tranches: &[model::Tranche]) -> Option<&model::Tranche> {
    tranches.iter().find(|t| t.paid_on.is_none())
}

/// Whether the next tranche may be paid now, and which (for the page).
pub fn payable(
    g: &Grant,
    tranches: &[model::Tranche],
    reports: &[model::Report],
    now: i64,
) -> Result<i32, PayRefusal> {
    rules::may_pay(
        g.state(),
        next_tranche(tranches).map(|t| t.number),
        &dues_of(reports),
        now,
    )
}

/// The organizer records the next tranche's offline payment (its amount checked by the
/// form against that tranche): refused before both signatures and while a report is overdue.
pub async fn pay(
    db: &DatabaseConnection,
    g: &Grant,
    d: &PaymentDraft,
    by: i64,
    now: i64,
) -> Outcome<i32> {
    let txn = crate::kernel::db::begin_write(db).await?;
    if !model::lock(&*txn, g.id, GrantState::Active).await? {
        txn.commit().await?;
        return Ok(Err(Refusal::Pay(PayRefusal::NotActive)));
    }
    let tranches = model::tranches(&*txn, g.id).await?;
    let reports = model::reports(&*txn, g.id).await?;
    let n = match payable(g, &tranches, &reports, now) {
        Ok(n) => n,
        Err(r) => {
            txn.commit().await?;
            return Ok(Err(Refusal::Pay(r)));
        }
    };
    let Some(t) = tranches.iter().find(|t| t.number == n) else {
        txn.commit().await?;
        return Ok(Err(Refusal::Stale));
    };
    if t.amount_fen != d.amount.0
        || !model::pay_tranche(&*txn, t.id, &d.paid_on.to_string(), &d.reference, by, now).await?
    {
        txn.commit().await?;
        return Ok(Err(Refusal::Stale));
    }
    audit(
        &*txn,
        now,
        Some(by),
        g.id,
        "tranche_paid",
        serde_json::json!({
            "tranche": n, "amount_fen": t.amount_fen, "paid_on": d.paid_on.to_string(),
            "reference": d.reference,
        }),
    )
    .await?;
    tell(
        &*txn,
        g,
        true,
        "tranche_paid",
        &format!("#{n} {}", Fen(t.amount_fen)),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(n))
}

async fn report_of(
    txn: &impl ConnectionTrait,
    g: &Grant,
    report_id: i64,
) -> Result<Option<model::Report>, DbErr> {
    Ok(model::report(txn, report_id)
        .await?
        .filter(|r| r.grant_id == g.id))
}

/// The recipient submits a report (due or returned) of an active grant.
pub async fn submit_report(
    db: &DatabaseConnection,
    g: &Grant,
    report_id: i64,
    d: &ReportDraft,
    by: i64,
    now: i64,
) -> Outcome<i32> {
    let txn = crate::kernel::db::begin_write(db).await?;
    if !model::lock(&*txn, g.id, GrantState::Active).await? {
        txn.commit().await?;
        return Ok(Err(Refusal::Stale));
    }
    let Some(r) = report_of(&*txn, g, report_id).await? else {
        txn.commit().await?;
        return Ok(Err(Refusal::ReportState));
    };
    let from = r.state();
    if !from.submittable() || !model::submit_report(&*txn, r.id, from, d, by, now).await? {
        txn.commit().await?;
        return Ok(Err(Refusal::ReportState));
    }
    audit(
        &*txn,
        now,
        Some(by),
        g.id,
        "report_submitted",
        serde_json::json!({
            "report": r.number, "final": r.is_final, "spent_fen": d.spent.0,
            "achieved": d.achieved,
        }),
    )
    .await?;
    tell(
        &*txn,
        g,
        false,
        "report_submitted",
        &format!("#{}", r.number),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(r.number))
}

/// The organizer accepts a submitted report or returns it with a reason.
pub async fn review_report(
    db: &DatabaseConnection,
    g: &Grant,
    report_id: i64,
    accept: bool,
    reason: &str,
    by: i64,
    now: i64,
) -> Outcome<ReportState> {
    let txn = crate::kernel::db::begin_write(db).await?;
    if !model::lock(&*txn, g.id, GrantState::Active).await? {
        txn.commit().await?;
        return Ok(Err(Refusal::Stale));
    }
    let Some(r) = report_of(&*txn, g, report_id).await? else {
        txn.commit().await?;
        return Ok(Err(Refusal::ReportState));
    };
    let to = if accept {
        ReportState::Accepted
    } else {
        ReportState::Returned
    };
    let reason_kept = (!accept).then_some(reason);
    if !model::review_report(&*txn, r.id, to, reason_kept, by, now).await? {
        txn.commit().await?;
        return Ok(Err(Refusal::ReportState));
    }
    audit(
        &*txn,
        now,
        Some(by),
        g.id,
        if accept {
            "report_accepted"
        } else {
            "report_returned"
        },
        serde_json::json!({ "report": r.number, "reason": reason }),
    )
    .await?;
    let what = if accept {
        "report_accepted"
    } else {
        "report_returned"
    };
    tell(
        &*txn,
        g,
        true,
        what,
        &format!("#{} {reason}", r.number),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(to))
}

/// The organizer completes the grant with a rating once the final report is accepted.
pub async fn complete(
    db: &DatabaseConnection,
    g: &Grant,
    rating: i16,
    by: i64,
    now: i64,
) -> Outcome<()> {
    let txn = crate::kernel::db::begin_write(db).await?;
    let Some(g) = model::get(&*txn, g.id).await? else {
        txn.commit().await?;
        return Ok(Err(Refusal::Stale));
    };
    if let Err(e) = g.state().apply(GrantEvent::Complete) {
        txn.commit().await?;
        return Ok(Err(Refusal::Rule(e)));
    }
    let reports = model::reports(&*txn, g.id).await?;
    if !reports
        .iter()
        .any(|r| r.is_final && r.state() == ReportState::Accepted)
    {
        txn.commit().await?;
        return Ok(Err(Refusal::FinalNotAccepted));
    }
    if !model::complete(&*txn, g.id, rating, now).await? {
        txn.commit().await?;
        return Ok(Err(Refusal::Stale));
    }
    audit(
        &*txn,
        now,
        Some(by),
        g.id,
        "completed",
        serde_json::json!({ "rating": rating }),
    )
    .await?;
    tell(&*txn, &g, true, "completed", &format!("{rating}/5"), now).await?;
    txn.commit().await?;
    Ok(Ok(()))
}

/// The organizer ends the grant early, with a reason: through `GrantState::apply`
/// (drafted, signed by one side or active), a conditional update, in one transaction with
/// the audit entry (the tranches paid and those cancelled), the refusal of an amendment
/// still waiting (with the same reason) and the recipient's notice. Paid tranches stay paid
/// (and counted on `/targets`); the unpaid ones are cancelled — nothing pays them, and no
/// report or amendment is taken, since those need an active grant.
pub async fn terminate(
    db: &DatabaseConnection,
    g: &Grant,
    reason: &str,
    by: i64,
    now: i64,
) -> Outcome<()> {
    let txn = crate::kernel::db::begin_write(db).await?;
    let Some(g) = model::get(&*txn, g.id).await? else {
        txn.commit().await?;
        return Ok(Err(Refusal::Stale));
    };
    let from = g.state();
    if let Err(e) = from.apply(GrantEvent::Terminate) {
        txn.commit().await?;
        return Ok(Err(Refusal::Rule(e)));
    }
    if !model::terminate(&*txn, g.id, from, reason, now).await? {
        txn.commit().await?;
        return Ok(Err(Refusal::Stale));
    }
    let tranches = model::tranches(&*txn, g.id).await?;
    let split: Vec<(Fen, bool)> = tranches
        .iter()
        .map(|t| (Fen(t.amount_fen), t.paid_on.is_some()))
        .collect();
    let ((paid_n, paid), (cancelled_n, cancelled)) = rules::termination_split(&split);
    let mut refused = Vec::new();
    for a in model::amendments(&*txn, g.id).await? {
        if a.state == AmendmentState::Pending.code()
            && model::decide_amendment(&*txn, a.id, AmendmentState::Refused, reason, by, now)
                .await?
        {
            refused.push(a.id);
        }
    }
    audit(
        &*txn,
        now,
        Some(by),
        g.id,
        "terminated",
        serde_json::json!({
            "from": from.code(), "reason": reason,
            "tranches_paid": paid_n, "paid_fen": paid.0,
            "tranches_cancelled": cancelled_n, "cancelled_fen": cancelled.0,
            "amendments_refused": refused,
        }),
    )
    .await?;
    tell(&*txn, &g, true, "terminated", reason, now).await?;
    txn.commit().await?;
    Ok(Ok(()))
}

/// The recipient asks for an amendment of an active grant (one waiting at a time).
pub async fn request_amendment(
    db: &DatabaseConnection,
    g: &Grant,
    d: &AmendmentDraft,
    by: i64,
    now: i64,
) -> Outcome<i64> {
    let txn = crate::kernel::db::begin_write(db).await?;
    if !model::lock(&*txn, g.id, GrantState::Active).await? {
        txn.commit().await?;
        return Ok(Err(Refusal::Stale));
    }
    if model::amendments(&*txn, g.id)
        .await?
        .iter()
        .any(|a| a.state == AmendmentState::Pending.code())
    {
        txn.commit().await?;
        return Ok(Err(Refusal::AmendmentPending));
    }
    let (kind, ends, budget, reason) = match d {
        AmendmentDraft::Extension { ends_at, reason } => {
            if *ends_at <= g.ends_at {
                txn.commit().await?;
                return Ok(Err(Refusal::Stale));
            }
            (
                rules::AmendmentKind::Extension,
                Some(*ends_at),
                None,
                reason,
            )
        }
        AmendmentDraft::Budget { lines, reason } => (
            rules::AmendmentKind::Budget,
            None,
            Some(serde_json::to_string(lines).unwrap_or_else(|_| "[]".into())),
            reason,
        ),
    };
    let id = model::insert_amendment(
        &*txn,
        g.id,
        kind.code(),
        ends,
        budget.clone(),
        reason,
        by,
        now,
    )
    .await?;
    audit(
        &*txn,
        now,
        Some(by),
        g.id,
        "amendment_requested",
        serde_json::json!({
            "amendment": id, "kind": kind.code(), "new_ends_at": ends, "budget": budget,
            "reason": reason,
        }),
    )
    .await?;
    tell(&*txn, g, false, "amendment_requested", reason, now).await?;
    txn.commit().await?;
    Ok(Ok(id))
}

/// The organizer approves (applying it: a later end moving the reports not yet submitted
/// by as much, or the revised budget) or refuses a pending amendment, with a reason.
pub async fn decide_amendment(
    db: &DatabaseConnection,
    g: &Grant,
    amendment_id: i64,
    approve: bool,
    reason: &str,
    by: i64,
    now: i64,
) -> Outcome<AmendmentState> {
    let txn = crate::kernel::db::begin_write(db).await?;
    if !model::lock(&*txn, g.id, GrantState::Active).await? {
        txn.commit().await?;
        return Ok(Err(Refusal::Stale));
    }
    let Some(g) = model::get(&*txn, g.id).await? else {
        txn.commit().await?;
        return Ok(Err(Refusal::Stale));
    };
    let Some(a) = model::amendment(&*txn, amendment_id)
        .await?
        .filter(|a| a.grant_id == g.id)
    else {
        txn.commit().await?;
        return Ok(Err(Refusal::AmendmentDecided));
    };
    let to = if approve {
        AmendmentState::Approved
    } else {
        AmendmentState::Refused
    };
    if !model::decide_amendment(&*txn, a.id, to, reason, by, now).await? {
        txn.commit().await?;
        return Ok(Err(Refusal::AmendmentDecided));
    }
    if approve {
        if let Some(end) = a.new_ends_at.filter(|e| *e > g.ends_at) {
            model::shift_open_reports(&*txn, g.id, end - g.ends_at).await?;
            model::set_end(&*txn, g.id, end, now).await?;
        }
        if let Some(b) = &a.budget {
            model::set_budget(&*txn, g.id, b, now).await?;
        }
    }
    audit(
        &*txn,
        now,
        Some(by),
        g.id,
        if approve {
            "amendment_approved"
        } else {
            "amendment_refused"
        },
        serde_json::json!({
            "amendment": a.id, "kind": a.kind, "reason": reason,
            "old_ends_at": g.ends_at, "new_ends_at": a.new_ends_at,
        }),
    )
    .await?;
    let what = if approve {
        "amendment_approved"
    } else {
        "amendment_refused"
    };
    tell(&*txn, &g, true, what, reason, now).await?;
    txn.commit().await?;
    Ok(Ok(to))
}

/// The daily reminder round: for each outstanding report of an active grant, the notice
/// `days` before its due date and the one `days` after, each once (its flag is claimed by a
/// conditional update in the notice's transaction). Returns how many notices went out.
pub async fn send_reminders(db: &DatabaseConnection, days: i64, now: i64) -> Result<u32, DbErr> {
    let span = days * 86_400;
    let mut sent = 0;
    for r in model::outstanding_near(db, now, span).await? {
        let Some(kind) = rules::reminder_due(
            r.due_at,
            r.state(),
            r.reminded_before,
            r.reminded_after,
            days,
            now,
        ) else {
            continue;
        };
        let txn = crate::kernel::db::begin_write(db).await?;
        let after = kind == Reminder::After;
        if !model::mark_reminded(&*txn, r.id, after).await? {
            txn.commit().await?;
            continue;
        }
        let Some(g) = model::get(&*txn, r.grant_id).await? else {
            txn.commit().await?;
            continue;
        };
        let to = recipients(&*txn, &g).await?;
        let params = Params::new()
            .text("title", &g.title)
            .text("n", r.number.to_string())
            .text(
                "due",
                crate::kernel::clock::shanghai_date(r.due_at).to_string(),
            )
            .label(
                "when",
                if after {
                    "grant.reminder.after"
                } else {
                    "grant.reminder.before"
                },
            )
            .link(format!("/grants/{}#reports", g.id));
        crate::inbox::notify(&*txn, &to, Kind::GrantReminder, &params, now).await?;
        audit(
            &*txn,
            now,
            None,
            g.id,
            "report_reminded",
            serde_json::json!({ "report": r.number, "after": after }),
        )
        .await?;
        txn.commit().await?;
        sent += 1;
    }
    Ok(sent)
}

/// One completed grant on an organization's track record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackEntry {
    /// Grant id.
    pub id: i64,
    /// Project title.
    pub title: String,
    /// Amount.
    pub amount: Fen,
    /// Rating 1–5.
    pub rating: i16,
    /// When completed.
    pub completed_at: i64,
}

/// The organization's completed grants with their ratings (its public track record).
pub async fn track_record(db: &impl ConnectionTrait, org: i64) -> Result<Vec<TrackEntry>, DbErr> {
    Ok(model::rated_of_org(db, org)
        .await?
        .into_iter()
        .filter_map(|g| {
            Some(TrackEntry {
                id: g.id,
                title: g.title,
                amount: Fen(g.amount_fen),
                rating: g.rating?,
                completed_at: g.completed_at?,
            })
        })
        .collect())
}

/// Grant money paid to recipients, by league/city code and year paid: `(league, year, fen)`.
pub async fn paid_by_league_year(
    db: &impl ConnectionTrait,
) -> Result<Vec<(String, i32, Fen)>, DbErr> {
    Ok(model::paid_by_league_year(db)
        .await?
        .into_iter()
        .map(|(l, y, f)| (l, y, Fen(f)))
        .collect())
}

/// A 360Giving data package (standard 1.4): the grants and the package's metadata.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Giving360Package {
    /// The grants.
    pub grants: Vec<Giving360Grant>,
    /// The standard's version.
    pub version: String,
    /// What the package holds.
    pub title: String,
}

/// One grant in 360Giving's terms.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Giving360Grant {
    /// The grant's id, under the publisher's prefix.
    pub id: String,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Always `CNY`.
    pub currency: String,
    /// Yuan (from fen; at most two decimals).
    pub amount_awarded: f64,
    /// The second signature's day (YYYY-MM-DD, Asia/Shanghai).
    pub award_date: String,
    /// The recipient.
    pub recipient_organization: Vec<Giving360Org>,
    /// The funder (the call's organizer).
    pub funding_organization: Vec<Giving360Org>,
    /// The planned period.
    pub planned_dates: Vec<Giving360Dates>,
    /// Where the beneficiaries are.
    pub beneficiary_location: Vec<Giving360Location>,
    /// When it actually ran: only for a grant terminated early (its start to the day it
    /// ended, the reason as the event's description).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actual_dates: Option<Vec<Giving360Event>>,
    /// When its record last changed in a way the file shows (the termination), RFC 3339.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_modified: Option<String>,
}

/// A dated event in a 360Giving grant (`actualDates`).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Giving360Event {
    /// What it was.
    pub title: String,
    /// Why (the termination's reason).
    pub description: String,
    /// First day (YYYY-MM-DD).
    pub start_date: String,
    /// Last day (YYYY-MM-DD).
    pub end_date: String,
}

/// An instant as an RFC 3339 date-time in Asia/Shanghai (`2026-12-03T10:00:00+08:00`).
fn date_time(t: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(t)
        .map(|d| d.to_offset(crate::kernel::clock::SHANGHAI))
        .ok()
        .and_then(|d| {
            d.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

/// An organization in a 360Giving grant.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Giving360Org {
    /// `CN-USC-…` or an id under the publisher's prefix.
    pub id: String,
    /// Name.
    pub name: String,
}

/// A grant's planned period.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Giving360Dates {
    /// First day (YYYY-MM-DD).
    pub start_date: String,
    /// Last day (YYYY-MM-DD).
    pub end_date: String,
}

/// The beneficiaries' place.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Giving360Location {
    /// Full Chinese name of the division.
    pub name: String,
    /// Always `CN`.
    pub country_code: String,
    /// GB/T 2260 code.
    pub geo_code: String,
    /// Always `CN-GB/T2260`.
    pub geo_code_type: String,
}

/// The 360Giving package of the grants awarded (signed by both sides: active or
/// completed), with the required fields of the standard: an id with `prefix`, the amount in
/// yuan (CNY) from fen, the award date (the second signature), the recipient identified by
/// its USCC in the `CN-USC` scheme (a group in preparation, which has none, by an id under
/// the prefix), the funder, the planned dates and the beneficiaries' place.
pub fn giving360_package(
    grants: &[Grant],
    organizers: &std::collections::HashMap<super::Organizer, String>,
    prefix: &str,
) -> Giving360Package {
    let day = |t: i64| crate::kernel::clock::shanghai_date(t).to_string();
    let rows = grants
        .iter()
        .filter(|g| match g.state() {
            GrantState::Active | GrantState::Completed => true,
            // Ended early after both signed: it was awarded, and stays in the file with
            // the amount signed and the day it actually ended.
            GrantState::Terminated => {
                g.organizer_signed_at.is_some() && g.recipient_signed_at.is_some()
            }
            _ => false,
        })
        .map(|g| {
            let o = organizer_of(g);
            let awarded = g
                .organizer_signed_at
                .max(g.recipient_signed_at)
                .unwrap_or(g.created_at);
            let recipient_id = match &g.recipient_uscc {
                Some(u) => format!("CN-USC-{u}"),
                None => format!("{prefix}-group-{}", g.id),
            };
            let funder_id = format!("{prefix}-{}-{}", o.kind.code(), o.id);
            let place = crate::regions::regions().path(&g.place, crate::kernel::Lang::Zh);
            Giving360Grant {
                id: format!("{prefix}-{}", g.id),
                title: g.title.clone(),
                description: g.description.clone(),
                currency: "CNY".into(),
                // Yuan with at most two decimals: fen / 100 is exact in a double for any
                // amount a form accepts (at most 10^12 yuan).
                amount_awarded: g.amount_fen as f64 / 100.0,
                award_date: day(awarded),
                recipient_organization: vec![Giving360Org {
                    id: recipient_id,
                    name: g.recipient_name.clone(),
                }],
                funding_organization: vec![Giving360Org {
                    id: funder_id,
                    name: organizers.get(&o).cloned().unwrap_or_default(),
                }],
                planned_dates: vec![Giving360Dates {
                    start_date: day(g.starts_at),
                    end_date: day(g.ends_at),
                }],
                beneficiary_location: vec![Giving360Location {
                    name: place,
                    country_code: "CN".into(),
                    geo_code: g.place.clone(),
                    geo_code_type: "CN-GB/T2260".into(),
                }],
                actual_dates: g
                    .terminated_at
                    .filter(|_| g.state() == GrantState::Terminated)
                    .map(|t| {
                        vec![Giving360Event {
                            title: "Terminated early".into(),
                            description: g.termination_reason.clone().unwrap_or_default(),
                            start_date: day(g.starts_at),
                            end_date: day(t),
                        }]
                    }),
                date_modified: g
                    .terminated_at
                    .filter(|_| g.state() == GrantState::Terminated)
                    .map(date_time),
            }
        })
        .collect();
    Giving360Package {
        grants: rows,
        version: "1.4".into(),
        title: "CivicBridge venture-philanthropy grants".into(),
    }
}
