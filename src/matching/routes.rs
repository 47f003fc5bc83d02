//! Matching handlers: the buyer's matches page and invitation, the organization workspace's
//! invitations and recommendations.

use crate::web::{Form, Query};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};

use super::model;
use super::rules::Assessment;
use crate::accounts::{Action, may, require};
use crate::kernel::error::{AppError, AppResult, FieldErrors};
use crate::procurement::Tender;
use crate::web::AppState;
use crate::web::{Ctx, layout, parse_id, see_other, unprocessable};

/// How many matches the buyer's page lists.
pub const SHOWN: usize = 20;
/// How many tenders the workspace recommends per organization.
pub const RECOMMENDED: usize = 5;

/// Query of the matches page.
#[derive(Debug, Default, serde::Deserialize)]
pub struct MatchesQuery {
    /// An organization id to look up.
    #[serde(default)]
    org: String,
}

/// Invitation form.
#[derive(Debug, Default, serde::Deserialize)]
pub struct InviteForm {
    /// The organization invited.
    #[serde(default)]
    org_id: String,
    /// `tender` to return to the tender page, else the matches page.
    #[serde(default)]
    back: String,
}

/// What matching reads, taken from the application state.
pub fn env(st: &AppState) -> super::Env<'_> {
    super::Env {
        db: &st.db,
        clock: &st.clock,
        weights: &st.config.matching,
        cache: &st.matching,
        ttl: std::time::Duration::from_secs(st.config.matching_cache_secs),
        alumni_months: st.config.incubated_after_graduation_months,
    }
}

/// How many matches the tender page itself shows its buyers.
pub const ON_TENDER_PAGE: usize = 5;

/// The tender page's section for its buyers: the best matches with their reasons and the
/// invitation buttons, and a link to every match and exclusion.
pub async fn tender_section(
    st: &AppState,
    lang: crate::kernel::Lang,
    t: &Tender,
    csrf: &str,
) -> AppResult<Markup> {
    let m = super::for_tender(&env(st), t, ON_TENDER_PAGE).await?;
    let invited = model::invited_to(&st.db, t.id).await?;
    Ok(super::views::tender_section(
        lang,
        t,
        &m.candidates,
        &m.ranking,
        &invited,
        open_for_bids(st, t),
        csrf,
    ))
}

