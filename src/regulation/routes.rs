//! Regulation handlers: extract, authorize, call, render. Routes naming an organization load
//! it first (organizations are public), then ask the policy, and only then look up the
//! report, so a report's existence shows to no one who may not read it.

pub mod credit;
pub mod rule_pages;
pub mod zombies;

use crate::web::{Form, Query};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use maud::Markup;

use super::rules::{self, RegulationSettings, ReportForm, ReviewForm, Timeliness};
use super::views::{self, QueueQuery, ReportActions, YearLine};
use super::{Refusal, Report, model};
use crate::accounts::{Action, may, require};
use crate::kernel::error::{AppError, AppResult, FieldErrors};
use crate::orgs::{Org, OrgKind};
use crate::web::AppState;
use crate::web::{Ctx, layout, parse_id, see_other, unprocessable};

/// Reports listed per page in the queue.
const PER_PAGE: u64 = 50;

async fn load_org(st: &AppState, id: &str) -> AppResult<Org> {
    crate::orgs::get(&st.db, parse_id(id)?)
        .await?
        .map(|(o, _)| o)
        .ok_or(AppError::NotFound)
}

fn is_social(o: &Org) -> bool {
    OrgKind::parse(&o.kind).is_some_and(OrgKind::is_social_org)
}

fn parse_year(s: &str) -> AppResult<i32> {
    s.parse::<i32>()
        .ok()
        .filter(|y| (rules::FIRST_YEAR..=9999).contains(y))
        .ok_or(AppError::NotFound)
}

fn this_year(st: &AppState) -> i32 {
    crate::kernel::clock::shanghai_year(st.clock.now())
}

/// The report deadline at a place: its locality's override of the report rule, else the
/// deployment's setting (`overrides`: every locality's, one small query per page).
fn settings_at(
    st: &AppState,
    overrides: &[super::rule_params::Override],
    league: Option<&str>,
    county: Option<&str>,
) -> RegulationSettings {
    use super::rule_params as p;
    let code = super::Trigger::ReportMissing.code();
    p::resolve(
        &p::Params::default(),
        code,
        &p::chain(league, county),
        overrides,
    )
    .deadline
    .as_deref()
    .and_then(|d| RegulationSettings::parse_deadline(d).ok())
    .unwrap_or(st.config.regulation)
}

fn settings_of(
    st: &AppState,
    overrides: &[super::rule_params::Override],
    o: &Org,
) -> RegulationSettings {
    settings_at(
        st,
        overrides,
        o.league_code.as_deref(),
        o.county_code.as_deref(),
    )
}

fn timeliness_of(st: &AppState, s: &RegulationSettings, r: &Report) -> Timeliness {
    let deadline = s.deadline(r.year);
    rules::timeliness(r.first_submitted_at, deadline, st.clock.now())
}

/// The year lines of an organization: every year it may file for (newest first, at most
/// `limit`), with its report where one exists. Drafts count as not filed unless
/// `drafts` (readers who may see them).
fn year_lines<'a>(
    st: &AppState,
    o: &Org,
    reports: &'a [Report],
    drafts: bool,
    limit: usize,
    settings: &RegulationSettings,
) -> Vec<YearLine<'a>> {
    let now = st.clock.now();
    let mut years = rules::fileable_years(o.registration_date.year(), this_year(st));
    // A report on a year before registration (data entered by hand) still shows.
    for r in reports {
        if !years.contains(&r.year) {
            years.push(r.year);
        }
    }
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.truncate(limit);
    years
        .into_iter()
        .map(|year| {
            let report = reports
                .iter()
                .find(|r| r.year == year)
                .filter(|r| drafts || r.state() != rules::ReportState::Draft);
            let deadline = settings.deadline(year);
            let filed = report.and_then(|r| r.first_submitted_at);
            YearLine {
                year,
                report,
                timeliness: rules::timeliness(filed, deadline, now),
                deadline: settings.deadline_day_label(year),
            }
        })
        .collect()
}

