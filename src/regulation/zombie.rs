//! Zombie organizations (僵尸型社会组织, issue 15 point 3): detection by the configured
//! criteria, run daily by the job scheduler and on demand by a regulator, and the case
//! operations — written notice, objection, the regulator's outcome — each one write
//! transaction with its audit entry and notices.
//!
//! Why a sibling of the credit engine and not a part of it: a zombie case is no listing —
//! it has no list, no removal clock and a different end (rectified, revoked, deregistered) —
//! but it reads the same facts (reports, findings) with the same batched queries, and its
//! criteria live as rows of the same rules table, so one rules page tunes both.
//!
//! Activity is read in batches through the faces of the rooms that record it: bids
//! (`procurement`), contracts (`contracts`), proposals (`philanthropy`), and this room's
//! annual reports. An outcome that ends the registration sets the organization's status
//! through `orgs::end_registration_in` in the same transaction; `orgs::is_verified`, the
//! one question every eligibility list asks, refuses it from then on.

use std::collections::{HashMap, HashSet};

use sea_orm::{ActiveValue::Set, ConnectionTrait, DatabaseConnection, DbErr};

use super::credit_model as cm;
use super::credit_rules::{CreditSettings, DAY, FindingKind};
use super::org_admins;
use super::rule_params::{self as p, Local};
use super::rules::RegulationSettings;
use super::zombie_model::{self as m, ZombieCase, zombie_case};
use super::zombie_rules::{
    self as r, Criterion, Outcome, ZombieEvent, ZombieFacts, ZombieRefusal, ZombieState,
};
use crate::inbox::{Kind, Params};
use crate::orgs::{Org, OrgKind};

/// What one detection run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ZombieRun {
    /// Organizations evaluated.
    pub orgs: u32,
    /// Cases opened (notices given).
    pub opened: u32,
}

/// Why a case write was refused (nothing was written).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseRefusal {
    /// No such case on this organization.
    NotFound,
    /// The state machine refused it (or the case moved meanwhile).
    Refused(ZombieRefusal),
}

/// Organizations evaluated per batch of reads.
const BATCH: u64 = 1000;

/// The daily run (and a regulator's run on demand, `by` naming them): every organization,
/// in batches.
pub async fn detect_all(
    db: &DatabaseConnection,
    c: &CreditSettings,
    reports: &RegulationSettings,
    by: Option<i64>,
    now: i64,
) -> Result<ZombieRun, DbErr> {
    let rules = m::rules(db).await?;
    let mut total = ZombieRun::default();
    // Nothing runs anywhere: every criterion off, and no locality switches one on.
    if !rules.iter().any(|r| r.enabled)
        && !cm::overrides(db)
            .await?
            .iter()
            .any(|o| o.enabled == Some(true) && rules.iter().any(|r| r.criterion.code() == o.code))
    {
        return Ok(total);
    }
    let mut after = 0;
    loop {
        let ids = crate::orgs::ids_after(db, after, BATCH).await?;
        let Some(last) = ids.last() else { break };
        after = *last;
        let s = detect_orgs(db, &ids, &rules, c, reports, by, now).await?;
        total.orgs += s.orgs;
        total.opened += s.opened;
    }
    Ok(total)
}

/// Detection on these organizations now (a regulator's run on one organization, demo
/// data); the criteria read afresh.
pub async fn detect_of(
    db: &DatabaseConnection,
    ids: &[i64],
    c: &CreditSettings,
    reports: &RegulationSettings,
    by: Option<i64>,
    now: i64,
) -> Result<ZombieRun, DbErr> {
    let rules = m::rules(db).await?;
    detect_orgs(db, ids, &rules, c, reports, by, now).await
}

