//! Purchasing-unit handlers.

use crate::web::{Form, Query};
use axum::extract::{Path, State};
use axum::response::Response;
use maud::Markup;

use super::model;
use super::rules::{self, UnitForm};
use super::views;
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
    let body = views::admin(ctx.lang, &rows, f, e, &csrf);
    Ok(layout::page(ctx, &ctx.t("units.admin_title"), body))
}

/// `GET /admin/units`
pub async fn admin(State(st): State<AppState>, mut ctx: Ctx) -> AppResult<Markup> {
    require(ctx.actor(), Action::ManageUnits)?;
    admin_page(&st, &mut ctx, &UnitForm::default(), &FieldErrors::default()).await
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
        Err(e) => Ok(unprocessable(admin_page(&st, &mut ctx, &f, &e).await?)),
    }
}

/// Buyer form.
#[derive(Debug, Default, serde::Deserialize)]
pub struct BuyerForm {
    #[serde(default)]
    email: String,
}

/// `POST /admin/units/{id}/members`
pub async fn add_member(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<BuyerForm>,
) -> AppResult<Response> {
    require(ctx.actor(), Action::ManageUnits)?;
    let unit = model::get(&st.db, crate::web::parse_id(&id)?)
        .await?
        .ok_or(AppError::NotFound)?;
    let email = crate::accounts::normalize_email(&f.email);
    match crate::accounts::find_by_email(&st.db, &email).await? {
        Some(u) => {
            model::add_member(&st.db, unit.id, u.id, st.clock.now()).await?;
            ctx.set_flash(
                "success",
                ctx.lang.tf("unit.buyer_added", &[("email", &email)]),
            )
            .await?;
        }
        None => {
            ctx.set_flash(
                "error",
                ctx.lang.tf("org.member_unknown", &[("email", &email)]),
            )
            .await?
        }
    }
    Ok(see_other("/admin/units"))
}