/// `GET /orgs/{id}/reports`: the organization's reports by year.
pub async fn list(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Markup> {
    let o = load_org(&st, &id).await?;
    require(ctx.actor(), Action::ViewOrgPrivate(o.id))?;
    let reports = model::of_org(&st.db, o.id).await?;
    let overrides = super::credit_model::overrides(&st.db).await?;
    let settings = settings_of(&st, &overrides, &o);
    let lines = year_lines(&st, &o, &reports, true, usize::MAX, &settings);
    let can_file = may(ctx.actor(), Action::FileReport(o.id));
    let body = views::list(ctx.lang, o.id, &o.name, &lines, is_social(&o), can_file);
    Ok(layout::page(
        &ctx,
        &ctx.tf_name("regulation.reports.title", &o.name),
        body,
    ))
}

async fn new_page(
    st: &AppState,
    ctx: &mut Ctx,
    o: &Org,
    f: &ReportForm,
    e: &FieldErrors,
) -> AppResult<Markup> {
    let csrf = ctx.ensure_csrf().await?;
    let filed: Vec<i32> = model::of_org(&st.db, o.id)
        .await?
        .iter()
        .map(|r| r.year)
        .collect();
    let years: Vec<i32> = rules::fileable_years(o.registration_date.year(), this_year(st))
        .into_iter()
        .filter(|y| !filed.contains(y) || y.to_string() == f.year)
        .collect();
    let body = views::new_form(ctx.lang, o.id, &o.name, &years, f, e, &csrf);
    Ok(layout::page(ctx, &ctx.t("regulation.new_title"), body))
}

/// Query of the new-report page: the year proposed.
#[derive(Debug, Default, serde::Deserialize)]
pub struct NewQuery {
    #[serde(default)]
    year: String,
}

/// `GET /orgs/{id}/reports/new`
pub async fn new_form(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<NewQuery>,
) -> AppResult<Markup> {
    let o = load_org(&st, &id).await?;
    require(ctx.actor(), Action::FileReport(o.id))?;
    if !is_social(&o) {
        return Err(AppError::NotFound);
    }
    let f = ReportForm {
        year: q.year.trim().to_string(),
        ..Default::default()
    };
    new_page(&st, &mut ctx, &o, &f, &FieldErrors::default()).await
}

/// `POST /orgs/{id}/reports`: files a new report (draft, or submitted with `submit=1`).
/// A future or current year, a year already reported and bad numbers come back as the same
/// form with 422.
pub async fn create(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<ReportForm>,
) -> AppResult<Response> {
    let o = load_org(&st, &id).await?;
    require(ctx.actor(), Action::FileReport(o.id))?;
    if !is_social(&o) {
        return Err(AppError::NotFound);
    }
    let actor = ctx.require_user()?.actor.user_id;
    let lang = ctx.lang;
    let year = rules::validate_year(&f.year, o.registration_date.year(), this_year(&st), lang);
    let content = rules::validate_report(&f, lang);
    let outcome = match (year, content) {
        (Ok(year), Ok(d)) => {
            let submit = f.submit == "1";
            let now = st.clock.now();
            match super::file(&st.db, &o, year, &d, submit, actor, now).await? {
                Ok(_) => Ok((year, submit)),
                Err(_) => {
                    let mut e = FieldErrors::default();
                    e.add(
                        "year",
                        lang.tf("regulation.err.duplicate", &[("year", &year.to_string())]),
                    );
                    Err(e)
                }
            }
        }
        (y, c) => {
            let mut e = FieldErrors::default();
            if let Err(m) = y {
                e.add("year", m);
            }
            if let Err(ce) = c {
                e.0.extend(ce.0);
            }
            Err(e)
        }
    };
    match outcome {
        Ok((year, submit)) => {
            let key = if submit {
                "regulation.submitted"
            } else {
                "regulation.saved"
            };
            ctx.set_flash("success", ctx.t(key)).await?;
            Ok(see_other(&format!("/orgs/{}/reports/{year}", o.id)))
        }
        Err(e) => Ok(unprocessable(new_page(&st, &mut ctx, &o, &f, &e).await?)),
    }
}

/// What came back with errors on a report's page.
#[derive(Default)]
struct Failed<'a> {
    edit: Option<(&'a ReportForm, &'a FieldErrors)>,
    review: Option<(&'a ReviewForm, &'a FieldErrors)>,
}

