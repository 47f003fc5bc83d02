//! Spot-check handlers: extract, authorize, call, render. Campaigns other than drafts are
//! public; a draft is a 404 to anyone but regulators, like a missing id. Every step is for
//! regulators; findings only for the check's own inspectors (others: 404).

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use maud::Markup;

use super::ratio_rules::{self, RatioForm};
use super::rules::{self, CampaignForm, Level};
use super::views::{self, ShowView};
use super::{Campaign, Refusal};
use crate::accounts::{Action, may, require};
use crate::kernel::error::{AppError, AppResult, FieldErrors};
use crate::web::{AppState, Ctx, Form, Query, layout, parse_id, see_other, unprocessable};

fn level_of(code: &str) -> Option<Level> {
    crate::regions::regions()
        .get(code)
        .and_then(|d| match d.level {
            crate::regions::Level::Region => Some(Level::Region),
            crate::regions::Level::LeagueCity => Some(Level::LeagueCity),
            crate::regions::Level::BannerCounty => Some(Level::BannerCounty),
            crate::regions::Level::Township => None,
        })
}

/// `GET /spot-checks`: the campaigns (drafts only for regulators).
pub async fn list(State(st): State<AppState>, ctx: Ctx) -> AppResult<Markup> {
    let regulator = may(ctx.actor(), Action::Regulate);
    let campaigns = super::list(&st.db, regulator).await?;
    let body = views::list(ctx.lang, &campaigns, regulator);
    Ok(layout::page(&ctx, &ctx.t("inspections.title"), body))
}

async fn form_page(
    st: &AppState,
    ctx: &mut Ctx,
    f: &CampaignForm,
    e: &FieldErrors,
) -> AppResult<Markup> {
    let raised = super::ratio_overrides(&st.db).await?;
    let csrf = ctx.ensure_csrf().await?;
    let body = views::new_form(ctx.lang, f, e, &raised, &csrf);
    Ok(layout::page(ctx, &ctx.t("inspections.new_title"), body))
}

/// `GET /spot-checks/new`
pub async fn new_form(State(st): State<AppState>, mut ctx: Ctx) -> AppResult<Markup> {
    require(ctx.actor(), Action::Regulate)?;
    let f = CampaignForm {
        year: st.clock.today().year().to_string(),
        division: crate::regions::REGION_CODE.to_string(),
        level: Level::Region.code().to_string(),
        items: rules::Item::ALL
            .iter()
            .map(|i| i.code().to_string())
            .collect(),
        ..Default::default()
    };
    form_page(&st, &mut ctx, &f, &FieldErrors::default()).await
}

/// `POST /spot-checks`: defines a campaign (a draft); bad input is the same form, 422.
pub async fn create(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Form(f): Form<CampaignForm>,
) -> AppResult<Response> {
    require(ctx.actor(), Action::Regulate)?;
    let actor = ctx.require_user()?.actor.user_id;
    let this_year = st.clock.today().year();
    let raised = super::ratio_overrides(&st.db).await?;
    let minimum = |l: Level, d: &str| ratio_rules::campaign_minimum(l, d, &raised);
    let lang = ctx.lang;
    match rules::validate_campaign(&f, level_of, minimum, this_year, lang) {
        Err(e) => Ok(unprocessable(form_page(&st, &mut ctx, &f, &e).await?)),
        Ok(d) => match super::create(&st.db, &d, actor, st.clock.now()).await? {
            Ok(c) => {
                ctx.set_flash("success", ctx.t("inspections.done.created"))
                    .await?;
                Ok(see_other(&format!("/spot-checks/{}", c.id)))
            }
            // Raised by a locality between the check above and the write.
            Err(m) => {
                let mut e = FieldErrors::default();
                e.add(
                    "ratio",
                    lang.tf(
                        "inspections.err.ratio_min",
                        &[
                            ("min", &ratio_rules::percent(m.bp)),
                            ("source", &m.source_label(lang)),
                        ],
                    ),
                );
                Ok(unprocessable(form_page(&st, &mut ctx, &f, &e).await?))
            }
        },
    }
}

/// `?place=`: the locality whose minimum ratios are shown.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct PlaceQuery {
    /// A division code of the region, a league/city or a banner/county (empty: the region).
    #[serde(default)]
    pub place: String,
}

