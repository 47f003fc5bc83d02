//! Procurement handlers: extract, authorize, call, render. Every tender a handler touches is
//! first offered to [`super::open_if_due`], so bids open at the first look after the deadline
//! even without the background job.

mod api;
mod bidding;
mod documents;
mod drafting;
mod evaluation;
pub use api::*;
pub use bidding::*;
pub use documents::*;
pub use drafting::*;
pub use evaluation::*;

use std::collections::HashMap;

use crate::web::{Form, Query};
use axum::Json;
use axum::extract::{Multipart, Path, State};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};

use super::list::{self, TenderListQuery};
use super::model::{bid, tender};
use super::rules::{self, BidForm, TenderForm, TenderState};
use super::views::{self, Inline, Viewer};
use super::{Refusal, scoring};
use crate::accounts::{Action, CurrentUser, OrgRole, Role, may, require};
use crate::kernel::error::{AppError, AppResult, FieldErrors};
use crate::kernel::money::Fen;
use crate::web::AppState;
use crate::web::{Ctx, Lang, layout, parse_id, see_other, unprocessable};

// ---------------------------------------------------------------------------------------
// Forms (every field a String, so what was typed comes back)

/// Amendment form.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct AmendForm {
    /// New enquiry deadline, `YYYY-MM-DDTHH:MM` Shanghai time.
    #[serde(default)]
    pub enquiry_deadline: String,
    /// New bid deadline.
    #[serde(default)]
    pub bid_deadline: String,
    /// What changed.
    #[serde(default)]
    pub summary: String,
}

/// Award form.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct AwardForm {
    /// The bid to award.
    #[serde(default)]
    pub bid_id: String,
    /// Why, when not the top-ranked bid.
    #[serde(default)]
    pub justification: String,
}

/// A question.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct QuestionForm {
    #[serde(default)]
    question: String,
}

/// An answer (to a question or a challenge).
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct AnswerForm {
    #[serde(default)]
    answer: String,
}

/// A reason (cancelling a tender, disqualifying a bid).
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ReasonForm {
    #[serde(default)]
    reason: String,
    /// `1` from a confirmation page's final button (cancelling a tender).
    #[serde(default)]
    confirm: String,
}

/// An evaluator to assign.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct EvaluatorForm {
    #[serde(default)]
    email: String,
}

/// An evaluator to replace by another, with the reason.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ReplaceForm {
    /// The evaluator taken off (user id).
    #[serde(default)]
    pub old: String,
    /// The new evaluator's e-mail.
    #[serde(default)]
    pub new_email: String,
    /// Why.
    #[serde(default)]
    pub replace_reason: String,
}

/// An organization acting.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct OrgIdForm {
    #[serde(default)]
    org_id: String,
    /// `1` from a confirmation page's final button (withdrawing a bid).
    #[serde(default)]
    confirm: String,
}

/// A challenge.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ChallengeForm {
    #[serde(default)]
    org_id: String,
    #[serde(default)]
    text: String,
}

// ---------------------------------------------------------------------------------------
// Helpers

fn state_of(t: &tender::Model) -> TenderState {
    TenderState::parse(&t.state).unwrap_or(TenderState::Draft)
}

/// Opens the tender if due, then loads it.
async fn fetch(st: &AppState, id: i64) -> AppResult<tender::Model> {
    let t = super::get(&st.db, id).await?.ok_or(AppError::NotFound)?;
    let now = st.clock.now();
    // Opening is lazy too: the first look after the deadline opens the bids.
    if state_of(&t) == TenderState::Published
        && t.bid_deadline <= now
        && super::open_if_due(&st.db, &st.seal, id, now).await?
    {
        return super::get(&st.db, id).await?.ok_or(AppError::NotFound);
    }
    Ok(t)
}