async fn report_page(
    st: &AppState,
    ctx: &mut Ctx,
    o: &Org,
    r: &Report,
    failed: Failed<'_>,
) -> AppResult<Markup> {
    let actor = ctx.actor();
    let can_edit = may(actor, Action::FileReport(o.id)) && r.state().editable();
    let can_review = may(actor, Action::Regulate) && r.state() == rules::ReportState::Submitted;
    let csrf = if can_edit || can_review {
        ctx.ensure_csrf().await?
    } else {
        String::new()
    };
    let saved = r.draft().to_form();
    let none = FieldErrors::default();
    let blank = ReviewForm::default();
    let a = ReportActions {
        edit: can_edit.then(|| failed.edit.unwrap_or((&saved, &none))),
        review: can_review.then(|| failed.review.unwrap_or((&blank, &none))),
        csrf: &csrf,
    };
    let overrides = super::credit_model::overrides(&st.db).await?;
    let settings = settings_of(st, &overrides, o);
    let deadline = settings.deadline_day_label(r.year);
    let body = views::show(
        ctx.lang,
        o.id,
        &o.name,
        r,
        timeliness_of(st, &settings, r),
        &deadline,
        &a,
    );
    let title = ctx.lang.tf(
        "regulation.report_title",
        &[("name", &o.name), ("year", &r.year.to_string())],
    );
    Ok(layout::page(ctx, &title, body))
}

/// Loads the organization, checks `action`, then the report (404 when there is none).
async fn load(
    st: &AppState,
    ctx: &Ctx,
    id: &str,
    year: &str,
    action: fn(i64) -> Action,
) -> AppResult<(Org, Report)> {
    let o = load_org(st, id).await?;
    require(ctx.actor(), action(o.id))?;
    let year = parse_year(year)?;
    let r = model::get(&st.db, o.id, year)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((o, r))
}

/// `GET /orgs/{id}/reports/{year}`
pub async fn show(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path((id, year)): Path<(String, String)>,
) -> AppResult<Markup> {
    let (o, r) = load(&st, &ctx, &id, &year, Action::ViewOrgPrivate).await?;
    report_page(&st, &mut ctx, &o, &r, Failed::default()).await
}

/// `POST /orgs/{id}/reports/{year}`: saves a draft or returned report, or (re)submits it.
pub async fn update(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path((id, year)): Path<(String, String)>,
    Form(f): Form<ReportForm>,
) -> AppResult<Response> {
    let (o, r) = load(&st, &ctx, &id, &year, Action::FileReport).await?;
    let actor = ctx.require_user()?.actor.user_id;
    let lang = ctx.lang;
    let outcome = match rules::validate_report(&f, lang) {
        Err(e) => Err(e),
        Ok(d) => {
            let submit = f.submit == "1";
            match super::save(&st.db, &o, r.year, &d, submit, actor, st.clock.now()).await? {
                Ok(()) => Ok(submit),
                Err(Refusal::Transition(t)) => {
                    let mut e = FieldErrors::default();
                    e.add("submit", t.message(lang));
                    Err(e)
                }
                Err(_) => return Err(AppError::NotFound),
            }
        }
    };
    match outcome {
        Ok(submit) => {
            let key = if submit {
                "regulation.submitted"
            } else {
                "regulation.saved"
            };
            ctx.set_flash("success", ctx.t(key)).await?;
            Ok(see_other(&format!("/orgs/{}/reports/{}", o.id, r.year)))
        }
        Err(e) => {
            // Re-read: the state may have changed under the refused transition.
            let r = model::get(&st.db, o.id, r.year)
                .await?
                .ok_or(AppError::NotFound)?;
            if !r.state().editable() {
                // The report moved on (submitted elsewhere, reviewed): show it as it is now.
                ctx.set_flash(
                    "error",
                    e.0.first().map(|(_, m)| m.clone()).unwrap_or_default(),
                )
                .await?;
                let page = report_page(&st, &mut ctx, &o, &r, Failed::default()).await?;
                return Ok((axum::http::StatusCode::CONFLICT, page).into_response());
            }
            let failed = Failed {
                edit: Some((&f, &e)),
                review: None,
            };
            Ok(unprocessable(
                report_page(&st, &mut ctx, &o, &r, failed).await?,
            ))
        }
    }
}

