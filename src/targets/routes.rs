//! Dashboard handlers: the page, its JSON mirror, CSV exports, the drill-down and the
//! what-if helper.

use crate::web::Query;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use maud::Markup;

use super::rules::{self, Scope, WhatIfForm};
use super::{CultivationLine, Dashboard, ReportRow, ShareRow};
use crate::accounts::{Action, require};
use crate::kernel::error::{AppError, AppResult, FieldErrors};
use crate::web::AppState;
use crate::web::{Ctx, Lang, layout, unprocessable};

/// Query of the dashboard, its JSON and CSV.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DashQuery {
    /// Year; the latest with purchases when absent or not a number.
    #[serde(default)]
    year: String,
    /// League/city code whose banners/counties and units are listed.
    #[serde(default)]
    league: String,
    /// Year of the annual reports (party building, jobs); the latest with accepted reports
    /// when absent.
    #[serde(default)]
    report_year: String,
    /// CSV: which table.
    #[serde(default)]
    #[param(ignore)]
    table: String,
}

fn parse_year(s: &str) -> Option<i32> {
    s.trim()
        .parse::<i32>()
        .ok()
        .filter(|y| (1990..=2200).contains(y))
}

async fn load(st: &AppState, q: &DashQuery, lang: Lang) -> AppResult<Dashboard> {
    let league = Some(q.league.trim()).filter(|l| !l.is_empty());
    Ok(super::dashboard(
        &st.db,
        &st.config.targets,
        st.clock.today(),
        parse_year(&q.year),
        parse_year(&q.report_year),
        league,
        lang,
    )
    .await?)
}

/// `GET /targets`
pub async fn page(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<DashQuery>,
) -> AppResult<Markup> {
    let d = load(&st, &q, ctx.lang).await?;
    let grants = super::grant_funds(&st.db, ctx.lang).await?;
    let title = ctx.t("targets.title");
    Ok(layout::page(
        &ctx,
        &title,
        maud::html! {
            (super::views::dashboard(ctx.lang, &d, ctx.actor().is_some_and(|a| a.is_buyer())))
            (super::views::grant_funds(ctx.lang, &grants))
        },
    ))
}

/// The policy dashboard led by the 30% target: the share of new service purchases bought
/// from social organizations, by year, league/city, banner/county and unit, and the other
/// targets (values in fen, shares in basis points).
#[utoipa::path(
    get,
    path = "/api/v1/targets",
    tag = "targets",
    params(DashQuery),
    responses(
        (status = 200, description = "The dashboard", body = Dashboard),
        (status = 400, description = "A query string that cannot be decoded", body = crate::web::api::ApiError),
        (status = 429, description = "Too many requests; see `Retry-After`", body = crate::web::api::ApiError),
    )
)]
pub async fn api(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<DashQuery>,
) -> AppResult<Json<Dashboard>> {
    Ok(Json(load(&st, &q, ctx.lang).await?))
}

fn share_csv(lang: Lang, rows: &[ShareRow], year: Option<i32>) -> String {
    let mut out = rules::csv_line(
        &[
            "key",
            "name",
            "year",
            "total_yuan",
            "social_yuan",
            "share_percent",
            "gap_yuan",
            "status",
            "trend",
            "contracts",
        ]
        .map(str::to_string),
    );
    for r in rows {
        out.push_str(&rules::csv_line(&[
            r.key.clone(),
            r.name.clone(),
            year.map(|y| y.to_string()).unwrap_or_else(|| r.key.clone()),
            r.cell.total.to_input(),
            r.cell.social.to_input(),
            r.share_bp
                .map(|bp| rules::percent(bp).trim_end_matches('%').to_string())
                .unwrap_or_default(),
            r.gap.to_input(),
            r.status.label(lang),
            r.trend.code().to_string(),
            r.cell.contracts.to_string(),
        ]));
    }
    out
}

