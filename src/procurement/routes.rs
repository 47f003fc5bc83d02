//! Procurement handlers: extract, authorize, call, render. Every tender a handler touches is
//! first offered to [`super::open_if_due`], so bids open at the first look after the deadline
//! even without the background job.

use std::collections::{HashMap, HashSet};

use axum::Json;
use axum::extract::{Multipart, Path, State};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::{Form, Query};
use maud::{Markup, html};

use super::list::{self, TenderListQuery};
use super::model::{bid, tender};
use super::rules::{self, BidForm, BidState, EvalMethod, TenderForm, TenderState};
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
}

/// An evaluator to assign.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct EvaluatorForm {
    #[serde(default)]
    email: String,
}

/// An organization acting.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct OrgIdForm {
    #[serde(default)]
    org_id: String,
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

/// A tender the signed-in viewer buys for; returns it with the user id.
async fn load_for_buyer(st: &AppState, ctx: &Ctx, id: &str) -> AppResult<(tender::Model, i64)> {
    let uid = ctx.require_user()?.actor.user_id;
    let t = fetch(st, parse_id(id)?).await?;
    require(ctx.actor(), Action::ManageTenders(t.unit_id))?;
    Ok((t, uid))
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
    let mut names: HashMap<i64, String> = HashMap::new();
    let mut rows = Vec::with_capacity(items.len());
    for t in items {
        if let std::collections::hash_map::Entry::Vacant(e) = names.entry(t.unit_id) {
            e.insert(unit_name(&st, t.unit_id).await?);
        }
        let unit_name = names.get(&t.unit_id).cloned().unwrap_or_default();
        rows.push(views::ListRow { t, unit_name });
    }
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
    let award = super::award_of(db, t.id).await?;
    let is_assigned = assigned(st, ctx, &t).await?;
    let viewer = match &ctx.user {
        None => Viewer::default(),
        Some(u) => Viewer {
            signed_in: true,
            buyer: may(ctx.actor(), Action::ManageTenders(t.unit_id)),
            admin_orgs: admin_orgs(u),
            evaluator: may(
                ctx.actor(),
                Action::ScoreBids {
                    assigned: is_assigned,
                },
            ),
            may_see_evaluation: t.opened_at.is_some()
                && may_see_evaluation(ctx, &t, is_assigned, award.is_some()),
        },
    };
    let public_ranking = award.is_some()
        && matches!(
            state_of(&t),
            TenderState::Awarded | TenderState::Contracted | TenderState::Completed
        );
    let ranking = if public_ranking {
        super::ranking(db, &t).await?.ok()
    } else {
        None
    };
    let mut challenges = Vec::new();
    for c in super::challenges(db, t.id).await? {
        let name = org_name(st, c.org_id).await?;
        challenges.push((c, name));
    }
    let contract = crate::contracts::summary_for_tender(db, t.id)
        .await?
        .map(|c| (c.id, c.state.label(lang), c.value));
    let timeline = crate::audit::timeline(db, "tender", t.id, true)
        .await?
        .into_iter()
        .map(|e| (e.at, e.action))
        .collect();
    let evaluators = if viewer.buyer {
        super::evaluators(db, t.id).await?
    } else {
        vec![]
    };
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
        unit_name: unit_name(st, t.unit_id).await?,
        criteria: super::criteria(db, t.id).await?,
        milestones: super::milestones(db, t.id).await?,
        amendments: super::amendments(db, t.id).await?,
        enquiries: super::enquiries(db, t.id).await?,
        opening: super::opening_record(db, &t).await?,
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
    };
    Ok(unprocessable(render_show(st, ctx, t, inline).await?))
}

// ---------------------------------------------------------------------------------------
// Drafting, publishing, amending, cancelling

fn blank_form(units: &[(i64, String)]) -> TenderForm {
    TenderForm {
        unit_id: match units {
            [(only, _)] => only.to_string(),
            _ => String::new(),
        },
        contract_months: "12".into(),
        min_years: "0".into(),
        ..Default::default()
    }
}

/// `GET /tenders/new`
pub async fn new_form(mut ctx: Ctx) -> AppResult<Markup> {
    let units = ctx.require_user()?.units.clone();
    require(
        ctx.actor(),
        Action::ManageTenders(units.first().map(|u| u.0).unwrap_or(0)),
    )?;
    let csrf = ctx.ensure_csrf().await?;
    let title = ctx.t("tender.new");
    let body = views::tender_form(
        ctx.lang,
        &title,
        "/tenders",
        &blank_form(&units),
        &units,
        &FieldErrors::default(),
        &csrf,
    );
    Ok(layout::page(&ctx, &title, body))
}

/// `POST /tenders`
pub async fn create(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Form(f): Form<TenderForm>,
) -> AppResult<Response> {
    let u = ctx.require_user()?;
    let (uid, units) = (u.actor.user_id, u.units.clone());
    require(
        ctx.actor(),
        Action::ManageTenders(units.first().map(|u| u.0).unwrap_or(0)),
    )?;
    let ids: Vec<i64> = units.iter().map(|u| u.0).collect();
    let now = st.clock.now();
    match rules::validate_tender(&f, &ids, now, &st.config.procurement, ctx.lang) {
        Ok(d) => {
            let id = super::create_draft(&st.db, &d, uid, now).await?;
            flash_ok(&ctx, "tender.drafted", &format!("/tenders/{id}")).await
        }
        Err(e) => {
            let csrf = ctx.ensure_csrf().await?;
            let title = ctx.t("tender.new");
            let body = views::tender_form(ctx.lang, &title, "/tenders", &f, &units, &e, &csrf);
            Ok(unprocessable(layout::page(&ctx, &title, body)))
        }
    }
}