/// A tender the viewer may see: drafts only for the unit's buyers.
async fn load_visible(st: &AppState, ctx: &Ctx, id: &str) -> AppResult<tender::Model> {
    let t = fetch(st, parse_id(id)?).await?;
    if state_of(&t) == TenderState::Draft && !may(ctx.actor(), Action::ManageTenders(t.unit_id)) {
        return Err(AppError::NotFound);
    }
    Ok(t)
}

/// A tender the signed-in viewer buys for; returns it with the user id. Anyone else learns
/// no more than the public pages tell: a draft of another unit is "not found", like a
/// tender that does not exist, and a published one is "forbidden".
async fn load_for_buyer(st: &AppState, ctx: &Ctx, id: &str) -> AppResult<(tender::Model, i64)> {
    let uid = ctx.require_user()?.actor.user_id;
    let t = fetch(st, parse_id(id)?).await?;
    if state_of(&t) == TenderState::Draft && !may(ctx.actor(), Action::ManageTenders(t.unit_id)) {
        return Err(AppError::NotFound);
    }
    require(ctx.actor(), Action::ManageTenders(t.unit_id))?;
    Ok((t, uid))
}

/// For routes whose path names a record inside a tender (a bid, an attachment, a question,
/// a challenge): a signed-in user without the right gets the same "not found" as for an id
/// that does not exist, so no answer tells which ids exist (anonymous visitors are still
/// sent to log in, for every id alike).
fn nested<T>(r: AppResult<T>) -> AppResult<T> {
    r.map_err(|e| match e {
        AppError::Forbidden => AppError::NotFound,
        other => other,
    })
}

/// The bid named in the path, for someone who may see it: the tender's oversight (its
/// buyers, assigned evaluators, regulators) sees every bid of it, an organization's members
/// their organization's. The scope is settled from the tender and the actor before the bid
/// is looked up, and every failure (no such bid, another tender's, another organization's,
/// a withdrawn one outside the scope) is the same `NotFound` after the same one query (a
/// malformed id is refused before any).
async fn bid_for(
    st: &AppState,
    ctx: &Ctx,
    t: &tender::Model,
    bid_id: &str,
) -> AppResult<super::BidRef> {
    let bid_id = parse_id(bid_id)?;
    let oversight = may_see_evaluation(ctx, t, assigned(st, ctx, t).await?, false);
    let scope = if oversight {
        super::BidScope::Tender
    } else {
        super::BidScope::Orgs(
            ctx.actor()
                .map(|a| {
                    a.orgs
                        .iter()
                        .map(|(org, _)| *org)
                        .filter(|org| may(Some(a), Action::ViewOrgBids(*org)))
                        .collect()
                })
                .unwrap_or_default(),
        )
    };
    super::bid_in_scope(&st.db, t.id, bid_id, &scope)
        .await?
        .ok_or(AppError::NotFound)
}

fn admin_orgs(u: &CurrentUser) -> Vec<(i64, String)> {
    u.orgs
        .iter()
        .filter(|(_, _, r)| *r == OrgRole::Admin)
        .map(|(i, n, _)| (*i, n.clone()))
        .collect()
}

fn unit_ids(u: &CurrentUser) -> Vec<i64> {
    u.units.iter().map(|(i, _)| *i).collect()
}

/// The id typed in a form field, or 0 (which no policy allows).
fn form_id(s: &str) -> i64 {
    s.trim().parse::<i64>().ok().filter(|i| *i > 0).unwrap_or(0)
}

/// The organization chosen in a form: none chosen is a bad request ("choose one"); one the
/// user does not administer is forbidden.
fn chosen_org(ctx: &Ctx, field: &str) -> AppResult<i64> {
    match form_id(field) {
        0 => Err(AppError::BadRequest(ctx.t("form.choose"))),
        org => {
            require(ctx.actor(), Action::BidFor(org))?;
            Ok(org)
        }
    }
}

