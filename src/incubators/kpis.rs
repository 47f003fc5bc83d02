//! Quarterly KPIs of incubators (issue 12 point 8): applications, admissions, tenants in
//! residence at the quarter's end and how many are registered organizations, occupancy of
//! rooms and desks (from `spaces`), service hours (trainings × attendance, guidance),
//! graduations, contracts signed by tenants and graduates (from `contracts`), staff of the
//! registered tenants (from accepted annual reports in `regulation`), and venture-philanthropy
//! grants that became active (from `philanthropy`).
//!
//! Every figure comes from grouped SQL — one statement per table family answering for all
//! incubators at once (or only one) — and the per-organization answers of other rooms are
//! added up in memory; the arithmetic (sums, occupancy, hours, roll-ups) is pure, in
//! [`rules`]. Reads only: no audit entry.

pub mod export;
pub mod model;
pub mod rules;

use std::collections::HashSet;

use sea_orm::{ConnectionTrait, DbErr};

use super::model::Incubator;
use crate::kernel::money::Fen;
use rules::{Figures, Quarter, Row};

/// The figures of these incubators for the quarter, one row each in the order given.
/// `only` narrows the room's own queries when a single incubator is asked for.
pub async fn rows(
    db: &impl ConnectionTrait,
    quarter: Quarter,
    incubators: &[Incubator],
    only: Option<i64>,
) -> Result<Vec<Row>, DbErr> {
    let (from, to) = quarter.bounds();
    let mut figures = model::figures(db, from, to, only).await?;
    let space = crate::spaces::occupancy_between(db, from, to, only).await?;
    let contracts = crate::contracts::signed_by_org_between(db, from, to).await?;
    // The latest year whose annual reports are due by now: the one before the quarter's.
    let staff = crate::regulation::accepted_staff_by_org(db, quarter.year - 1).await?;
    let grants = Some(crate::philanthropy::grants_won_between(db, from, to).await?);
    // Only the tenancies of organizations with something to count: a few hundred rows
    // rather than every registered tenant (the roll-up read 36,000 at benchmark scale).
    let mut counted: Vec<i64> = contracts
        .keys()
        .chain(staff.keys())
        .chain(grants.iter().flat_map(|g| g.keys()))
        .copied()
        .collect();
    counted.sort_unstable();
    counted.dedup();
    let tenant_orgs = model::tenant_orgs(db, to, only, &counted).await?;
    let secs = to - from;
    for (inc, (spaces, allocated)) in space {
        let f = figures.entry(inc).or_default();
        f.spaces = spaces;
        f.allocated_secs = allocated;
        f.available_secs = spaces * secs;
    }
    // An organization counts once per incubator however many times it was admitted.
    let mut seen: HashSet<(i64, i64)> = HashSet::new();
    let mut resident_seen: HashSet<(i64, i64)> = HashSet::new();
    for (inc, org, resident) in tenant_orgs {
        let f = figures.entry(inc).or_default();
        if resident && resident_seen.insert((inc, org)) {
            f.staff += staff.get(&org).copied().unwrap_or(0);
        }
        if !seen.insert((inc, org)) {
            continue;
        }
        if let Some((n, v)) = contracts.get(&org) {
            f.contracts += n;
            f.contract_value = Fen(f.contract_value.0.saturating_add(v.0));
        }
        if let Some(g) = &grants {
            let (n, v) = g.get(&org).copied().unwrap_or((0, Fen(0)));
            f.grants = Some(f.grants.unwrap_or(0) + n);
            f.grant_value = Some(Fen(f.grant_value.unwrap_or(Fen(0)).0 + v.0));
        }
    }
    Ok(incubators
        .iter()
        .map(|i| {
            let mut f = figures.get(&i.id).copied().unwrap_or_default();
            if grants.is_some() && f.grants.is_none() {
                f.grants = Some(0);
                f.grant_value = Some(Fen(0));
            }
            Row {
                id: i.id,
                name: i.name.clone(),
                level: i.level.clone(),
                league: i.league_code.clone(),
                figures: f,
            }
        })
        .collect())
}

/// One incubator's figures for the quarter.
pub async fn of_incubator(
    db: &impl ConnectionTrait,
    quarter: Quarter,
    inc: &Incubator,
) -> Result<Figures, DbErr> {
    Ok(rows(db, quarter, std::slice::from_ref(inc), Some(inc.id))
        .await?
        .pop()
        .map(|r| r.figures)
        .unwrap_or_default())
}

/// Every incubator (of one level and league/city when given) with its figures, for the
/// regulators' roll-up.
pub async fn rollup(
    db: &impl ConnectionTrait,
    quarter: Quarter,
    level: Option<&str>,
    league: Option<&str>,
) -> Result<Vec<Row>, DbErr> {
    let incubators = super::model::list(db, level, league).await?;
    rows(db, quarter, &incubators, None).await
}
