//! Milestone handlers: an incubator's list (its managers and regulators read it, its
//! managers add to it) and a manager's confirmation of a tenant's milestone (404 to anyone
//! else, like a missing tenant).

use axum::extract::{Path, State};
use axum::response::Response;
use maud::Markup;

use super::graduation::{Seen, one, seen, tenant_page};
use crate::accounts::{Action, may, require};
use crate::incubators::milestones::rules::{self as mrules, ConfirmForm, MilestoneForm};
use crate::incubators::milestones::{self, model as mmodel};
use crate::incubators::model::Incubator;
use crate::incubators::views::graduation::TenantFailed;
use crate::kernel::error::{AppError, AppResult, FieldErrors};
use crate::web::{AppState as St, Ctx, Form, layout, see_other, unprocessable};

async fn list_page(
    st: &St,
    ctx: &mut Ctx,
    i: &Incubator,
    managed: bool,
    f: &MilestoneForm,
    e: &FieldErrors,
) -> AppResult<Markup> {
    let csrf = ctx.ensure_csrf().await?;
    let list = mmodel::list_of(&st.db, i.id).await?;
    let manager = may(ctx.actor(), Action::ManageIncubator { managed });
    let body = crate::incubators::views::milestones::list(ctx.lang, i, &list, manager, f, e, &csrf);
    Ok(layout::page(
        ctx,
        &ctx.lang
            .tf("tenant_milestone.list_title", &[("name", &i.name)]),
        body,
    ))
}

/// `GET /incubators/{id}/milestones`: the incubator's milestone list — its managers and
/// regulators.
pub async fn list(State(st): State<St>, mut ctx: Ctx, Path(id): Path<String>) -> AppResult<Markup> {
    let i = super::load(&st, &id).await?;
    let managed = super::managed(&st, &ctx, i.id).await?;
    require(ctx.actor(), Action::ViewIncubatorApplications { managed })?;
    list_page(
        &st,
        &mut ctx,
        &i,
        managed,
        &MilestoneForm::default(),
        &FieldErrors::default(),
    )
    .await
}

/// `POST /incubators/{id}/milestones`: a manager adds a milestone to the list.
pub async fn add(
    State(st): State<St>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<MilestoneForm>,
) -> AppResult<Response> {
    let i = super::load(&st, &id).await?;
    let managed = super::managed(&st, &ctx, i.id).await?;
    require(ctx.actor(), Action::ManageIncubator { managed })?;
    let uid = ctx.require_user()?.actor.user_id;
    let listed: Vec<_> = mmodel::list_of(&st.db, i.id)
        .await?
        .iter()
        .map(|m| m.kind())
        .collect();
    match mrules::validate_milestone(&f, &listed, ctx.lang) {
        Ok((kind, label)) => {
            milestones::add(&st.db, &i, kind, &label, uid, st.clock.now()).await?;
            ctx.set_flash("success", ctx.t("tenant_milestone.added"))
                .await?;
            Ok(see_other(&format!("/incubators/{}/milestones", i.id)))
        }
        Err(e) => Ok(unprocessable(
            list_page(&st, &mut ctx, &i, managed, &f, &e).await?,
        )),
    }
}

/// `POST /incubator-tenants/{id}/milestones`: a manager confirms a milestone the platform
/// cannot see.
pub async fn confirm(
    State(st): State<St>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<ConfirmForm>,
) -> AppResult<Response> {
    let s: Seen = seen(&st, &ctx, &id).await?;
    if !s.manager {
        return Err(AppError::NotFound);
    }
    let uid = ctx.require_user()?.actor.user_id;
    let confirmable: Vec<i64> = mmodel::list_of(&st.db, s.i.id)
        .await?
        .iter()
        .filter(|m| !m.kind().automatic())
        .map(|m| m.id)
        .collect();
    let res = match mrules::validate_confirm(&f, &confirmable, ctx.lang) {
        Err(e) => Err(e),
        Ok((m, note)) => {
            if milestones::confirm(&st.db, &s.t, m, &note, uid, st.clock.now()).await? {
                Ok(())
            } else {
                Err(one("milestone_id", ctx.t("tenant_milestone.err.confirmed")))
            }
        }
    };
    match res {
        Ok(()) => {
            ctx.set_flash("success", ctx.t("tenant_milestone.confirmed_flash"))
                .await?;
            Ok(see_other(&format!(
                "/incubator-tenants/{}#milestones",
                s.t.id
            )))
        }
        Err(e) => Ok(unprocessable(
            tenant_page(&st, &mut ctx, &s, &TenantFailed::Milestone(&f, &e)).await?,
        )),
    }
}
