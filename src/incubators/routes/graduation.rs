//! Graduation handlers: extract, authorize, call, render. A tenant's routes answer every id
//! the asker may not see alike — log in for anonymous visitors, 404 otherwise — and the
//! managers' writes on a tenant answer 404 to anyone else who may see it.

use axum::extract::{Path, State};
use axum::response::Response;
use maud::Markup;

use crate::accounts::{Action, may, require};
use crate::incubators::graduation::rules::{
    self as grules, CriteriaForm, Decision, DecisionForm, ExitForm,
};
use crate::incubators::graduation::{self, DecideRefusal, model as gmodel};
use crate::incubators::model::{self, Incubator, Tenant};
use crate::incubators::views::graduation::{self as gviews, Overview, TenantFailed, TenantPage};
use crate::kernel::error::{AppError, AppResult, FieldErrors};
use crate::web::{AppState as St, Ctx, Form, layout, parse_id, see_other, unprocessable};

async fn overview_page(
    st: &St,
    ctx: &mut Ctx,
    i: &Incubator,
    managed: bool,
    f: Option<(&CriteriaForm, &FieldErrors)>,
) -> AppResult<Markup> {
    let csrf = ctx.ensure_csrf().await?;
    let (criteria, tenants) = tokio::try_join!(
        gmodel::criteria_of(&st.db, i.id),
        model::tenants_of(&st.db, i.id),
    )?;
    let none = FieldErrors::default();
    let saved = CriteriaForm::of(&criteria);
    let (f, e) = f.unwrap_or((&saved, &none));
    let o = Overview {
        i,
        criteria: &criteria,
        tenants: &tenants,
        manager: may(ctx.actor(), Action::ManageIncubator { managed }),
        now: st.clock.now(),
    };
    let body = gviews::overview(ctx.lang, &o, f, e, &csrf);
    Ok(layout::page(
        ctx,
        &ctx.lang.tf("graduation.title", &[("name", &i.name)]),
        body,
    ))
}