async fn flash_refusal(ctx: &Ctx, r: &Refusal, to: &str) -> AppResult<Response> {
    ctx.set_flash("error", r.message(ctx.lang)).await?;
    Ok(see_other(to))
}

async fn flash_ok(ctx: &Ctx, key: &str, to: &str) -> AppResult<Response> {
    ctx.set_flash("success", ctx.t(key)).await?;
    Ok(see_other(to))
}

/// Who may read the evaluation report: everyone once awarded; before that the unit's
/// buyers, the assigned evaluators and regulators.
fn may_see_evaluation(ctx: &Ctx, t: &tender::Model, assigned: bool, awarded: bool) -> bool {
    may(
        ctx.actor(),
        Action::ViewEvaluation {
            unit: t.unit_id,
            assigned,
            awarded,
        },
    )
}

async fn assigned(st: &AppState, ctx: &Ctx, t: &tender::Model) -> AppResult<bool> {
    Ok(match ctx.actor() {
        Some(a) => super::is_evaluator(&st.db, t.id, a.user_id).await?,
        None => false,
    })
}

async fn unit_name(st: &AppState, unit_id: i64) -> AppResult<String> {
    Ok(crate::units::get(&st.db, unit_id)
        .await?
        .map(|u| u.name)
        .unwrap_or_default())
}

/// The names of the tenders' units, in one `IN` query (unknown units are left out).
async fn unit_names(st: &AppState, tenders: &[tender::Model]) -> AppResult<HashMap<i64, String>> {
    let mut ids: Vec<i64> = tenders.iter().map(|t| t.unit_id).collect();
    ids.sort_unstable();
    ids.dedup();
    Ok(crate::units::names_by_ids(&st.db, &ids).await?)
}

async fn org_name(st: &AppState, org_id: i64) -> AppResult<String> {
    Ok(crate::orgs::name_of(&st.db, org_id)
        .await?
        .unwrap_or_default())
}

// ---------------------------------------------------------------------------------------
// Public pages

/// `GET /tenders`
pub async fn list(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<TenderListQuery>,
) -> AppResult<Markup> {
    let f = list::parse_list_query(&q);
    let (items, total) = list::list_public(&st.db, &f).await?;
    let names = unit_names(&st, &items).await?;
    let rows: Vec<_> = items
        .into_iter()
        .map(|t| {
            let unit_name = names.get(&t.unit_id).cloned().unwrap_or_default();
            views::ListRow { t, unit_name }
        })
        .collect();
    let can_create = ctx.user.as_ref().is_some_and(|u| !u.units.is_empty());
    let body = views::list(ctx.lang, &q, &f, &rows, total, can_create);
    Ok(layout::page(&ctx, &ctx.t("tender.list_title"), body))
}

