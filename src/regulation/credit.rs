//! The credit engine (issue 15 point 2) and the operations on credit cases, each one write
//! transaction with its history row, audit entry and notices. The engine reads facts in
//! batches (reports, penalties, findings, cases: one `IN` query each per batch of
//! organizations), decides with the pure [`super::credit_rules`], and writes the
//! organizations that change a hundred to a transaction, each in a savepoint of its own: its
//! case steps and, when a listing began or ended, the organization's credit status through `orgs`' face, which eligibility
//! (tenders, calls, brands) and the search facet already read. Organizations whose only steps
//! are written notices (a first run's thousands) are written together, one multi-row insert
//! per table per chunk, falling back to one savepoint each when another run got there first.
//!
//! Invariants: a case moves only by a conditional update on the state it was read in (a
//! round that loses a race rolls back that organization's steps and leaves them to the
//! next run); one case per organization and ground occurrence (unique index); every step
//! has a history row saying who acted (none: the rule) and an audit entry, public from the
//! listing on.

use std::collections::HashMap;

use sea_orm::{ActiveValue::Set, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr};

use super::credit_model::{self as m, Case, credit_case};
use super::credit_rules::{
    self as r, CaseState, CreditSettings, DAY, FindingDraft, OrgFacts, Rule, Step,
};
use super::org_admins;
use super::rule_params::{self as p, Local};
use super::rules::RegulationSettings;
use crate::inbox::{Kind, Params};
use crate::orgs::{Org, OrgKind};

/// What one run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct RunSummary {
    /// Organizations evaluated.
    pub orgs: u32,
    /// Written notices given.
    pub noticed: u32,
    /// Cases listed.
    pub listed: u32,
    /// Cases withdrawn (ground gone before listing).
    pub withdrawn: u32,
    /// Cases removed from a list.
    pub removed: u32,
    /// Serious cases whose clock restarted.
    pub restarted: u32,
    /// Organizations left for the next run (a case moved meanwhile).
    pub deferred: u32,
}

impl RunSummary {
    fn add(&mut self, o: RunSummary) {
        self.noticed += o.noticed;
        self.listed += o.listed;
        self.withdrawn += o.withdrawn;
        self.removed += o.removed;
        self.restarted += o.restarted;
    }
}

/// Why a credit write was refused (nothing was written).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreditRefusal {
    /// No such case or finding on this organization.
    NotFound,
    /// The objection period is over.
    PeriodOver,
    /// Not allowed in the case's state (or it changed meanwhile).
    State(CaseState),
    /// The finding is already resolved.
    Resolved,
}

/// Organizations evaluated per batch of reads.
const BATCH: u64 = 1000;

/// Organizations with steps whose writes share one transaction (each in a savepoint of its
/// own). A commit per organization was most of the first daily run's time on SQLite, where
/// every commit is a sync; a hundred keeps the writers' turn held for well under a second.
const WRITE_CHUNK: usize = 100;

/// The daily run: every organization, in batches.
pub async fn evaluate_all(
    db: &DatabaseConnection,
    c: &CreditSettings,
    reports: &RegulationSettings,
    now: i64,
) -> Result<RunSummary, DbErr> {
    let mut total = RunSummary::default();
    let mut after = 0;
    loop {
        let ids = crate::orgs::ids_after(db, after, BATCH).await?;
        let Some(last) = ids.last() else { break };
        after = *last;
        let s = evaluate_orgs(db, &ids, c, reports, now).await?;
        total.orgs += s.orgs;
        total.deferred += s.deferred;
        total.add(s);
    }
    Ok(total)
}