/// The tender for its unit's buyers. Anonymous visitors are sent to log in whatever the id;
/// anyone else gets "not found" for a draft (as for a tender that does not exist: drafts
/// are not public) and "forbidden" for a published tender.
async fn load(st: &AppState, ctx: &Ctx, id: &str) -> AppResult<Tender> {
    ctx.require_user()?;
    let id = parse_id(id)?;
    let t = crate::procurement::get(&st.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !may(ctx.actor(), Action::MatchAndPlan(t.unit_id))
        && t.state == crate::procurement::TenderState::Draft.code()
    {
        return Err(AppError::NotFound);
    }
    require(ctx.actor(), Action::MatchAndPlan(t.unit_id))?;
    Ok(t)
}

fn open_for_bids(st: &AppState, t: &Tender) -> bool {
    t.state == crate::procurement::TenderState::Published.code() && st.clock.now() < t.bid_deadline
}

async fn render(
    st: &AppState,
    ctx: &mut Ctx,
    t: &Tender,
    lookup_value: &str,
    errors: &FieldErrors,
) -> AppResult<Markup> {
    let m = super::for_tender(&env(st), t, SHOWN).await?;
    let invited = model::invited_to(&st.db, t.id).await?;
    let lookup = match lookup_value.trim().parse::<i64>() {
        Ok(org) if org > 0 => super::assess_one(&env(st), t, org).await?,
        _ => None,
    };
    let csrf = ctx.ensure_csrf().await?;
    let page = super::views::MatchesPage {
        t,
        candidates: &m.candidates,
        ranking: &m.ranking,
        excluded: &m.excluded,
        invited: &invited,
        open: open_for_bids(st, t),
        lookup,
        lookup_value,
        errors,
        csrf: &csrf,
    };
    let title = ctx.t("matching.title");
    Ok(layout::page(
        ctx,
        &title,
        super::views::matches(ctx.lang, &page),
    ))
}

/// `GET /tenders/{id}/matches`
pub async fn matches(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<MatchesQuery>,
) -> AppResult<Response> {
    let t = load(&st, &ctx, &id).await?;
    let mut errors = FieldErrors::default();
    let typed = q.org.trim();
    if !typed.is_empty() && typed.parse::<i64>().ok().filter(|i| *i > 0).is_none() {
        errors.add("org", ctx.t("matching.err.org_id"));
    }
    let lookup_missing = errors.is_empty()
        && !typed.is_empty()
        && super::assess_one(&env(&st), &t, typed.parse().unwrap_or(0))
            .await?
            .is_none();
    if lookup_missing {
        errors.add("org", ctx.t("matching.err.no_org"));
    }
    let page = render(&st, &mut ctx, &t, typed, &errors).await?;
    Ok(if errors.is_empty() {
        page.into_response()
    } else {
        unprocessable(page)
    })
}

/// `POST /tenders/{id}/invite`: invites an eligible organization to bid; inviting again
/// changes nothing.
pub async fn invite(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<InviteForm>,
) -> AppResult<Response> {
    let t = load(&st, &ctx, &id).await?;
    let uid = ctx.require_user()?.actor.user_id;
    let mut errors = FieldErrors::default();
    let org = f.org_id.trim().parse::<i64>().ok().filter(|i| *i > 0);
    if !open_for_bids(&st, &t) {
        errors.add("org_id", ctx.t("matching.closed"));
    } else if let Some(org) = org {
        match super::assess_one(&env(&st), &t, org).await? {
            None => errors.add("org_id", ctx.t("matching.err.no_org")),
            Some((_, Assessment::Excluded(why))) => {
                let reasons: Vec<String> = why.iter().map(|e| e.message(ctx.lang)).collect();
                errors.add(
                    "org_id",
                    ctx.lang
                        .tf("matching.err.excluded", &[("why", &reasons.join("; "))]),
                );
            }
            Some((_, Assessment::Scored(_))) => {}
        }
    } else {
        errors.add("org_id", ctx.t("matching.err.org_id"));
    }
    if !errors.is_empty() {
        return Ok(unprocessable(render(&st, &mut ctx, &t, "", &errors).await?));
    }
    let org = org.unwrap_or(0);
    let fresh = model::invite(&st.db, org, t.id, t.unit_id, uid, st.clock.now()).await?;
    ctx.set_flash(
        "success",
        ctx.t(if fresh {
            "matching.invite_sent"
        } else {
            "matching.invite_again"
        }),
    )
    .await?;
    Ok(see_other(&if f.back == "tender" {
        format!("/tenders/{}#matches", t.id)
    } else {
        format!("/tenders/{}/matches", t.id)
    }))
}

/// `POST /me/invitations/read`: marks the invitations of the user's organizations read.
pub async fn mark_read(State(st): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let u = ctx.require_user()?;
    let orgs: Vec<i64> = u
        .actor
        .orgs
        .iter()
        .map(|(o, _)| *o)
        .filter(|o| crate::accounts::may(ctx.actor(), Action::ViewOrgMatches(*o)))
        .collect();
    model::mark_all_read(&st.db, &orgs, st.clock.now()).await?;
    Ok(see_other("/me"))
}

/// The workspace sections of an organization member: invitations and recommended tenders.
pub async fn workspace_sections(st: &AppState, ctx: &mut Ctx) -> AppResult<Markup> {
    let Some(u) = &ctx.user else {
        return Ok(html! {});
    };
    let orgs: Vec<(i64, String)> = u
        .orgs
        .iter()
        .filter(|(o, _, _)| crate::accounts::may(Some(&u.actor), Action::ViewOrgMatches(*o)))
        .map(|(o, n, _)| (*o, n.clone()))
        .collect();
    if orgs.is_empty() {
        return Ok(html! {});
    }
    let ids: Vec<i64> = orgs.iter().map(|(o, _)| *o).collect();
    let (invitations, unread) = model::invitations_of(&st.db, &ids, 20).await?;
    let mut recommended = Vec::new();
    for (o, name) in orgs {
        recommended.push((name, super::recommended(&env(st), o, RECOMMENDED).await?));
    }
    let csrf = ctx.ensure_csrf().await?;
    Ok(super::views::workspace(
        ctx.lang,
        &csrf,
        &invitations,
        unread,
        &recommended,
    ))
}