/// `GET /incubators/{id}/graduation`: the criteria, residents and graduates — the
/// incubator's managers and regulators.
pub async fn overview(
    State(st): State<St>,
    mut ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Markup> {
    let i = super::load(&st, &id).await?;
    let managed = super::managed(&st, &ctx, i.id).await?;
    require(ctx.actor(), Action::ViewIncubatorApplications { managed })?;
    overview_page(&st, &mut ctx, &i, managed, None).await
}

/// `POST /incubators/{id}/graduation`: a manager sets the criteria.
pub async fn save_criteria(
    State(st): State<St>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<CriteriaForm>,
) -> AppResult<Response> {
    let i = super::load(&st, &id).await?;
    let managed = super::managed(&st, &ctx, i.id).await?;
    require(ctx.actor(), Action::ManageIncubator { managed })?;
    let uid = ctx.require_user()?.actor.user_id;
    match grules::validate_criteria(&f, ctx.lang) {
        Ok(c) => {
            graduation::set_criteria(&st.db, &i, &c, uid, st.clock.now()).await?;
            ctx.set_flash("success", ctx.t("graduation.criteria_saved"))
                .await?;
            Ok(see_other(&format!("/incubators/{}/graduation", i.id)))
        }
        Err(e) => Ok(unprocessable(
            overview_page(&st, &mut ctx, &i, managed, Some((&f, &e))).await?,
        )),
    }
}

/// A tenant the asker may see, with its incubator and whether the asker manages it.
pub(super) struct Seen {
    pub(super) t: Tenant,
    pub(super) i: Incubator,
    pub(super) manager: bool,
    /// The asker is the tenant (reads the private guidance notes, like the managers).
    pub(super) own: bool,
}

/// Loads a tenant for the signed-in user: log in for anonymous visitors, and "not found"
/// alike for missing ids and tenants the user may not see.
pub(super) async fn seen(st: &St, ctx: &Ctx, id: &str) -> AppResult<Seen> {
    let actor = ctx.actor().ok_or(AppError::LoginRequired)?;
    let t = gmodel::tenant(&st.db, parse_id(id)?)
        .await?
        .ok_or(AppError::NotFound)?;
    let managed = super::managed(st, ctx, t.incubator_id).await?;
    let member = t.org_id.is_some_and(|o| actor.org_role(o).is_some());
    let own = member
        || model::application(&st.db, t.application_id)
            .await?
            .is_some_and(|a| a.applicant_id == actor.user_id);
    if !may(Some(actor), Action::ViewTenant { own, managed }) {
        return Err(AppError::NotFound);
    }
    let i = model::get(&st.db, t.incubator_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let manager = may(Some(actor), Action::ManageIncubator { managed });
    Ok(Seen { t, i, manager, own })
}

pub(super) async fn tenant_page(
    st: &St,
    ctx: &mut Ctx,
    s: &Seen,
    failed: &TenantFailed<'_>,
) -> AppResult<Markup> {
    let csrf = ctx.ensure_csrf().await?;
    let (criteria, findings) = graduation::review_of(&st.db, &s.t, st.clock.now()).await?;
    let (reviews, exits, timeline, services) = tokio::try_join!(
        gmodel::reviews_of(&st.db, s.t.id),
        gmodel::exit_tasks(&st.db, s.t.id),
        crate::incubators::milestones::timeline(&st.db, &s.t),
        crate::incubators::services::timeline(&st.db, &s.t),
    )?;
    let mut deciders: Vec<i64> = reviews.iter().filter_map(|r| r.decided_by).collect();
    deciders.sort_unstable();
    deciders.dedup();
    let names: std::collections::HashMap<i64, String> =
        crate::accounts::users_by_ids(&st.db, &deciders)
            .await?
            .into_iter()
            .map(|u| (u.id, u.display_name))
            .collect();
    let reviews: Vec<_> = reviews
        .into_iter()
        .map(|r| {
            let who = r
                .decided_by
                .and_then(|u| names.get(&u).cloned())
                .unwrap_or_default();
            (r, who)
        })
        .collect();
    let org_name = match s.t.org_id {
        Some(o) => crate::orgs::names_by_ids(&st.db, &[o]).await?.remove(&o),
        None => None,
    };
    let p = TenantPage {
        t: &s.t,
        i: &s.i,
        org_name,
        findings: &findings,
        reviews: &reviews,
        exits: &exits,
        timeline: &timeline,
        services: &services,
        notes: s.own || s.manager,
        manager: s.manager,
    };
    let body = gviews::tenant(ctx.lang, &p, &criteria, failed, &csrf);
    Ok(layout::page(ctx, &s.t.name, body))
}

/// `GET /incubator-tenants/{id}`: the tenant, its incubator's managers, regulators.
pub async fn tenant(
    State(st): State<St>,
    mut ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Markup> {
    let s = seen(&st, &ctx, &id).await?;
    tenant_page(&st, &mut ctx, &s, &TenantFailed::None).await
}

pub(super) fn one(field: &'static str, message: String) -> FieldErrors {
    let mut e = FieldErrors::default();
    e.add(field, message);
    e
}

/// `POST /incubator-tenants/{id}/graduation`: a manager records the review's decision.
pub async fn decide(
    State(st): State<St>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<DecisionForm>,
) -> AppResult<Response> {
    let s = seen(&st, &ctx, &id).await?;
    if !s.manager {
        return Err(AppError::NotFound);
    }
    let uid = ctx.require_user()?.actor.user_id;
    let res = match grules::validate_decision(&f, ctx.lang) {
        Err(e) => Err(e),
        Ok((d, reason)) => {
            match graduation::decide(&st.db, &s.t, d, &reason, uid, st.clock.now()).await? {
                Ok(()) => Ok(d),
                Err(DecideRefusal::NotResident) => {
                    Err(one("decision", ctx.t("graduation.err.not_resident")))
                }
                Err(DecideRefusal::CriteriaUnmet) => {
                    Err(one("decision", ctx.t("graduation.err.criteria_unmet")))
                }
            }
        }
    };
    match res {
        Ok(d) => {
            let key = if d == Decision::Graduate {
                // The organization's incubation reason now names its graduation.
                st.matching.invalidate(&st.db).await;
                "graduation.graduated_flash"
            } else {
                "graduation.not_yet_flash"
            };
            ctx.set_flash("success", ctx.t(key)).await?;
            Ok(see_other(&format!("/incubator-tenants/{}", s.t.id)))
        }
        Err(e) => Ok(unprocessable(
            tenant_page(&st, &mut ctx, &s, &TenantFailed::Decide(&f, &e)).await?,
        )),
    }
}

/// `POST /incubator-tenants/{id}/exit-tasks`: a manager ticks or unticks a graduate's
/// exit task.
pub async fn exit_task(
    State(st): State<St>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<ExitForm>,
) -> AppResult<Response> {
    let s = seen(&st, &ctx, &id).await?;
    if !s.manager {
        return Err(AppError::NotFound);
    }
    let uid = ctx.require_user()?.actor.user_id;
    let res = match grules::validate_exit(&f, ctx.lang) {
        Err(e) => Err(e),
        Ok((task, done)) => {
            if graduation::tick_exit(&st.db, &s.t, task, done, uid, st.clock.now()).await? {
                Ok(())
            } else {
                Err(one("task", ctx.t("graduation.err.not_graduated")))
            }
        }
    };
    match res {
        Ok(()) => {
            ctx.set_flash("success", ctx.t("graduation.exit_saved"))
                .await?;
            Ok(see_other(&format!(
                "/incubator-tenants/{}#exit-tasks",
                s.t.id
            )))
        }
        Err(e) => Ok(unprocessable(
            tenant_page(&st, &mut ctx, &s, &TenantFailed::Exit(&e)).await?,
        )),
    }
}