/// Evaluates these organizations now (the daily run's batch, and the events: a penalty
/// recorded, a report accepted, a finding recorded or resolved, an objection answered).
pub async fn evaluate_orgs(
    db: &DatabaseConnection,
    ids: &[i64],
    c: &CreditSettings,
    reports: &RegulationSettings,
    now: i64,
) -> Result<RunSummary, DbErr> {
    let mut sum = RunSummary::default();
    if ids.is_empty() {
        return Ok(sum);
    }
    let rules: Vec<Rule> = m::rules(db)
        .await?
        .iter()
        .filter_map(m::RuleRow::rule)
        .collect();
    let overrides = m::overrides(db).await?;
    // The rules at each place an organization of the batch is registered (a handful of
    // places; none but the defaults when no locality overrides anything).
    let mut locals: HashMap<Vec<String>, Local> = HashMap::new();
    let orgs = crate::orgs::rows_by_ids(db, ids).await?;
    let mut report_facts = m::report_facts(db, ids).await?;
    let mut penalties = m::penalty_facts(db, ids).await?;
    let mut findings = m::findings_of_many(db, ids).await?;
    let mut cases = m::cases_of_many(db, ids).await?;
    let mut absorbed = m::absorbed_of_many(db, ids).await?;
    let mut chunk: Option<crate::kernel::db::WriteTxn> = None;
    let mut in_chunk = 0;
    // Organizations whose only steps are written notices (nearly all of a first run), written
    // together when the chunk commits.
    let mut notices: Vec<NoticeOnly> = Vec::new();
    for o in orgs {
        sum.orgs += 1;
        let cases = cases.remove(&o.id).unwrap_or_default();
        let facts = OrgFacts {
            files_reports: OrgKind::parse(&o.kind).is_some_and(OrgKind::is_social_org),
            registration_year: o.registration_date.year(),
            reports: report_facts.remove(&o.id).unwrap_or_default(),
            penalties: penalties.remove(&o.id).unwrap_or_default(),
            findings: findings.remove(&o.id).unwrap_or_default(),
            cases: cases.iter().map(Case::fact).collect(),
            absorbed: absorbed.remove(&o.id).unwrap_or_default(),
        };
        let place = if overrides.is_empty() {
            Vec::new()
        } else {
            p::chain(o.league_code.as_deref(), o.county_code.as_deref())
        };
        let local = locals
            .entry(place.clone())
            .or_insert_with_key(|place| p::localize(&rules, place, &overrides));
        let deadline = local.reports(reports);
        let hits = r::hits(&facts, &local.rules, c, |y| deadline.deadline(y), now);
        let steps = r::plan(&facts, &hits, c, now);
        if steps.is_empty() {
            continue;
        }
        if chunk.is_none() {
            chunk = Some(crate::kernel::db::begin_write(db).await?);
        }
        let Some(outer) = chunk.as_ref() else {
            unreachable!("the chunk's transaction was begun just above")
        };
        if steps.iter().all(|s| matches!(s, Step::Notice(_))) {
            notices.push(NoticeOnly {
                org: o,
                steps,
                place,
            });
        } else {
            apply_one(outer, &o, &cases, &steps, local, c, now, &mut sum).await?;
        }
        in_chunk += 1;
        if in_chunk == WRITE_CHUNK {
            if let Some(t) = chunk.take() {
                flush_notices(&t, &mut notices, &locals, c, now, &mut sum).await?;
                t.commit().await?;
            }
            in_chunk = 0;
        }
    }
    if let Some(t) = chunk.take() {
        flush_notices(&t, &mut notices, &locals, c, now, &mut sum).await?;
        t.commit().await?;
    }
    Ok(sum)
}

/// An organization whose steps are all written notices, waiting for its chunk's commit.
struct NoticeOnly {
    org: Org,
    steps: Vec<Step>,
    /// The key of its place's rules.
    place: Vec<String>,
}

/// One organization's steps in a savepoint of the chunk's transaction: kept, or undone alone
/// when a case moved meanwhile (left to the next run).
#[allow(clippy::too_many_arguments)]
async fn apply_one(
    outer: &crate::kernel::db::WriteTxn,
    o: &Org,
    cases: &[Case],
    steps: &[Step],
    local: &Local,
    c: &CreditSettings,
    now: i64,
    sum: &mut RunSummary,
) -> Result<(), DbErr> {
    let sp = crate::kernel::db::savepoint(outer).await?;
    match apply(&sp, o, cases, steps, local, c, now).await? {
        Some(s) => {
            sp.commit().await?;
            sum.add(s);
        }
        None => {
            sp.rollback().await?;
            sum.deferred += 1;
        }
    }
    Ok(())
}

