//! Zombie handlers: the regulators' queue and the run on demand, one case's page (members of
//! the organization and regulators), the objection (the organization's administrators) and
//! the outcome (regulators). A case is looked up within the organization in the path only,
//! after the policy, so another organization's case id reads as a missing one.

use axum::extract::{Path, State};
use axum::response::Response;
use maud::Markup;

use super::super::credit_rules::{self as cr, ObjectionForm};
use super::super::views::zombies as v;
use super::super::zombie::CaseRefusal;
use super::super::zombie_model::{self as m, ZombieCase};
use super::super::zombie_rules::{self as r, DecisionForm, ZombieRefusal, ZombieState};
use crate::accounts::{Action, may, require};
use crate::kernel::Lang;
use crate::kernel::error::{AppError, AppResult, FieldErrors};
use crate::orgs::Org;
use crate::web::{AppState, Ctx, Form, layout, parse_id, see_other, unprocessable};

/// Cases the queue shows at most (open, then as many decided).
const QUEUE: u64 = 200;

/// `GET /regulation/zombies`: the regulators' queue.
pub async fn queue(State(st): State<AppState>, mut ctx: Ctx) -> AppResult<Markup> {
    require(ctx.actor(), Action::Regulate)?;
    let cases = m::queue(&st.db, QUEUE).await?;
    let ids: Vec<i64> = cases.iter().map(|c| c.org_id).collect();
    let names = crate::orgs::names_by_ids(&st.db, &ids).await?;
    let csrf = ctx.ensure_csrf().await?;
    let body = v::queue(ctx.lang, &cases, &names, &csrf, st.clock.now());
    Ok(layout::page(&ctx, &ctx.t("zombie.queue_title"), body))
}

/// The zombie cases by state on the regulators' workspace (`/me`, composed by `pages`);
/// nothing for anyone else.
pub async fn workspace_panel(st: &AppState, ctx: &Ctx) -> AppResult<Markup> {
    if !may(ctx.actor(), Action::Regulate) {
        return Ok(maud::html! {});
    }
    let (by_state, waiting) = m::counts(&st.db, st.clock.now()).await?;
    Ok(v::workspace_counts(ctx.lang, &by_state, waiting))
}

/// `POST /regulation/zombies/run`: a regulator runs the detection now.
pub async fn run(State(st): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    require(ctx.actor(), Action::Regulate)?;
    let actor = ctx.require_user()?.actor.user_id;
    let s = super::super::detect_zombies(
        &st.db,
        &st.config.credit,
        &st.config.regulation,
        Some(actor),
        st.clock.now(),
    )
    .await?;
    let msg = ctx.lang.tf(
        "zombie.ran",
        &[
            ("orgs", &s.orgs.to_string()),
            ("opened", &s.opened.to_string()),
        ],
    );
    ctx.set_flash("success", msg).await?;
    Ok(see_other("/regulation/zombies"))
}

async fn load_org(st: &AppState, id: &str) -> AppResult<Org> {
    crate::orgs::row(&st.db, parse_id(id)?)
        .await?
        .ok_or(AppError::NotFound)
}

async fn load_case(st: &AppState, o: &Org, case: &str) -> AppResult<ZombieCase> {
    m::case_of(&st.db, o.id, parse_id(case)?)
        .await?
        .ok_or(AppError::NotFound)
}

async fn case_page(
    st: &AppState,
    ctx: &mut Ctx,
    o: &Org,
    c: &ZombieCase,
    object: Option<(&ObjectionForm, &FieldErrors)>,
    decide: Option<(&DecisionForm, &FieldErrors)>,
) -> AppResult<Markup> {
    let now = st.clock.now();
    let can_object = may(ctx.actor(), Action::FileReport(o.id))
        && c.state() == ZombieState::Noticed
        && now <= c.objection_due;
    let can_decide = may(ctx.actor(), Action::Regulate)
        && (c.state() == ZombieState::Objected
            || (c.state() == ZombieState::Noticed && now > c.objection_due));
    let csrf = if can_object || can_decide || object.is_some() || decide.is_some() {
        ctx.ensure_csrf().await?
    } else {
        String::new()
    };
    let blank_o = ObjectionForm::default();
    let blank_d = DecisionForm::default();
    let none = FieldErrors::default();
    let forms = v::CaseForms {
        object: object.or(can_object.then_some((&blank_o, &none))),
        decide: decide.or(can_decide.then_some((&blank_d, &none))),
        csrf: &csrf,
    };
    let body = v::case_page(ctx.lang, o, c, &forms);
    let title = ctx
        .lang
        .tf("zombie.case_title", &[("id", &c.id.to_string())]);
    Ok(layout::page(ctx, &title, body))
}

