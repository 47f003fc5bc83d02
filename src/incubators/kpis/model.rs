//! The grouped queries behind the KPIs, on this room's own tables: each answers for every
//! incubator (or only one) in one statement, however many tenants and services there are.

use std::collections::HashMap;

use sea_orm::{ConnectionTrait, DbErr, Statement};

use super::rules::Figures;
use crate::incubators::rules::{AppState, TenantState};

/// `AND <col> = id` when only one incubator is asked for (an integer, written as a literal).
fn only_clause(col: &str, only: Option<i64>) -> String {
    only.map(|id| format!(" AND {col} = {id}"))
        .unwrap_or_default()
}

async fn rows(db: &impl ConnectionTrait, sql: String) -> Result<Vec<sea_orm::QueryResult>, DbErr> {
    db.query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
}

/// Applications, admissions, residents at the end, registered residents, graduations,
/// trainings, attendance, guidance and venture-philanthropy support of `[from, to)`, per
/// incubator: six grouped queries, each answered from one index (m0372–m0375, m0379). Integers we computed are written into the statements as literals.
pub async fn figures(
    db: &impl ConnectionTrait,
    from: i64,
    to: i64,
    only: Option<i64>,
) -> Result<HashMap<i64, Figures>, DbErr> {
    let mut out: HashMap<i64, Figures> = HashMap::new();
    let draft = AppState::Draft.code();
    for r in rows(
        db,
        format!(
            "SELECT incubator_id, CAST(COUNT(*) AS BIGINT) AS n FROM incubator_applications \
             WHERE state <> '{draft}' AND submitted_at >= {from} AND submitted_at < {to}{} \
             GROUP BY incubator_id",
            only_clause("incubator_id", only)
        ),
    )
    .await?
    {
        out.entry(r.try_get("", "incubator_id")?)
            .or_default()
            .applications = r.try_get("", "n")?;
    }
    // In residence at the end: admitted before it and not ended by then.
    let resident = format!("admitted_at < {to} AND (ended_at IS NULL OR ended_at >= {to})");
    let graduated = TenantState::Graduated.code();
    for r in rows(
        db,
        format!(
            "SELECT incubator_id, \
             CAST(SUM(CASE WHEN admitted_at >= {from} AND admitted_at < {to} THEN 1 ELSE 0 END) AS BIGINT) AS admitted, \
             CAST(SUM(CASE WHEN {resident} THEN 1 ELSE 0 END) AS BIGINT) AS residents, \
             CAST(SUM(CASE WHEN {resident} AND org_id IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT) AS registered, \
             CAST(SUM(CASE WHEN state = '{graduated}' AND ended_at >= {from} AND ended_at < {to} THEN 1 ELSE 0 END) AS BIGINT) AS graduated \
             FROM incubator_tenants WHERE admitted_at < {to}{} GROUP BY incubator_id",
            only_clause("incubator_id", only)
        ),
    )
    .await?
    {
        let f = out.entry(r.try_get("", "incubator_id")?).or_default();
        f.admissions = r.try_get("", "admitted")?;
        f.residents = r.try_get("", "residents")?;
        f.registered = r.try_get("", "registered")?;
        f.graduations = r.try_get("", "graduated")?;
    }
    for r in rows(
        db,
        format!(
            "SELECT incubator_id, CAST(COUNT(*) AS BIGINT) AS n FROM incubator_trainings \
             WHERE held_at >= {from} AND held_at < {to}{} GROUP BY incubator_id",
            only_clause("incubator_id", only)
        ),
    )
    .await?
    {
        out.entry(r.try_get("", "incubator_id")?)
            .or_default()
            .trainings = r.try_get("", "n")?;
    }
    for r in rows(
        db,
        format!(
            "SELECT t.incubator_id AS incubator_id, CAST(COUNT(*) AS BIGINT) AS n, \
             CAST(SUM(t.minutes) AS BIGINT) AS minutes \
             FROM incubator_training_attendance a JOIN incubator_trainings t ON t.id = a.training_id \
             WHERE t.held_at >= {from} AND t.held_at < {to}{} GROUP BY t.incubator_id",
            only_clause("t.incubator_id", only)
        ),
    )
    .await?
    {
        let f = out.entry(r.try_get("", "incubator_id")?).or_default();
        f.attendance = r.try_get("", "n")?;
        f.training_minutes = r.try_get("", "minutes")?;
    }
    for r in rows(
        db,
        format!(
            // The session carries its incubator (m0370): one covering index range
            // (m0372), no join to the tenants.
            "SELECT incubator_id, CAST(COUNT(*) AS BIGINT) AS n, \
             CAST(SUM(minutes) AS BIGINT) AS minutes FROM incubator_guidance \
             WHERE held_at >= {from} AND held_at < {to}{} GROUP BY incubator_id",
            only_clause("incubator_id", only)
        ),
    )
    .await?
    {
        let f = out.entry(r.try_get("", "incubator_id")?).or_default();
        f.guidance = r.try_get("", "n")?;
        f.guidance_minutes = r.try_get("", "minutes")?;
    }
    for r in rows(
        db,
        format!(
            "SELECT incubator_id, CAST(COUNT(*) AS BIGINT) AS n, \
             CAST(SUM(minutes) AS BIGINT) AS minutes, CAST(SUM(amount_fen) AS BIGINT) AS fen \
             FROM incubator_vp_support \
             WHERE held_at >= {from} AND held_at < {to}{} GROUP BY incubator_id",
            only_clause("incubator_id", only)
        ),
    )
    .await?
    {
        let f = out.entry(r.try_get("", "incubator_id")?).or_default();
        f.vp_support = r.try_get("", "n")?;
        f.vp_minutes = r.try_get("", "minutes")?;
        f.vp_amount = crate::kernel::money::Fen(r.try_get("", "fen")?);
    }
    Ok(out)
}