/// Writes the waiting notices together: the cases, their history rows, audit entries and
/// inbox notices in one multi-row insert each (a statement per row was most of a first run's
/// time). When another run opened one of these cases meanwhile, the unique index refuses
/// the insert; the batch is undone and each organization is written alone, as [`apply`]
/// would have, so only the organizations that met a clash are deferred.
async fn flush_notices(
    outer: &crate::kernel::db::WriteTxn,
    pending: &mut Vec<NoticeOnly>,
    locals: &HashMap<Vec<String>, Local>,
    c: &CreditSettings,
    now: i64,
    sum: &mut RunSummary,
) -> Result<(), DbErr> {
    if pending.is_empty() {
        return Ok(());
    }
    let sp = crate::kernel::db::savepoint(outer).await?;
    match write_notices(&sp, pending, locals, c, now).await {
        Ok(n) => {
            sp.commit().await?;
            sum.noticed += n;
        }
        Err(e)
            if matches!(
                e.sql_err(),
                Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
            ) =>
        {
            sp.rollback().await?;
            for b in pending.iter() {
                let local = &locals[&b.place];
                apply_one(outer, &b.org, &[], &b.steps, local, c, now, sum).await?;
            }
        }
        Err(e) => return Err(e),
    }
    pending.clear();
    Ok(())
}

/// The notices of [`flush_notices`] in one statement per table; how many were given.
async fn write_notices(
    txn: &DatabaseTransaction,
    batch: &[NoticeOnly],
    locals: &HashMap<Vec<String>, Local>,
    c: &CreditSettings,
    now: i64,
) -> Result<u32, DbErr> {
    let ids: Vec<i64> = batch.iter().map(|b| b.org.id).collect();
    let admins = crate::orgs::admins_of_many(txn, &ids).await?;
    let mut drafts = Vec::new();
    for b in batch {
        let local = &locals[&b.place];
        for step in &b.steps {
            if let Step::Notice(h) = step {
                let (basis, due) = notice_terms(local, h, c, now);
                drafts.push((b.org.id, h, basis, due));
            }
        }
    }
    let cases = m::insert_cases(txn, &drafts, now).await?;
    m::insert_events(txn, &cases, "noticed", now).await?;
    crate::audit::append_many(
        txn,
        cases
            .iter()
            .map(|case| entry(case, "noticed", None, false, "", now))
            .collect(),
    )
    .await?;
    let orgs: HashMap<i64, &Org> = batch.iter().map(|b| (b.org.id, &b.org)).collect();
    let mut inbox = Vec::with_capacity(cases.len());
    for case in &cases {
        let Some(o) = orgs.get(&case.org_id) else {
            continue;
        };
        let to = admins.get(&case.org_id).cloned().unwrap_or_default();
        let due = crate::kernel::clock::display_instant(case.objection_due);
        inbox.push((to, Kind::CreditNoticed, params(o, case).text("due", due)));
    }
    crate::inbox::notify_many(txn, &inbox, now).await?;
    Ok(u32::try_from(cases.len()).unwrap_or(u32::MAX))
}

/// A notice's legal basis (the rule's, where the organization is registered) and the end of
/// its objection period (the days set there).
fn notice_terms(local: &Local, h: &r::Hit, c: &CreditSettings, now: i64) -> (String, i64) {
    let basis = local
        .rules
        .iter()
        .find(|x| x.trigger == h.trigger)
        .map(|x| x.legal_basis.clone())
        .unwrap_or_default();
    let due = now + local.objection_days(h.trigger, c.objection_days) * DAY;
    (basis, due)
}

fn entry<'a>(
    case: &Case,
    action: &'a str,
    actor: Option<i64>,
    public: bool,
    note: &str,
    now: i64,
) -> crate::audit::Entry<'a> {
    crate::audit::Entry {
        at: now,
        actor_id: actor,
        entity: "credit_case",
        entity_id: case.id,
        action,
        detail: serde_json::json!({
            "org": case.org_id,
            "trigger": case.trigger,
            "subject": case.subject,
            "list": case.list,
            "note": note,
        }),
        public,
    }
}

async fn audit(
    db: &impl ConnectionTrait,
    case: &Case,
    action: &str,
    actor: Option<i64>,
    public: bool,
    note: &str,
    now: i64,
) -> Result<(), DbErr> {
    crate::audit::append(db, entry(case, action, actor, public, note, now)).await
}

