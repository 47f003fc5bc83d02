//! What other rooms add to an organization's profile. The page itself is orgs' (its forms
//! re-render it with their errors); the sections here are registered in
//! [`crate::web::AppState::org_sections`] by `app`, so orgs never names the rooms that
//! extend its page.

use std::future::Future;
use std::pin::Pin;

use maud::Markup;

use crate::accounts::Actor;
use crate::kernel::Lang;
use crate::kernel::error::AppResult;
use crate::web::AppState;

/// The organization's brand projects, with "add one" for its administrators (brands).
pub fn brands<'a>(
    st: &'a AppState,
    lang: Lang,
    actor: Option<&'a Actor>,
    org_id: i64,
) -> Pin<Box<dyn Future<Output = AppResult<Markup>> + Send + 'a>> {
    Box::pin(crate::brands::routes::org_section(st, lang, actor, org_id))
}