/// Detection over one batch: one query per source of facts, one transaction per case
/// opened.
async fn detect_orgs(
    db: &DatabaseConnection,
    ids: &[i64],
    rules: &[r::ZombieRule],
    c: &CreditSettings,
    reports: &RegulationSettings,
    by: Option<i64>,
    now: i64,
) -> Result<ZombieRun, DbErr> {
    let mut sum = ZombieRun::default();
    // The report rule gives the first year the platform collects reports and the deadline;
    // both, like the criteria, as set where each organization is registered.
    let credit_rules: Vec<_> = cm::rules(db)
        .await?
        .iter()
        .filter_map(cm::RuleRow::rule)
        .collect();
    let overrides = cm::overrides(db).await?;
    type Place = (Local, Vec<r::ZombieRule>, Vec<(Criterion, i64)>);
    let mut places: HashMap<Vec<String>, Place> = HashMap::new();
    let orgs = crate::orgs::rows_by_ids(db, ids).await?;
    let mut report_facts = cm::report_facts(db, ids).await?;
    let mut findings = cm::findings_of_many(db, ids).await?;
    let open: HashSet<i64> = m::open_among(db, ids).await?.into_iter().collect();
    let mut active: HashSet<i64> = HashSet::new();
    active.extend(crate::procurement::bidders_among(db, ids).await?);
    active.extend(crate::contracts::suppliers_among(db, ids).await?);
    active.extend(crate::philanthropy::applicants_among(db, ids).await?);
    for o in orgs {
        sum.orgs += 1;
        let social = OrgKind::parse(&o.kind).is_some_and(OrgKind::is_social_org);
        let standing = crate::orgs::RegistrationStatus::of(&o.registration_status).stands();
        if !social || !standing || open.contains(&o.id) {
            continue;
        }
        let reps = report_facts.remove(&o.id).unwrap_or_default();
        let filed_years: Vec<i32> = reps
            .iter()
            .filter(|x| x.first_submitted_at.is_some_and(|t| t <= now))
            .map(|x| x.year)
            .collect();
        let unreachable = findings.remove(&o.id).unwrap_or_default().iter().any(|f| {
            f.kind == FindingKind::Unreachable
                && f.recorded_at <= now
                && f.resolved_at.is_none_or(|t| t > now)
        });
        let place = if overrides.is_empty() {
            Vec::new()
        } else {
            p::chain(o.league_code.as_deref(), o.county_code.as_deref())
        };
        let (local, rules, objection) = places.entry(place).or_insert_with_key(|place| {
            let (z, obj) = p::localize_zombie(rules, place, &overrides);
            (p::localize(&credit_rules, place, &overrides), z, obj)
        });
        let rules: &[r::ZombieRule] = rules;
        let first_year = local.first_report_year().unwrap_or(i32::MIN);
        let deadline = local.reports(reports);
        let facts = ZombieFacts {
            social,
            registration_year: o.registration_date.year(),
            first_year,
            registered_at: super::rules::day_start(o.registration_date),
            active: active.contains(&o.id) || !filed_years.is_empty(),
            filed_years,
            unreachable,
        };
        let met = r::criteria_met(&facts, rules, |y| deadline.deadline(y), now);
        if met.is_empty() {
            continue;
        }
        let basis: Vec<&str> = rules
            .iter()
            .filter(|x| met.contains(&x.criterion))
            .map(|x| x.legal_basis.as_str())
            .collect();
        // The longest objection period set there for a criterion met.
        let days = objection
            .iter()
            .filter(|(x, _)| met.contains(x))
            .map(|(_, d)| *d)
            .max()
            .unwrap_or(c.zombie_objection_days);
        if open_case(db, &o, &met, &basis.join("\n"), days, by, now).await? {
            sum.opened += 1;
        }
    }
    Ok(sum)
}

async fn audit(
    db: &impl ConnectionTrait,
    case: &ZombieCase,
    action: &str,
    actor: Option<i64>,
    public: bool,
    note: &str,
    now: i64,
) -> Result<(), DbErr> {
    crate::audit::append(
        db,
        crate::audit::Entry {
            at: now,
            actor_id: actor,
            entity: "zombie_case",
            entity_id: case.id,
            action,
            detail: serde_json::json!({
                "org": case.org_id,
                "criteria": case.criteria,
                "note": note,
            }),
            public,
        },
    )
    .await
}

fn params(o: &Org, case: &ZombieCase) -> Params {
    Params::new()
        .text("org", &o.name)
        .link(format!("/orgs/{}/zombie/{}", o.id, case.id))
}