/// The tenancies of these registered organizations admitted before `to` that did not end
/// early: `(incubator, organization, in residence at to)` — whose contracts, grants and staff
/// count for the incubator. Only the organizations given (those with something to count),
/// so the answer stays small however many tenants there are. One query, none when `orgs`
/// is empty.
pub async fn tenant_orgs(
    db: &impl ConnectionTrait,
    to: i64,
    only: Option<i64>,
    orgs: &[i64],
) -> Result<Vec<(i64, i64, bool)>, DbErr> {
    if orgs.is_empty() {
        return Ok(vec![]);
    }
    let exited = TenantState::Exited.code();
    // Ids are integers from the database, written as literals.
    let list = orgs
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    rows(
        db,
        format!(
            "SELECT incubator_id, org_id, \
             CASE WHEN ended_at IS NULL OR ended_at >= {to} THEN 1 ELSE 0 END AS resident \
             FROM incubator_tenants WHERE org_id IN ({list}) AND admitted_at < {to} \
             AND state <> '{exited}'{}",
            only_clause("incubator_id", only)
        ),
    )
    .await?
    .into_iter()
    .map(|r| {
        Ok((
            r.try_get("", "incubator_id")?,
            r.try_get("", "org_id")?,
            r.try_get::<i32>("", "resident")? == 1,
        ))
    })
    .collect()
}

/// Incubators, tenants in residence and graduates of `[from, to)` per (league/city, level):
/// two grouped queries (the cultivation section of the policy dashboard).
pub async fn cultivation(
    db: &impl ConnectionTrait,
    from: i64,
    to: i64,
) -> Result<Vec<CultivationRow>, DbErr> {
    use std::collections::BTreeMap;
    let mut out: BTreeMap<(Option<String>, String), CultivationRow> = BTreeMap::new();
    for r in rows(
        db,
        "SELECT league_code, level, CAST(COUNT(*) AS BIGINT) AS n FROM incubators \
         GROUP BY league_code, level"
            .to_string(),
    )
    .await?
    {
        let key: (Option<String>, String) =
            (r.try_get("", "league_code")?, r.try_get("", "level")?);
        out.entry(key.clone())
            .or_insert_with(|| CultivationRow::new(key))
            .incubators = r.try_get("", "n")?;
    }
    let resident = TenantState::Resident.code();
    let graduated = TenantState::Graduated.code();
    for r in rows(
        db,
        format!(
            "SELECT i.league_code AS league_code, i.level AS level, \
             CAST(SUM(CASE WHEN t.state = '{resident}' THEN 1 ELSE 0 END) AS BIGINT) AS residents, \
             CAST(SUM(CASE WHEN t.state = '{graduated}' AND t.ended_at >= {from} AND t.ended_at < {to} THEN 1 ELSE 0 END) AS BIGINT) AS graduates \
             FROM incubator_tenants t JOIN incubators i ON i.id = t.incubator_id \
             GROUP BY i.league_code, i.level"
        ),
    )
    .await?
    {
        let key: (Option<String>, String) = (r.try_get("", "league_code")?, r.try_get("", "level")?);
        let e = out
            .entry(key.clone())
            .or_insert_with(|| CultivationRow::new(key));
        e.residents = r.try_get("", "residents")?;
        e.graduates = r.try_get("", "graduates")?;
    }
    Ok(out.into_values().collect())
}

/// Incubators and their tenants in one league/city (none: region level) at one level.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct CultivationRow {
    /// League/city code; `None` for incubators outside any (region level).
    pub league: Option<String>,
    /// `regions::Level::code()`.
    pub level: String,
    /// Incubators.
    pub incubators: i64,
    /// Tenants in residence now.
    pub residents: i64,
    /// Tenants graduated in the period.
    pub graduates: i64,
}

impl CultivationRow {
    fn new((league, level): (Option<String>, String)) -> Self {
        CultivationRow {
            league,
            level,
            ..Default::default()
        }
    }
}
