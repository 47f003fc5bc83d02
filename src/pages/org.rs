//! What other rooms add to an organization's profile. The page itself is `orgs`' (its forms
//! re-render it with their errors); the sections here are registered in
//! [`crate::web::AppState::profile_sections`] by `app`, so `orgs` never names the rooms that
//! extend its page.

use std::future::Future;
use std::pin::Pin;

use maud::Markup;

use crate::accounts::Actor;
use crate::kernel::Lang;
use crate::kernel::error::AppResult;
use crate::orgs::Org;
use crate::web::AppState;

/// The public summary of the organization's annual reports and its published penalties
/// (regulation).
pub fn regulation<'a>(
    st: &'a AppState,
    lang: Lang,
    actor: Option<&'a Actor>,
    o: &'a Org,
) -> Pin<Box<dyn Future<Output = AppResult<Markup>> + Send + 'a>> {
    Box::pin(crate::regulation::routes::profile_section(
        st, lang, actor, o,
    ))
}

/// The organization's brand projects, with "add one" for its administrators (brands).
pub fn brands<'a>(
    st: &'a AppState,
    lang: Lang,
    actor: Option<&'a Actor>,
    o: &'a Org,
) -> Pin<Box<dyn Future<Output = AppResult<Markup>> + Send + 'a>> {
    Box::pin(crate::brands::routes::org_section(st, lang, actor, o.id))
}

/// The organization's completed venture-philanthropy grants with their ratings
/// (philanthropy).
pub fn grants<'a>(
    st: &'a AppState,
    lang: Lang,
    _actor: Option<&'a Actor>,
    o: &'a Org,
) -> Pin<Box<dyn Future<Output = AppResult<Markup>> + Send + 'a>> {
    Box::pin(crate::philanthropy::routes::grants::profile_section(
        st, lang, o.id,
    ))
}