fn params(o: &Org, case: &Case) -> Params {
    Params::new()
        .text("org", &o.name)
        .label("list", format!("credit.list.{}", case.list))
        .label("trigger", format!("credit.trigger.{}", case.trigger))
        .link(format!("/orgs/{}/credit#case-{}", o.id, case.id))
}

/// One organization's steps in the caller's savepoint; `None` when a case moved meanwhile
/// (the caller rolls the savepoint back and the next run tries again).
async fn apply(
    txn: &DatabaseTransaction,
    o: &Org,
    cases: &[Case],
    steps: &[Step],
    local: &Local,
    c: &CreditSettings,
    now: i64,
) -> Result<Option<RunSummary>, DbErr> {
    let admins = org_admins(txn, o.id).await?;
    let mut sum = RunSummary::default();
    let mut listing_changed = false;
    let find = |id: i64| cases.iter().find(|x| x.id == id);
    for step in steps {
        let moved = match step {
            Step::Notice(h) => {
                let (basis, due) = notice_terms(local, h, c, now);
                let case = match m::insert_case(txn, o.id, h, &basis, due, now).await {
                    Ok(x) => x,
                    Err(e)
                        if matches!(
                            e.sql_err(),
                            Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
                        ) =>
                    {
                        return Ok(None);
                    }
                    Err(e) => return Err(e),
                };
                m::insert_event(txn, &case, "noticed", None, "", now).await?;
                audit(txn, &case, "noticed", None, false, "", now).await?;
                let p = params(o, &case).text("due", crate::kernel::clock::display_instant(due));
                crate::inbox::notify(txn, &admins, Kind::CreditNoticed, &p, now).await?;
                sum.noticed += 1;
                true
            }
            Step::List(id) => {
                let Some(case) = find(*id) else {
                    return Ok(None);
                };
                let am = credit_case::ActiveModel {
                    state: Set(CaseState::Listed.code().to_string()),
                    listed_at: Set(Some(now)),
                    clock_from: Set(case.clock_from.max(now)),
                    updated_at: Set(now),
                    ..Default::default()
                };
                let ok = m::move_case(txn, case.id, CaseState::Noticed, am).await?;
                if ok {
                    m::insert_event(txn, case, "listed", None, "", now).await?;
                    audit(txn, case, "listed", None, true, "", now).await?;
                    let p = params(o, case);
                    crate::inbox::notify(txn, &admins, Kind::CreditListed, &p, now).await?;
                    sum.listed += 1;
                    listing_changed = true;
                }
                ok
            }
            Step::Withdraw(id) => {
                let Some(case) = find(*id) else {
                    return Ok(None);
                };
                let am = credit_case::ActiveModel {
                    state: Set(CaseState::Withdrawn.code().to_string()),
                    closed_at: Set(Some(now)),
                    updated_at: Set(now),
                    ..Default::default()
                };
                let ok = m::move_case(txn, case.id, case.state(), am).await?;
                if ok {
                    m::insert_event(txn, case, "withdrawn", None, "ground_gone", now).await?;
                    audit(txn, case, "withdrawn", None, false, "ground_gone", now).await?;
                    sum.withdrawn += 1;
                }
                ok
            }
            Step::Remove(id, why) => {
                let Some(case) = find(*id) else {
                    return Ok(None);
                };
                let am = credit_case::ActiveModel {
                    state: Set(CaseState::Removed.code().to_string()),
                    closed_at: Set(Some(now)),
                    updated_at: Set(now),
                    ..Default::default()
                };
                let ok = m::move_case(txn, case.id, CaseState::Listed, am).await?;
                if ok {
                    m::insert_event(txn, case, "removed", None, why.code(), now).await?;
                    audit(txn, case, "removed", None, true, why.code(), now).await?;
                    let p = params(o, case).label("why", format!("credit.removal.{}", why.code()));
                    crate::inbox::notify(txn, &admins, Kind::CreditRemoved, &p, now).await?;
                    sum.removed += 1;
                    listing_changed = true;
                }
                ok
            }
            Step::Restart(id, h) => {
                let Some(case) = find(*id) else {
                    return Ok(None);
                };
                let am = credit_case::ActiveModel {
                    clock_from: Set(case.clock_from.max(h.since)),
                    updated_at: Set(now),
                    ..Default::default()
                };
                let ok = m::move_case(txn, case.id, case.state(), am).await?;
                if ok {
                    let note = r::key(h.trigger, &h.subject);
                    m::insert_event(txn, case, "restarted", None, &note, now).await?;
                    let public = case.state() == CaseState::Listed;
                    audit(txn, case, "restarted", None, public, &note, now).await?;
                    sum.restarted += 1;
                }
                ok
            }
        };
        if !moved {
            return Ok(None);
        }
    }
    if listing_changed {
        sync_status(txn, o, None, now).await?;
    }
    Ok(Some(sum))
}