fn report_csv(lang: Lang, rows: &[ReportRow], year: Option<i32>) -> String {
    let mut out = rules::csv_line(
        &[
            "key",
            "name",
            "year",
            "reporting",
            "party",
            "party_percent",
            "party_standard",
            "party_standard_percent",
            "status",
            "jobs",
            "volunteers",
        ]
        .map(str::to_string),
    );
    let pct = |bp: Option<i64>| {
        bp.map(|bp| rules::percent(bp).trim_end_matches('%').to_string())
            .unwrap_or_default()
    };
    for r in rows {
        out.push_str(&rules::csv_line(&[
            r.key.clone(),
            r.name.clone(),
            year.map(|y| y.to_string()).unwrap_or_else(|| r.key.clone()),
            r.tally.reporting.to_string(),
            r.tally.party.to_string(),
            pct(r.party_bp),
            r.tally.party_standard.to_string(),
            pct(r.standard_bp),
            r.status.label(lang),
            r.tally.jobs.to_string(),
            r.tally.volunteers.to_string(),
        ]));
    }
    out
}

fn cultivation_csv(
    lang: Lang,
    rows: &[CultivationLine],
    total: Option<&CultivationLine>,
) -> String {
    let mut out = rules::csv_line(&[
        "key".to_string(),
        "name".to_string(),
        lang.t("targets.cultivation.col.incubators"),
        lang.t("targets.cultivation.col.residents"),
        lang.t("targets.cultivation.col.graduates"),
    ]);
    for r in rows.iter().chain(total) {
        out.push_str(&rules::csv_line(&[
            r.key.clone(),
            r.name.clone(),
            r.incubators.to_string(),
            r.residents.to_string(),
            r.graduates.to_string(),
        ]));
    }
    out
}

/// `GET /targets.csv?table=years|leagues|league_years|counties|units|others|report_years|
/// report_leagues|report_counties|grants|cultivation_levels|cultivation_leagues`: UTF-8 with a
/// byte-order mark so spreadsheet programs read the Chinese names.
pub async fn csv(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<DashQuery>,
) -> AppResult<Response> {
    let d = load(&st, &q, ctx.lang).await?;
    let lang = ctx.lang;
    let body = match q.table.as_str() {
        "years" | "" => share_csv(lang, &d.by_year, None),
        "leagues" => share_csv(lang, &d.leagues, d.year),
        "league_years" => share_csv(lang, &d.league_by_year, None),
        "counties" => share_csv(lang, &d.counties, d.year),
        "units" => share_csv(lang, &d.units, d.year),
        "report_years" => report_csv(lang, &d.reports.by_year, None),
        "report_leagues" => report_csv(lang, &d.reports.leagues, d.reports.year),
        "report_counties" => report_csv(lang, &d.reports.counties, d.reports.year),
        "cultivation_levels" => {
            cultivation_csv(lang, &d.cultivation.levels, Some(&d.cultivation.total))
        }
        "cultivation_leagues" => cultivation_csv(lang, &d.cultivation.leagues, None),
        "others" => {
            let mut out = rules::csv_line(
                &["key", "name", "target", "current", "status"].map(str::to_string),
            );
            out.push_str(&rules::csv_line(&[
                "social_share".into(),
                lang.t("targets.other.social_share"),
                format!("≥ {}", rules::percent(d.target_bp)),
                d.region.share_bp.map(rules::percent).unwrap_or_default(),
                d.region.status.label(lang),
            ]));
            for o in &d.others {
                out.push_str(&rules::csv_line(&[
                    o.code.to_string(),
                    lang.t(&format!("targets.other.{}", o.code)),
                    o.target.clone(),
                    o.current.clone().unwrap_or_default(),
                    o.status.label(lang),
                ]));
            }
            out
        }
        "grants" => {
            let g = super::grant_funds(&st.db, lang).await?;
            let mut out = rules::csv_line(&["league", "name", "year", "yuan"].map(str::to_string));
            for (code, name, amounts) in &g.leagues {
                for (y, a) in g.years.iter().zip(amounts) {
                    out.push_str(&rules::csv_line(&[
                        code.clone(),
                        name.clone(),
                        y.to_string(),
                        a.to_input(),
                    ]));
                }
            }
            out
        }
        _ => return Err(AppError::BadRequest(lang.t("targets.err.table"))),
    };
    let name = format!(
        "targets-{}-{}.csv",
        if q.table.is_empty() {
            "years"
        } else {
            &q.table
        },
        d.year.map(|y| y.to_string()).unwrap_or_default()
    );
    Ok(csv_response(&body, &name))
}