/// `POST /orgs/{id}/reports/{year}/review`: a regulator accepts the report or returns it
/// with reasons.
pub async fn review(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path((id, year)): Path<(String, String)>,
    Form(f): Form<ReviewForm>,
) -> AppResult<Response> {
    let (o, r) = load(&st, &ctx, &id, &year, |_| Action::Regulate).await?;
    let actor = ctx.require_user()?.actor.user_id;
    let lang = ctx.lang;
    let outcome = match rules::validate_review(&f, lang) {
        Err(e) => Err(e),
        Ok(decision) => {
            match super::review(&st.db, &o, r.year, &decision, actor, st.clock.now()).await? {
                Ok(state) => Ok(state),
                Err(Refusal::Transition(t)) => {
                    let mut e = FieldErrors::default();
                    e.add("decision", t.message(lang));
                    Err(e)
                }
                Err(_) => return Err(AppError::NotFound),
            }
        }
    };
    match outcome {
        Ok(state) => {
            // An accepted report may meet the obligation a listing is about.
            credit::on_event(&st, o.id).await;
            let key = format!("regulation.reviewed.{}", state.code());
            ctx.set_flash("success", ctx.t(&key)).await?;
            Ok(see_other(&format!("/orgs/{}/reports/{}", o.id, r.year)))
        }
        Err(e) => {
            let r = model::get(&st.db, o.id, r.year)
                .await?
                .ok_or(AppError::NotFound)?;
            if r.state() != rules::ReportState::Submitted {
                ctx.set_flash(
                    "error",
                    e.0.first().map(|(_, m)| m.clone()).unwrap_or_default(),
                )
                .await?;
                let page = report_page(&st, &mut ctx, &o, &r, Failed::default()).await?;
                return Ok((axum::http::StatusCode::CONFLICT, page).into_response());
            }
            let failed = Failed {
                edit: None,
                review: Some((&f, &e)),
            };
            Ok(unprocessable(
                report_page(&st, &mut ctx, &o, &r, failed).await?,
            ))
        }
    }
}

/// `GET /regulation/reports`: the regulators' review queue, filtered by year, league/city
/// and state (submitted by default).
pub async fn queue(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<QueueQuery>,
) -> AppResult<Markup> {
    require(ctx.actor(), Action::Regulate)?;
    let year = q.year.trim().parse::<i32>().ok();
    let league = crate::regions::regions()
        .get(q.league.trim())
        .filter(|d| d.level == crate::regions::Level::LeagueCity)
        .map(|d| d.code.clone());
    let state = match q.state.as_str() {
        "all" => None,
        s => Some(rules::ReportState::parse(s).unwrap_or(rules::ReportState::Submitted)),
    };
    let page = q.page.parse::<u64>().unwrap_or(1).max(1);
    let (rows, total) =
        model::queue(&st.db, state, year, league.as_deref(), page, PER_PAGE).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.org_id).collect();
    let names = crate::orgs::names_by_ids(&st.db, &ids).await?;
    let years = model::years(&st.db).await?;
    let overrides = super::credit_model::overrides(&st.db).await?;
    let qrows: Vec<views::QueueRow<'_>> = rows
        .iter()
        .map(|r| views::QueueRow {
            report: r,
            org_name: names.get(&r.org_id).map(String::as_str).unwrap_or(""),
            timeliness: timeliness_of(
                &st,
                &settings_at(
                    &st,
                    &overrides,
                    r.league_code.as_deref(),
                    r.county_code.as_deref(),
                ),
                r,
            ),
        })
        .collect();
    let pages = total.div_ceil(PER_PAGE);
    let body = views::queue(ctx.lang, &q, &years, &qrows, total, page, pages);
    Ok(layout::page(&ctx, &ctx.t("regulation.queue.title"), body))
}

/// The regulation section of an organization's profile (composed by `pages`): the public
/// summary of the last three years' reports and the published penalties.
pub async fn profile_section(
    st: &AppState,
    lang: crate::kernel::Lang,
    actor: Option<&crate::accounts::Actor>,
    o: &Org,
) -> AppResult<Markup> {
    let reports = if is_social(o) {
        model::of_org(&st.db, o.id).await?
    } else {
        Vec::new()
    };
    let penalties = model::penalties_of(&st.db, o.id).await?;
    let lines = if is_social(o) {
        let overrides = super::credit_model::overrides(&st.db).await?;
        year_lines(st, o, &reports, false, 3, &settings_of(st, &overrides, o))
    } else {
        Vec::new()
    };
    let credit = credit::profile_part(st, lang, o).await?;
    Ok(maud::html! {
        (views::profile_section(
            lang,
            o.id,
            &lines,
            &penalties,
            is_social(o) && may(actor, Action::ViewOrgPrivate(o.id)),
            may(actor, Action::Regulate),
        ))
        (credit)
    })
}

/// What a regulator typed to record a penalty, plus the confirmation flag.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct PenaltyPost {
    /// The penalty.
    #[serde(flatten)]
    pub form: rules::PenaltyForm,
    /// `1` from the confirmation page's final button.
    #[serde(default)]
    pub confirm: String,
}

