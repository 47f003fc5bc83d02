//! Handlers of grants: drawing the agreement up from an approved proposal, the grant page
//! with each side's forms (signing, payments, reports and their review, amendments and
//! their decision, completion), the workspace panel, the profile's track record and the
//! 360Giving export. A grant the asker may not see, and a form of the other side, answer
//! like a missing grant (404); visitors are asked to log in first.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use maud::Markup;

use crate::accounts::{Action, OrgRole, may};
use crate::kernel::error::{AppError, AppResult, FieldErrors};
use crate::kernel::money::Fen;
use crate::philanthropy::grant_model::{self as model, Grant};
use crate::philanthropy::grant_rules::{
    self as rules, AmendmentForm, CompleteForm, DecisionForm, GrantEvent, GrantState, PaymentForm,
    ReportForm, TerminationForm,
};
use crate::philanthropy::grants as ops;
use crate::philanthropy::proposal_rules::{BudgetLine, Outcome};
use crate::philanthropy::views::grants::{self as views, Failed, GrantPage};
use crate::web::{AppState, Ctx, Form, layout, parse_id, see_other, unprocessable};

fn one(field: &'static str, message: String) -> FieldErrors {
    let mut e = FieldErrors::default();
    e.add(field, message);
    e
}

/// After an early termination nothing more is paid, reported or amended: the message that
/// says so (with the day it ended), or `None` while the grant is not terminated.
fn terminated(ctx: &Ctx, g: &Grant) -> Option<FieldErrors> {
    (g.state() == GrantState::Terminated).then(|| {
        let on = g
            .terminated_at
            .map(|t| crate::kernel::clock::shanghai_date(t).to_string())
            .unwrap_or_default();
        one(
            "terminated",
            ctx.lang.tf("grant.err.terminated", &[("date", &on)]),
        )
    })
}

/// A grant the asker may see, with their relation to it.
struct Seen {
    g: Grant,
    /// Acts for the organizer.
    organizer: bool,
    /// Acts for the recipient.
    recipient: bool,
}

/// Loads a grant for the signed-in user: log in for visitors, and "not found" alike for
/// missing ids and grants the user may not see.
async fn seen(st: &AppState, ctx: &Ctx, id: &str) -> AppResult<Seen> {
    let actor = ctx.actor().ok_or(AppError::LoginRequired)?;
    let g = model::get(&st.db, parse_id(id)?)
        .await?
        .ok_or(AppError::NotFound)?;
    let role = g.org_id.and_then(|o| actor.org_role(o));
    let applied = g.applicant_id == actor.user_id;
    let acts = super::acts_for(ctx, ops::organizer_of(&g));
    if !may(
        Some(actor),
        Action::ViewGrant {
            own: applied || role.is_some(),
            organizer: acts,
        },
    ) {
        return Err(AppError::NotFound);
    }
    Ok(Seen {
        organizer: may(Some(actor), Action::GrantOrganizer { organizer: acts }),
        recipient: may(
            Some(actor),
            Action::GrantRecipient {
                own: applied || role == Some(OrgRole::Admin),
            },
        ),
        g,
    })
}

async fn grant_page(
    st: &AppState,
    ctx: &mut Ctx,
    s: &Seen,
    failed: &Failed<'_>,
) -> AppResult<Markup> {
    let csrf = ctx.ensure_csrf().await?;
    let (tranches, reports, amendments) = tokio::try_join!(
        model::tranches(&st.db, s.g.id),
        model::reports(&st.db, s.g.id),
        model::amendments(&st.db, s.g.id),
    )?;
    let o = ops::organizer_of(&s.g);
    let names = crate::philanthropy::organizer_names(&st.db, &[o]).await?;
    let now = st.clock.now();
    let page = GrantPage {
        g: &s.g,
        organizer_name: names.get(&o).map(String::as_str).unwrap_or(""),
        tranches: &tranches,
        reports: &reports,
        amendments: &amendments,
        payable: ops::payable(&s.g, &tranches, &reports, now),
        organizer: s.organizer,
        recipient: s.recipient,
    };
    let body = views::show(ctx.lang, &page, failed, &csrf);
    Ok(layout::page(ctx, &s.g.title, body))
}