/// A CSV download: UTF-8 with a byte-order mark so spreadsheet programs read Chinese.
fn csv_response(body: &str, name: &str) -> Response {
    let mut res = format!("\u{feff}{body}").into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

/// Query of the drill-down.
#[derive(Debug, Default, serde::Deserialize)]
pub struct DrillQuery {
    #[serde(default)]
    year: String,
    /// `region`, `league:CODE`, `county:CODE` or `unit:ID`.
    #[serde(default)]
    scope: String,
    /// `1` social organizations only, `0` the others only, empty both.
    #[serde(default)]
    social: String,
    #[serde(default)]
    page: String,
    /// `csv`: every contract behind the number as CSV (at most `CSV_LIMIT`).
    #[serde(default)]
    format: String,
}

fn parse_scope(s: &str) -> Option<Scope> {
    let r = crate::regions::regions();
    match s.split_once(':') {
        None if s.is_empty() || s == "region" => Some(Scope::Region),
        Some(("league", c)) if r.leagues().any(|d| d.code == c) => Some(Scope::League(c.into())),
        Some(("county", c))
            if r.get(c)
                .is_some_and(|d| d.level == crate::regions::Level::BannerCounty) =>
        {
            Some(Scope::County(c.into()))
        }
        Some(("unit", id)) => id.parse().ok().filter(|i| *i > 0).map(Scope::Unit),
        _ => None,
    }
}

/// `GET /targets/contracts`: the contracts behind a number of the dashboard (`format=csv`:
/// all of them as CSV).
pub async fn contracts(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<DrillQuery>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let year = parse_year(&q.year).ok_or(AppError::NotFound)?;
    let scope = parse_scope(q.scope.trim()).ok_or(AppError::NotFound)?;
    let social = match q.social.as_str() {
        "1" => Some(true),
        "0" => Some(false),
        _ => None,
    };
    let page = q
        .page
        .parse::<u64>()
        .ok()
        .filter(|p| (1..=1_000_000).contains(p))
        .unwrap_or(1);
    let units = super::model::unit_places(&st.db).await?;
    let ids = super::units_in(&scope, &units);
    if q.format == "csv" {
        let (rows, _) = super::model::contracts_behind(
            &st.db,
            year,
            ids.as_deref(),
            social,
            1,
            super::model::CSV_LIMIT,
        )
        .await?;
        let mut out = rules::csv_line(
            &[
                "contract",
                "unit",
                "supplier",
                "social",
                "year",
                "value_yuan",
            ]
            .map(str::to_string),
        );
        for c in &rows {
            out.push_str(&rules::csv_line(&[
                c.id.to_string(),
                units
                    .get(&c.unit_id)
                    .map(|u| u.name.clone())
                    .unwrap_or_default(),
                c.org_name.clone(),
                if c.social { "1" } else { "0" }.to_string(),
                c.year.to_string(),
                c.value.to_input(),
            ]));
        }
        return Ok(csv_response(&out, &format!("contracts-{year}.csv")));
    }
    let (rows, total) = super::model::contracts_behind(
        &st.db,
        year,
        ids.as_deref(),
        social,
        page,
        super::model::DRILL_PAGE,
    )
    .await?;
    let r = crate::regions::regions();
    let place = match &scope {
        Scope::Region => r.name(crate::regions::REGION_CODE, lang),
        Scope::League(c) | Scope::County(c) => r.path(c, lang),
        Scope::Unit(id) => units.get(id).map(|u| u.name.clone()).unwrap_or_default(),
    };
    let kind = match social {
        Some(true) => format!(" · {}", lang.t("targets.kind.social")),
        Some(false) => format!(" · {}", lang.t("targets.kind.other")),
        None => String::new(),
    };
    let heading = format!("{place} · {year}{kind}");
    let next = (page * super::model::DRILL_PAGE < total).then(|| {
        format!(
            "/targets/contracts?year={year}&scope={}&social={}&page={}",
            q.scope.trim(),
            q.social,
            page + 1
        )
    });
    let csv_href = format!(
        "/targets/contracts?year={year}&scope={}&social={}&format=csv",
        q.scope.trim(),
        q.social
    );
    let title = lang.t("targets.drill_title");
    Ok(layout::page(
        &ctx,
        &title,
        super::views::contracts(
            lang,
            &super::views::Drill {
                heading: &heading,
                year,
                rows: &rows,
                total,
                page,
                next,
                units: &units,
                csv_href,
            },
        ),
    )
    .into_response())
}

/// `GET /targets/what-if`: a buyer's planned purchases against the target for this year.
pub async fn what_if(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(f): Query<WhatIfForm>,
) -> AppResult<Response> {
    let u = ctx.require_user()?;
    let units = u.units.clone();
    let ids: Vec<i64> = units.iter().map(|(i, _)| *i).collect();
    require(
        ctx.actor(),
        Action::MatchAndPlan(ids.first().copied().unwrap_or(0)),
    )?;
    let lang = ctx.lang;
    let year = crate::kernel::clock::shanghai_year(st.clock.now());
    let target = st.config.targets.social_share_bp;
    let title = lang.t("targets.whatif_title");
    let mut form = f;
    if form.unit_id.is_empty()
        && let [(only, _)] = units.as_slice()
    {
        form.unit_id = only.to_string();
    }
    let asked = !form.planned_total.is_empty() || !form.planned_social.is_empty();
    if !asked {
        let body = super::views::what_if(
            lang,
            &units,
            &form,
            &FieldErrors::default(),
            year,
            None,
            target,
        );
        return Ok(layout::page(&ctx, &title, body).into_response());
    }
    match rules::validate_what_if(&form, &ids, lang) {
        Ok(input) => {
            require(ctx.actor(), Action::MatchAndPlan(input.unit_id))?;
            let (ledger, _) = super::ledger(&st.db).await?;
            let now = ledger.cell(&Scope::Unit(input.unit_id), year);
            let r = rules::what_if(&now, &input, target);
            let body = super::views::what_if(
                lang,
                &units,
                &form,
                &FieldErrors::default(),
                year,
                Some((&now, &r)),
                target,
            );
            Ok(layout::page(&ctx, &title, body).into_response())
        }
        Err(e) => {
            let body = super::views::what_if(lang, &units, &form, &e, year, None, target);
            Ok(unprocessable(layout::page(&ctx, &title, body)))
        }
    }
}

/// Query of the report targets' drill-down and its CSV.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ReportDrillQuery {
    /// Report year; the latest with accepted reports when absent or not a number.
    #[serde(default)]
    year: String,
    /// League/city code: its banners/counties.
    #[serde(default)]
    league: String,
    /// Banner/county code: its organizations.
    #[serde(default)]
    county: String,
}