async fn penalty_page(
    ctx: &mut Ctx,
    o: &Org,
    f: &rules::PenaltyForm,
    e: &FieldErrors,
) -> AppResult<Markup> {
    let csrf = ctx.ensure_csrf().await?;
    let body = views::penalty_form(ctx.lang, o.id, &o.name, f, e, &csrf);
    let title = ctx.tf_name("regulation.penalties.new_title", &o.name);
    Ok(layout::page(ctx, &title, body))
}

/// `GET /orgs/{id}/penalties/new`
pub async fn penalty_form(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Markup> {
    let o = load_org(&st, &id).await?;
    require(ctx.actor(), Action::Regulate)?;
    let f = rules::PenaltyForm {
        decided_on: st.clock.today().to_string(),
        ..Default::default()
    };
    penalty_page(&mut ctx, &o, &f, &FieldErrors::default()).await
}

/// `POST /orgs/{id}/penalties`: records and publishes a penalty. It cannot be undone, so
/// without `confirm=1` this shows the confirmation page; bad input is the same form, 422.
pub async fn record_penalty(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(p): Form<PenaltyPost>,
) -> AppResult<Response> {
    let o = load_org(&st, &id).await?;
    require(ctx.actor(), Action::Regulate)?;
    let actor = ctx.require_user()?.actor.user_id;
    let lang = ctx.lang;
    let f = &p.form;
    let d = match rules::validate_penalty(f, st.clock.today(), lang) {
        Ok(d) => d,
        Err(e) => return Ok(unprocessable(penalty_page(&mut ctx, &o, f, &e).await?)),
    };
    if !crate::web::confirm::confirmed(&p.confirm) {
        let csrf = ctx.ensure_csrf().await?;
        let mut consequences = vec![
            lang.tf(
                "regulation.confirm.what",
                &[
                    ("org", &o.name),
                    ("kind", &d.kind.label(lang)),
                    ("date", &d.decided_on.to_string()),
                ],
            ),
            lang.t("regulation.penalties.published"),
        ];
        if let Some(a) = d.amount {
            consequences.insert(
                1,
                lang.tf("regulation.confirm.amount", &[("amount", &a.to_string())]),
            );
        }
        let action = format!("/orgs/{}/penalties", o.id);
        let back = format!("/orgs/{}", o.id);
        let page = crate::web::confirm::page(
            &ctx,
            &crate::web::confirm::Confirm {
                title: &lang.tf("regulation.confirm.title", &[("org", &o.name)]),
                consequences: &consequences,
                action: &action,
                fields: &[
                    ("kind", &f.kind),
                    ("amount", &f.amount),
                    ("legal_basis", &f.legal_basis),
                    ("decided_on", &f.decided_on),
                    ("decision", &f.decision),
                ],
                button: &lang.t("regulation.penalties.record"),
                cancel: &back,
            },
            &csrf,
        );
        return Ok(page.into_response());
    }
    super::record_penalty(&st.db, &o, &d, actor, st.clock.now()).await?;
    // A penalty may be a ground for the serious list (notice given now).
    credit::on_event(&st, o.id).await;
    ctx.set_flash("success", ctx.t("regulation.penalties.recorded"))
        .await?;
    Ok(see_other(&format!("/orgs/{}#penalties", o.id)))
}

/// `GET /penalties`: every published penalty, newest decision first, by league/city and
/// kind.
pub async fn penalties(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<views::PenaltyQuery>,
) -> AppResult<Markup> {
    let league = crate::regions::regions()
        .get(q.league.trim())
        .filter(|d| d.level == crate::regions::Level::LeagueCity)
        .map(|d| d.code.clone());
    let kind = rules::PenaltyKind::parse(q.kind.trim()).map(|k| k.code());
    let page = q
        .page
        .parse::<u64>()
        .ok()
        .filter(|p| (1..=1_000_000).contains(p))
        .unwrap_or(1);
    let (rows, total) = model::penalties(&st.db, league.as_deref(), kind, page, PER_PAGE).await?;
    let ids: Vec<i64> = rows.iter().map(|p| p.org_id).collect();
    let names = crate::orgs::names_by_ids(&st.db, &ids).await?;
    let pages = total.div_ceil(PER_PAGE);
    let body = views::penalties(ctx.lang, &q, &rows, &names, total, page, pages);
    Ok(layout::page(
        &ctx,
        &ctx.t("regulation.penalties.title"),
        body,
    ))
}