/// The minimum-ratio page of `place` (a known locality), or of an unknown code (404 with
/// the message and the picker); a form that failed is shown with its errors.
async fn ratios_page(
    st: &AppState,
    ctx: &mut Ctx,
    place: &str,
    failed: Option<(Level, &RatioForm, &FieldErrors)>,
) -> AppResult<Response> {
    let csrf = ctx.ensure_csrf().await?;
    let known = ratio_rules::is_place(place);
    // An unknown code is shown back, but never longer than a division code could be.
    let shown: String = place.chars().take(12).collect();
    let overrides = super::ratio_overrides(&st.db).await?;
    let rows = super::ratio_rows(&st.db).await?;
    let lines: Vec<views::RatioLine<'_>> = if known {
        ratio_rules::settable(place)
            .iter()
            .map(|&level| views::RatioLine {
                level,
                inherited: ratio_rules::inherited(level, place, &overrides),
                own: rows
                    .iter()
                    .find(|r| r.division == place && r.level == level.code()),
                effective: ratio_rules::campaign_minimum(level, place, &overrides),
            })
            .collect()
    } else {
        Vec::new()
    };
    let body = views::ratios(
        ctx.lang,
        &views::RatiosView {
            place: known.then_some(place),
            unknown: (!known).then_some(shown.as_str()),
            lines: &lines,
            failed,
            csrf: &csrf,
        },
    );
    let page = layout::page(ctx, &ctx.t("inspections.ratios.title"), body);
    Ok(match (known, failed.is_some()) {
        (false, _) => (axum::http::StatusCode::NOT_FOUND, page).into_response(),
        (true, true) => unprocessable(page),
        (true, false) => page.into_response(),
    })
}

/// `GET /spot-checks/ratios?place=`: per campaign level the national floor, what the
/// locality inherits and from where, its own minimum and the form changing it.
pub async fn ratios(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Query(q): Query<PlaceQuery>,
) -> AppResult<Response> {
    require(ctx.actor(), Action::Regulate)?;
    let place = match q.place.trim() {
        "" => crate::regions::REGION_CODE,
        p => p,
    };
    ratios_page(&st, &mut ctx, place, None).await
}

/// `POST /spot-checks/ratios`: sets or (empty) removes a locality's minimum for one
/// campaign level, with its reason in a public audit entry; bad input is the page with the
/// form as typed, 422, nothing written; an unknown place is the page saying so, 404.
pub async fn save_ratio(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Form(f): Form<RatioForm>,
) -> AppResult<Response> {
    require(ctx.actor(), Action::Regulate)?;
    let actor = ctx.require_user()?.actor.user_id;
    let place = f.place.trim().to_string();
    if !ratio_rules::is_place(&place) {
        return ratios_page(&st, &mut ctx, &place, None).await;
    }
    let lang = ctx.lang;
    let overrides = super::ratio_overrides(&st.db).await?;
    // The form's level, for showing its errors next to it (an unknown one: the first).
    let shown_level = Level::parse(f.level.trim())
        .filter(|l| ratio_rules::settable(&place).contains(l))
        .unwrap_or(ratio_rules::settable(&place)[0]);
    let e = match ratio_rules::validate(&f, &place, &overrides, lang) {
        Err(e) => e,
        Ok(edit) => match super::set_ratio(&st.db, &place, &edit, actor, st.clock.now()).await? {
            Ok(()) => {
                ctx.set_flash("success", ctx.t("inspections.ratios.saved"))
                    .await?;
                return Ok(see_other(&format!(
                    "/spot-checks/ratios?place={place}#level-{}",
                    edit.level.code()
                )));
            }
            Err(super::RatioRefusal::Below(m)) => {
                let mut e = FieldErrors::default();
                e.add(
                    "ratio",
                    lang.tf(
                        "inspections.ratios.err.min",
                        &[
                            ("min", &ratio_rules::percent(m.bp)),
                            ("source", &m.source_label(lang)),
                        ],
                    ),
                );
                e
            }
            Err(super::RatioRefusal::Changed) => {
                let mut e = FieldErrors::default();
                e.add("ratio", lang.t("inspections.ratios.err.changed"));
                e
            }
        },
    };
    ratios_page(&st, &mut ctx, &place, Some((shown_level, &f, &e))).await
}

/// The campaign the viewer may see: drafts only for regulators (404 otherwise).
async fn load(st: &AppState, ctx: &Ctx, id: &str) -> AppResult<Campaign> {
    let c = super::get(&st.db, parse_id(id)?)
        .await?
        .ok_or(AppError::NotFound)?;
    if !c.state().is_public() && !may(ctx.actor(), Action::Regulate) {
        return Err(AppError::NotFound);
    }
    Ok(c)
}

