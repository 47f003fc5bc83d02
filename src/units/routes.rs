//! Purchasing-unit handlers.

use axum::extract::{Path, State};
use axum::response::Response;
use axum_extra::extract::{Form, Query};
use maud::Markup;

use super::model;
use super::rules::{self, BuyerForm, RemoveBuyerForm, UnitForm};
use super::views::{self, FailedBuyer};
use crate::accounts::{Action, require};
use crate::kernel::error::{AppError, AppResult, FieldErrors};
use crate::web::AppState;
use crate::web::{Ctx, layout, see_other, unprocessable};

/// Query of the public list.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    league: String,
}

/// `GET /units`
pub async fn list(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> AppResult<Markup> {
    let league = crate::regions::regions()
        .get(q.league.trim())
        .filter(|d| d.level == crate::regions::Level::LeagueCity)
        .map(|d| d.code.clone());
    let units = model::list(&st.db, league.as_deref()).await?;
    let body = views::list(ctx.lang, &units, league.as_deref().unwrap_or(""));
    Ok(layout::page(&ctx, &ctx.t("units.title"), body))
}

async fn admin_page(
    st: &AppState,
    ctx: &mut Ctx,
    f: &UnitForm,
    e: &FieldErrors,
    failed: Option<FailedBuyer<'_>>,
) -> AppResult<Markup> {
    let csrf = ctx.ensure_csrf().await?;
    let units = model::list(&st.db, None).await?;
    let ids: Vec<i64> = units.iter().map(|u| u.id).collect();
    let mut members = model::members_of_units(&st.db, &ids).await?;
    let rows: Vec<_> = units
        .into_iter()
        .map(|u| {
            let ms = members.remove(&u.id).unwrap_or_default();
            (u, ms)
        })
        .collect();
    let body = views::admin(ctx.lang, &rows, f, e, failed, &csrf);
    Ok(layout::page(ctx, &ctx.t("units.admin_title"), body))
}

/// `GET /admin/units`
pub async fn admin(State(st): State<AppState>, mut ctx: Ctx) -> AppResult<Markup> {
    require(ctx.actor(), Action::ManageUnits)?;
    admin_page(
        &st,
        &mut ctx,
        &UnitForm::default(),
        &FieldErrors::default(),
        None,
    )
    .await
}

/// `POST /admin/units`
pub async fn create(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Form(f): Form<UnitForm>,
) -> AppResult<Response> {
    require(ctx.actor(), Action::ManageUnits)?;
    let mut res = rules::validate_unit(&f, ctx.lang);
    if let Ok(d) = &res
        && model::name_taken(&st.db, &d.name).await?
    {
        let mut e = FieldErrors::default();
        e.add("name", ctx.t("unit.err.taken"));
        res = Err(e);
    }
    match res {
        Ok(d) => {
            model::create(&st.db, &d, st.clock.now()).await?;
            ctx.set_flash("success", ctx.t("unit.created")).await?;
            Ok(see_other("/admin/units"))
        }
        Err(e) => Ok(unprocessable(
            admin_page(&st, &mut ctx, &f, &e, None).await?,
        )),
    }
}

async fn load_unit(st: &AppState, id: &str) -> AppResult<model::Unit> {
    model::get(&st.db, crate::web::parse_id(id)?)
        .await?
        .ok_or(AppError::NotFound)
}

/// `POST /admin/units/{id}/members`: adds a buyer, with a reason. Never a platform
/// administrator (separation of duties).
pub async fn add_member(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<BuyerForm>,
) -> AppResult<Response> {
    require(ctx.actor(), Action::ManageUnits)?;
    let actor = ctx.require_user()?.actor.user_id;
    let unit = load_unit(&st, &id).await?;
    let one = |field: &'static str, message: String| {
        let mut e = FieldErrors::default();
        e.add(field, message);
        e
    };
    let outcome = match rules::validate_buyer(&f, ctx.lang) {
        Err(e) => Err(e),
        Ok((email, reason)) => match crate::accounts::find_by_email(&st.db, &email).await? {
            None => Err(one(
                "email",
                ctx.lang.tf("org.member_unknown", &[("email", &email)]),
            )),
            Some(u) => {
                let now = st.clock.now();
                match super::add_buyer(&st.db, &unit, u.id, &reason, actor, now).await? {
                    Ok(changed) => Ok((email, changed)),
                    Err(refusal) => Err(one("email", refusal.label(ctx.lang))),
                }
            }
        },
    };
    match outcome {
        Ok((email, changed)) => {
            let (kind, key) = if changed {
                ("success", "unit.buyer_added")
            } else {
                ("info", "duties.unchanged")
            };
            ctx.set_flash(kind, ctx.lang.tf(key, &[("email", &email)]))
                .await?;
            Ok(see_other("/admin/units"))
        }
        Err(e) => {
            let failed = Some((unit.id, None, f.email.as_str(), f.reason.as_str(), &e));
            Ok(unprocessable(
                admin_page(
                    &st,
                    &mut ctx,
                    &UnitForm::default(),
                    &FieldErrors::default(),
                    failed,
                )
                .await?,
            ))
        }
    }
}

/// `POST /admin/units/{id}/members/{uid}/remove`: removes a buyer, with a reason.
pub async fn remove_member(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path((id, uid)): Path<(String, String)>,
    Form(f): Form<RemoveBuyerForm>,
) -> AppResult<Response> {
    require(ctx.actor(), Action::ManageUnits)?;
    let actor = ctx.require_user()?.actor.user_id;
    let unit = load_unit(&st, &id).await?;
    let target = crate::web::parse_id(&uid)?;
    let res = crate::accounts::validate_reason(&f.reason, ctx.lang).map_err(|m| {
        let mut e = FieldErrors::default();
        e.add("reason", m);
        e
    });
    let outcome = match res {
        Ok(reason) => {
            match super::remove_buyer(&st.db, &unit, target, &reason, actor, st.clock.now()).await?
            {
                Ok(changed) => Ok(changed),
                Err(refusal) => {
                    let mut e = FieldErrors::default();
                    e.add("reason", refusal.label(ctx.lang));
                    Err(e)
                }
            }
        }
        Err(e) => Err(e),
    };
    match outcome {
        Ok(changed) => {
            let (kind, key) = if changed {
                ("success", "duties.buyer_removed")
            } else {
                ("info", "duties.unchanged")
            };
            ctx.set_flash(kind, ctx.t(key)).await?;
            Ok(see_other("/admin/units"))
        }
        Err(e) => {
            let failed = Some((unit.id, Some(target), "", f.reason.as_str(), &e));
            Ok(unprocessable(
                admin_page(
                    &st,
                    &mut ctx,
                    &UnitForm::default(),
                    &FieldErrors::default(),
                    failed,
                )
                .await?,
            ))
        }
    }
}