/// `GET /tenders/{id}/edit`
pub async fn edit_form(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let (t, _) = load_for_buyer(&st, &ctx, &id).await?;
    if state_of(&t) != TenderState::Draft {
        let r = Refusal::WrongState(state_of(&t));
        return flash_refusal(&ctx, &r, &format!("/tenders/{}", t.id)).await;
    }
    let f = views::form_from(
        &t,
        &super::criteria(&st.db, t.id).await?,
        &super::milestones(&st.db, t.id).await?,
    );
    let units = ctx.require_user()?.units.clone();
    let csrf = ctx.ensure_csrf().await?;
    let title = ctx.lang.tf("tender.edit_title", &[("title", &t.title)]);
    let action = format!("/tenders/{}/edit", t.id);
    let body = views::tender_form(
        ctx.lang,
        &title,
        &action,
        &f,
        &units,
        &FieldErrors::default(),
        &csrf,
    );
    Ok(layout::page(&ctx, &title, body).into_response())
}

/// `POST /tenders/{id}/edit`
pub async fn update(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<TenderForm>,
) -> AppResult<Response> {
    let (t, uid) = load_for_buyer(&st, &ctx, &id).await?;
    let units = ctx.require_user()?.units.clone();
    let ids: Vec<i64> = units.iter().map(|u| u.0).collect();
    let now = st.clock.now();
    let to = format!("/tenders/{}", t.id);
    match rules::validate_tender(&f, &ids, now, &st.config.procurement, ctx.lang) {
        Ok(d) => match super::update_draft(&st.db, &t, &d, uid, now).await? {
            Ok(()) => flash_ok(&ctx, "tender.saved", &to).await,
            Err(r) => flash_refusal(&ctx, &r, &to).await,
        },
        Err(e) => {
            let csrf = ctx.ensure_csrf().await?;
            let title = ctx.lang.tf("tender.edit_title", &[("title", &t.title)]);
            let action = format!("/tenders/{}/edit", t.id);
            let body = views::tender_form(ctx.lang, &title, &action, &f, &units, &e, &csrf);
            Ok(unprocessable(layout::page(&ctx, &title, body)))
        }
    }
}

/// `POST /tenders/{id}/publish`
pub async fn publish(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let (t, uid) = load_for_buyer(&st, &ctx, &id).await?;
    let to = format!("/tenders/{}", t.id);
    match super::publish(&st.db, &t, &st.config.procurement, uid, st.clock.now()).await? {
        Ok(()) => flash_ok(&ctx, "tender.published_ok", &to).await,
        Err(r) => flash_refusal(&ctx, &r, &to).await,
    }
}

fn amend_page(ctx: &Ctx, t: &tender::Model, f: &AmendForm, e: &FieldErrors, csrf: &str) -> Markup {
    let title = ctx.lang.tf("tender.amend_title", &[("title", &t.title)]);
    layout::page(ctx, &title, views::amend_form(ctx.lang, t, f, e, csrf))
}

/// `GET /tenders/{id}/amend`
pub async fn amend_form(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let (t, _) = load_for_buyer(&st, &ctx, &id).await?;
    if state_of(&t) != TenderState::Published {
        let r = Refusal::WrongState(state_of(&t));
        return flash_refusal(&ctx, &r, &format!("/tenders/{}", t.id)).await;
    }
    let f = AmendForm {
        enquiry_deadline: rules::format_local(t.enquiry_deadline),
        bid_deadline: rules::format_local(t.bid_deadline),
        summary: String::new(),
    };
    let csrf = ctx.ensure_csrf().await?;
    Ok(amend_page(&ctx, &t, &f, &FieldErrors::default(), &csrf).into_response())
}

/// `POST /tenders/{id}/amend`
pub async fn amend(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<AmendForm>,
) -> AppResult<Response> {
    let (t, uid) = load_for_buyer(&st, &ctx, &id).await?;
    let lang = ctx.lang;
    let now = st.clock.now();
    let mut e = FieldErrors::default();
    let q = rules::parse_local(&f.enquiry_deadline);
    let b = rules::parse_local(&f.bid_deadline);
    if q.is_none() {
        e.add("enquiry_deadline", lang.t("tender.err.datetime"));
    }
    if b.is_none() {
        e.add("bid_deadline", lang.t("tender.err.datetime"));
    }
    let summary = rules::check_text(&f.summary, 5, 2000, lang);
    if let Err(m) = &summary {
        e.add("summary", m.clone());
    }
    if let (Some(q), Some(b)) = (q, b)
        && let Err(more) =
            rules::check_amendment(now, t.enquiry_deadline, t.bid_deadline, q, b, lang)
    {
        e.0.extend(more.0);
    }
    if let (true, Some(q), Some(b), Ok(s)) = (e.is_empty(), q, b, &summary) {
        match super::amend(&st.db, &t, q, b, s, uid, now).await? {
            Ok(()) => {
                return flash_ok(
                    &ctx,
                    "tender.amended",
                    &format!("/tenders/{}#amendments", t.id),
                )
                .await;
            }
            Err(r) => e.add("bid_deadline", r.message(lang)),
        }
    }
    let csrf = ctx.ensure_csrf().await?;
    Ok(unprocessable(amend_page(&ctx, &t, &f, &e, &csrf)))
}

