//! The confirmation step of a destructive action (withdrawing a bid, cancelling a tender,
//! terminating a contract, granting a platform role). The action's form posts to the
//! action's own route; without `confirm=1` the handler answers with this page (status 200,
//! nothing written), which states the consequences in words and carries the form's values
//! in hidden fields to a final button labelled with the action, next to a cancel link. So a
//! one-click post (an old form, a forged link) never acts, and no JavaScript is needed.

use axum::response::{IntoResponse, Response};
use maud::{Markup, html};

use super::forms::csrf_field;
use super::{Ctx, layout};
use crate::kernel::error::AppResult;

/// The form field the final button sets.
pub const FIELD: &str = "confirm";

/// Whether a posted form came from the confirmation page's final button.
pub fn confirmed(value: &str) -> bool {
    value.trim() == "1"
}

/// What the confirmation page says and where its button posts.
pub struct Confirm<'a> {
    /// The question in the heading, e.g. "Withdraw this bid?".
    pub title: &'a str,
    /// What will happen, one sentence each, the most important first.
    pub consequences: &'a [String],
    /// The action's route (the same one that showed this page).
    pub action: &'a str,
    /// The form's values carried over, name and value (never `confirm` or `_csrf`).
    pub fields: &'a [(&'a str, &'a str)],
    /// The final button's label: the action and its consequence.
    pub button: &'a str,
    /// Where "cancel" leads back to.
    pub cancel: &'a str,
}

/// The confirmation page, in the site's layout.
pub fn page(ctx: &Ctx, c: &Confirm, csrf: &str) -> Markup {
    let lang = ctx.lang;
    let body = html! {
        section.section.confirm-page {
            h1.page-title { (c.title) }
            div.flash.flash-info.confirm-consequences role="note" {
                ul { @for s in c.consequences { li { (s) } } }
            }
            form.form.confirm-form method="post" action=(c.action) {
                (csrf_field(csrf))
                @for (name, value) in c.fields {
                    input type="hidden" name=(name) value=(value);
                }
                input type="hidden" name=(FIELD) value="1";
                div.actions {
                    button.btn.btn-danger type="submit" { (c.button) }
                    " "
                    a.btn.confirm-cancel href=(c.cancel) { (lang.t("confirm.cancel")) }
                }
            }
        }
    };
    layout::page(ctx, c.title, body)
}

/// The answer to an action's post that lacked `confirm=1`: the confirmation page (status
/// 200, nothing written), with the session's CSRF token for its form.
pub async fn ask(ctx: &mut Ctx, c: &Confirm<'_>) -> AppResult<Response> {
    let csrf = ctx.ensure_csrf().await?;
    Ok(page(ctx, c, &csrf).into_response())
}
