//! Regulation (监管): what civil-affairs regulators keep on organizations beyond the
//! registry — annual reports (年报) filed by each organization's administrators and reviewed
//! by regulators, administrative penalties (行政处罚) recorded and published, and the credit
//! lists (信用: `credit`, rules in `credit_rules`, the table of rules as data in
//! `credit_model`): the abnormal-activity and serious illegal and dishonest lists, driven by
//! an engine run daily and on events, with written notice, objection, listing and removal,
//! each step in the organization's public credit history; zombie organizations (`zombie`,
//! `zombie_rules`, `zombie_model`): detection by criteria kept in the same rules table, a case
//! with notice, objection and the regulator's outcome, deregistration through `orgs`. (Issue
//! 15.)
//!
//! Invariants: one report per organization and year (unique index), only for a year that
//! has ended; a report changes state only through [`rules::ReportState::apply`], written by
//! a conditional update on the state it was read in, with an audit entry in the same
//! transaction; returns and acceptances notify the organization's administrators in that
//! transaction; the first submission decides timeliness against the configured deadline.
//! Report details are private to the organization's members and regulators; the profile
//! shows a public summary (year, status, on time or late). Penalties are only inserted,
//! each with a public audit entry. Other rooms read reports through [`accepted_tallies`] only. May call: `orgs` (organization, its administrators), `audit`,
//! `inbox`, `accounts`, `regions`, `web`; for zombie detection's activity, `procurement`
//! (bidders), `contracts` (suppliers), `philanthropy` (applicants).

pub mod credit;
pub mod credit_model;
pub mod credit_rules;
pub mod model;
pub mod routes;
pub mod rule_params;
pub mod rules;
pub mod views;
pub mod zombie;
pub mod zombie_model;
pub mod zombie_rules;

use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr};

pub use credit::{
    CreditRefusal, RunSummary, answer as answer_objection, edit_override, edit_rule,
    evaluate_all as evaluate_credit, evaluate_orgs as evaluate_credit_of,
    object as object_to_notice, record_finding, record_finding_in, report_settings_of,
    resolve_finding, set_rule as set_credit_rule,
};
pub use credit_rules::{CaseState, CreditList, CreditSettings, FindingDraft, FindingKind, Trigger};
pub use model::{Penalty, Report};
pub use rules::{
    IllegalTransition, PenaltyDraft, PenaltyKind, RegulationSettings, ReportDraft, ReportState,
    ReportTally, Review, Timeliness,
};
pub use zombie::{
    CaseRefusal as ZombieCaseRefusal, ZombieRun, decide as decide_zombie,
    detect_all as detect_zombies, detect_of as detect_zombies_of,
    object as object_to_zombie_notice,
};
pub use zombie_model::ZombieCase;
pub use zombie_rules::{Criterion as ZombieCriterion, Outcome as ZombieOutcome, ZombieState};

use crate::inbox::{Kind, Params};
use crate::orgs::Org;

/// Why a report write was refused (nothing was written).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The organization already has a report for that year.
    Duplicate,
    /// No report for that year.
    NotFound,
    /// Not allowed in the report's state (or changed meanwhile).
    Transition(IllegalTransition),
}

fn place_of(o: &Org) -> model::Place {
    model::Place {
        league: o.league_code.clone(),
        county: o.county_code.clone(),
    }
}

async fn org_admins(db: &impl ConnectionTrait, org_id: i64) -> Result<Vec<i64>, DbErr> {
    Ok(crate::orgs::member_roles(db, org_id)
        .await?
        .into_iter()
        .filter(|(_, r)| *r == crate::accounts::OrgRole::Admin)
        .map(|(u, _)| u)
        .collect())
}

async fn log(
    db: &impl ConnectionTrait,
    r: &Report,
    action: &str,
    actor: i64,
    now: i64,
    detail: serde_json::Value,
) -> Result<(), DbErr> {
    crate::audit::append(
        db,
        crate::audit::Entry {
            at: now,
            actor_id: Some(actor),
            entity: "annual_report",
            entity_id: r.id,
            action,
            detail,
            public: false,
        },
    )
    .await
}

/// Files a new report on `year` for an organization, as a draft or submitted at once.
/// Refused: a report for that year exists (also when two filings race: the unique index
/// decides).
pub async fn file(
    db: &DatabaseConnection,
    org: &Org,
    year: i32,
    d: &ReportDraft,
    submit: bool,
    actor: i64,
    now: i64,
) -> Result<Result<Report, Refusal>, DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    if model::get(&*txn, org.id, year).await?.is_some() {
        // Nothing was written: end the transaction now rather than leave it to the pool.
        txn.commit().await?;
        return Ok(Err(Refusal::Duplicate));
    }
    let state = if submit {
        ReportState::Submitted
    } else {
        ReportState::Draft
    };
    let r = match model::insert(&*txn, org.id, year, &place_of(org), d, state, now).await {
        Ok(r) => r,
        Err(e)
            if matches!(
                e.sql_err(),
                Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
            ) =>
        {
            return Ok(Err(Refusal::Duplicate));
        }
        Err(e) => return Err(e),
    };
    let action = if submit { "submitted" } else { "drafted" };
    log(
        &*txn,
        &r,
        action,
        actor,
        now,
        serde_json::json!({ "org": org.id, "year": year }),
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(r))
}