/// `POST /tenders/{id}/cancel`
pub async fn cancel(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<ReasonForm>,
) -> AppResult<Response> {
    let (t, uid) = load_for_buyer(&st, &ctx, &id).await?;
    let reason = match rules::check_text(&f.reason, 5, 500, ctx.lang) {
        Ok(r) => r,
        Err(m) => return inline_error(&st, &mut ctx, t, "cancel".into(), &f.reason, "", m).await,
    };
    match super::cancel(&st.db, &t, &reason, uid, st.clock.now()).await? {
        Ok(()) => flash_ok(&ctx, "tender.cancelled", &format!("/tenders/{}", t.id)).await,
        Err(r) => {
            let m = r.message(ctx.lang);
            inline_error(&st, &mut ctx, t, "cancel".into(), &f.reason, "", m).await
        }
    }
}

// ---------------------------------------------------------------------------------------
// Enquiries

/// `POST /tenders/{id}/enquiries`
pub async fn ask(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<QuestionForm>,
) -> AppResult<Response> {
    require(ctx.actor(), Action::AskQuestion)?;
    let uid = ctx.require_user()?.actor.user_id;
    let t = load_visible(&st, &ctx, &id).await?;
    let text = match rules::check_text(&f.question, 5, 2000, ctx.lang) {
        Ok(s) => s,
        Err(m) => return inline_error(&st, &mut ctx, t, "ask".into(), &f.question, "", m).await,
    };
    match super::ask(&st.db, &t, uid, &text, st.clock.now()).await? {
        Ok(_) => flash_ok(&ctx, "tender.asked", &format!("/tenders/{}#qa", t.id)).await,
        Err(r) => {
            let m = r.message(ctx.lang);
            inline_error(&st, &mut ctx, t, "ask".into(), &f.question, "", m).await
        }
    }
}

/// `POST /tenders/{id}/enquiries/{qid}/answer`
pub async fn answer(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path((id, qid)): Path<(String, String)>,
    Form(f): Form<AnswerForm>,
) -> AppResult<Response> {
    let (t, uid) = load_for_buyer(&st, &ctx, &id).await?;
    let qid = parse_id(&qid)?;
    let form = format!("answer-{qid}");
    let text = match rules::check_text(&f.answer, 2, 5000, ctx.lang) {
        Ok(s) => s,
        Err(m) => return inline_error(&st, &mut ctx, t, form, &f.answer, "", m).await,
    };
    match super::answer(&st.db, &t, qid, &text, uid, st.clock.now()).await? {
        Ok(()) => flash_ok(&ctx, "tender.answered", &format!("/tenders/{}#qa", t.id)).await,
        Err(r) => {
            let m = r.message(ctx.lang);
            inline_error(&st, &mut ctx, t, form, &f.answer, "", m).await
        }
    }
}

// ---------------------------------------------------------------------------------------
// Bids

fn org_refusal_field(r: &Refusal) -> &'static str {
    match r {
        Refusal::Ineligible(_) => "org_id",
        Refusal::File(_) => "file",
        _ => "bid",
    }
}

async fn render_bid_page(
    st: &AppState,
    ctx: &mut Ctx,
    t: tender::Model,
    form: BidForm,
    errors: FieldErrors,
) -> AppResult<Markup> {
    let lang = ctx.lang;
    let orgs = admin_orgs(ctx.require_user()?);
    let today = st.clock.today();
    let mut out = Vec::with_capacity(orgs.len());
    for (org_id, name) in orgs {
        let why = super::why_ineligible(&st.db, &t, org_id, today)
            .await?
            .iter()
            .map(|w| w.message(lang))
            .collect();
        let mut bids = Vec::new();
        for b in super::bids_of_org_on(&st.db, t.id, org_id).await? {
            let check = if b.opened_salt.is_some() {
                super::verify_opened_bid(&st.db, b.id).await?
            } else {
                None
            };
            let files = list::files_of_bid(&st.db, b.id).await?;
            bids.push((b, check, files));
        }
        out.push(views::OrgBids {
            org_id,
            name,
            why,
            bids,
        });
    }
    let csrf = ctx.ensure_csrf().await?;
    let p = views::BidPage {
        open: state_of(&t) == TenderState::Published && st.clock.now() < t.bid_deadline,
        orgs: out,
        form,
        errors,
        csrf,
        t,
    };
    let title = lang.tf("bid.title", &[("title", &p.t.title)]);
    Ok(layout::page(ctx, &title, views::bid_page(lang, &p)))
}

/// The tender for a bidder's page: visible, and the user administers some organization.
async fn load_for_bidder(st: &AppState, ctx: &Ctx, id: &str) -> AppResult<(tender::Model, i64)> {
    let u = ctx.require_user()?;
    let uid = u.actor.user_id;
    let first = admin_orgs(u).first().map(|o| o.0).unwrap_or(0);
    require(ctx.actor(), Action::BidFor(first))?;
    let t = load_visible(st, ctx, id).await?;
    Ok((t, uid))
}

