//! Services-log handlers: an incubator's trainings (its managers and regulators read them,
//! its managers log one with attendance), a manager's guidance session with a tenant and
//! venture-philanthropy support given to it (404 to anyone else, like a missing tenant).

use axum::extract::{Path, State};
use axum::response::Response;
use maud::Markup;

use super::graduation::{seen, tenant_page};
use crate::accounts::{Action, may, require};
use crate::incubators::model::{self, Incubator};
use crate::incubators::rules::TenantState;
use crate::incubators::services::rules::{self as srules, GuidanceForm, TrainingForm, VpForm};
use crate::incubators::services::{self, model as smodel};
use crate::incubators::views::graduation::TenantFailed;
use crate::incubators::views::services::{self as sviews, ServicesPage};
use crate::kernel::error::{AppError, AppResult, FieldErrors};
use crate::web::{AppState as St, Ctx, Form, layout, see_other, unprocessable};

async fn residents(st: &St, incubator_id: i64) -> AppResult<Vec<model::Tenant>> {
    Ok(model::tenants_of(&st.db, incubator_id)
        .await?
        .into_iter()
        .filter(|t| t.state == TenantState::Resident.code())
        .collect())
}

async fn services_page(
    st: &St,
    ctx: &mut Ctx,
    i: &Incubator,
    managed: bool,
    f: &TrainingForm,
    e: &FieldErrors,
) -> AppResult<Markup> {
    let csrf = ctx.ensure_csrf().await?;
    let trainings = smodel::trainings_of(&st.db, i.id).await?;
    let ids: Vec<i64> = trainings.iter().map(|t| t.id).collect();
    let (attendance, residents) = tokio::try_join!(
        async { Ok::<_, AppError>(smodel::attendance_counts(&st.db, &ids).await?) },
        residents(st, i.id),
    )?;
    let p = ServicesPage {
        i,
        trainings: &trainings,
        attendance: &attendance,
        residents: &residents,
        manager: may(ctx.actor(), Action::ManageIncubator { managed }),
    };
    let body = sviews::page(ctx.lang, &p, f, e, &csrf);
    Ok(layout::page(
        ctx,
        &ctx.lang.tf("services.title", &[("name", &i.name)]),
        body,
    ))
}

/// `GET /incubators/{id}/services`: the trainings — the incubator's managers and regulators.
pub async fn list(State(st): State<St>, mut ctx: Ctx, Path(id): Path<String>) -> AppResult<Markup> {
    let i = super::load(&st, &id).await?;
    let managed = super::managed(&st, &ctx, i.id).await?;
    require(ctx.actor(), Action::ViewIncubatorApplications { managed })?;
    services_page(
        &st,
        &mut ctx,
        &i,
        managed,
        &TrainingForm::default(),
        &FieldErrors::default(),
    )
    .await
}

/// `POST /incubators/{id}/services`: a manager logs a training and its attendance.
pub async fn log_training(
    State(st): State<St>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<TrainingForm>,
) -> AppResult<Response> {
    let i = super::load(&st, &id).await?;
    let managed = super::managed(&st, &ctx, i.id).await?;
    require(ctx.actor(), Action::ManageIncubator { managed })?;
    let uid = ctx.require_user()?.actor.user_id;
    let tenants: Vec<i64> = residents(&st, i.id).await?.iter().map(|t| t.id).collect();
    match srules::validate_training(&f, &tenants, st.clock.now(), ctx.lang) {
        Ok(d) => {
            services::log_training(&st.db, &i, &d, uid, st.clock.now()).await?;
            ctx.set_flash("success", ctx.t("services.logged")).await?;
            Ok(see_other(&format!("/incubators/{}/services", i.id)))
        }
        Err(e) => Ok(unprocessable(
            services_page(&st, &mut ctx, &i, managed, &f, &e).await?,
        )),
    }
}

/// `POST /incubator-tenants/{id}/guidance`: a manager logs a guidance session.
pub async fn log_guidance(
    State(st): State<St>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<GuidanceForm>,
) -> AppResult<Response> {
    let s = seen(&st, &ctx, &id).await?;
    if !s.manager {
        return Err(AppError::NotFound);
    }
    let uid = ctx.require_user()?.actor.user_id;
    match srules::validate_guidance(&f, st.clock.now(), ctx.lang) {
        Ok(d) => {
            services::log_guidance(&st.db, &s.t, &d, uid, st.clock.now()).await?;
            ctx.set_flash("success", ctx.t("services.logged")).await?;
            Ok(see_other(&format!(
                "/incubator-tenants/{}#services",
                s.t.id
            )))
        }
        Err(e) => Ok(unprocessable(
            tenant_page(&st, &mut ctx, &s, &TenantFailed::Guidance(&f, &e)).await?,
        )),
    }
}

/// `POST /incubator-tenants/{id}/vp-support`: a manager logs venture-philanthropy support
/// given to the tenant.
pub async fn log_vp_support(
    State(st): State<St>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<VpForm>,
) -> AppResult<Response> {
    let s = seen(&st, &ctx, &id).await?;
    if !s.manager {
        return Err(AppError::NotFound);
    }
    let uid = ctx.require_user()?.actor.user_id;
    match srules::validate_vp(&f, st.clock.now(), ctx.lang) {
        Ok(d) => {
            services::log_vp_support(&st.db, &s.t, &d, uid, st.clock.now()).await?;
            ctx.set_flash("success", ctx.t("services.logged")).await?;
            Ok(see_other(&format!(
                "/incubator-tenants/{}#services",
                s.t.id
            )))
        }
        Err(e) => Ok(unprocessable(
            tenant_page(&st, &mut ctx, &s, &TenantFailed::Vp(&f, &e)).await?,
        )),
    }
}
