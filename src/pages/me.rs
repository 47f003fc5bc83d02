//! The workspace `/me`: what the signed-in user has to do, assembled from the rooms' sections —
//! their tenders and bids (procurement), invitations and recommended tenders (matching), their
//! contracts (contracts) and, for regulators, the latest registry events (orgs) and links to
//! the annual-report queue and the penalties (regulation).

use axum::extract::State;
use maud::Markup;

use crate::accounts::{Action, Role, require};
use crate::kernel::error::AppResult;
use crate::web::{AppState, Ctx, layout};

/// `GET /me`
pub async fn me(State(st): State<AppState>, mut ctx: Ctx) -> AppResult<Markup> {
    require(ctx.actor(), Action::ViewWorkspace)?;
    let u = ctx.require_user()?;
    let events = if u.actor.has(Role::Regulator) {
        crate::orgs::recent_events(&st.db, 10).await?
    } else {
        vec![]
    };
    // The units' contracts, then the organizations' (in membership order), as two lists.
    let org_ids: Vec<i64> = u.actor.orgs.iter().map(|(org, _)| *org).collect();
    let (mut contracts, of_orgs) = tokio::try_join!(
        crate::contracts::of_units(&st.db, &u.actor.units),
        crate::contracts::of_orgs(&st.db, &org_ids),
    )?;
    contracts.extend(of_orgs);
    let matching = crate::matching::routes::workspace_sections(&st, &mut ctx).await?;
    let u = ctx.require_user()?;
    let sections = maud::html! {
        (crate::procurement::routes::workspace_sections(&st, &ctx).await?)
        (matching)
        @if u.actor.has(Role::Regulator) {
            div.panel id="regulation" {
                h2 { (ctx.t("regulation.me.title")) }
                p {
                    a href="/regulation/reports" { (ctx.t("regulation.queue.title")) }
                    " · "
                    a href="/penalties" { (ctx.t("regulation.penalties.title")) }
                }
            }
        }
        @if !contracts.is_empty() {
            div.panel id="my-contracts" {
                h2 { (ctx.t("contract.my_contracts")) }
                (crate::contracts::views::list_table(ctx.lang, &contracts))
            }
        }
    };
    let body = crate::accounts::views::workspace(ctx.lang, u, &events, sections);
    Ok(layout::page(&ctx, &ctx.t("nav.me"), body))
}