async fn report_drill(
    st: &AppState,
    q: &ReportDrillQuery,
    lang: Lang,
) -> AppResult<(super::drill::Level, super::DrillPage)> {
    let level = super::drill::Level::parse(&q.league, &q.county);
    let year = q.year.trim().parse::<i32>().ok();
    let d = super::drill_page(&st.db, year, &level, st.clock.now(), lang).await?;
    Ok((level, d))
}

/// `GET /targets/reports?year=&league=&county=`: party building, clean credit and jobs,
/// the region by league/city, a league/city by banner/county, a banner/county by
/// organization.
pub async fn reports(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ReportDrillQuery>,
) -> AppResult<Markup> {
    let (level, d) = report_drill(&st, &q, ctx.lang).await?;
    let body = super::views::report_drill(ctx.lang, &level, &d);
    Ok(layout::page(&ctx, &ctx.t("targets.drill.title"), body))
}

/// `GET /targets/reports.csv?year=&league=&county=`: the same table as CSV.
pub async fn reports_csv(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ReportDrillQuery>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let (level, d) = report_drill(&st, &q, lang).await?;
    let pct = |bp: Option<i64>| {
        bp.map(|bp| rules::percent(bp).trim_end_matches('%').to_string())
            .unwrap_or_default()
    };
    let mut out = rules::csv_line(
        &[
            "key",
            "name",
            "year",
            "registered",
            "clean_credit",
            "clean_credit_percent",
            "reporting",
            "party",
            "party_percent",
            "party_standard",
            "party_standard_percent",
            "jobs",
            "volunteers",
        ]
        .map(str::to_string),
    );
    let total = super::drill::DrillRow {
        key: "total".into(),
        name: lang.t("targets.drill.total"),
        ..d.total.clone()
    };
    for r in d.rows.iter().chain(std::iter::once(&total)) {
        out.push_str(&rules::csv_line(&[
            r.key.clone(),
            r.name.clone(),
            d.year.to_string(),
            r.registered.to_string(),
            r.clean.to_string(),
            pct(r.clean_bp),
            r.tally.reporting.to_string(),
            r.tally.party.to_string(),
            pct(r.party_bp),
            r.tally.party_standard.to_string(),
            pct(r.standard_bp),
            r.tally.jobs.to_string(),
            r.tally.volunteers.to_string(),
        ]));
    }
    let place = match &level {
        super::drill::Level::Region => "region".to_string(),
        super::drill::Level::League(c) | super::drill::Level::County(c) => c.clone(),
    };
    Ok(csv_response(
        &out,
        &format!("targets-reports-{place}-{}.csv", d.year),
    ))
}

