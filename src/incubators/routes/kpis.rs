//! KPI handlers: one incubator's quarter for its managers and regulators (404 to anyone
//! else, like a missing incubator), and the regulators' roll-up; each as a page, CSV and
//! Excel workbook.

use axum::extract::{Path, State};
use axum::response::Response;
use maud::Markup;

use crate::accounts::{Action, may, require};
use crate::incubators::kpis::{self, export, rules};
use crate::incubators::model::Incubator;
use crate::incubators::views::LEVELS;
use crate::incubators::views::kpis::{self as kviews, RollupFilter, league_name};
use crate::kernel::Lang;
use crate::kernel::error::{AppError, AppResult};
use crate::regions::{Level, regions};
use crate::web::{AppState as St, Ctx, Query, layout};

/// Query of the KPI pages and exports.
#[derive(Debug, Default, serde::Deserialize)]
pub struct KpiQuery {
    /// Calendar year; this year when absent or out of range.
    #[serde(default)]
    year: String,
    /// 1–4; this quarter when absent or out of range.
    #[serde(default)]
    quarter: String,
    /// Roll-up: a level code, or empty for all.
    #[serde(default)]
    level: String,
    /// Roll-up: a league/city code, or empty for all.
    #[serde(default)]
    league: String,
}

fn quarter(st: &St, q: &KpiQuery) -> rules::Quarter {
    rules::Quarter::parse(&q.year, &q.quarter, rules::Quarter::of(st.clock.today()))
}

/// The incubator in the path, if the user manages it or is a regulator; anyone else gets
/// "not found" (log in when anonymous).
async fn load(st: &St, ctx: &Ctx, id: &str) -> AppResult<Incubator> {
    let i = super::load(st, id).await?;
    let managed = super::managed(st, ctx, i.id).await?;
    if may(ctx.actor(), Action::ViewIncubatorApplications { managed }) {
        Ok(i)
    } else if ctx.actor().is_none() {
        Err(AppError::LoginRequired)
    } else {
        Err(AppError::NotFound)
    }
}

