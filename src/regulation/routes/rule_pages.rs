//! The rules pages for regulators (`/credit/rules`): the list, and one rule's edit form
//! whose change is validated, audited with its reason, and read by the engine's next run.

use axum::extract::{Path, State};
use axum::response::Response;
use maud::Markup;

use super::super::credit_model as m;
use super::super::rule_params::{self as p, RuleForm};
use super::super::views::rule_pages as v;
use crate::accounts::{Action, require};
use crate::kernel::error::{AppError, AppResult, FieldErrors};
use crate::web::{AppState, Ctx, Form, layout, see_other, unprocessable};

/// `GET /credit/rules`: every rule with its legal basis and parameters.
pub async fn list(State(st): State<AppState>, ctx: Ctx) -> AppResult<Markup> {
    require(ctx.actor(), Action::Regulate)?;
    let rules = m::rules(&st.db).await?;
    Ok(layout::page(
        &ctx,
        &ctx.t("rules.title"),
        v::list(ctx.lang, &rules),
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

/// `GET /credit/rules/{code}`: one rule's edit form.
pub async fn edit_form(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(code): Path<String>,
) -> AppResult<Markup> {
    require(ctx.actor(), Action::Regulate)?;
    let r = rule(&st, &code).await?;
    let csrf = ctx.ensure_csrf().await?;
    let body = v::edit(
        ctx.lang,
        &r,
        &v::form_of(&r),
        &FieldErrors::default(),
        &csrf,
    );
    Ok(layout::page(&ctx, &v::rule_name(&r, ctx.lang), body))
}

/// `POST /credit/rules/{code}`: saves the edit (422 with the messages and what was typed,
/// nothing written, on bad parameters or no reason).
pub async fn save(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(code): Path<String>,
    Form(f): Form<RuleForm>,
) -> AppResult<Response> {
    require(ctx.actor(), Action::Regulate)?;
    let r = rule(&st, &code).await?;
    let actor = ctx.require_user()?.actor.user_id;
    let lang = ctx.lang;
    let outcome = match p::validate(&r.code, &f, lang) {
        Err(e) => Err(e),
        Ok(edit) => {
            match super::super::edit_rule(&st.db, &r.code, &edit, actor, st.clock.now()).await? {
                Some(true) => Ok(()),
                Some(false) => {
                    let mut e = FieldErrors::default();
                    e.add("reason", lang.t("rules.err.changed"));
                    Err(e)
                }
                None => return Err(AppError::NotFound),
            }
        }
    };
    match outcome {
        Ok(()) => {
            ctx.set_flash("success", ctx.t("rules.saved")).await?;
            Ok(see_other(&format!("/credit/rules#rule-{}", r.code)))
        }
        Err(e) => {
            let csrf = ctx.ensure_csrf().await?;
            let body = v::edit(lang, &r, &f, &e, &csrf);
            Ok(unprocessable(layout::page(
                &ctx,
                &v::rule_name(&r, lang),
                body,
            )))
        }
    }
}