async fn render_show(
    st: &AppState,
    ctx: &mut Ctx,
    t: tender::Model,
    inline: Inline,
) -> AppResult<Markup> {
    let db = &st.db;
    let lang = ctx.lang;
    // What the permission checks need comes first; the loads they gate follow, all at once.
    let (award, is_assigned) = tokio::try_join!(
        async { Ok::<_, AppError>(super::award_of(db, t.id).await?) },
        assigned(st, ctx, &t),
    )?;
    let viewer = match &ctx.user {
        None => Viewer::default(),
        Some(u) => Viewer {
            signed_in: true,
            buyer: may(ctx.actor(), Action::ManageTenders(t.unit_id)),
            admin_orgs: admin_orgs(u),
            evaluator: may(
                ctx.actor(),
                Action::ScoreBids {
                    unit: t.unit_id,
                    assigned: is_assigned,
                },
            ),
            may_see_evaluation: t.opened_at.is_some()
                && may_see_evaluation(ctx, &t, is_assigned, award.is_some()),
            regulator: may(ctx.actor(), Action::Regulate),
        },
    };
    let public_ranking = award.is_some()
        && matches!(
            state_of(&t),
            TenderState::Awarded | TenderState::Contracted | TenderState::Completed
        );
    let (
        ranking,
        challenges,
        contract,
        timeline,
        evaluators,
        unit_name,
        criteria,
        milestones,
        amendments,
        enquiries,
        opening,
        documents,
    ) = tokio::try_join!(
        async {
            Ok::<_, AppError>(if public_ranking {
                super::ranking(db, &t).await?.ok()
            } else {
                None
            })
        },
        async {
            // The challengers' names in one `IN` query, not one per challenge.
            let cs = super::challenges(db, t.id).await?;
            let ids: Vec<i64> = cs.iter().map(|c| c.org_id).collect();
            let names = crate::orgs::names_by_ids(db, &ids).await?;
            Ok::<_, AppError>(
                cs.into_iter()
                    .map(|c| {
                        let name = names.get(&c.org_id).cloned().unwrap_or_default();
                        (c, name)
                    })
                    .collect::<Vec<_>>(),
            )
        },
        async {
            Ok::<_, AppError>(
                crate::contracts::summary_for_tender(db, t.id)
                    .await?
                    .map(|c| (c.id, c.state.label(lang), c.value)),
            )
        },
        async {
            Ok::<_, AppError>(
                crate::audit::timeline(db, "tender", t.id, true)
                    .await?
                    .into_iter()
                    .map(|e| (e.at, e.action))
                    .collect(),
            )
        },
        async {
            Ok::<_, AppError>(if viewer.buyer {
                super::evaluators(db, t.id).await?
            } else {
                vec![]
            })
        },
        unit_name(st, t.unit_id),
        async { Ok::<_, AppError>(super::criteria(db, t.id).await?) },
        async { Ok::<_, AppError>(super::milestones(db, t.id).await?) },
        async { Ok::<_, AppError>(super::amendments(db, t.id).await?) },
        async { Ok::<_, AppError>(super::enquiries(db, t.id).await?) },
        async { Ok::<_, AppError>(super::opening_record(db, &t).await?) },
        async { Ok::<_, AppError>(super::documents(db, t.id).await?) },
    )?;
    let csrf = if viewer.signed_in {
        Some(ctx.ensure_csrf().await?)
    } else {
        None
    };
    let matches = match (&csrf, viewer.buyer) {
        (Some(token), true) => {
            let mut html = String::new();
            for section in st.tender_sections.iter() {
                html.push_str(&section(st, lang, &t, token).await?.into_string());
            }
            Some(maud::PreEscaped(html))
        }
        _ => None,
    };
    let d = views::ShowData {
        now: st.clock.now(),
        unit_name,
        criteria,
        milestones,
        amendments,
        enquiries,
        opening,
        documents,
        ranking,
        award,
        challenges,
        contract,
        timeline,
        evaluators,
        viewer,
        csrf,
        inline,
        matches,
        t,
    };
    Ok(layout::page(ctx, &d.t.title, views::show(lang, &d)))
}

/// `GET /tenders/{id}`
pub async fn show(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Markup> {
    let t = load_visible(&st, &ctx, &id).await?;
    render_show(&st, &mut ctx, t, Inline::default()).await
}

/// The tender page again, with one of its forms sent back with a message (422).
async fn inline_error(
    st: &AppState,
    ctx: &mut Ctx,
    t: tender::Model,
    form: String,
    value: &str,
    org_id: &str,
    error: String,
) -> AppResult<Response> {
    let inline = Inline {
        form,
        value: value.to_string(),
        org_id: org_id.to_string(),
        error,
        ..Default::default()
    };
    Ok(unprocessable(render_show(st, ctx, t, inline).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_ids_parse() {
        assert_eq!(form_id("12"), 12);
        assert_eq!(form_id("-1"), 0);
        assert_eq!(form_id("x"), 0);
    }

    #[test]
    fn iso_is_shanghai_time() {
        assert_eq!(iso(1_795_780_800), "2026-11-27T20:00:00+08:00");
    }
}
