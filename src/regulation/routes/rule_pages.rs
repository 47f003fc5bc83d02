//! The rules pages for regulators (`/credit/rules`): the list — the platform's defaults, or
//! with `?place=` the rules as they apply in a locality and what it overrides — and one
//! rule's edit form (the default row, or with `place` the locality's override) whose change
//! is validated, audited with its reason, and read by the engine's next run.

use axum::extract::{Path, State};
use axum::response::Response;
use maud::Markup;

use super::super::credit_model as m;
use super::super::rule_params::{self as p, RuleForm};
use super::super::views::rule_pages as v;
use crate::accounts::{Action, require};
use crate::kernel::error::{AppError, AppResult, FieldErrors};
use crate::web::{AppState, Ctx, Form, Query, layout, see_other, unprocessable};

/// `?place=`: the locality whose rules are shown or edited (empty: the platform's defaults).
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct PlaceQuery {
    /// A division code of the region, a league/city or a banner/county.
    #[serde(default)]
    pub place: String,
}

/// The locality asked for: `None` for the platform's defaults; an unknown code is no page.
fn place_of(s: &str) -> AppResult<Option<String>> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    if s.len() > 12 || !p::is_place(s) {
        return Err(AppError::NotFound);
    }
    Ok(Some(s.to_string()))
}

/// `GET /credit/rules`: every rule with its legal basis and parameters, at the platform's
/// defaults or in one locality.
pub async fn list(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<PlaceQuery>,
) -> AppResult<Markup> {
    require(ctx.actor(), Action::Regulate)?;
    let place = place_of(&q.place)?;
    let rules = m::rules(&st.db).await?;
    let overrides = m::overrides(&st.db).await?;
    let defaults = v::Defaults {
        objection_days: st.config.credit.objection_days,
        zombie_objection_days: st.config.credit.zombie_objection_days,
        deadline: st.config.regulation,
    };
    Ok(layout::page(
        &ctx,
        &ctx.t("rules.title"),
        v::list(ctx.lang, &rules, &overrides, place.as_deref(), &defaults),
    ))
}

async fn rule(st: &AppState, code: &str) -> AppResult<m::RuleRow> {
    // A code is short ASCII; anything else is no rule (and never reaches the database).
    if code.len() > 40 || !code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
        return Err(AppError::NotFound);
    }
    m::rule_by_code(&st.db, code)
        .await?
        .ok_or(AppError::NotFound)
}

/// What a locality's form shows besides the fields: the values it inherits.
async fn inherited(st: &AppState, r: &m::RuleRow, place: &str) -> AppResult<v::Inherited> {
    let overrides = m::overrides(&st.db).await?;
    let mut above = p::chain_of_place(place);
    above.retain(|d| d != place);
    let params = p::resolve(&r.params(), &r.code, &above, &overrides);
    let objection_default = if r.list == "zombie" {
        st.config.credit.zombie_objection_days
    } else {
        st.config.credit.objection_days
    };
    Ok(v::Inherited {
        objection_days: params.objection_days.unwrap_or(objection_default),
        deadline: params.deadline.clone().unwrap_or_else(|| {
            format!(
                "{:02}-{:02}",
                st.config.regulation.deadline_month, st.config.regulation.deadline_day
            )
        }),
        params,
    })
}

/// `GET /credit/rules/{code}`: one rule's edit form (with `?place=`, the locality's).
pub async fn edit_form(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(code): Path<String>,
    Query(q): Query<PlaceQuery>,
) -> AppResult<Markup> {
    require(ctx.actor(), Action::Regulate)?;
    let r = rule(&st, &code).await?;
    let place = place_of(&q.place)?;
    let csrf = ctx.ensure_csrf().await?;
    let body = match &place {
        None => v::edit(
            ctx.lang,
            &r,
            &v::form_of(&r),
            &FieldErrors::default(),
            &csrf,
        ),
        Some(place) => {
            let stored = m::override_row(&st.db, &r.code, place).await?;
            let form = v::override_form_of(place, stored.as_ref());
            let inherited = inherited(&st, &r, place).await?;
            v::edit_local(
                ctx.lang,
                &r,
                &inherited,
                &form,
                &FieldErrors::default(),
                &csrf,
            )
        }
    };
    Ok(layout::page(&ctx, &v::rule_name(&r, ctx.lang), body))
}

/// `POST /credit/rules/{code}`: saves the edit of the rule's row, or with `place` the
/// locality's override (422 with the messages and what was typed, nothing written, on bad
/// parameters or no reason).
pub async fn save(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(code): Path<String>,
    Form(f): Form<RuleForm>,
) -> AppResult<Response> {
    require(ctx.actor(), Action::Regulate)?;
    let r = rule(&st, &code).await?;
    let place = place_of(&f.place)?;
    let actor = ctx.require_user()?.actor.user_id;
    let lang = ctx.lang;
    let now = st.clock.now();
    let changed = || {
        let mut e = FieldErrors::default();
        e.add("reason", lang.t("rules.err.changed"));
        e
    };
    let outcome = match &place {
        None => match p::validate(&r.code, &f, lang) {
            Err(e) => Err(e),
            Ok(edit) => match super::super::edit_rule(&st.db, &r.code, &edit, actor, now).await? {
                Some(true) => Ok(()),
                Some(false) => Err(changed()),
                None => return Err(AppError::NotFound),
            },
        },
        Some(place) => match p::validate_override(&r.code, &f, lang) {
            Err(e) => Err(e),
            Ok(edit) => {
                match super::super::credit::edit_override(&st.db, &r.code, place, &edit, actor, now)
                    .await?
                {
                    Some(true) => Ok(()),
                    Some(false) => Err(changed()),
                    None => return Err(AppError::NotFound),
                }
            }
        },
    };
    match outcome {
        Ok(()) => {
            ctx.set_flash("success", ctx.t("rules.saved")).await?;
            let back = match &place {
                None => format!("/credit/rules#rule-{}", r.code),
                Some(pl) => format!("/credit/rules?place={pl}#rule-{}", r.code),
            };
            Ok(see_other(&back))
        }
        Err(e) => {
            let csrf = ctx.ensure_csrf().await?;
            let body = match &place {
                None => v::edit(lang, &r, &f, &e, &csrf),
                Some(place) => {
                    let inherited = inherited(&st, &r, place).await?;
                    v::edit_local(lang, &r, &inherited, &f, &e, &csrf)
                }
            };
            Ok(unprocessable(layout::page(
                &ctx,
                &v::rule_name(&r, lang),
                body,
            )))
        }
    }
}