/// Query of target 7's page and CSV.
#[derive(Debug, Default, serde::Deserialize)]
pub struct BrandQuery {
    /// Year; the current one when absent or not a number.
    #[serde(default)]
    year: String,
    /// Drill-down: `region` or `league:{code}`.
    #[serde(default)]
    scope: String,
    /// CSV: `history` (default) or `recognized` (the drill-down's brands).
    #[serde(default)]
    table: String,
}

async fn brand_target(
    st: &AppState,
    q: &BrandQuery,
    lang: Lang,
) -> AppResult<super::brand_target::BrandTarget> {
    Ok(super::brand_target::load(
        &st.db,
        &st.config.targets,
        st.clock.today().year(),
        parse_year(&q.year),
        super::brand_target::Drill::parse(&q.scope),
        lang,
    )
    .await?)
}

/// `GET /targets/brands?year=&scope=`: target 7 — brands in total, the region's and each
/// league/city's recognitions of a year, history by year, and the brands behind a count.
pub async fn brands(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<BrandQuery>,
) -> AppResult<Markup> {
    let t = brand_target(&st, &q, ctx.lang).await?;
    let ids: Vec<i64> = t
        .drill
        .as_ref()
        .map(|(_, rows)| rows.iter().map(|r| r.brand_id).collect())
        .unwrap_or_default();
    let cards = crate::brands::cards_by_ids(&st.db, &ids).await?;
    let body = super::views::brand_target(ctx.lang, &t, &cards);
    Ok(layout::page(&ctx, &ctx.t("targets.brands.title"), body))
}

/// `GET /targets/brands.csv?table=history|recognized&year=&scope=`
pub async fn brands_csv(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<BrandQuery>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let t = brand_target(&st, &q, lang).await?;
    let regions = crate::regions::regions();
    if q.table == "recognized" {
        // Every recognition of the year (or of the drill-down's scope).
        let rows: Vec<crate::brands::RecognizedRow> = match &t.drill {
            Some((_, rows)) => rows.clone(),
            None => crate::brands::recognitions(&st.db)
                .await?
                .into_iter()
                .filter(|r| r.year == t.year)
                .collect(),
        };
        let ids: Vec<i64> = rows.iter().map(|r| r.brand_id).collect();
        let cards = crate::brands::cards_by_ids(&st.db, &ids).await?;
        let mut out = rules::csv_line(
            &[
                "year",
                "level",
                "division",
                "division_name",
                "brand_id",
                "brand",
                "organization",
                "certificate",
            ]
            .map(str::to_string),
        );
        for r in &rows {
            let c = cards.iter().find(|c| c.brand.id == r.brand_id);
            out.push_str(&rules::csv_line(&[
                r.year.to_string(),
                r.level.code().to_string(),
                r.division_code.clone(),
                regions.name(&r.division_code, lang),
                r.brand_id.to_string(),
                c.map(|c| c.brand.name.clone()).unwrap_or_default(),
                c.map(|c| c.org_name.clone()).unwrap_or_default(),
                r.certificate_no.clone().unwrap_or_default(),
            ]));
        }
        return Ok(csv_response(
            &out,
            &format!("targets-brands-recognized-{}.csv", t.year),
        ));
    }
    let mut head = vec!["year".to_string(), "region".to_string()];
    head.extend(t.leagues.iter().map(|l| l.code.clone()));
    head.push("leagues_met".into());
    let mut out = rules::csv_line(&head);
    for h in &t.history {
        let mut line = vec![h.year.to_string(), h.region.to_string()];
        line.extend(h.leagues.iter().map(i64::to_string));
        line.push(h.leagues_met.to_string());
        out.push_str(&rules::csv_line(&line));
    }
    Ok(csv_response(&out, "targets-brands-history.csv"))
}