/// `GET /tenders/{id}/bid`
pub async fn bid_form(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Markup> {
    let (t, _) = load_for_bidder(&st, &ctx, &id).await?;
    let orgs = admin_orgs(ctx.require_user()?);
    let form = BidForm {
        org_id: match orgs.as_slice() {
            [(only, _)] => only.to_string(),
            _ => String::new(),
        },
        ..Default::default()
    };
    render_bid_page(&st, &mut ctx, t, form, FieldErrors::default()).await
}

fn receipt_page(ctx: &Ctx, t: &tender::Model, org: &str, r: &super::Receipt) -> Response {
    let title = ctx.t("bid.receipt_title");
    layout::page(ctx, &title, views::receipt(ctx.lang, t, org, r)).into_response()
}

/// `POST /tenders/{id}/bid`
pub async fn submit_bid(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<BidForm>,
) -> AppResult<Response> {
    let (t, uid) = load_for_bidder(&st, &ctx, &id).await?;
    let lang = ctx.lang;
    let orgs = admin_orgs(ctx.require_user()?);
    let org = form_id(&f.org_id);
    let mut e = FieldErrors::default();
    if org == 0 {
        e.add("org_id", lang.t("form.choose"));
    } else {
        require(ctx.actor(), Action::BidFor(org))?;
    }
    let valid = rules::validate_bid(&f, Fen(t.budget_fen), lang);
    if let Err(more) = &valid {
        e.0.extend(more.0.iter().cloned());
    }
    if let (true, Ok((price, proposal))) = (e.is_empty(), &valid) {
        let now = st.clock.now();
        match super::submit_bid(
            &st.db,
            &st.seal,
            &t,
            org,
            *price,
            proposal,
            uid,
            now,
            st.clock.today(),
        )
        .await?
        {
            Ok(r) => {
                let name = orgs
                    .iter()
                    .find(|o| o.0 == org)
                    .map(|o| o.1.clone())
                    .unwrap_or_default();
                return Ok(receipt_page(&ctx, &t, &name, &r));
            }
            Err(r) => e.add(org_refusal_field(&r), r.message(lang)),
        }
    }
    Ok(unprocessable(
        render_bid_page(&st, &mut ctx, t, f, e).await?,
    ))
}

/// `POST /tenders/{id}/bid/withdraw`
pub async fn withdraw_bid(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<OrgIdForm>,
) -> AppResult<Response> {
    let (t, uid) = load_for_bidder(&st, &ctx, &id).await?;
    let org = chosen_org(&ctx, &f.org_id)?;
    let to = format!("/tenders/{}/bid", t.id);
    match super::withdraw_bid(&st.db, &t, org, uid, st.clock.now()).await? {
        Ok(()) => flash_ok(&ctx, "bid.withdrawn", &to).await,
        Err(r) => flash_refusal(&ctx, &r, &to).await,
    }
}

/// The last path segment of an uploaded file's name, trimmed and bounded.
fn clean_file_name(s: &str) -> String {
    let base = s.rsplit(['/', '\\']).next().unwrap_or("").trim();
    base.chars().filter(|c| !c.is_control()).take(200).collect()
}

/// What a multipart upload carried: the organization, and the file (name, at most
/// `MAX_FILE_BYTES + 1` bytes).
async fn read_upload(
    mp: &mut Multipart,
    lang: Lang,
) -> Result<(String, Option<(String, Vec<u8>)>), String> {
    let broken = |e: axum::extract::multipart::MultipartError| {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            lang.tf("bid.err.file_size", &[("max", "5 MB")])
        } else {
            lang.t("bid.err.upload")
        }
    };
    let mut org = String::new();
    let mut file = None;
    while let Some(mut field) = mp.next_field().await.map_err(broken)? {
        match field.name() {
            Some("org_id") => org = field.text().await.map_err(broken)?,
            Some("file") => {
                let name = clean_file_name(field.file_name().unwrap_or(""));
                let mut buf: Vec<u8> = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(broken)? {
                    let room = rules::MAX_FILE_BYTES + 1 - buf.len();
                    buf.extend_from_slice(&chunk[..chunk.len().min(room)]);
                    if buf.len() > rules::MAX_FILE_BYTES {
                        break;
                    }
                }
                if !(name.is_empty() && buf.is_empty()) {
                    file = Some((name, buf));
                }
            }
            _ => {}
        }
    }
    Ok((org, file))
}

