//! What other rooms add to an organization's profile, and what they do when one registers or
//! a claim of one is approved. The page itself is `orgs`' (its forms
//! re-render it with their errors); the sections here are registered in
//! [`crate::web::AppState::profile_sections`] by `app`, so `orgs` never names the rooms that
//! extend its page.

use std::future::Future;
use std::pin::Pin;

use maud::Markup;

use axum::extract::State;
use axum::response::Response;

use crate::accounts::Actor;
use crate::kernel::Lang;
use crate::kernel::error::AppResult;
use crate::orgs::Org;
use crate::web::{AppState, Ctx, Form};

/// `POST /orgs`: `orgs` registers the organization; when it did, a group its registering
/// user founded and an incubator admitted becomes this organization, keeping its history
/// (`incubators::link_registered_group`, issue 12 point 2). The link is its own transaction
/// after the registration's: should it fail, the registration stands, the failure is
/// logged, and the user still gets the new profile.
pub async fn register(
    State(st): State<AppState>,
    ctx: Ctx,
    form: Form<crate::orgs::OrgForm>,
) -> AppResult<Response> {
    let res = crate::orgs::routes::create(State(st.clone()), ctx, form).await?;
    if let Some(r) = res.extensions().get::<crate::orgs::Registered>().copied() {
        match crate::incubators::link_registered_group(&st.db, r.id, r.by, st.clock.now()).await {
            Ok(linked) if !linked.is_empty() => st.matching.invalidate(&st.db).await,
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, org = r.id, "linking an incubated group failed"),
        }
    }
    Ok(res)
}

/// `POST /orgs/{id}/claims/{claim}/decision`: `orgs` records the regulator's decision; when
/// it approves the claim, a group its claimant founded and an incubator admitted becomes the
/// claimed organization, keeping its history (`incubators::link_claimed_group`, as on
/// registration), inside the approval's transaction: the two stand or fall together.
pub async fn decide_claim(
    st: State<AppState>,
    ctx: Ctx,
    path: axum::extract::Path<(String, String)>,
    form: Form<crate::orgs::DecisionForm>,
) -> AppResult<Response> {
    crate::orgs::routes::decide_claim(st, ctx, path, form, Some(link_claimed_group)).await
}

fn link_claimed_group(
    txn: &sea_orm::DatabaseTransaction,
    c: crate::orgs::ClaimApproved,
) -> Pin<Box<dyn Future<Output = Result<(), sea_orm::DbErr>> + Send + '_>> {
    Box::pin(async move {
        crate::incubators::link_claimed_group(txn, c.org_id, c.user_id, c.claim_id, c.actor, c.now)
            .await
            .map(|_| ())
    })
}

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
