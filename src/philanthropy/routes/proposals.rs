//! Handlers of proposals (applications to calls): the application form, the proposal page
//! with the applicant's revision form and the organizer's screening and decision forms, the
//! comparison of two revisions, and the organizer's list with batch determination. A
//! proposal the asker may not see answers like a missing one (404); visitors are asked to
//! log in first.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use maud::Markup;

use crate::accounts::{Action, OrgRole, Role, may, require};
use crate::kernel::error::{AppError, AppResult, FieldErrors};
use crate::kernel::money::Fen;
use crate::philanthropy::model::Call;
use crate::philanthropy::proposal_model::{self as model, Proposal};
use crate::philanthropy::proposal_rules::{
    self as rules, BatchForm, ProposalForm, ProposalState, ScreenItem, Stage, Step, StepForm,
    WithdrawForm,
};
use crate::philanthropy::proposals as ops;
use crate::philanthropy::reviewing;
use crate::philanthropy::views::proposals::ReviewPanel;
use crate::philanthropy::views::proposals::{self as views, Failed, ProposalPage};
use crate::philanthropy::views::reviewing::ReviewerForm;
use crate::philanthropy::{CallState, Phase};
use crate::reviews::SubjectKind;
use crate::web::{AppState, Ctx, Form, Query, layout, parse_id, see_other, unprocessable};

fn one(field: &'static str, message: String) -> FieldErrors {
    let mut e = FieldErrors::default();
    e.add(field, message);
    e
}

/// The organizations the user administers, with their registry name and USCC (the form
/// shows them; what is stored comes from the registry).
async fn admin_orgs(st: &AppState, ctx: &Ctx) -> AppResult<Vec<(i64, String, String)>> {
    let Some(a) = ctx.actor() else {
        return Ok(vec![]);
    };
    let ids: Vec<i64> = a
        .orgs
        .iter()
        .filter(|(id, _)| a.org_role(*id) == Some(OrgRole::Admin))
        .map(|(id, _)| *id)
        .collect();
    Ok(crate::orgs::rows_by_ids(&st.db, &ids)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name, o.uscc))
        .collect())
}

/// A call one may apply to: a draft is its organizer's alone (404 for anyone else).
async fn load_call(st: &AppState, ctx: &Ctx, id: &str) -> AppResult<Call> {
    let c = crate::philanthropy::get(&st.db, parse_id(id)?)
        .await?
        .ok_or(AppError::NotFound)?;
    if crate::philanthropy::state_of(&c) == CallState::Draft
        && !super::acts_for(ctx, crate::philanthropy::organizer_of(&c))
    {
        return Err(AppError::NotFound);
    }
    Ok(c)
}

fn terms(st: &AppState, c: &Call) -> rules::CallTerms {
    ops::terms_of(c, st.config.proposal_admin_cap_bp)
}

async fn apply_page(
    st: &AppState,
    ctx: &mut Ctx,
    c: &Call,
    f: &ProposalForm,
    e: &FieldErrors,
) -> AppResult<Markup> {
    let csrf = ctx.ensure_csrf().await?;
    let orgs = admin_orgs(st, ctx).await?;
    let now = st.clock.now();
    let body = views::apply_page(
        ctx.lang,
        c,
        crate::philanthropy::phase_of(c, now),
        &terms(st, c),
        f,
        e,
        &orgs,
        &csrf,
    );
    Ok(layout::page(
        ctx,
        &ctx.lang.tf("proposal.apply_title", &[("title", &c.title)]),
        body,
    ))
}