/// Saves a draft or returned report, and submits it when `submit`.
pub async fn save(
    db: &DatabaseConnection,
    org: &Org,
    year: i32,
    d: &ReportDraft,
    submit: bool,
    actor: i64,
    now: i64,
) -> Result<Result<(), Refusal>, DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    let Some(r) = model::get(&*txn, org.id, year).await? else {
        txn.commit().await?;
        return Ok(Err(Refusal::NotFound));
    };
    let event = if submit {
        rules::ReportEvent::Submit
    } else {
        rules::ReportEvent::Save
    };
    let next = match r.state().apply(event) {
        Ok(s) => s,
        Err(e) => {
            txn.commit().await?;
            return Ok(Err(Refusal::Transition(e)));
        }
    };
    if !model::save(&*txn, &r, &place_of(org), d, next, now).await? {
        txn.commit().await?;
        return Ok(Err(Refusal::Transition(IllegalTransition {
            from: r.state(),
            event,
        })));
    }
    let action = match (submit, r.submissions) {
        (false, _) => "saved",
        (true, 0) => "submitted",
        (true, _) => "resubmitted",
    };
    log(
        &*txn,
        &r,
        action,
        actor,
        now,
        serde_json::json!({ "org": org.id, "year": year }),
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(()))
}

/// A regulator accepts or returns a submitted report; the organization's administrators
/// get a notice in the same transaction.
pub async fn review(
    db: &DatabaseConnection,
    org: &Org,
    year: i32,
    review: &Review,
    actor: i64,
    now: i64,
) -> Result<Result<ReportState, Refusal>, DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    let Some(r) = model::get(&*txn, org.id, year).await? else {
        txn.commit().await?;
        return Ok(Err(Refusal::NotFound));
    };
    let (event, reason, kind, action) = match review {
        Review::Accept => (
            rules::ReportEvent::Accept,
            None,
            Kind::AnnualReportAccepted,
            "accepted",
        ),
        Review::Return(why) => (
            rules::ReportEvent::Return,
            Some(why.clone()),
            Kind::AnnualReportReturned,
            "returned",
        ),
    };
    let next = match r.state().apply(event) {
        Ok(s) => s,
        Err(e) => {
            txn.commit().await?;
            return Ok(Err(Refusal::Transition(e)));
        }
    };
    if !model::review(&*txn, &r, next, reason.clone(), actor, now).await? {
        txn.commit().await?;
        return Ok(Err(Refusal::Transition(IllegalTransition {
            from: r.state(),
            event,
        })));
    }
    log(
        &*txn,
        &r,
        action,
        actor,
        now,
        serde_json::json!({ "org": org.id, "year": year, "reason": reason }),
    )
    .await?;
    let params = Params::new()
        .text("org", &org.name)
        .text("year", year.to_string())
        .text("reason", reason.unwrap_or_default())
        .link(format!("/orgs/{}/reports/{year}", org.id));
    let admins = org_admins(&*txn, org.id).await?;
    crate::inbox::notify(&*txn, &admins, kind, &params, now).await?;
    txn.commit().await?;
    Ok(Ok(next))
}

/// Records a penalty on an organization (published at once): a public audit entry and a
/// notice to its administrators in the same transaction.
pub async fn record_penalty(
    db: &DatabaseConnection,
    org: &Org,
    d: &PenaltyDraft,
    actor: i64,
    now: i64,
) -> Result<Penalty, DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    let p = model::insert_penalty(&*txn, org.id, org.league_code.clone(), d, actor, now).await?;
    crate::audit::append(
        &*txn,
        crate::audit::Entry {
            at: now,
            actor_id: Some(actor),
            entity: "penalty",
            entity_id: p.id,
            action: "recorded",
            detail: serde_json::json!({
                "org": org.id,
                "kind": d.kind.code(),
                "amount_fen": d.amount.map(|a| a.0),
                "legal_basis": d.legal_basis,
                "decided_on": d.decided_on.to_string(),
            }),
            public: true,
        },
    )
    .await?;
    let params = Params::new()
        .text("org", &org.name)
        .label("kind", format!("regulation.penalty_kind.{}", d.kind.code()))
        .text("basis", &d.legal_basis)
        .link(format!("/orgs/{}", org.id));
    let admins = org_admins(&*txn, org.id).await?;
    crate::inbox::notify(&*txn, &admins, Kind::PenaltyRecorded, &params, now).await?;
    txn.commit().await?;
    Ok(p)
}

/// One organization's report on one year.
pub use model::get as report;
/// An organization's reports, newest first; its penalties, newest first.
pub use model::{of_org as reports_of, penalties_of};

/// The spans during which organizations were on a credit list (clean-credit share).
pub use credit_model::listing_spans;
/// Staff per organization in its accepted report on a year (incubators' KPIs; one grouped
/// query).
pub use model::accepted_staff_by_org;
/// One organization's accepted report on a year, for the targets' organization level.
pub use model::{AcceptedFigures, accepted_of_year};
/// Accepted reports summed by year and place, for the targets' party-building share and
/// jobs (one grouped query).
pub use model::{TallyRow, accepted_tallies};