/// `GET /grants/{id}`: both sides (and the recipient organization's members).
pub async fn show(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Markup> {
    let s = seen(&st, &ctx, &id).await?;
    grant_page(&st, &mut ctx, &s, &Failed::None).await
}

async fn done(ctx: &Ctx, key: &str, g: &Grant, anchor: &str) -> AppResult<Response> {
    ctx.set_flash("success", ctx.t(key)).await?;
    Ok(see_other(&format!("/grants/{}{anchor}", g.id)))
}

/// `POST /proposals/{id}/grant`: the organizer draws up the agreement of an approved
/// proposal (a refusal comes back as a message on the proposal's page).
pub async fn create(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    ctx.require_user()?;
    let p = crate::philanthropy::proposal_model::get(&st.db, parse_id(&id)?)
        .await?
        .ok_or(AppError::NotFound)?;
    let c = crate::philanthropy::get(&st.db, p.call_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let acts = super::acts_for(&ctx, crate::philanthropy::organizer_of(&c));
    if !p.state().visible_to_organizer()
        || !may(ctx.actor(), Action::GrantOrganizer { organizer: acts })
    {
        return Err(AppError::NotFound);
    }
    let uid = ctx.require_user()?.actor.user_id;
    match ops::create(&st.db, &c, &p, uid, st.clock.now()).await? {
        Ok(gid) => {
            ctx.set_flash("success", ctx.t("grant.created")).await?;
            Ok(see_other(&format!("/grants/{gid}")))
        }
        Err(r) => {
            ctx.set_flash("error", r.message(ctx.lang)).await?;
            Ok(see_other(&format!("/proposals/{}#grant", p.id)))
        }
    }
}

/// `POST /grants/{id}/sign`: either side signs (once).
pub async fn sign(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let s = seen(&st, &ctx, &id).await?;
    if !s.organizer && !s.recipient {
        return Err(AppError::NotFound);
    }
    let uid = ctx.require_user()?.actor.user_id;
    // Someone acting for both sides signs for the side that has not signed yet.
    let organizer_side = s.organizer && (!s.recipient || s.g.organizer_signed_at.is_none());
    match ops::sign(&st.db, &s.g, organizer_side, uid, st.clock.now()).await? {
        Ok(_) => done(&ctx, "grant.signed", &s.g, "").await,
        Err(r) => {
            let e = one("sign", r.message(ctx.lang));
            Ok(unprocessable(
                grant_page(&st, &mut ctx, &s, &Failed::Sign(&e)).await?,
            ))
        }
    }
}

/// `POST /grants/{id}/pay`: the organizer records the next tranche's offline payment.
pub async fn pay(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<PaymentForm>,
) -> AppResult<Response> {
    let s = seen(&st, &ctx, &id).await?;
    if !s.organizer {
        return Err(AppError::NotFound);
    }
    let uid = ctx.require_user()?.actor.user_id;
    if let Some(e) = terminated(&ctx, &s.g) {
        return Ok(unprocessable(
            grant_page(&st, &mut ctx, &s, &Failed::Terminated(&e)).await?,
        ));
    }
    let now = st.clock.now();
    let tranches = model::tranches(&st.db, s.g.id).await?;
    let res = match ops::next_tranche(&tranches) {
        None => Err(one("amount", ctx.t("grant.err.all_paid"))),
        Some(t) => {
            let today = crate::kernel::clock::shanghai_date(now);
            match rules::validate_payment(&f, Fen(t.amount_fen), today, ctx.lang) {
                Err(e) => Err(e),
                Ok(d) => ops::pay(&st.db, &s.g, &d, uid, now)
                    .await?
                    .map_err(|r| one("amount", r.message(ctx.lang))),
            }
        }
    };
    match res {
        Ok(_) => done(&ctx, "grant.paid", &s.g, "#tranches").await,
        Err(e) => Ok(unprocessable(
            grant_page(&st, &mut ctx, &s, &Failed::Pay(&f, &e)).await?,
        )),
    }
}

/// The report form with the report it names (`achieved` repeated, one per outcome).
#[derive(Debug, Default, serde::Deserialize)]
pub struct ReportPick {
    /// The report's id.
    #[serde(default)]
    pub report: String,
    /// What was done.
    #[serde(default)]
    pub narrative: String,
    /// Spending so far in yuan.
    #[serde(default)]
    pub spent: String,
    /// Achieved per planned outcome.
    #[serde(default)]
    pub achieved: Vec<String>,
}

/// The organizer's review of a report.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ReviewForm {
    /// The report's id.
    #[serde(default)]
    pub report: String,
    /// `accept` or `return`.
    #[serde(default)]
    pub decision: String,
    /// Why it is returned.
    #[serde(default)]
    pub reason: String,
}

/// `POST /grants/{id}/report`: the recipient submits a report.
pub async fn report(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<ReportPick>,
) -> AppResult<Response> {
    let s = seen(&st, &ctx, &id).await?;
    if !s.recipient {
        return Err(AppError::NotFound);
    }
    let uid = ctx.require_user()?.actor.user_id;
    if let Some(e) = terminated(&ctx, &s.g) {
        return Ok(unprocessable(
            grant_page(&st, &mut ctx, &s, &Failed::Terminated(&e)).await?,
        ));
    }
    let form = ReportForm {
        narrative: f.narrative,
        spent: f.spent,
        achieved: f.achieved,
    };
    let outcomes: Vec<Outcome> = serde_json::from_str(&s.g.outcomes).unwrap_or_default();
    let res = match (
        f.report.trim().parse::<i64>().ok(),
        rules::validate_report(&form, outcomes.len(), ctx.lang),
    ) {
        (_, Err(e)) => Err(e),
        (None, _) => Err(one("narrative", ctx.t("grant.err.report_state"))),
        (Some(rid), Ok(d)) => ops::submit_report(&st.db, &s.g, rid, &d, uid, st.clock.now())
            .await?
            .map_err(|r| one("narrative", r.message(ctx.lang))),
    };
    match res {
        Ok(_) => done(&ctx, "grant.report_submitted", &s.g, "#reports").await,
        Err(e) => Ok(unprocessable(
            grant_page(&st, &mut ctx, &s, &Failed::Report(&form, &e)).await?,
        )),
    }
}

/// `POST /grants/{id}/review`: the organizer accepts or returns a submitted report.
pub async fn review(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<ReviewForm>,
) -> AppResult<Response> {
    let s = seen(&st, &ctx, &id).await?;
    if !s.organizer {
        return Err(AppError::NotFound);
    }
    let uid = ctx.require_user()?.actor.user_id;
    if let Some(e) = terminated(&ctx, &s.g) {
        return Ok(unprocessable(
            grant_page(&st, &mut ctx, &s, &Failed::Terminated(&e)).await?,
        ));
    }
    let d = DecisionForm {
        decision: f.decision,
        reason: f.reason,
    };
    let res = match (
        f.report.trim().parse::<i64>().ok(),
        rules::validate_decision(&d, "accept", "return", ctx.lang),
    ) {
        (_, Err(e)) => Err(e),
        (None, _) => Err(one("decision", ctx.t("grant.err.report_state"))),
        (Some(rid), Ok((accept, reason))) => {
            ops::review_report(&st.db, &s.g, rid, accept, &reason, uid, st.clock.now())
                .await?
                .map_err(|r| one("decision", r.message(ctx.lang)))
        }
    };
    match res {
        Ok(_) => done(&ctx, "grant.report_reviewed", &s.g, "#reports").await,
        Err(e) => Ok(unprocessable(
            grant_page(&st, &mut ctx, &s, &Failed::Review(&e)).await?,
        )),
    }
}

/// `POST /grants/{id}/complete`: the organizer completes the grant with a rating.
pub async fn complete(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<CompleteForm>,
) -> AppResult<Response> {
    let s = seen(&st, &ctx, &id).await?;
    if !s.organizer {
        return Err(AppError::NotFound);
    }
    let uid = ctx.require_user()?.actor.user_id;
    let res = match rules::validate_rating(&f, ctx.lang) {
        Err(e) => Err(e),
        Ok(r) => ops::complete(&st.db, &s.g, r, uid, st.clock.now())
            .await?
            .map_err(|r| one("rating", r.message(ctx.lang))),
    };
    match res {
        Ok(()) => done(&ctx, "grant.completed", &s.g, "").await,
        Err(e) => Ok(unprocessable(
            grant_page(&st, &mut ctx, &s, &Failed::Complete(&e)).await?,
        )),
    }
}

/// `POST /grants/{id}/amendments`: the recipient asks for an extension or a budget revision.
pub async fn amend(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<AmendmentForm>,
) -> AppResult<Response> {
    let s = seen(&st, &ctx, &id).await?;
    if !s.recipient {
        return Err(AppError::NotFound);
    }
    let uid = ctx.require_user()?.actor.user_id;
    if let Some(e) = terminated(&ctx, &s.g) {
        return Ok(unprocessable(
            grant_page(&st, &mut ctx, &s, &Failed::Terminated(&e)).await?,
        ));
    }
    let budget: Vec<BudgetLine> = serde_json::from_str(&s.g.budget).unwrap_or_default();
    let total: Fen = budget.iter().map(|b| b.amount).sum();
    let res = match rules::validate_amendment(&f, s.g.ends_at, total, ctx.lang) {
        Err(e) => Err(e),
        Ok(d) => ops::request_amendment(&st.db, &s.g, &d, uid, st.clock.now())
            .await?
            .map_err(|r| one("kind", r.message(ctx.lang))),
    };
    match res {
        Ok(_) => done(&ctx, "grant.amendment_requested", &s.g, "#amendments").await,
        Err(e) => Ok(unprocessable(
            grant_page(&st, &mut ctx, &s, &Failed::Amend(&f, &e)).await?,
        )),
    }
}

/// The organizer's decision on an amendment.
#[derive(Debug, Default, serde::Deserialize)]
pub struct DecideForm {
    /// The amendment's id.
    #[serde(default)]
    pub amendment: String,
    /// `approve` or `refuse`.
    #[serde(default)]
    pub decision: String,
    /// Why.
    #[serde(default)]
    pub reason: String,
}

/// `POST /grants/{id}/amendments/decide`: the organizer approves or refuses the pending
/// amendment.
pub async fn decide(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<DecideForm>,
) -> AppResult<Response> {
    let s = seen(&st, &ctx, &id).await?;
    if !s.organizer {
        return Err(AppError::NotFound);
    }
    let uid = ctx.require_user()?.actor.user_id;
    if let Some(e) = terminated(&ctx, &s.g) {
        return Ok(unprocessable(
            grant_page(&st, &mut ctx, &s, &Failed::Terminated(&e)).await?,
        ));
    }
    let d = DecisionForm {
        decision: f.decision,
        reason: f.reason,
    };
    let res = match (
        f.amendment.trim().parse::<i64>().ok(),
        rules::validate_decision(&d, "approve", "refuse", ctx.lang),
    ) {
        (_, Err(e)) => Err(e),
        (None, _) => Err(one("decision", ctx.t("grant.err.amendment_decided"))),
        (Some(aid), Ok((approve, reason))) => {
            ops::decide_amendment(&st.db, &s.g, aid, approve, &reason, uid, st.clock.now())
                .await?
                .map_err(|r| one("decision", r.message(ctx.lang)))
        }
    };
    match res {
        Ok(_) => done(&ctx, "grant.amendment_decided", &s.g, "#amendments").await,
        Err(e) => Ok(unprocessable(
            grant_page(&st, &mut ctx, &s, &Failed::Decide(&e)).await?,
        )),
    }
}

/// `POST /grants/{id}/terminate`: the organizer ends the grant early, with a reason. Anyone
/// else gets "not found"; a completed or already terminated grant a 422. Without
/// `confirm=1` a valid request answers with the confirmation page (the unpaid tranches
/// cancelled, the paid ones still counted on `/targets`) and writes nothing.
pub async fn terminate(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<TerminationForm>,
) -> AppResult<Response> {
    let s = seen(&st, &ctx, &id).await?;
    if !s.organizer {
        return Err(AppError::NotFound);
    }
    let uid = ctx.require_user()?.actor.user_id;
    let res = match s.g.state().apply(GrantEvent::Terminate) {
        Err(_) => Err(one("reason", ctx.t("grant.err.not_terminable"))),
        Ok(_) => rules::validate_termination(&f, ctx.lang),
    };
    let reason = match res {
        Ok(r) => r,
        Err(e) => {
            return Ok(unprocessable(
                grant_page(&st, &mut ctx, &s, &Failed::Terminate(&f, &e)).await?,
            ));
        }
    };
    if !crate::web::confirm::confirmed(&f.confirm) {
        let lang = ctx.lang;
        let tranches = model::tranches(&st.db, s.g.id).await?;
        let split: Vec<(Fen, bool)> = tranches
            .iter()
            .map(|t| (Fen(t.amount_fen), t.paid_on.is_some()))
            .collect();
        let ((paid_n, paid), (unpaid_n, unpaid)) = rules::termination_split(&split);
        let consequences = [
            lang.tf(
                "grant.confirm_terminate.what",
                &[("title", &s.g.title), ("recipient", &s.g.recipient_name)],
            ),
            lang.tf(
                "grant.confirm_terminate.cancelled",
                &[
                    ("n", &unpaid_n.to_string()),
                    ("amount", &unpaid.to_string()),
                ],
            ),
            lang.tf(
                "grant.confirm_terminate.paid",
                &[("n", &paid_n.to_string()), ("amount", &paid.to_string())],
            ),
            lang.t("grant.confirm_terminate.closed"),
            lang.tf("grant.confirm_terminate.told", &[("reason", &reason)]),
            lang.t("confirm.final"),
        ];
        let csrf = ctx.ensure_csrf().await?;
        let title = lang.tf("grant.confirm_terminate.title", &[("title", &s.g.title)]);
        let action = format!("/grants/{}/terminate", s.g.id);
        let cancel = format!("/grants/{}", s.g.id);
        let button = lang.t("grant.confirm_terminate.button");
        return Ok(crate::web::confirm::page(
            &ctx,
            &crate::web::confirm::Confirm {
                title: &title,
                consequences: &consequences,
                action: &action,
                fields: &[("reason", &reason)],
                button: &button,
                cancel: &cancel,
            },
            &csrf,
        )
        .into_response());
    }
    match ops::terminate(&st.db, &s.g, &reason, uid, st.clock.now()).await? {
        Ok(()) => done(&ctx, "grant.terminated", &s.g, "").await,
        Err(r) => {
            let s = seen(&st, &ctx, &id).await?;
            let e = one("reason", r.message(ctx.lang));
            Ok(unprocessable(
                grant_page(&st, &mut ctx, &s, &Failed::Terminate(&f, &e)).await?,
            ))
        }
    }
}

/// The section under a proposal's page: its grant, or the organizer's button to draw it up
/// once it is approved (nothing before).
pub async fn proposal_section(
    st: &AppState,
    ctx: &mut Ctx,
    proposal: &crate::philanthropy::Proposal,
    organizer: bool,
) -> AppResult<Markup> {
    if proposal.state() != crate::philanthropy::ProposalState::Approved {
        return Ok(maud::html! {});
    }
    let g = model::of_proposal(&st.db, proposal.id).await?;
    let csrf = ctx.ensure_csrf().await?;
    Ok(views::proposal_section(
        ctx.lang,
        proposal.id,
        g.as_ref(),
        organizer && may(ctx.actor(), Action::GrantOrganizer { organizer }),
        &csrf,
    ))
}

/// The workspace panel: grants received (as applicant or member of the organization) and
/// grants of calls the user organizes.
pub async fn workspace_section(st: &AppState, ctx: &Ctx) -> AppResult<Markup> {
    let Some(a) = ctx.actor() else {
        return Ok(maud::html! {});
    };
    let orgs: Vec<i64> = a.orgs.iter().map(|(o, _)| *o).collect();
    let received = model::of_recipient(&st.db, a.user_id, &orgs).await?;
    let organizers = super::my_organizers(st, ctx).await?;
    let keys: Vec<(&str, i64)> = organizers
        .iter()
        .map(|(o, _)| (o.kind.code(), o.id))
        .collect();
    let organized = if may(ctx.actor(), Action::GrantOrganizer { organizer: true }) {
        model::of_organizers(&st.db, &keys).await?
    } else {
        vec![]
    };
    Ok(views::workspace(ctx.lang, &received, &organized))
}

/// The organization's completed grants with their ratings, for its profile.
pub async fn profile_section(
    st: &AppState,
    lang: crate::kernel::Lang,
    org: i64,
) -> AppResult<Markup> {
    let rows = ops::track_record(&st.db, org).await?;
    Ok(views::track_record(lang, &rows))
}

/// The signed grants as a 360Giving package (ids with the configured prefix; recipients
/// identified by their USCC, `CN-USC-…`).
#[utoipa::path(
    get,
    path = "/api/v1/grants.360giving.json",
    tag = "grants",
    responses(
        (status = 200, description = "A 360Giving 1.4 data package", body = crate::philanthropy::Giving360Package),
        (status = 429, description = "Too many requests; see `Retry-After`", body = crate::web::api::ApiError),
    )
)]
pub async fn giving360(State(st): State<AppState>) -> AppResult<Response> {
    let grants = model::all(&st.db).await?;
    let o: Vec<_> = grants.iter().map(ops::organizer_of).collect();
    let names = crate::philanthropy::organizer_names(&st.db, &o).await?;
    let pkg = ops::giving360_package(&grants, &names, &st.config.giving360_prefix);
    Ok(axum::Json(pkg).into_response())
}