/// Sets the organization's credit status to what its listed cases give, when it differs.
async fn sync_status(
    db: &impl ConnectionTrait,
    o: &Org,
    actor: Option<i64>,
    now: i64,
) -> Result<(), DbErr> {
    let after = m::cases_of(db, o.id).await?;
    let pairs: Vec<_> = after.iter().map(|x| (x.list(), x.state())).collect();
    let status = r::status_of(&pairs);
    if status.code() != o.credit_status {
        let listed: Vec<String> = after
            .iter()
            .filter(|x| x.state() == CaseState::Listed)
            .map(|x| format!("#{} {}", x.id, x.legal_basis))
            .collect();
        let reason = if listed.is_empty() {
            "信用规则：所列情形均已移出 (credit rules: every listing removed)".to_string()
        } else {
            format!("信用规则 (credit rules): {}", listed.join("; "))
        };
        crate::orgs::set_credit_in(db, o.id, &o.credit_status, status, &reason, actor, now).await?;
    }
    Ok(())
}

/// An organization's administrator objects to a notice within its period.
pub async fn object(
    db: &DatabaseConnection,
    o: &Org,
    case_id: i64,
    text: &str,
    actor: i64,
    now: i64,
) -> Result<Result<(), CreditRefusal>, DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    let Some(case) = m::case_of(&*txn, o.id, case_id).await? else {
        txn.commit().await?;
        return Ok(Err(CreditRefusal::NotFound));
    };
    if case.state() != CaseState::Noticed {
        txn.commit().await?;
        return Ok(Err(CreditRefusal::State(case.state())));
    }
    if now > case.objection_due {
        txn.commit().await?;
        return Ok(Err(CreditRefusal::PeriodOver));
    }
    let am = credit_case::ActiveModel {
        state: Set(CaseState::Objected.code().to_string()),
        objection_text: Set(Some(text.to_string())),
        objected_by: Set(Some(actor)),
        objected_at: Set(Some(now)),
        updated_at: Set(now),
        ..Default::default()
    };
    if !m::move_case(&*txn, case.id, CaseState::Noticed, am).await? {
        txn.commit().await?;
        return Ok(Err(CreditRefusal::State(case.state())));
    }
    m::insert_event(&*txn, &case, "objected", Some(actor), "", now).await?;
    audit(&*txn, &case, "objected", Some(actor), false, text, now).await?;
    txn.commit().await?;
    Ok(Ok(()))
}

/// A regulator answers an objection: upheld, the case is withdrawn; rejected, it is a
/// notice again and is listed by the engine (right away when the period is over). The
/// organization's administrators are notified in the same transaction.
#[allow(clippy::too_many_arguments)]
pub async fn answer(
    db: &DatabaseConnection,
    o: &Org,
    case_id: i64,
    uphold: bool,
    text: &str,
    actor: i64,
    now: i64,
    c: &CreditSettings,
    reports: &RegulationSettings,
) -> Result<Result<CaseState, CreditRefusal>, DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    let Some(case) = m::case_of(&*txn, o.id, case_id).await? else {
        txn.commit().await?;
        return Ok(Err(CreditRefusal::NotFound));
    };
    if case.state() != CaseState::Objected {
        txn.commit().await?;
        return Ok(Err(CreditRefusal::State(case.state())));
    }
    let next = if uphold {
        CaseState::Withdrawn
    } else {
        CaseState::Noticed
    };
    let mut am = credit_case::ActiveModel {
        state: Set(next.code().to_string()),
        answer_text: Set(Some(text.to_string())),
        answered_by: Set(Some(actor)),
        answered_at: Set(Some(now)),
        updated_at: Set(now),
        ..Default::default()
    };
    if uphold {
        am.closed_at = Set(Some(now));
        am.closed_by = Set(Some(actor));
    }
    if !m::move_case(&*txn, case.id, CaseState::Objected, am).await? {
        txn.commit().await?;
        return Ok(Err(CreditRefusal::State(case.state())));
    }
    let action = if uphold { "upheld" } else { "rejected" };
    m::insert_event(&*txn, &case, action, Some(actor), "", now).await?;
    audit(&*txn, &case, action, Some(actor), false, text, now).await?;
    let p = params(o, &case)
        .label("decision", format!("credit.answer.{action}"))
        .text("reason", text);
    let admins = org_admins(&*txn, o.id).await?;
    crate::inbox::notify(&*txn, &admins, Kind::CreditObjectionAnswered, &p, now).await?;
    txn.commit().await?;
    evaluate_orgs(db, &[o.id], c, reports, now).await?;
    Ok(Ok(next))
}

