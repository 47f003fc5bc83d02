//! What other rooms add to the tender page. The page itself is procurement's (its forms
//! re-render it with their errors); the sections here are registered in
//! [`crate::web::AppState::tender_sections`] by `app`, so procurement never names the rooms
//! that extend its page.

use std::future::Future;
use std::pin::Pin;

use maud::Markup;

use crate::kernel::Lang;
use crate::kernel::error::AppResult;
use crate::procurement::Tender;
use crate::web::AppState;

/// The tender's best matches with their reasons and invitation buttons (matching).
pub fn matches<'a>(
    st: &'a AppState,
    lang: Lang,
    t: &'a Tender,
    csrf: &'a str,
) -> Pin<Box<dyn Future<Output = AppResult<Markup>> + Send + 'a>> {
    Box::pin(crate::matching::routes::tender_section(st, lang, t, csrf))
}