/// `POST /tenders/{id}/bid/files?_csrf=…` (multipart: `org_id`, `file`)
pub async fn upload_file(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    mp: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> AppResult<Response> {
    // Who may upload is decided before the body is looked at.
    let (t, uid) = load_for_bidder(&st, &ctx, &id).await?;
    let mut mp = mp.map_err(|_| AppError::BadRequest(ctx.t("bid.err.no_file")))?;
    let lang = ctx.lang;
    let mut e = FieldErrors::default();
    let (org_field, file) = match read_upload(&mut mp, lang).await {
        Ok(x) => x,
        Err(m) => {
            e.add("file", m);
            (String::new(), None)
        }
    };
    if e.is_empty() {
        let org = chosen_org(&ctx, &org_field)?;
        match file {
            None => e.add("file", lang.t("bid.err.no_file")),
            Some((name, bytes)) => {
                let now = st.clock.now();
                match super::attach_file(&st.db, &st.seal, &t, org, &name, &bytes, uid, now, lang)
                    .await?
                {
                    Ok(r) => {
                        let name = org_name(&st, org).await?;
                        return Ok(receipt_page(&ctx, &t, &name, &r));
                    }
                    Err(r) => e.add(org_refusal_field(&r), r.message(lang)),
                }
            }
        }
    }
    let form = BidForm {
        org_id: org_field,
        ..Default::default()
    };
    Ok(unprocessable(
        render_bid_page(&st, &mut ctx, t, form, e).await?,
    ))
}

// ---------------------------------------------------------------------------------------
// Evaluation and award

/// `POST /tenders/{id}/evaluators`
pub async fn assign_evaluator(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<EvaluatorForm>,
) -> AppResult<Response> {
    let (t, uid) = load_for_buyer(&st, &ctx, &id).await?;
    let email = crate::accounts::normalize_email(&f.email);
    let Some(user) = crate::accounts::find_by_email(&st.db, &email).await? else {
        let m = ctx.lang.tf("eval.err.unknown_user", &[("email", &email)]);
        return inline_error(&st, &mut ctx, t, "evaluator".into(), &f.email, "", m).await;
    };
    match super::assign_evaluator(&st.db, &t, user.id, uid, st.clock.now()).await? {
        Ok(()) => {
            ctx.set_flash(
                "success",
                ctx.lang
                    .tf("eval.assigned", &[("name", &user.display_name)]),
            )
            .await?;
            Ok(see_other(&format!("/tenders/{}", t.id)))
        }
        Err(r) => {
            let m = r.message(ctx.lang);
            inline_error(&st, &mut ctx, t, "evaluator".into(), &f.email, "", m).await
        }
    }
}

/// The scoring problems a buyer meets in practice get a sentence in their language; the
/// others are internal-consistency errors and keep their technical text.
fn score_error_message(e: &scoring::ScoreError, lang: Lang) -> String {
    match e {
        scoring::ScoreError::NoEvaluators => lang.t("eval.err.no_scores"),
        scoring::ScoreError::IncompleteScoring {
            bid_id,
            evaluator_id,
            ..
        } => lang.tf(
            "eval.err.incomplete",
            &[
                ("bid", &bid_id.to_string()),
                ("evaluator", &evaluator_id.to_string()),
            ],
        ),
        other => other.to_string(),
    }
}

async fn render_evaluation(
    st: &AppState,
    ctx: &mut Ctx,
    t: tender::Model,
    award_form: AwardForm,
    disqualify: Option<(i64, String)>,
    errors: FieldErrors,
) -> AppResult<Markup> {
    let db = &st.db;
    let award = super::award_of(db, t.id).await?;
    let is_assigned = assigned(st, ctx, &t).await?;
    if !may_see_evaluation(ctx, &t, is_assigned, award.is_some()) {
        return Err(if ctx.user.is_none() {
            AppError::LoginRequired
        } else {
            AppError::Forbidden
        });
    }
    let buyer = may(ctx.actor(), Action::ManageTenders(t.unit_id));
    let csrf = if buyer {
        Some(ctx.ensure_csrf().await?)
    } else {
        None
    };
    let p = views::EvalPage {
        opening: super::opening_record(db, &t).await?,
        bids: super::opened_bids(db, t.id).await?,
        ranking: super::ranking(db, &t)
            .await?
            .map_err(|e| score_error_message(&e, ctx.lang)),
        evaluators: super::evaluators(db, t.id).await?,
        award,
        buyer,
        csrf,
        award_form,
        disqualify,
        errors,
        t,
    };
    let title = ctx.lang.tf("eval.report_title", &[("title", &p.t.title)]);
    Ok(layout::page(
        ctx,
        &title,
        views::evaluation_page(ctx.lang, &p),
    ))
}

/// `GET /tenders/{id}/evaluation`
pub async fn evaluation(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Markup> {
    let t = load_visible(&st, &ctx, &id).await?;
    render_evaluation(
        &st,
        &mut ctx,
        t,
        AwardForm::default(),
        None,
        FieldErrors::default(),
    )
    .await
}

/// `POST /tenders/{id}/bids/{bid}/disqualify`
pub async fn disqualify(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path((id, bid_id)): Path<(String, String)>,
    Form(f): Form<ReasonForm>,
) -> AppResult<Response> {
    let (t, uid) = load_for_buyer(&st, &ctx, &id).await?;
    let bid_id = parse_id(&bid_id)?;
    let mut e = FieldErrors::default();
    match rules::check_text(&f.reason, 5, 500, ctx.lang) {
        Err(m) => e.add("reason", m),
        Ok(reason) => {
            match super::disqualify(&st.db, &t, bid_id, &reason, uid, st.clock.now()).await? {
                Ok(()) => {
                    return flash_ok(
                        &ctx,
                        "eval.disqualified",
                        &format!("/tenders/{}/evaluation", t.id),
                    )
                    .await;
                }
                Err(r) => e.add("reason", r.message(ctx.lang)),
            }
        }
    }
    let page = render_evaluation(
        &st,
        &mut ctx,
        t,
        AwardForm::default(),
        Some((bid_id, f.reason)),
        e,
    )
    .await?;
    Ok(unprocessable(page))
}

/// `POST /tenders/{id}/award`
pub async fn award(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<AwardForm>,
) -> AppResult<Response> {
    let (t, uid) = load_for_buyer(&st, &ctx, &id).await?;
    let lang = ctx.lang;
    let mut e = FieldErrors::default();
    let bid_id = form_id(&f.bid_id);
    if bid_id == 0 {
        e.add("bid_id", lang.t("form.choose"));
    }
    let justification = f.justification.trim();
    if justification.chars().count() > 2000 {
        e.add(
            "justification",
            lang.tf("form.too_long", &[("max", "2000")]),
        );
    }
    if e.is_empty() {
        match crate::contracts::award(
            &st.db,
            &t,
            bid_id,
            justification,
            &st.config.procurement,
            uid,
            st.clock.now(),
        )
        .await?
        {
            Ok(_) => {
                return flash_ok(&ctx, "award.done", &format!("/tenders/{}#award", t.id)).await;
            }
            Err(Refusal::JustificationRequired) => e.add(
                "justification",
                Refusal::JustificationRequired.message(lang),
            ),
            Err(r) => e.add("bid_id", r.message(lang)),
        }
    }
    Ok(unprocessable(
        render_evaluation(&st, &mut ctx, t, f, None, e).await?,
    ))
}

// ---------------------------------------------------------------------------------------
// Scoring

async fn render_score(
    st: &AppState,
    ctx: &mut Ctx,
    t: tender::Model,
    values: HashMap<String, String>,
    bad: HashSet<String>,
    errors: FieldErrors,
) -> AppResult<Markup> {
    let db = &st.db;
    let opening = super::opening_record(db, &t).await?;
    let bids: Vec<(bid::Model, String)> = super::opened_bids(db, t.id)
        .await?
        .into_iter()
        .filter(|b| b.state == BidState::Opened.code())
        .map(|b| {
            let name = opening
                .iter()
                .find(|l| l.bid_id == b.id)
                .map(|l| l.org_name.clone())
                .unwrap_or_default();
            (b, name)
        })
        .collect();
    let criteria = if t.eval_method == EvalMethod::Comprehensive.code() {
        super::criteria(db, t.id).await?
    } else {
        vec![]
    };
    let csrf = ctx.ensure_csrf().await?;
    let mut files = HashMap::new();
    for (b, _) in &bids {
        files.insert(b.id, list::files_of_bid(&st.db, b.id).await?);
    }
    let p = views::ScorePage {
        open: state_of(&t) == TenderState::Evaluating,
        files,
        bids,
        criteria,
        values,
        bad,
        errors,
        csrf,
        t,
    };
    let title = ctx.lang.tf("eval.score_title", &[("title", &p.t.title)]);
    Ok(layout::page(ctx, &title, views::score_page(ctx.lang, &p)))
}

/// `GET /tenders/{id}/bids/{bid}/files/{fid}`: an attachment of an opened bid, for the
/// tender's buyers, assigned evaluators, regulators and the bidder's own members. Before
/// opening there is nothing to download (404).
pub async fn download_file(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, bid_id, file_id)): Path<(String, String, String)>,
) -> AppResult<Response> {
    let t = load_visible(&st, &ctx, &id).await?;
    let (bid_id, file_id) = (parse_id(&bid_id)?, parse_id(&file_id)?);
    use sea_orm::EntityTrait;
    let b = bid::Entity::find_by_id(bid_id)
        .one(&st.db)
        .await?
        .filter(|b| b.tender_id == t.id)
        .ok_or(AppError::NotFound)?;
    let is_assigned = assigned(&st, &ctx, &t).await?;
    if !(may_see_evaluation(&ctx, &t, is_assigned, false)
        || may(ctx.actor(), Action::ViewOrgBids(b.org_id)))
    {
        return Err(if ctx.user.is_none() {
            AppError::LoginRequired
        } else {
            AppError::Forbidden
        });
    }
    let (name, mime, bytes) = super::open_file(&st.db, &st.seal, b.id, file_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let disposition = format!(
        "attachment; filename=\"file\"; filename*=UTF-8''{}",
        crate::web::middleware::urlencode(&name)
    );
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    for (k, v) in [
        (axum::http::header::CONTENT_TYPE, mime),
        (axum::http::header::CONTENT_DISPOSITION, disposition),
        (
            axum::http::header::CACHE_CONTROL,
            "private, no-store".to_string(),
        ),
    ] {
        if let Ok(v) = axum::http::HeaderValue::from_str(&v) {
            h.insert(k, v);
        }
    }
    Ok(res)
}

async fn load_for_evaluator(st: &AppState, ctx: &Ctx, id: &str) -> AppResult<(tender::Model, i64)> {
    let uid = ctx.require_user()?.actor.user_id;
    let t = load_visible(st, ctx, id).await?;
    let is_assigned = super::is_evaluator(&st.db, t.id, uid).await?;
    require(
        ctx.actor(),
        Action::ScoreBids {
            assigned: is_assigned,
        },
    )?;
    Ok((t, uid))
}

/// `GET /tenders/{id}/score`
pub async fn score_form(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Markup> {
    let (t, uid) = load_for_evaluator(&st, &ctx, &id).await?;
    let values = super::scores_by(&st.db, t.id, uid)
        .await?
        .into_iter()
        .map(|s| {
            (
                format!("p_{}_{}", s.bid_id, s.criterion_id),
                s.points.to_string(),
            )
        })
        .collect();
    render_score(
        &st,
        &mut ctx,
        t,
        values,
        HashSet::new(),
        FieldErrors::default(),
    )
    .await
}

/// `POST /tenders/{id}/score` (fields `p_{bid}_{criterion}`)
pub async fn save_scores(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let (t, uid) = load_for_evaluator(&st, &ctx, &id).await?;
    let lang = ctx.lang;
    let crits = super::criteria(&st.db, t.id).await?;
    let bids: Vec<i64> = super::opened_bids(&st.db, t.id)
        .await?
        .into_iter()
        .map(|b| b.id)
        .collect();
    let mut values = HashMap::new();
    let mut bad = HashSet::new();
    let mut unknown = 0;
    let mut points = Vec::new();
    for (k, v) in fields {
        let Some(rest) = k.strip_prefix("p_") else {
            continue;
        };
        let target = rest
            .split_once('_')
            .and_then(|(b, c)| Some((b.parse::<i64>().ok()?, c.parse::<i64>().ok()?)))
            .filter(|(b, _)| bids.contains(b))
            .and_then(|(b, c)| crits.iter().find(|x| x.id == c).map(|cr| (b, cr)));
        match target {
            None => unknown += 1,
            Some(_) if v.trim().is_empty() => {}
            Some((b, cr)) => match scoring::parse_points(&v).filter(|p| *p <= i32::from(cr.weight))
            {
                Some(p) => points.push((b, cr.id, p)),
                None => {
                    bad.insert(k.clone());
                }
            },
        }
        values.insert(k, v);
    }
    let mut e = FieldErrors::default();
    if !bad.is_empty() {
        e.add(
            "points",
            lang.tf("eval.err.points", &[("n", &bad.len().to_string())]),
        );
    }
    if unknown > 0 {
        e.add("points", lang.t("eval.err.unknown_field"));
    }
    if e.is_empty() {
        match super::save_scores(&st.db, &t, uid, &points, st.clock.now()).await? {
            Ok(()) => {
                return flash_ok(&ctx, "eval.saved", &format!("/tenders/{}/score", t.id)).await;
            }
            Err(r) => e.add("points", r.message(lang)),
        }
    }
    Ok(unprocessable(
        render_score(&st, &mut ctx, t, values, bad, e).await?,
    ))
}

// ---------------------------------------------------------------------------------------
// Challenges

/// `POST /tenders/{id}/challenges`
pub async fn file_challenge(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<ChallengeForm>,
) -> AppResult<Response> {
    let (t, uid) = load_for_bidder(&st, &ctx, &id).await?;
    let org = chosen_org(&ctx, &f.org_id)?;
    let text = match rules::check_text(&f.text, 10, 5000, ctx.lang) {
        Ok(s) => s,
        Err(m) => {
            return inline_error(&st, &mut ctx, t, "challenge".into(), &f.text, &f.org_id, m).await;
        }
    };
    match super::file_challenge(&st.db, &t, org, &text, uid, st.clock.now()).await? {
        Ok(_) => {
            flash_ok(
                &ctx,
                "challenge.filed",
                &format!("/tenders/{}#challenges", t.id),
            )
            .await
        }
        Err(r) => {
            let m = r.message(ctx.lang);
            inline_error(&st, &mut ctx, t, "challenge".into(), &f.text, &f.org_id, m).await
        }
    }
}

/// `POST /tenders/{id}/challenges/{cid}/answer`
pub async fn answer_challenge(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path((id, cid)): Path<(String, String)>,
    Form(f): Form<AnswerForm>,
) -> AppResult<Response> {
    let (t, uid) = load_for_buyer(&st, &ctx, &id).await?;
    let cid = parse_id(&cid)?;
    let form = format!("challenge-answer-{cid}");
    let text = match rules::check_text(&f.answer, 5, 5000, ctx.lang) {
        Ok(s) => s,
        Err(m) => return inline_error(&st, &mut ctx, t, form, &f.answer, "", m).await,
    };
    match super::answer_challenge(&st.db, &t, cid, &text, uid, st.clock.now()).await? {
        Ok(()) => {
            flash_ok(
                &ctx,
                "challenge.answered",
                &format!("/tenders/{}#challenges", t.id),
            )
            .await
        }
        Err(r) => {
            let m = r.message(ctx.lang);
            inline_error(&st, &mut ctx, t, form, &f.answer, "", m).await
        }
    }
}

// ---------------------------------------------------------------------------------------
// JSON

fn iso(unix: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
        .to_offset(crate::kernel::clock::SHANGHAI)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// A tender in the public list.
#[derive(Debug, serde::Serialize)]
pub struct TenderSummaryJson {
    id: i64,
    url: String,
    title: String,
    unit_id: i64,
    unit_name: String,
    domain: String,
    domain_label: String,
    division_code: String,
    division_name: String,
    budget_fen: i64,
    budget: String,
    method: String,
    eval_method: String,
    state: String,
    ocds_status: String,
    published_at: Option<String>,
    enquiry_deadline: String,
    bid_deadline: String,
}

fn summary_json(t: &tender::Model, unit_name: String, lang: Lang) -> TenderSummaryJson {
    let s = state_of(t);
    TenderSummaryJson {
        id: t.id,
        url: format!("/tenders/{}", t.id),
        title: t.title.clone(),
        unit_id: t.unit_id,
        unit_name,
        domain: t.domain.clone(),
        domain_label: crate::orgs::domain_label(&t.domain, lang),
        division_code: t.division_code.clone(),
        division_name: crate::regions::regions().path(&t.division_code, lang),
        budget_fen: t.budget_fen,
        budget: Fen(t.budget_fen).to_string(),
        method: t.method.clone(),
        eval_method: t.eval_method.clone(),
        state: s.code().to_string(),
        ocds_status: s.ocds().to_string(),
        published_at: t.published_at.map(iso),
        enquiry_deadline: iso(t.enquiry_deadline),
        bid_deadline: iso(t.bid_deadline),
    }
}

/// `GET /api/v1/tenders`
pub async fn api_list(
    State(st): State<AppState>,
    lang: Lang,
    Query(q): Query<TenderListQuery>,
) -> AppResult<Response> {
    let f = list::parse_list_query(&q);
    let (items, total) = list::list_public(&st.db, &f).await?;
    let mut out = Vec::with_capacity(items.len());
    for t in &items {
        out.push(summary_json(t, unit_name(&st, t.unit_id).await?, lang));
    }
    Ok(Json(serde_json::json!({
        "items": out,
        "total": total,
        "page": f.page,
        "per_page": list::PAGE_SIZE,
        "pages": total.div_ceil(list::PAGE_SIZE),
    }))
    .into_response())
}

/// `GET /api/v1/tenders/{id}`
pub async fn api_show(
    State(st): State<AppState>,
    lang: Lang,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let t = fetch(&st, parse_id(&id)?).await?;
    if state_of(&t) == TenderState::Draft {
        return Err(AppError::NotFound);
    }
    let db = &st.db;
    let criteria: Vec<_> = super::criteria(db, t.id)
        .await?
        .into_iter()
        .map(|c| serde_json::json!({ "name": c.name, "weight": c.weight }))
        .collect();
    let milestones: Vec<_> = super::milestones(db, t.id)
        .await?
        .into_iter()
        .map(|m| serde_json::json!({ "name": m.name, "percent_bp": m.percent_bp }))
        .collect();
    let amendments: Vec<_> = super::amendments(db, t.id)
        .await?
        .into_iter()
        .map(|a| {
            serde_json::json!({
                "at": iso(a.at), "summary": a.summary,
                "old_bid_deadline": iso(a.old_bid_deadline), "new_bid_deadline": iso(a.new_bid_deadline),
            })
        })
        .collect();
    let enquiries: Vec<_> = super::enquiries(db, t.id)
        .await?
        .into_iter()
        .map(|q| {
            serde_json::json!({
                "question": q.question, "asked_at": iso(q.asked_at),
                "answer": q.answer, "answered_at": q.answered_at.map(iso),
            })
        })
        .collect();
    let opening = if t.opened_at.is_some() {
        let lines: Vec<_> = super::opening_record(db, &t)
            .await?
            .into_iter()
            .map(|l| {
                serde_json::json!({
                    "bid_id": l.bid_id, "org_id": l.org_id, "org_name": l.org_name,
                    "price_fen": l.price_fen, "state": l.state, "commitment": l.commitment,
                })
            })
            .collect();
        Some(lines)
    } else {
        None
    };
    let award = match super::award_of(db, t.id).await? {
        Some(a) => {
            let org = super::opening_record(db, &t)
                .await?
                .into_iter()
                .find(|l| l.bid_id == a.bid_id);
            Some(serde_json::json!({
                "bid_id": a.bid_id,
                "org_id": org.as_ref().map(|l| l.org_id),
                "org_name": org.map(|l| l.org_name),
                "value_fen": a.value_fen,
                "awarded_at": iso(a.awarded_at),
                "standstill_ends_at": iso(a.standstill_ends_at),
                "justification": a.justification,
            }))
        }
        None => None,
    };
    let contract = crate::contracts::summary_for_tender(db, t.id)
        .await?
        .map(|c| serde_json::json!({ "id": c.id, "url": format!("/contracts/{}", c.id), "state": c.state }));
    let el = super::eligibility_of(&t);
    let summary = summary_json(&t, unit_name(&st, t.unit_id).await?, lang);
    Ok(Json(serde_json::json!({
        "tender": summary,
        "description": t.description,
        "price_weight": t.price_weight,
        "criteria": criteria,
        "milestones": milestones,
        "eligibility": {
            "min_grade": el.min_grade,
            "social_only": el.social_only,
            "allowed_leagues": el.allowed_leagues,
            "min_years": el.min_years,
            "text": views::eligibility_lines(&t, lang),
        },
        "contract_months": t.contract_months,
        "opened_at": t.opened_at.map(iso),
        "state_reason": t.state_reason,
        "amendments": amendments,
        "enquiries": enquiries,
        "opening": opening,
        "award": award,
        "contract": contract,
    }))
    .into_response())
}

// ---------------------------------------------------------------------------------------
// Workspace

/// The procurement panels of the `/me` page: the buyer's tenders by state, open tenders the
/// user's organizations may bid on, their bids with receipts, and tenders to score.
pub async fn workspace_sections(st: &AppState, ctx: &Ctx) -> AppResult<Markup> {
    let Some(u) = &ctx.user else {
        return Ok(html! {});
    };
    let db = &st.db;
    let (now, today) = (st.clock.now(), st.clock.today());
    let mut w = views::Workspace::default();
    if !u.units.is_empty() {
        w.buyer = Some(list::tenders_of_units(db, &unit_ids(u)).await?);
    }
    let admin = admin_orgs(u);
    if !admin.is_empty() {
        let mut facts = Vec::new();
        for (id, name) in &admin {
            if let Some(f) = super::org_facts(db, *id).await? {
                facts.push((name.clone(), f));
            }
        }
        let mut open = Vec::new();
        for t in list::open_for_bids(db, now, 300).await? {
            let el = super::eligibility_of(&t);
            let names: Vec<String> = facts
                .iter()
                .filter(|(_, f)| rules::eligibility(&el, f, today).is_empty())
                .map(|(n, _)| n.clone())
                .collect();
            if !names.is_empty() {
                open.push((t, names));
                if open.len() == 10 {
                    break;
                }
            }
        }
        w.open = Some(open);
    }
    if !u.orgs.is_empty() {
        let mut bids = Vec::new();
        for (org_id, name, _) in &u.orgs {
            if may(ctx.actor(), Action::ViewOrgBids(*org_id)) {
                for (b, t) in super::bids_of_org(db, *org_id).await? {
                    bids.push((b, t, name.clone()));
                }
            }
        }
        bids.sort_by_key(|(b, _, _)| std::cmp::Reverse(b.submitted_at));
        bids.truncate(50);
        w.bids = Some(bids);
    }
    if u.actor.has(Role::Evaluator) {
        w.evaluator = Some(list::tenders_of_evaluator(db, u.actor.user_id).await?);
    }
    Ok(views::workspace(ctx.lang, &w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_cleaned() {
        assert_eq!(clean_file_name("C:\\Users\\a\\方案.pdf"), "方案.pdf");
        assert_eq!(clean_file_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_file_name(" a\u{0}b.pdf "), "ab.pdf");
        assert_eq!(form_id("12"), 12);
        assert_eq!(form_id("-1"), 0);
        assert_eq!(form_id("x"), 0);
    }

    #[test]
    fn iso_is_shanghai_time() {
        assert_eq!(iso(1_795_780_800), "2026-11-27T20:00:00+08:00");
    }
}
