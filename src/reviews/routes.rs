//! Reviewer's pages: `/me/reviews` (my assignments and where each stands) and the sheet
//! `/reviews/{id}` (save a draft; submit after a confirmation page). An assignment that is
//! not the asker's answers exactly like a missing one (404).

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use maud::Markup;

use crate::accounts::{Action, require};
use crate::kernel::error::{AppError, AppResult, FieldErrors};
use crate::reviews::rules::{self, SheetForm};
use crate::reviews::views;
use crate::reviews::{Assignment, Round};
use crate::web::confirm::{self, Confirm};
use crate::web::{AppState, Ctx, Form, layout, parse_id, see_other, unprocessable};

/// `GET /me/reviews`: the signed-in evaluator's assignments.
pub async fn mine(State(st): State<AppState>, ctx: Ctx) -> AppResult<Markup> {
    require(ctx.actor(), Action::ReviewSubjects)?;
    let uid = ctx.require_user()?.actor.user_id;
    let rows = crate::reviews::my_assignments(&st.db, uid).await?;
    let body = views::mine(ctx.lang, &rows);
    Ok(layout::page(&ctx, &ctx.t("review.mine_title"), body))
}

/// The asker's own assignment: log in first, then 404 alike for a missing id and for
/// someone else's sheet.
async fn own(
    st: &AppState,
    ctx: &Ctx,
    id: &str,
) -> AppResult<(Assignment, Round, crate::reviews::Sheet)> {
    let actor = ctx.actor().ok_or(AppError::LoginRequired)?;
    let id = parse_id(id)?;
    let found = crate::reviews::sheet_for(&st.db, id, actor.user_id).await?;
    require(
        Some(actor),
        Action::ScoreReview {
            assigned: found.is_some(),
        },
    )
    .map_err(|_| AppError::NotFound)?;
    found.ok_or(AppError::NotFound)
}

async fn sheet_page(
    ctx: &mut Ctx,
    a: &Assignment,
    r: &Round,
    f: &SheetForm,
    e: &FieldErrors,
) -> AppResult<Markup> {
    let csrf = ctx.ensure_csrf().await?;
    let body = views::sheet(ctx.lang, a, r, f, e, &csrf);
    Ok(layout::page(ctx, &r.title, body))
}

/// `GET /reviews/{id}`: the reviewer's sheet (a form until submitted, then read-only).
pub async fn show(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Markup> {
    let (a, r, sheet) = own(&st, &ctx, &id).await?;
    sheet_page(
        &mut ctx,
        &a,
        &r,
        &SheetForm::of(&sheet),
        &FieldErrors::default(),
    )
    .await
}

fn form_of(pairs: &[(String, String)], r: &Round) -> SheetForm {
    SheetForm::from_pairs(pairs, r.criteria().len())
}

async fn save_or_submit(
    st: &AppState,
    ctx: &mut Ctx,
    id: &str,
    pairs: &[(String, String)],
    submit: bool,
) -> AppResult<Response> {
    let (a, r, _) = own(st, ctx, id).await?;
    let uid = ctx.require_user()?.actor.user_id;
    let f = form_of(pairs, &r);
    let n = r.criteria().len();
    let sheet = match rules::validate_sheet(&f, n, submit, ctx.lang) {
        Ok(s) => s,
        Err(e) => return Ok(unprocessable(sheet_page(ctx, &a, &r, &f, &e).await?)),
    };
    let confirmed = pairs
        .iter()
        .any(|(k, v)| k == confirm::FIELD && confirm::confirmed(v));
    if submit && !confirmed {
        // Nothing written yet: the consequences, and the typed sheet carried over.
        let csrf = ctx.ensure_csrf().await?;
        let fields: Vec<(&str, &str)> = pairs
            .iter()
            .filter(|(k, _)| k != confirm::FIELD && k != crate::web::csrf::FIELD)
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let consequences = [
            ctx.t("review.confirm.locked"),
            ctx.t("review.confirm.counted"),
        ];
        let action = format!("/reviews/{}/submit", a.id);
        let cancel = format!("/reviews/{}", a.id);
        let title = ctx.t("review.confirm.title");
        let button = ctx.t("review.submit");
        return Ok(confirm::page(
            ctx,
            &Confirm {
                title: &title,
                consequences: &consequences,
                action: &action,
                fields: &fields,
                button: &button,
                cancel: &cancel,
            },
            &csrf,
        )
        .into_response());
    }
    match crate::reviews::save_sheet(&st.db, a.id, uid, &sheet, submit, st.clock.now()).await? {
        Ok(_) => {
            let key = if submit {
                "review.submitted"
            } else {
                "review.saved"
            };
            ctx.set_flash("success", ctx.t(key)).await?;
            Ok(see_other(&format!("/reviews/{}", a.id)))
        }
        Err(crate::reviews::Refusal::NotAssigned) => Err(AppError::NotFound),
        Err(why) => {
            let mut e = FieldErrors::default();
            e.add("sheet", why.message(ctx.lang));
            // Re-read: the sheet may have been submitted meanwhile.
            let (a, r, _) = own(st, ctx, id).await?;
            Ok(unprocessable(sheet_page(ctx, &a, &r, &f, &e).await?))
        }
    }
}

/// `POST /reviews/{id}`: saves the sheet as a draft (only what was typed must be valid).
pub async fn save(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    save_or_submit(&st, &mut ctx, &id, &pairs, false).await
}

/// `POST /reviews/{id}/submit`: submits the sheet after the confirmation page; complete,
/// with a recommendation and the declaration, or the form back (422) with each cell marked.
pub async fn submit(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    save_or_submit(&st, &mut ctx, &id, &pairs, true).await
}

/// The workspace panel for evaluators: how many sheets wait for them, and the link to
/// `/me/reviews` (nothing for others).
pub async fn workspace_section(st: &AppState, ctx: &Ctx) -> AppResult<Markup> {
    let Some(a) = ctx.actor() else {
        return Ok(maud::html! {});
    };
    if !crate::accounts::may(Some(a), Action::ReviewSubjects) {
        return Ok(maud::html! {});
    }
    let rows = crate::reviews::my_assignments(&st.db, a.user_id).await?;
    let open = rows
        .iter()
        .filter(|(x, r)| x.sheet_state().editable() && r.is_open())
        .count();
    Ok(views::workspace_panel(ctx.lang, open))
}