async fn page(
    st: &AppState,
    ctx: &mut Ctx,
    c: &Campaign,
    failed: Option<(i64, &HashMap<String, String>, &FieldErrors)>,
    refused: Option<&str>,
) -> AppResult<Markup> {
    let checks = super::checks(&st.db, c.id).await?;
    let ids: Vec<i64> = checks.iter().map(|k| k.id).collect();
    let findings = super::findings(&st.db, &ids).await?;
    let orgs: Vec<i64> = checks.iter().map(|k| k.org_id).collect();
    let org_names = crate::orgs::names_by_ids(&st.db, &orgs).await?;
    let mut users: Vec<i64> = checks.iter().flat_map(|k| k.inspector_ids()).collect();
    users.sort_unstable();
    users.dedup();
    let user_names: HashMap<i64, String> = crate::accounts::users_by_ids(&st.db, &users)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect();
    let csrf = if may(ctx.actor(), Action::Regulate) {
        Some(ctx.ensure_csrf().await?)
    } else {
        None
    };
    let body = views::show(
        ctx.lang,
        &ShowView {
            campaign: c,
            checks: &checks,
            findings: &findings,
            org_names: &org_names,
            user_names: &user_names,
            regulator: csrf.as_deref(),
            viewer: ctx.actor().map(|a| a.user_id),
            failed,
            refused,
        },
    );
    Ok(layout::page(ctx, &c.name, body))
}

/// `GET /spot-checks/{id}`
pub async fn show(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Markup> {
    let c = load(&st, &ctx, &id).await?;
    page(&st, &mut ctx, &c, None, None).await
}

fn message(r: Refusal, lang: crate::kernel::Lang) -> String {
    match r {
        Refusal::Transition(t) => t.message(lang),
        Refusal::TooFewInspectors => lang.tf(
            "inspections.err.inspectors",
            &[("n", &rules::INSPECTORS_PER_CHECK.to_string())],
        ),
        Refusal::Incomplete => lang.t("inspections.err.incomplete"),
    }
}

/// The outcome of a step: back to the campaign, or the campaign as it is with why not (409).
async fn after(
    st: &AppState,
    ctx: &mut Ctx,
    c: &Campaign,
    outcome: Result<(), Refusal>,
    done: &str,
) -> AppResult<Response> {
    match outcome {
        Ok(()) => {
            ctx.set_flash("success", ctx.t(done)).await?;
            Ok(see_other(&format!("/spot-checks/{}", c.id)))
        }
        Err(r) => {
            let why = message(r, ctx.lang);
            let c = super::get(&st.db, c.id).await?.ok_or(AppError::NotFound)?;
            let body = page(st, ctx, &c, None, Some(&why)).await?;
            Ok((axum::http::StatusCode::CONFLICT, body).into_response())
        }
    }
}

/// `POST /spot-checks/{id}/commit`: fixes the candidates and publishes the seed's hash.
pub async fn commit(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    require(ctx.actor(), Action::Regulate)?;
    let actor = ctx.require_user()?.actor.user_id;
    let c = load(&st, &ctx, &id).await?;
    let outcome = super::commit(&st.db, &c, actor, st.clock.now()).await?;
    after(&st, &mut ctx, &c, outcome, "inspections.done.committed").await
}

/// `POST /spot-checks/{id}/draw`: draws and reveals the seed.
pub async fn draw(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    require(ctx.actor(), Action::Regulate)?;
    let actor = ctx.require_user()?.actor.user_id;
    let c = load(&st, &ctx, &id).await?;
    let outcome = super::draw(&st.db, &c, actor, st.clock.now())
        .await?
        .map(|_| ());
    after(&st, &mut ctx, &c, outcome, "inspections.done.drawn").await
}

/// `POST /spot-checks/{id}/checks/{cid}/findings`: one of the check's inspectors records
/// a finding per scope item; bad input is the page with the form, 422.
pub async fn findings(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path((id, cid)): Path<(String, String)>,
    Form(f): Form<HashMap<String, String>>,
) -> AppResult<Response> {
    require(ctx.actor(), Action::Regulate)?;
    let actor = ctx.require_user()?.actor.user_id;
    let c = load(&st, &ctx, &id).await?;
    let check = super::check_of(&st.db, c.id, parse_id(&cid)?)
        .await?
        .filter(|k| k.inspector_ids().contains(&actor))
        .ok_or(AppError::NotFound)?;
    match rules::validate_findings(&f, &c.items(), ctx.lang) {
        Err(e) => {
            let body = page(&st, &mut ctx, &c, Some((check.id, &f, &e)), None).await?;
            Ok(unprocessable(body))
        }
        Ok(rows) => {
            let outcome = super::record(&st.db, &c, &check, &rows, actor, st.clock.now()).await?;
            after(&st, &mut ctx, &c, outcome, "inspections.done.recorded").await
        }
    }
}

/// `POST /spot-checks/{id}/conclude`: closes the campaign once every finding is in.
pub async fn conclude(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    require(ctx.actor(), Action::Regulate)?;
    let actor = ctx.require_user()?.actor.user_id;
    let c = load(&st, &ctx, &id).await?;
    let outcome = super::conclude(
        &st.db,
        &c,
        st.config.credit.rectification_days,
        actor,
        st.clock.now(),
    )
    .await?;
    after(&st, &mut ctx, &c, outcome, "inspections.done.concluded").await
}