/// `GET /calls/{id}/apply`
pub async fn apply_form(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Markup> {
    require(ctx.actor(), Action::ApplyToCall)?;
    let c = load_call(&st, &ctx, &id).await?;
    let orgs = admin_orgs(&st, &ctx).await?;
    let f = ProposalForm {
        kind: if orgs.is_empty() { "group" } else { "org" }.into(),
        // The one organization the user administers is prefilled from the registry.
        org_id: match orgs.as_slice() {
            [(only, _, _)] => only.to_string(),
            _ => String::new(),
        },
        ..Default::default()
    };
    apply_page(&st, &mut ctx, &c, &f, &FieldErrors::default()).await
}

/// Why a proposal in `stage` may not be written now: outside the call's window, or for a
/// two-stage call's full proposal, after the full-proposal deadline (or the call cancelled).
fn window_errors(ctx: &Ctx, c: &Call, stage: Stage, now: i64) -> Option<FieldErrors> {
    if c.two_stage && stage == Stage::Full {
        let state = crate::philanthropy::state_of(c);
        if !matches!(state, CallState::Published | CallState::Closed) {
            return Some(one("window", ctx.t("proposal.err.window")));
        }
        return (now >= ops::deadline_of(c, stage))
            .then(|| ops::ApplyRefusal::FullDeadline(ops::deadline_of(c, stage)).field(ctx.lang))
            .map(|(f, m)| one(f, m));
    }
    (crate::philanthropy::phase_of(c, now) != Phase::Open)
        .then(|| one("window", ctx.t("proposal.err.window")))
}

/// `POST /calls/{id}/apply`: a draft or a submission, or the form back with a message per
/// field (422) and nothing written.
pub async fn apply(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<ProposalForm>,
) -> AppResult<Response> {
    require(ctx.actor(), Action::ApplyToCall)?;
    let uid = ctx.require_user()?.actor.user_id;
    let c = load_call(&st, &ctx, &id).await?;
    let now = st.clock.now();
    let orgs: Vec<i64> = admin_orgs(&st, &ctx).await?.iter().map(|o| o.0).collect();
    let stage = Stage::first(c.two_stage);
    let res = match window_errors(&ctx, &c, stage, now) {
        Some(e) => Err(e),
        None => match rules::validate_for(&f, &orgs, &terms(&st, &c), stage, ctx.lang) {
            Err(e) => Err(e),
            Ok(d) => ops::apply(&st.db, &c, uid, &d, now).await?.map_err(|r| {
                let (field, m) = r.field(ctx.lang);
                one(field, m)
            }),
        },
    };
    match res {
        Ok(pid) => {
            let key = if f.action.trim() == "submit" {
                if stage == Stage::Concept {
                    "proposal.concept_submitted"
                } else {
                    "proposal.submitted"
                }
            } else {
                "proposal.draft_saved"
            };
            ctx.set_flash("success", ctx.t(key)).await?;
            Ok(see_other(&format!("/proposals/{pid}")))
        }
        Err(e) => Ok(unprocessable(apply_page(&st, &mut ctx, &c, &f, &e).await?)),
    }
}

/// A proposal the asker may see, with its call and the asker's relation to it.
struct Seen {
    p: Proposal,
    c: Call,
    /// May edit and submit it.
    editor: bool,
    /// Acts for the call's organizer.
    organizer: bool,
}

/// Loads a proposal for the signed-in user: log in for visitors, and "not found" alike for
/// missing ids and proposals the user may not see (a draft is the applicant's alone).
async fn seen(st: &AppState, ctx: &Ctx, id: &str) -> AppResult<Seen> {
    let actor = ctx.actor().ok_or(AppError::LoginRequired)?;
    let p = model::get(&st.db, parse_id(id)?)
        .await?
        .ok_or(AppError::NotFound)?;
    let c = crate::philanthropy::get(&st.db, p.call_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let role = p.org_id.and_then(|o| actor.org_role(o));
    let applied = p.applicant_id == actor.user_id;
    let own = applied || role.is_some();
    let organizer = p.state().visible_to_organizer()
        && super::acts_for(ctx, crate::philanthropy::organizer_of(&c));
    // An assigned reviewer reads what they score (while assigned, in any state after).
    let reviewer = !own
        && !organizer
        && crate::reviews::is_reviewer(&st.db, SubjectKind::Proposal, p.id, actor.user_id).await?;
    if !may(Some(actor), Action::ViewProposal { own, organizer })
        && !may(Some(actor), Action::ScoreReview { assigned: reviewer })
    {
        return Err(AppError::NotFound);
    }
    let editor = may(
        Some(actor),
        Action::EditProposal {
            own: applied || role == Some(OrgRole::Admin),
        },
    );
    Ok(Seen {
        p,
        c,
        editor,
        organizer,
    })
}

async fn proposal_page(
    st: &AppState,
    ctx: &mut Ctx,
    s: &Seen,
    failed: &Failed<'_>,
) -> AppResult<Markup> {
    let csrf = ctx.ensure_csrf().await?;
    let revisions = model::revisions(&st.db, s.p.id).await?;
    let orgs = if s.editor && s.p.state().editable() {
        admin_orgs(st, ctx).await?
    } else {
        vec![]
    };
    let review = if s.organizer {
        Some(review_panel(st, &s.p).await?)
    } else {
        None
    };
    let files = model::live_files(&st.db, s.p.id).await?;
    let now = st.clock.now();
    let page = ProposalPage {
        files: &files,
        p: &s.p,
        c: &s.c,
        phase: crate::philanthropy::phase_of(&s.c, now),
        terms: &terms(st, &s.c),
        revisions: &revisions,
        editor: s.editor,
        organizer: s.organizer,
        orgs: &orgs,
        review: review.as_ref(),
    };
    let grant = super::grants::proposal_section(st, ctx, &s.p, s.organizer).await?;
    let body = maud::html! { (views::show(ctx.lang, &page, failed, &csrf)) (grant) };
    Ok(layout::page(ctx, &s.p.title, body))
}

/// The organizer's review board and the evaluators who may be assigned.
async fn review_panel(st: &AppState, p: &Proposal) -> AppResult<ReviewPanel> {
    let mut boards = crate::reviews::boards(&st.db, SubjectKind::Proposal, &[p.id]).await?;
    let assigning = p.state() == ProposalState::ExpertReview;
    let candidates = if assigning {
        let ids = crate::accounts::holders_of(&st.db, Role::Evaluator).await?;
        crate::accounts::users_by_ids(&st.db, &ids)
            .await?
            .into_iter()
            .map(|u| (u.id, format!("{} ({})", u.display_name, u.email)))
            .collect()
    } else {
        vec![]
    };
    Ok(ReviewPanel {
        board: boards.remove(&p.id),
        assigning,
        candidates,
    })
}

/// `POST /proposals/{id}/reviewers`: the organizer assigns a reviewer (a proposal in expert
/// review; conflicts of interest refused with the reason, 422, nothing written).
pub async fn assign_reviewer(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<ReviewerForm>,
) -> AppResult<Response> {
    let s = seen(&st, &ctx, &id).await?;
    if !may(
        ctx.actor(),
        Action::ManageReviewers {
            organizer: s.organizer,
        },
    ) {
        return Err(AppError::NotFound);
    }
    let uid = ctx.require_user()?.actor.user_id;
    let res = match f.reviewer.trim().parse::<i64>() {
        Err(_) => Err(one("reviewer", ctx.t("review.err.choose"))),
        Ok(r) => reviewing::assign_reviewer(&st.db, &s.c, s.p.id, r, uid, st.clock.now())
            .await?
            .map_err(|why| one(refusal_field(&why), why.message(ctx.lang))),
    };
    match res {
        Ok(()) => {
            ctx.set_flash("success", ctx.t("review.assigned")).await?;
            Ok(see_other(&format!("/proposals/{}#review-board", s.p.id)))
        }
        Err(e) => Ok(unprocessable(
            proposal_page(&st, &mut ctx, &s, &Failed::Reviewers(&f, &e)).await?,
        )),
    }
}

fn refusal_field(r: &crate::reviews::Refusal) -> &'static str {
    match r {
        crate::reviews::Refusal::Closed => "state",
        _ => "reviewer",
    }
}

/// `POST /proposals/{id}/reviewers/remove`: the organizer takes a reviewer off, with a
/// reason, optionally naming a replacement; after a confirmation page (the sheet is
/// discarded).
pub async fn remove_reviewer(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<ReviewerForm>,
) -> AppResult<Response> {
    let s = seen(&st, &ctx, &id).await?;
    if !may(
        ctx.actor(),
        Action::ManageReviewers {
            organizer: s.organizer,
        },
    ) {
        return Err(AppError::NotFound);
    }
    let uid = ctx.require_user()?.actor.user_id;
    let mut e = FieldErrors::default();
    let old = f.old.trim().parse::<i64>().ok();
    if old.is_none() {
        e.add("old", ctx.t("review.err.choose"));
    }
    let replacement = match f.replacement.trim() {
        "" => None,
        r => match r.parse::<i64>() {
            Ok(r) => Some(r),
            Err(_) => {
                e.add("replacement", ctx.t("review.err.choose"));
                None
            }
        },
    };
    let reason = match crate::reviews::validate_reason(&f.reason, ctx.lang) {
        Ok(r) => r,
        Err(re) => {
            e.0.extend(re.0);
            String::new()
        }
    };
    if !e.is_empty() {
        return Ok(unprocessable(
            proposal_page(&st, &mut ctx, &s, &Failed::Reviewers(&f, &e)).await?,
        ));
    }
    let old = old.unwrap_or_default();
    if !crate::web::confirm::confirmed(&f.confirm) {
        let csrf = ctx.ensure_csrf().await?;
        let title = ctx.t("review.confirm_remove.title");
        let consequences = [
            ctx.t("review.confirm_remove.discarded"),
            ctx.t("review.confirm_remove.notified"),
        ];
        let action = format!("/proposals/{}/reviewers/remove", s.p.id);
        let cancel = format!("/proposals/{}#review-board", s.p.id);
        let button = ctx.t("review.remove");
        let fields = [
            ("old", f.old.as_str()),
            ("replacement", f.replacement.as_str()),
            ("reason", f.reason.as_str()),
        ];
        return Ok(crate::web::confirm::page(
            &ctx,
            &crate::web::confirm::Confirm {
                title: &title,
                consequences: &consequences,
                action: &action,
                fields: &fields,
                button: &button,
                cancel: &cancel,
            },
            &csrf,
        )
        .into_response());
    }
    let r = reviewing::remove_reviewer(
        &st.db,
        &s.c,
        s.p.id,
        old,
        replacement,
        &reason,
        uid,
        st.clock.now(),
    )
    .await?;
    match r {
        Ok(()) => {
            ctx.set_flash("success", ctx.t("review.removed")).await?;
            Ok(see_other(&format!("/proposals/{}#review-board", s.p.id)))
        }
        Err(why) => {
            let field = match why {
                crate::reviews::Refusal::NotAssigned => "old",
                crate::reviews::Refusal::Closed => "state",
                _ => "replacement",
            };
            let e = one(field, why.message(ctx.lang));
            Ok(unprocessable(
                proposal_page(&st, &mut ctx, &s, &Failed::Reviewers(&f, &e)).await?,
            ))
        }
    }
}

/// `GET /proposals/{id}`: its applicant and the call's organizer.
pub async fn show(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Markup> {
    let s = seen(&st, &ctx, &id).await?;
    proposal_page(&st, &mut ctx, &s, &Failed::None).await
}

/// `POST /proposals/{id}/edit`: the applicant saves or submits a draft, or revises after a
/// request for more information.
pub async fn edit(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<ProposalForm>,
) -> AppResult<Response> {
    let s = seen(&st, &ctx, &id).await?;
    if !s.editor {
        return Err(AppError::NotFound);
    }
    let uid = ctx.require_user()?.actor.user_id;
    let now = st.clock.now();
    let orgs: Vec<i64> = admin_orgs(&st, &ctx).await?.iter().map(|o| o.0).collect();
    let stage = s.p.stage();
    // A concept note not (yet) invited, a declined one, or one past writing: refused with
    // the reason, nothing written.
    let res = if !s.p.state().editable() {
        Err(one("kind", ctx.t(rules::not_editable_key(s.p.state()))))
    } else if let Some(e) = window_errors(&ctx, &s.c, stage, now) {
        Err(e)
    } else {
        match rules::validate_for(&f, &orgs, &terms(&st, &s.c), stage, ctx.lang) {
            Err(e) => Err(e),
            Ok(d) => ops::revise(&st.db, &s.c, &s.p, uid, &d, now)
                .await?
                .map_err(|r| {
                    let (field, m) = r.field(ctx.lang);
                    one(field, m)
                }),
        }
    };
    match res {
        Ok(to) => {
            let key = match to {
                ProposalState::Draft | ProposalState::Invited | ProposalState::MoreInfo => {
                    "proposal.draft_saved"
                }
                ProposalState::Concept => "proposal.concept_submitted",
                _ => "proposal.submitted",
            };
            ctx.set_flash("success", ctx.t(key)).await?;
            Ok(see_other(&format!("/proposals/{}", s.p.id)))
        }
        Err(e) => Ok(unprocessable(
            proposal_page(&st, &mut ctx, &s, &Failed::Edit(&f, &e)).await?,
        )),
    }
}

/// `POST /proposals/{id}/withdraw`: the applicant withdraws the proposal before
/// determination, with a reason. Anyone but its applicant (the user who applied, an
/// administrator of the applying organization) gets "not found"; after determination a
/// 422 says it is too late. Without `confirm=1` a valid request answers with the
/// confirmation page and writes nothing.
pub async fn withdraw(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<WithdrawForm>,
) -> AppResult<Response> {
    let s = seen(&st, &ctx, &id).await?;
    if !s.editor {
        return Err(AppError::NotFound);
    }
    let uid = ctx.require_user()?.actor.user_id;
    let state = s.p.state();
    let res = match state.apply(Step::Withdraw, false, None) {
        Err(e) => Err(one("reason", e.message(ctx.lang))),
        Ok(_) => rules::validate_withdrawal(&f, ctx.lang),
    };
    let reason = match res {
        Ok(r) => r,
        Err(e) => {
            return Ok(unprocessable(
                proposal_page(&st, &mut ctx, &s, &Failed::Withdraw(&f, &e)).await?,
            ));
        }
    };
    if !crate::web::confirm::confirmed(&f.confirm) {
        let lang = ctx.lang;
        let mut consequences = vec![lang.tf(
            "proposal.confirm_withdraw.what",
            &[("title", &s.p.title), ("call", &s.c.title)],
        )];
        if state == ProposalState::ExpertReview {
            consequences.push(lang.t("proposal.confirm_withdraw.review"));
        }
        consequences.push(lang.tf("proposal.confirm_withdraw.told", &[("reason", &reason)]));
        consequences.push(lang.t("confirm.final"));
        let csrf = ctx.ensure_csrf().await?;
        let title = lang.tf("proposal.confirm_withdraw.title", &[("title", &s.p.title)]);
        let action = format!("/proposals/{}/withdraw", s.p.id);
        let cancel = format!("/proposals/{}", s.p.id);
        let button = lang.t("proposal.confirm_withdraw.button");
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
    match ops::withdraw(&st.db, &s.c, &s.p, uid, &reason, st.clock.now()).await? {
        Ok(()) => {
            ctx.set_flash("success", ctx.t("proposal.withdrawn"))
                .await?;
            Ok(see_other(&format!("/proposals/{}", s.p.id)))
        }
        Err(r) => {
            // Moved meanwhile (the organizer decided first): the page as it is now.
            let s = seen(&st, &ctx, &id).await?;
            let e = one("reason", r.message(ctx.lang));
            Ok(unprocessable(
                proposal_page(&st, &mut ctx, &s, &Failed::Withdraw(&f, &e)).await?,
            ))
        }
    }
}

/// `POST /proposals/{id}/step`: the organizer moves the proposal on.
pub async fn step(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<StepForm>,
) -> AppResult<Response> {
    let s = seen(&st, &ctx, &id).await?;
    if !s.organizer {
        return Err(AppError::NotFound);
    }
    let uid = ctx.require_user()?.actor.user_id;
    let res = match rules::validate_step(&f, Fen(s.p.requested_fen), ctx.lang) {
        Err(e) => Err(e),
        Ok(d) => ops::take_step(&st.db, &s.c, &s.p, &d, uid, st.clock.now())
            .await?
            .map_err(|r| one("step", r.message(ctx.lang))),
    };
    match res {
        Ok(to) => {
            ctx.set_flash(
                "success",
                ctx.lang
                    .tf("proposal.moved", &[("state", &to.label(ctx.lang))]),
            )
            .await?;
            Ok(see_other(&format!("/proposals/{}", s.p.id)))
        }
        Err(e) => Ok(unprocessable(
            proposal_page(&st, &mut ctx, &s, &Failed::Step(&f, &e)).await?,
        )),
    }
}

/// The screening checklist as ticked.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ChecklistForm {
    /// [`ScreenItem`] codes confirmed.
    #[serde(default)]
    pub item: Vec<String>,
}

/// `POST /proposals/{id}/checklist`: the organizer records the screening checklist.
pub async fn checklist(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<ChecklistForm>,
) -> AppResult<Response> {
    let s = seen(&st, &ctx, &id).await?;
    if !s.organizer {
        return Err(AppError::NotFound);
    }
    let uid = ctx.require_user()?.actor.user_id;
    let items: Vec<String> = ScreenItem::ALL
        .iter()
        .filter(|i| f.item.iter().any(|x| x.trim() == i.code()))
        .map(|i| i.code().to_string())
        .collect();
    let unknown = f.item.iter().any(|x| ScreenItem::parse(x.trim()).is_none());
    let res = if unknown {
        Err(one("item", ctx.t("proposal.err.item")))
    } else if ops::record_checklist(&st.db, &s.p, &items, uid, st.clock.now()).await? {
        Ok(())
    } else {
        Err(one("item", ctx.t("proposal.err.not_screening")))
    };
    match res {
        Ok(()) => {
            ctx.set_flash("success", ctx.t("proposal.checklist_saved"))
                .await?;
            Ok(see_other(&format!("/proposals/{}#screening", s.p.id)))
        }
        Err(e) => Ok(unprocessable(
            proposal_page(&st, &mut ctx, &s, &Failed::Checklist(&e)).await?,
        )),
    }
}

/// The revisions to compare.
#[derive(Debug, Default, serde::Deserialize)]
pub struct DiffQuery {
    /// The older revision's number.
    #[serde(default)]
    pub a: String,
    /// The newer revision's number.
    #[serde(default)]
    pub b: String,
}

/// `GET /proposals/{id}/diff?a=1&b=2`: what changed between two submitted revisions (by
/// default the last two).
pub async fn diff(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<DiffQuery>,
) -> AppResult<Markup> {
    let s = seen(&st, &ctx, &id).await?;
    let revisions = model::revisions(&st.db, s.p.id).await?;
    let last = revisions.last().map_or(0, |r| r.number);
    let pick = |v: &str, default: i32| -> i32 {
        v.trim()
            .parse::<i32>()
            .ok()
            .filter(|n| revisions.iter().any(|r| r.number == *n))
            .unwrap_or(default)
    };
    let b = pick(&q.b, last);
    let a = pick(&q.a, (b - 1).max(1));
    let content = |n: i32| -> rules::Content {
        revisions
            .iter()
            .find(|r| r.number == n)
            .and_then(|r| serde_json::from_str(&r.content).ok())
            .unwrap_or_default()
    };
    let changes = if revisions.is_empty() {
        vec![]
    } else {
        rules::diff(&content(a), &content(b), ctx.lang)
    };
    let body = views::diff_page(ctx.lang, &s.p, &revisions, a, b, &changes);
    Ok(layout::page(
        &ctx,
        &ctx.lang.tf("proposal.diff_title", &[("title", &s.p.title)]),
        body,
    ))
}

/// The organizer's list filter.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ListQuery {
    /// A [`ProposalState`] code (blank: every state but drafts).
    #[serde(default)]
    pub state: String,
    /// The page, from 1 (anything else: the first).
    #[serde(default)]
    pub page: String,
}

async fn list_page(
    st: &AppState,
    ctx: &mut Ctx,
    c: &Call,
    state: Option<ProposalState>,
    page: &str,
    f: &BatchForm,
    e: &FieldErrors,
) -> AppResult<Markup> {
    let csrf = ctx.ensure_csrf().await?;
    let (counts, approved) = tokio::try_join!(
        model::counts_of_call(&st.db, c.id),
        model::approved_total(&st.db, c.id),
    )?;
    // The grouped counts hold the total of the list as filtered: no second count query.
    let total: i64 = counts
        .iter()
        .filter(|(code, _)| state.is_none_or(|s| s.code() == code))
        .map(|(_, n)| *n)
        .sum();
    let total_rows = u64::try_from(total).unwrap_or(0);
    let page = crate::kernel::text::page_number(page, total_rows, rules::LIST_PAGE_SIZE);
    let pages = total_rows.div_ceil(rules::LIST_PAGE_SIZE);
    let rows = model::of_call(
        &st.db,
        c.id,
        state,
        (page - 1) * rules::LIST_PAGE_SIZE,
        rules::LIST_PAGE_SIZE,
    )
    .await?;
    // Live review totals and who is missing, for the whole list in a few IN queries.
    let ids: Vec<i64> = rows.iter().map(|p| p.id).collect();
    let boards = crate::reviews::boards(&st.db, SubjectKind::Proposal, &ids).await?;
    let body = views::list(
        ctx.lang,
        c,
        &rows,
        &counts,
        Fen(approved),
        state,
        (page, pages, total),
        &boards,
        f,
        e,
        &csrf,
    );
    Ok(layout::page(
        ctx,
        &ctx.lang.tf("proposal.list_title", &[("title", &c.title)]),
        body,
    ))
}

/// `GET /calls/{id}/proposals?state=…`: the organizer's list of a call's proposals.
pub async fn list(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<ListQuery>,
) -> AppResult<Markup> {
    let c = super::load_for_organizer(&st, &ctx, &id).await?;
    let state = ProposalState::parse(q.state.trim()).filter(|s| s.visible_to_organizer());
    list_page(
        &st,
        &mut ctx,
        &c,
        state,
        &q.page,
        &BatchForm::default(),
        &FieldErrors::default(),
    )
    .await
}

/// `POST /calls/{id}/proposals/decide`: the organizer approves (at the amounts asked) or
/// rejects the proposals ticked, all or none.
pub async fn decide_batch(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<BatchForm>,
) -> AppResult<Response> {
    let c = super::load_for_organizer(&st, &ctx, &id).await?;
    let uid = ctx.require_user()?.actor.user_id;
    let res = match rules::validate_batch(&f, ctx.lang) {
        Err(e) => Err(e),
        Ok((ids, step, message)) => {
            match ops::determine_batch(&st.db, &c, &ids, step, &message, uid, st.clock.now())
                .await?
            {
                Ok(n) => Ok((n, step)),
                Err((r, failed)) => {
                    let ids: Vec<String> = failed.iter().map(|i| format!("#{i}")).collect();
                    Err(one(
                        "ids",
                        ctx.lang.tf(
                            "proposal.err.batch_failed",
                            &[("ids", &ids.join(", ")), ("why", &r.message(ctx.lang))],
                        ),
                    ))
                }
            }
        }
    };
    match res {
        Ok((n, step)) => {
            ctx.set_flash(
                "success",
                ctx.lang.tf("proposal.batch_done", &[("n", &n.to_string())]),
            )
            .await?;
            Ok(see_other(&format!(
                "/calls/{}/proposals?state={}",
                c.id,
                batch_state(step).code()
            )))
        }
        Err(e) => {
            // The list the batch was chosen from: concept notes or those awaiting
            // determination.
            let step = Step::parse(f.decision.trim()).unwrap_or(Step::Approve);
            let state = Some(batch_state(step));
            Ok(unprocessable(
                list_page(&st, &mut ctx, &c, state, &f.page, &f, &e).await?,
            ))
        }
    }
}

/// The state a batch decides from: concept notes for an invitation or a decline, those
/// awaiting determination otherwise.
fn batch_state(step: Step) -> ProposalState {
    match step {
        Step::Invite | Step::Decline => ProposalState::Concept,
        _ => ProposalState::Determination,
    }
}

/// The section under a call's page: the link to apply while the window is open, the
/// organizer's link to the proposals, and the public list of proposals (titles and
/// applicants) unless the round is sealed and still open.
pub async fn call_section(st: &AppState, ctx: &Ctx, c: &Call) -> AppResult<Markup> {
    let now = st.clock.now();
    let phase = crate::philanthropy::phase_of(c, now);
    let organizer = super::acts_for(ctx, crate::philanthropy::organizer_of(c));
    // A sealed round stays sealed until its last deadline: for two stages, the full
    // proposals'.
    let hidden = c.sealed && (phase != Phase::Closed || now < ops::deadline_of(c, Stage::Full));
    let public = if hidden || phase == Phase::Draft {
        vec![]
    } else {
        model::public_list(&st.db, c.id).await?
    };
    let may_apply =
        phase == Phase::Open && (ctx.actor().is_none() || may(ctx.actor(), Action::ApplyToCall));
    Ok(views::call_section(
        ctx.lang, c, may_apply, organizer, hidden, &public,
    ))
}

/// The workspace panel: the proposals the user made or their organizations made.
pub async fn workspace_section(st: &AppState, ctx: &Ctx) -> AppResult<Markup> {
    let Some(a) = ctx.actor() else {
        return Ok(maud::html! {});
    };
    let orgs: Vec<i64> = a.orgs.iter().map(|(o, _)| *o).collect();
    let rows = model::of_applicant(&st.db, a.user_id, &orgs).await?;
    let mut ids: Vec<i64> = rows.iter().map(|p| p.call_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let titles = crate::philanthropy::model::titles_by_ids(&st.db, &ids).await?;
    Ok(views::workspace(ctx.lang, &rows, &titles))
}

/// `POST /proposals/{id}/files` (multipart: `_csrf`, `file`): the applicant attaches a file
/// to a draft or to a proposal asked for more information. A refused file comes back on the
/// page (422) with a message naming it, and nothing is stored. Anyone but the applicant gets
/// "not found", decided before the body is read.
pub async fn upload_file(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    mp: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> AppResult<Response> {
    let s = seen(&st, &ctx, &id).await?;
    if !s.editor {
        return Err(AppError::NotFound);
    }
    let uid = ctx.require_user()?.actor.user_id;
    let lang = ctx.lang;
    let res = match crate::web::extract::one_file(mp, lang).await {
        Err(m) => Err(m),
        Ok((name, bytes)) => ops::attach_file(
            &st.db,
            &st.config.data_dir,
            &s.c,
            &s.p,
            &name,
            &bytes,
            uid,
            st.clock.now(),
            lang,
        )
        .await?
        .map_err(|r| r.message(lang)),
    };
    match res {
        Ok(_) => {
            ctx.set_flash("success", ctx.t("proposal.file_attached"))
                .await?;
            Ok(see_other(&format!("/proposals/{}#files", s.p.id)))
        }
        Err(m) => {
            let e = one("file", m);
            Ok(unprocessable(
                proposal_page(&st, &mut ctx, &s, &Failed::Files(&e)).await?,
            ))
        }
    }
}

/// `POST /proposals/{id}/files/{doc}/remove`: the applicant takes a file off (the revisions
/// submitted with it keep it).
pub async fn remove_file(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path((id, doc)): Path<(String, String)>,
) -> AppResult<Response> {
    let s = seen(&st, &ctx, &id).await?;
    if !s.editor {
        return Err(AppError::NotFound);
    }
    let uid = ctx.require_user()?.actor.user_id;
    let fid = parse_id(&doc)?;
    if model::file_of(&st.db, s.p.id, fid).await?.is_none() {
        return Err(AppError::NotFound);
    }
    match ops::remove_file(&st.db, &s.c, &s.p, fid, uid, st.clock.now()).await? {
        Ok(()) => {
            ctx.set_flash("success", ctx.t("proposal.file_removed"))
                .await?;
            Ok(see_other(&format!("/proposals/{}#files", s.p.id)))
        }
        Err(r) => {
            let e = one("file", r.message(ctx.lang));
            Ok(unprocessable(
                proposal_page(&st, &mut ctx, &s, &Failed::Files(&e)).await?,
            ))
        }
    }
}

/// `GET /proposals/{id}/files/{doc}`: a file of the proposal — attached now or listed by
/// an earlier revision — for its applicant, the call's organizer and assigned reviewers;
/// anyone else gets "not found", like a missing id (visitors: log in).
pub async fn download_file(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, doc)): Path<(String, String)>,
) -> AppResult<Response> {
    let s = seen(&st, &ctx, &id).await?;
    let f = model::file_of(&st.db, s.p.id, parse_id(&doc)?)
        .await?
        .ok_or(AppError::NotFound)?;
    let bytes = crate::kernel::files::read(&st.config.data_dir, ops::FILES_FOLDER, &f.file_key)
        .await
        .map_err(|e| AppError::Internal(format!("reading a proposal file: {e}")))?
        .ok_or(AppError::NotFound)?;
    Ok(crate::web::private_download("file", &f.name, f.mime, bytes))
}
