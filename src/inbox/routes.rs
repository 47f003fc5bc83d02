//! Inbox handlers: the list and marking read.

use axum::extract::State;
use axum::response::Response;
use axum_extra::extract::Form;
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