/// A download not kept by shared caches (the figures are not public).
fn download(bytes: Vec<u8>, mime: &'static str, name: &str) -> Response {
    crate::web::private_download(name, name, mime.to_string(), bytes)
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn csv_bytes(s: &export::Sheet) -> Vec<u8> {
    // A byte-order mark so spreadsheet programs read the Chinese headers.
    format!("\u{feff}{}", export::csv(s)).into_bytes()
}

fn xlsx_bytes(s: &export::Sheet) -> AppResult<Vec<u8>> {
    export::xlsx(s).map_err(|e| AppError::Internal(format!("xlsx: {e}")))
}

fn heads(lang: Lang) -> Vec<String> {
    rules::COLUMNS
        .iter()
        .map(|(k, _)| lang.t(&format!("kpi.col.{k}")))
        .collect()
}

async fn one_sheet(
    st: &St,
    ctx: &Ctx,
    id: &str,
    q: &KpiQuery,
) -> AppResult<(export::Sheet, String)> {
    let i = load(st, ctx, id).await?;
    let qt = quarter(st, q);
    let f = kpis::of_incubator(&st.db, qt, &i).await?;
    let lang = ctx.lang;
    let sheet = export::Sheet {
        title: lang.tf("kpi.report_title", &[("name", &i.name), ("q", &qt.label())]),
        lead: vec![lang.t("incubator.name")],
        heads: heads(lang),
        rows: vec![(vec![i.name.clone()], f)],
    };
    Ok((sheet, format!("incubator-{}-kpis-{}", i.id, qt.label())))
}

/// `GET /incubators/{id}/kpis?year=&quarter=`: one incubator's quarter.
pub async fn page(
    State(st): State<St>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<KpiQuery>,
) -> AppResult<Markup> {
    let i = load(&st, &ctx, &id).await?;
    let qt = quarter(&st, &q);
    let f = kpis::of_incubator(&st.db, qt, &i).await?;
    Ok(layout::page(
        &ctx,
        &ctx.lang.tf("kpi.title", &[("name", &i.name)]),
        kviews::page(ctx.lang, &i, qt, &f),
    ))
}

/// `GET /incubators/{id}/kpis.csv`
pub async fn csv(
    State(st): State<St>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<KpiQuery>,
) -> AppResult<Response> {
    let (s, name) = one_sheet(&st, &ctx, &id, &q).await?;
    Ok(download(
        csv_bytes(&s),
        "text/csv; charset=utf-8",
        &format!("{name}.csv"),
    ))
}

/// `GET /incubators/{id}/kpis.xlsx`
pub async fn xlsx(
    State(st): State<St>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<KpiQuery>,
) -> AppResult<Response> {
    let (s, name) = one_sheet(&st, &ctx, &id, &q).await?;
    Ok(download(xlsx_bytes(&s)?, XLSX, &format!("{name}.xlsx")))
}

struct Rollup {
    q: rules::Quarter,
    level: String,
    league: String,
    rows: Vec<rules::Row>,
}

async fn rollup_data(st: &St, ctx: &Ctx, q: &KpiQuery) -> AppResult<Rollup> {
    require(ctx.actor(), Action::Regulate)?;
    // Unknown codes read as "all", like the directory's filters.
    let level = LEVELS
        .iter()
        .find(|l| l.code() == q.level.trim())
        .map(|l| l.code().to_string());
    let league = regions()
        .get(q.league.trim())
        .filter(|d| d.level == Level::LeagueCity)
        .map(|d| d.code.clone());
    let qt = quarter(st, q);
    let rows = kpis::rollup(&st.db, qt, level.as_deref(), league.as_deref()).await?;
    Ok(Rollup {
        q: qt,
        level: level.unwrap_or_default(),
        league: league.unwrap_or_default(),
        rows,
    })
}

/// `GET /incubators/kpis?year=&quarter=&level=&league=`: the regulators' roll-up.
pub async fn rollup(
    State(st): State<St>,
    ctx: Ctx,
    Query(q): Query<KpiQuery>,
) -> AppResult<Markup> {
    let r = rollup_data(&st, &ctx, &q).await?;
    let by_level = rules::group_by(&r.rows, |x| Some(x.level.clone()));
    let by_league = rules::group_by(&r.rows, |x| x.league.clone());
    let total = rules::total(&r.rows);
    let f = RollupFilter {
        q: r.q,
        level: &r.level,
        league: &r.league,
    };
    Ok(layout::page(
        &ctx,
        &ctx.t("kpi.rollup_title"),
        kviews::rollup(ctx.lang, &f, &r.rows, &by_level, &by_league, &total),
    ))
}

fn rollup_sheet(lang: Lang, r: &Rollup) -> export::Sheet {
    let level_name = |code: &str| {
        Level::parse(code)
            .map(|l| l.label(lang))
            .unwrap_or_default()
    };
    let mut rows: Vec<(Vec<String>, rules::Figures)> = r
        .rows
        .iter()
        .map(|x| {
            (
                vec![
                    x.name.clone(),
                    level_name(&x.level),
                    league_name(x.league.as_deref().unwrap_or(""), lang),
                ],
                x.figures,
            )
        })
        .collect();
    rows.push((
        vec![lang.t("kpi.total"), String::new(), String::new()],
        rules::total(&r.rows),
    ));
    export::Sheet {
        title: lang.tf("kpi.rollup_report_title", &[("q", &r.q.label())]),
        lead: vec![
            lang.t("incubator.name"),
            lang.t("incubator.level"),
            Level::LeagueCity.label(lang),
        ],
        heads: heads(lang),
        rows,
    }
}

/// `GET /incubators/kpis.csv`
pub async fn rollup_csv(
    State(st): State<St>,
    ctx: Ctx,
    Query(q): Query<KpiQuery>,
) -> AppResult<Response> {
    let r = rollup_data(&st, &ctx, &q).await?;
    let s = rollup_sheet(ctx.lang, &r);
    Ok(download(
        csv_bytes(&s),
        "text/csv; charset=utf-8",
        &format!("incubators-kpis-{}.csv", r.q.label()),
    ))
}

/// `GET /incubators/kpis.xlsx`
pub async fn rollup_xlsx(
    State(st): State<St>,
    ctx: Ctx,
    Query(q): Query<KpiQuery>,
) -> AppResult<Response> {
    let r = rollup_data(&st, &ctx, &q).await?;
    let s = rollup_sheet(ctx.lang, &r);
    Ok(download(
        xlsx_bytes(&s)?,
        XLSX,
        &format!("incubators-kpis-{}.xlsx", r.q.label()),
    ))
}
