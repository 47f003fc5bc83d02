//! Inbox handlers: the list and marking read.

use crate::web::Form;
use axum::extract::State;
use axum::response::Response;
use maud::Markup;

use super::views;
use crate::accounts::{Action, require};
use crate::kernel::error::AppResult;
use crate::web::{AppState, Ctx, layout, see_other};

/// How many notices the page shows.
const PAGE: u64 = 100;

/// `GET /me/notifications`
pub async fn list(State(st): State<AppState>, mut ctx: Ctx) -> AppResult<Markup> {
    require(ctx.actor(), Action::ViewWorkspace)?;
    let uid = ctx.require_user()?.actor.user_id;
    let notices = super::latest(&st.db, uid, PAGE).await?;
    let csrf = ctx.ensure_csrf().await?;
    let body = views::inbox(ctx.lang, &notices, &csrf);
    Ok(layout::page(&ctx, &ctx.t("inbox.title"), body))
}

/// Which notice to mark read; none means all.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ReadForm {
    #[serde(default)]
    id: String,
}

/// `POST /me/notifications/read`
pub async fn mark_read(
    State(st): State<AppState>,
    ctx: Ctx,
    Form(f): Form<ReadForm>,
) -> AppResult<Response> {
    require(ctx.actor(), Action::ViewWorkspace)?;
    let uid = ctx.require_user()?.actor.user_id;
    // No id marks all; another user's notice matches nothing.
    let id = match f.id.trim() {
        "" => None,
        s => Some(crate::web::parse_id(s)?),
    };
    super::mark_read(&st.db, uid, id, st.clock.now()).await?;
    Ok(see_other("/me/notifications"))
}

/// `GET /me/settings`: which notices also come by e-mail, and in which language.
pub async fn settings(State(st): State<AppState>, mut ctx: Ctx) -> AppResult<Markup> {
    require(ctx.actor(), Action::ViewWorkspace)?;
    let uid = ctx.require_user()?.actor.user_id;
    let choice = super::mail_choices(&st.db, &[uid])
        .await?
        .remove(&uid)
        .unwrap_or_else(super::MailChoice::default_choice);
    let form = super::rules::MailSettingsForm {
        kind: choice.kinds.iter().map(|k| k.code().to_string()).collect(),
        lang: if choice.chosen {
            choice.lang.code().to_string()
        } else {
            ctx.lang.code().to_string()
        },
    };
    let csrf = ctx.ensure_csrf().await?;
    let on = crate::kernel::mail::enabled();
    let body = views::settings(ctx.lang, &form, on, &Default::default(), &csrf);
    Ok(layout::page(&ctx, &ctx.t("mail_settings.title"), body))
}

/// `POST /me/settings`: saves the choice (422 with the form as ticked for a bad one).
pub async fn save_settings(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Form(f): Form<super::rules::MailSettingsForm>,
) -> AppResult<Response> {
    require(ctx.actor(), Action::ViewWorkspace)?;
    let uid = ctx.require_user()?.actor.user_id;
    match super::rules::validate_mail_settings(&f, ctx.lang) {
        Ok((kinds, lang)) => {
            super::save_mail_choice(&st.db, uid, &kinds, lang, st.clock.now()).await?;
            ctx.set_flash("success", ctx.t("mail_settings.saved"))
                .await?;
            Ok(see_other("/me/settings"))
        }
        Err(e) => {
            let csrf = ctx.ensure_csrf().await?;
            let on = crate::kernel::mail::enabled();
            let body = views::settings(ctx.lang, &f, on, &e, &csrf);
            Ok(crate::web::unprocessable(layout::page(
                &ctx,
                &ctx.t("mail_settings.title"),
                body,
            )))
        }
    }
}