/// `GET /orgs/{id}/zombie/{case}`: one case (the organization's members and regulators).
pub async fn case(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path((id, case)): Path<(String, String)>,
) -> AppResult<Markup> {
    let o = load_org(&st, &id).await?;
    require(ctx.actor(), Action::ViewOrgPrivate(o.id))?;
    let c = load_case(&st, &o, &case).await?;
    case_page(&st, &mut ctx, &o, &c, None, None).await
}

fn refusal_message(r: ZombieRefusal, due: i64, lang: Lang) -> String {
    match r {
        ZombieRefusal::PeriodOver => lang.tf(
            "credit.err.period_over",
            &[("due", &crate::kernel::clock::display_instant(due))],
        ),
        ZombieRefusal::PeriodRuns => lang.tf(
            "zombie.err.period_runs",
            &[("due", &crate::kernel::clock::display_instant(due))],
        ),
        ZombieRefusal::State(s) => lang.tf("zombie.err.state", &[("state", &s.label(lang))]),
    }
}

/// `POST /orgs/{id}/zombie/{case}/objection`: the organization's administrator objects with
/// reasons within the period; after it (or without reasons) the same page with the message,
/// 422, nothing written.
pub async fn object(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path((id, case)): Path<(String, String)>,
    Form(f): Form<ObjectionForm>,
) -> AppResult<Response> {
    let o = load_org(&st, &id).await?;
    require(ctx.actor(), Action::FileReport(o.id))?;
    let c = load_case(&st, &o, &case).await?;
    let actor = ctx.require_user()?.actor.user_id;
    let lang = ctx.lang;
    let now = st.clock.now();
    let outcome = match cr::validate_objection(&f, c.objection_due, now, lang) {
        Err(e) => Err(e),
        Ok(text) => {
            match super::super::object_to_zombie_notice(&st.db, &o, c.id, &text, actor, now).await?
            {
                Ok(()) => Ok(()),
                Err(CaseRefusal::NotFound) => return Err(AppError::NotFound),
                Err(CaseRefusal::Refused(x)) => {
                    let mut e = FieldErrors::default();
                    e.add("text", refusal_message(x, c.objection_due, lang));
                    Err(e)
                }
            }
        }
    };
    match outcome {
        Ok(()) => {
            ctx.set_flash("success", ctx.t("zombie.objected")).await?;
            Ok(see_other(&format!("/orgs/{}/zombie/{}", o.id, c.id)))
        }
        Err(e) => {
            let c = load_case(&st, &o, &case).await?;
            Ok(unprocessable(
                case_page(&st, &mut ctx, &o, &c, Some((&f, &e)), None).await?,
            ))
        }
    }
}

/// `POST /orgs/{id}/zombie/{case}/decision`: a regulator decides the case (after an
/// objection, or once the period is over): rectified, revoked or deregistered.
pub async fn decide(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path((id, case)): Path<(String, String)>,
    Form(f): Form<DecisionForm>,
) -> AppResult<Response> {
    let o = load_org(&st, &id).await?;
    require(ctx.actor(), Action::Regulate)?;
    let c = load_case(&st, &o, &case).await?;
    let actor = ctx.require_user()?.actor.user_id;
    let lang = ctx.lang;
    let now = st.clock.now();
    let outcome = match r::validate_decision(&f, lang) {
        Err(e) => Err(e),
        Ok((outcome, text)) => {
            match super::super::decide_zombie(&st.db, &o, c.id, outcome, &text, actor, now).await? {
                Ok(_) => Ok(()),
                Err(CaseRefusal::NotFound) => return Err(AppError::NotFound),
                Err(CaseRefusal::Refused(x)) => {
                    let mut e = FieldErrors::default();
                    e.add("outcome", refusal_message(x, c.objection_due, lang));
                    Err(e)
                }
            }
        }
    };
    match outcome {
        Ok(()) => {
            // The registration may have ended: counts and eligibility read it afresh.
            st.org_counts.invalidate(&st.db).await;
            ctx.set_flash("success", ctx.t("zombie.decided")).await?;
            Ok(see_other(&format!("/orgs/{}/zombie/{}", o.id, c.id)))
        }
        Err(e) => {
            let c = load_case(&st, &o, &case).await?;
            Ok(unprocessable(
                case_page(&st, &mut ctx, &o, &c, None, Some((&f, &e))).await?,
            ))
        }
    }
}