/// A regulator records a finding; the engine runs on the organization at once (an
/// unreachable organization is noticed now, a rectification once overdue).
pub async fn record_finding(
    db: &DatabaseConnection,
    o: &Org,
    d: &FindingDraft,
    actor: i64,
    now: i64,
    c: &CreditSettings,
    reports: &RegulationSettings,
) -> Result<m::Finding, DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    let f = record_finding_in(&*txn, o.id, d, actor, now).await?;
    txn.commit().await?;
    evaluate_orgs(db, &[o.id], c, reports, now).await?;
    Ok(f)
}

/// Records a finding inside the caller's transaction, with its audit entry (a concluded
/// spot check's deficiency orders a rectification this way); the engine reads it on its
/// next run.
pub async fn record_finding_in(
    db: &impl ConnectionTrait,
    org_id: i64,
    d: &FindingDraft,
    actor: i64,
    now: i64,
) -> Result<m::Finding, DbErr> {
    let f = m::insert_finding(db, org_id, d, actor, now).await?;
    crate::audit::append(
        db,
        crate::audit::Entry {
            at: now,
            actor_id: Some(actor),
            entity: "credit_finding",
            entity_id: f.id,
            action: "recorded",
            detail: serde_json::json!({
                "org": org_id, "kind": d.kind.code(), "note": d.note, "due_at": d.due_at,
            }),
            public: false,
        },
    )
    .await?;
    Ok(f)
}

/// A regulator verifies a finding resolved (the obligation met); the engine runs on the
/// organization at once, so its listing ends the same day.
#[allow(clippy::too_many_arguments)]
pub async fn resolve_finding(
    db: &DatabaseConnection,
    o: &Org,
    finding_id: i64,
    note: &str,
    actor: i64,
    now: i64,
    c: &CreditSettings,
    reports: &RegulationSettings,
) -> Result<Result<(), CreditRefusal>, DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    let Some(f) = m::finding_of(&*txn, o.id, finding_id).await? else {
        txn.commit().await?;
        return Ok(Err(CreditRefusal::NotFound));
    };
    if !m::resolve_finding(&*txn, f.id, note, actor, now).await? {
        txn.commit().await?;
        return Ok(Err(CreditRefusal::Resolved));
    }
    crate::audit::append(
        &*txn,
        crate::audit::Entry {
            at: now,
            actor_id: Some(actor),
            entity: "credit_finding",
            entity_id: f.id,
            action: "resolved",
            detail: serde_json::json!({ "org": o.id, "note": note }),
            public: false,
        },
    )
    .await?;
    txn.commit().await?;
    evaluate_orgs(db, &[o.id], c, reports, now).await?;
    Ok(Ok(()))
}