/// Opens a case with its written notice; `false` when one is open already (another run
/// won the unique index).
async fn open_case(
    db: &DatabaseConnection,
    o: &Org,
    met: &[Criterion],
    basis: &str,
    objection_days: i64,
    by: Option<i64>,
    now: i64,
) -> Result<bool, DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    let due = now + objection_days * DAY;
    let case = match m::insert(&*txn, o.id, met, basis, due, by, now).await {
        Ok(x) => x,
        Err(e)
            if matches!(
                e.sql_err(),
                Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
            ) =>
        {
            return Ok(false);
        }
        Err(e) => return Err(e),
    };
    audit(&*txn, &case, "noticed", by, false, "", now).await?;
    let admins = org_admins(&*txn, o.id).await?;
    let p = params(o, &case).text("due", crate::kernel::clock::display_instant(due));
    crate::inbox::notify(&*txn, &admins, Kind::ZombieNoticed, &p, now).await?;
    txn.commit().await?;
    Ok(true)
}

/// An organization's administrator objects within the period, with reasons.
pub async fn object(
    db: &DatabaseConnection,
    o: &Org,
    case_id: i64,
    text: &str,
    actor: i64,
    now: i64,
) -> Result<Result<(), CaseRefusal>, DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    let Some(case) = m::case_of(&*txn, o.id, case_id).await? else {
        txn.commit().await?;
        return Ok(Err(CaseRefusal::NotFound));
    };
    let next = match r::apply(case.state(), ZombieEvent::Object, case.objection_due, now) {
        Ok(s) => s,
        Err(e) => {
            txn.commit().await?;
            return Ok(Err(CaseRefusal::Refused(e)));
        }
    };
    let am = zombie_case::ActiveModel {
        state: Set(next.code().to_string()),
        objection_text: Set(Some(text.to_string())),
        objected_by: Set(Some(actor)),
        objected_at: Set(Some(now)),
        updated_at: Set(now),
        ..Default::default()
    };
    if !m::move_case(&*txn, case.id, case.state(), am).await? {
        txn.commit().await?;
        return Ok(Err(CaseRefusal::Refused(ZombieRefusal::State(
            case.state(),
        ))));
    }
    audit(&*txn, &case, "objected", Some(actor), false, text, now).await?;
    txn.commit().await?;
    Ok(Ok(()))
}

/// A regulator decides: rectified (the case closes), revoked or deregistered (the
/// registration ends, publicly, in the same transaction). The administrators are notified.
pub async fn decide(
    db: &DatabaseConnection,
    o: &Org,
    case_id: i64,
    outcome: Outcome,
    text: &str,
    actor: i64,
    now: i64,
) -> Result<Result<ZombieState, CaseRefusal>, DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    let Some(case) = m::case_of(&*txn, o.id, case_id).await? else {
        txn.commit().await?;
        return Ok(Err(CaseRefusal::NotFound));
    };
    let event = ZombieEvent::Decide(outcome);
    let next = match r::apply(case.state(), event, case.objection_due, now) {
        Ok(s) => s,
        Err(e) => {
            txn.commit().await?;
            return Ok(Err(CaseRefusal::Refused(e)));
        }
    };
    let am = zombie_case::ActiveModel {
        state: Set(next.code().to_string()),
        open_org: Set(None),
        outcome_text: Set(Some(text.to_string())),
        decided_by: Set(Some(actor)),
        decided_at: Set(Some(now)),
        updated_at: Set(now),
        ..Default::default()
    };
    if !m::move_case(&*txn, case.id, case.state(), am).await? {
        txn.commit().await?;
        return Ok(Err(CaseRefusal::Refused(ZombieRefusal::State(
            case.state(),
        ))));
    }
    if let Some(status) = outcome.ends_registration() {
        let reason = format!("僵尸型社会组织清理 (zombie case #{}): {text}", case.id);
        if !crate::orgs::end_registration_in(&*txn, o.id, status, &reason, Some(actor), now).await?
        {
            // Its registration ended meanwhile: nothing of this decision stands.
            drop(txn);
            return Ok(Err(CaseRefusal::Refused(ZombieRefusal::State(
                case.state(),
            ))));
        }
    }
    audit(
        &*txn,
        &case,
        next.code(),
        Some(actor),
        next.public(),
        text,
        now,
    )
    .await?;
    let p = params(o, &case)
        .label("outcome", format!("zombie.outcome.{}", outcome.code()))
        .text("reason", text);
    let admins = org_admins(&*txn, o.id).await?;
    crate::inbox::notify(&*txn, &admins, Kind::ZombieDecided, &p, now).await?;
    txn.commit().await?;
    Ok(Ok(next))
}