/// Changes a rule's parameters (a locality's thresholds), with its audit entry.
pub async fn set_rule(
    db: &DatabaseConnection,
    rule: &Rule,
    actor: Option<i64>,
    now: i64,
) -> Result<bool, DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    let ok = m::set_rule(
        &*txn,
        rule.trigger,
        rule.threshold,
        rule.window_days,
        rule.enabled,
        now,
    )
    .await?;
    crate::audit::append(
        &*txn,
        crate::audit::Entry {
            at: now,
            actor_id: actor,
            entity: "credit_rule",
            entity_id: 0,
            action: "changed",
            detail: serde_json::json!({
                "rule": rule.trigger.code(),
                "threshold": rule.threshold,
                "window_days": rule.window_days,
                "enabled": rule.enabled,
            }),
            public: true,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(ok)
}

/// A regulator edits a rule (credit or zombie criterion): its parameters and whether it
/// runs, with the reason in a public audit entry in the same transaction. `None` when the
/// rule is unknown, `Some(false)` when it changed meanwhile (nothing written). The engine
/// reads the rules at the start of every run, so the edit counts from the next one.
pub async fn edit_rule(
    db: &DatabaseConnection,
    code: &str,
    edit: &super::rule_params::RuleEdit,
    actor: i64,
    now: i64,
) -> Result<Option<bool>, DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    let Some(before) = m::rule_by_code(&*txn, code).await? else {
        txn.commit().await?;
        return Ok(None);
    };
    // Two edits in the same second would share `updated_at`: make the new one differ.
    let at = now.max(before.updated_at + 1);
    if !m::edit_rule(&*txn, &before, edit, at).await? {
        txn.commit().await?;
        return Ok(Some(false));
    }
    crate::audit::append(
        &*txn,
        crate::audit::Entry {
            at: now,
            actor_id: Some(actor),
            entity: "credit_rule",
            entity_id: before.id,
            action: "edited",
            detail: serde_json::json!({
                "rule": before.code,
                "before": {
                    "threshold": before.threshold,
                    "window_days": before.window_days,
                    "enabled": before.enabled,
                },
                "threshold": edit.threshold,
                "window_days": edit.window_days,
                "enabled": edit.enabled,
                "reason": edit.reason,
            }),
            public: true,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(Some(true))
}

/// A regulator sets a locality's override of a rule (credit or zombie criterion): the
/// parameters it changes there, each empty one inherited, with the reason in a public audit
/// entry in the same transaction. `None` when the rule is unknown, `Some(false)` when the
/// override changed meanwhile (nothing written). The engine reads the overrides at the start
/// of every run, so the change counts from the next one.
pub async fn edit_override(
    db: &DatabaseConnection,
    code: &str,
    place: &str,
    edit: &super::rule_params::OverrideEdit,
    actor: i64,
    now: i64,
) -> Result<Option<bool>, DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    let Some(rule) = m::rule_by_code(&*txn, code).await? else {
        txn.commit().await?;
        return Ok(None);
    };
    let before = m::override_row(&*txn, code, place).await?;
    // Two edits in the same second would share `updated_at`: make the new one differ.
    let at = before.as_ref().map_or(now, |b| now.max(b.updated_at + 1));
    if !m::save_override(&*txn, code, place, before.as_ref(), edit, actor, at).await? {
        // Dropped, not committed: a lost insert race leaves PostgreSQL's transaction aborted.
        return Ok(Some(false));
    }
    crate::audit::append(
        &*txn,
        crate::audit::Entry {
            at: now,
            actor_id: Some(actor),
            entity: "credit_rule",
            entity_id: rule.id,
            action: "localized",
            detail: serde_json::json!({
                "rule": rule.code,
                "place": place,
                "before": before.as_ref().map(|b| serde_json::json!({
                    "threshold": b.threshold,
                    "window_days": b.window_days,
                    "enabled": b.enabled,
                    "objection_days": b.objection_days,
                    "deadline": b.deadline,
                })),
                "threshold": edit.threshold,
                "window_days": edit.window_days,
                "enabled": edit.enabled,
                "objection_days": edit.objection_days,
                "deadline": edit.deadline,
                "reason": edit.reason,
            }),
            public: true,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(Some(true))
}

/// The annual report deadline where an organization is registered (its locality's
/// override of the report rule, else the deployment's setting): what timeliness and the
/// report pages show.
pub async fn report_settings_of(
    db: &impl ConnectionTrait,
    o: &Org,
    default: &RegulationSettings,
) -> Result<RegulationSettings, DbErr> {
    let chain = p::chain(o.league_code.as_deref(), o.county_code.as_deref());
    let code = r::Trigger::ReportMissing.code();
    let overrides = m::overrides_of(db, code, &chain).await?;
    let params = p::resolve(&p::Params::default(), code, &chain, &overrides);
    Ok(params
        .deadline
        .as_deref()
        .and_then(|d| RegulationSettings::parse_deadline(d).ok())
        .unwrap_or(*default))
}
