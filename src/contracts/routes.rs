//! Contract handlers: extract, authorize, call, render. A refused change (wrong state,
//! signing blocked) re-renders the page with the reason and status 409; bad input
//! re-renders it with the messages next to the fields and status 422; nothing is written
//! in either case.

use crate::web::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::Markup;

use super::model::{Contract, Milestone};
use super::rules::{
    self, CompletionForm, ContractEvent, MilestoneEvent, PaymentForm, ReportForm, ReturnForm,
    TerminationForm,
};
use super::views::{self, Open, PageData, Viewer};
use super::{Refused, Side, milestone_state, signatures, state_of};
use crate::accounts::{Action, Role, may, require};
use crate::kernel::error::{AppError, AppResult, FieldErrors};
use crate::web::AppState;
use crate::web::{Ctx, Flash, layout, parse_id, see_other, unprocessable};

async fn load(st: &AppState, id: &str) -> AppResult<Contract> {
    super::get(&st.db, parse_id(id)?)
        .await?
        .ok_or(AppError::NotFound)
}

async fn load_milestone(st: &AppState, c: &Contract, mid: &str) -> AppResult<Milestone> {
    let mid = parse_id(mid)?;
    super::milestones(&st.db, c.id)
        .await?
        .into_iter()
        .find(|m| m.id == mid)
        .ok_or(AppError::NotFound)
}

fn user_id(ctx: &Ctx) -> AppResult<i64> {
    Ok(ctx.require_user()?.actor.user_id)
}

/// Whether the viewer sees delivery reports, return reasons and report files: the two parties
/// (and the supplier's members) and regulators.
fn sees_reports(ctx: &Ctx, c: &Contract) -> bool {
    let actor = ctx.actor();
    may(actor, Action::ContractBuyer(c.unit_id))
        || may(actor, Action::ContractSupplier(c.org_id))
        || may(actor, Action::ViewOrgBids(c.org_id))
        || actor.is_some_and(|a| a.has(Role::Regulator))
}

/// Renders the contract page for the current viewer, with one form possibly reopened.
async fn render(
    st: &AppState,
    ctx: &mut Ctx,
    c: &Contract,
    open: Open<'_>,
    errors: &FieldErrors,
) -> AppResult<Markup> {
    let actor = ctx.actor();
    let buyer = may(actor, Action::ContractBuyer(c.unit_id));
    let supplier = may(actor, Action::ContractSupplier(c.org_id));
    let private = sees_reports(ctx, c);
    let may_sign = state_of(c) == super::ContractState::Pending
        && ((buyer && c.buyer_signed_at.is_none()) || (supplier && c.org_signed_at.is_none()));
    let block = if may_sign {
        crate::procurement::signing_block(&st.db, c.tender_id, st.clock.now())
            .await?
            .map(|b| b.message(ctx.lang))
    } else {
        None
    };
    let csrf = if buyer || supplier {
        Some(ctx.ensure_csrf().await?)
    } else {
        None
    };
    let milestones = super::milestones(&st.db, c.id).await?;
    let payments = super::payments(&st.db, c.id).await?;
    let files = if private {
        super::report_files(&st.db, c.id).await?
    } else {
        Vec::new()
    };
    let timeline = crate::audit::timeline(&st.db, "contract", c.id, true).await?;
    let unit = crate::units::get(&st.db, c.unit_id).await?;
    let org = crate::orgs::get(&st.db, c.org_id).await?;
    let tender = crate::procurement::get(&st.db, c.tender_id).await?;
    let data = PageData {
        contract: c,
        tender_title: tender.as_ref().map(|t| t.title.as_str()),
        unit_name: unit.as_ref().map(|u| u.name.as_str()),
        org_name: org.as_ref().map(|(o, _)| o.name.as_str()),
        milestones: &milestones,
        payments: &payments,
        files: &files,
        timeline: &timeline,
    };
    let viewer = Viewer {
        buyer,
        supplier,
        private,
        block,
        csrf: csrf.as_deref(),
        today: st.clock.today(),
    };
    let body = views::page(ctx.lang, &data, &viewer, open, errors);
    let title = ctx.lang.tf("contract.title", &[("id", &c.id.to_string())]);
    Ok(layout::page(ctx, &title, body))
}

/// The page again with the reason a change was refused, status 409.
async fn conflict(st: &AppState, ctx: &mut Ctx, id: i64, r: Refused) -> AppResult<Response> {
    ctx.flash = Some(Flash {
        kind: "error".into(),
        text: r.message(ctx.lang),
    });
    let c = super::get(&st.db, id).await?.ok_or(AppError::NotFound)?;
    let page = render(st, ctx, &c, Open::Nothing, &FieldErrors::default()).await?;
    Ok((StatusCode::CONFLICT, page).into_response())
}

/// After a change: a message and back to the page. The change may alter a supplier's track
/// record or capacity, so this server's matching snapshot is dropped.
async fn done(st: &AppState, ctx: &Ctx, id: i64, key: &str) -> AppResult<Response> {
    st.matching.invalidate(&st.db).await;
    ctx.set_flash("success", ctx.t(key)).await?;
    Ok(see_other(&format!("/contracts/{id}")))
}

/// `GET /contracts/{id}`
pub async fn show(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Markup> {
    let c = load(&st, &id).await?;
    render(&st, &mut ctx, &c, Open::Nothing, &FieldErrors::default()).await
}

/// The signing form.
#[derive(Debug, Default, serde::Deserialize)]
pub struct SignForm {
    /// `buyer` or `supplier`.
    #[serde(default)]
    pub side: String,
}

/// `POST /contracts/{id}/sign` — the buyer (`ContractBuyer(unit)`) or the supplier
/// (`ContractSupplier(org)`), as the form's `side` says.
pub async fn sign(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<SignForm>,
) -> AppResult<Response> {
    let uid = user_id(&ctx)?;
    let c = load(&st, &id).await?;
    let buyer = Action::ContractBuyer(c.unit_id);
    let supplier = Action::ContractSupplier(c.org_id);
    let Some(side) = Side::parse(f.side.trim()) else {
        // Not a party: log in / forbidden. A party with a broken form: bad request.
        if !may(ctx.actor(), buyer) && !may(ctx.actor(), supplier) {
            require(ctx.actor(), buyer)?;
        }
        return Err(AppError::BadRequest(ctx.t("contract.err.side")));
    };
    require(
        ctx.actor(),
        match side {
            Side::Buyer => buyer,
            Side::Supplier => supplier,
        },
    )?;
    match super::sign(&st.db, c.id, side, uid, st.clock.now()).await? {
        Ok(super::ContractState::Active) => done(&st, &ctx, c.id, "contract.activated").await,
        Ok(_) => done(&st, &ctx, c.id, "contract.signed").await,
        Err(r) => conflict(&st, &mut ctx, c.id, r).await,
    }
}

/// Refuses early, before validating the form, when the milestone event cannot apply now:
/// the form would not even be on the page.
fn precheck(c: &Contract, m: &Milestone, e: MilestoneEvent) -> Result<(), Refused> {
    milestone_state(m)
        .apply(e, state_of(c))
        .map(|_| ())
        .map_err(Refused::Milestone)
}

/// `POST /contracts/{id}/milestones/{mid}/report` — the supplier.
pub async fn report(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path((id, mid)): Path<(String, String)>,
    Form(f): Form<ReportForm>,
) -> AppResult<Response> {
    let uid = user_id(&ctx)?;
    let c = load(&st, &id).await?;
    require(ctx.actor(), Action::ContractSupplier(c.org_id))?;
    let m = load_milestone(&st, &c, &mid).await?;
    if let Err(r) = precheck(&c, &m, MilestoneEvent::SubmitReport) {
        return conflict(&st, &mut ctx, c.id, r).await;
    }
    let text = match rules::validate_report(&f, ctx.lang) {
        Ok(t) => t,
        Err(e) => {
            let page = render(&st, &mut ctx, &c, Open::Report(m.id, &f), &e).await?;
            return Ok(unprocessable(page));
        }
    };
    match super::submit_report(&st.db, c.id, m.id, &text, uid, st.clock.now()).await? {
        Ok(()) => done(&st, &ctx, c.id, "contract.report_submitted").await,
        Err(r) => conflict(&st, &mut ctx, c.id, r).await,
    }
}

/// `POST /contracts/{id}/milestones/{mid}/accept` — the buyer.
pub async fn accept(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path((id, mid)): Path<(String, String)>,
) -> AppResult<Response> {
    let uid = user_id(&ctx)?;
    let c = load(&st, &id).await?;
    require(ctx.actor(), Action::ContractBuyer(c.unit_id))?;
    let m = load_milestone(&st, &c, &mid).await?;
    match super::accept_milestone(&st.db, c.id, m.id, uid, st.clock.now()).await? {
        Ok(()) => done(&st, &ctx, c.id, "contract.milestone_accepted").await,
        Err(r) => conflict(&st, &mut ctx, c.id, r).await,
    }
}

/// `POST /contracts/{id}/milestones/{mid}/return` — the buyer.
pub async fn return_milestone(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path((id, mid)): Path<(String, String)>,
    Form(f): Form<ReturnForm>,
) -> AppResult<Response> {
    let uid = user_id(&ctx)?;
    let c = load(&st, &id).await?;
    require(ctx.actor(), Action::ContractBuyer(c.unit_id))?;
    let m = load_milestone(&st, &c, &mid).await?;
    if let Err(r) = precheck(&c, &m, MilestoneEvent::Return) {
        return conflict(&st, &mut ctx, c.id, r).await;
    }
    let reason = match rules::validate_return(&f, ctx.lang) {
        Ok(t) => t,
        Err(e) => {
            let page = render(&st, &mut ctx, &c, Open::Return(m.id, &f), &e).await?;
            return Ok(unprocessable(page));
        }
    };
    match super::return_milestone(&st.db, c.id, m.id, &reason, uid, st.clock.now()).await? {
        Ok(()) => done(&st, &ctx, c.id, "contract.milestone_returned").await,
        Err(r) => conflict(&st, &mut ctx, c.id, r).await,
    }
}

/// `POST /contracts/{id}/milestones/{mid}/payment` — the buyer.
pub async fn payment(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path((id, mid)): Path<(String, String)>,
    Form(f): Form<PaymentForm>,
) -> AppResult<Response> {
    let uid = user_id(&ctx)?;
    let c = load(&st, &id).await?;
    require(ctx.actor(), Action::ContractBuyer(c.unit_id))?;
    let m = load_milestone(&st, &c, &mid).await?;
    if let Err(r) = precheck(&c, &m, MilestoneEvent::RecordPayment) {
        return conflict(&st, &mut ctx, c.id, r).await;
    }
    let accepted_on = crate::kernel::clock::shanghai_date(m.decided_at.unwrap_or(c.created_at));
    let paid = super::milestone_paid(&st.db, m.id).await?;
    let draft = rules::validate_payment(
        &f,
        crate::kernel::money::Fen(m.amount_fen - paid.0),
        accepted_on,
        st.clock.today(),
        ctx.lang,
    );
    let draft = match draft {
        Ok(d) => d,
        Err(e) => {
            let page = render(&st, &mut ctx, &c, Open::Payment(m.id, &f), &e).await?;
            return Ok(unprocessable(page));
        }
    };
    match super::record_payment(&st.db, c.id, m.id, &draft, uid, st.clock.now()).await? {
        Ok(r) if r.remaining.0 > 0 => {
            st.matching.invalidate(&st.db).await;
            let msg = ctx.lang.tf(
                "contract.part_payment_recorded",
                &[("remaining", &r.remaining.to_string())],
            );
            ctx.set_flash("success", msg).await?;
            Ok(see_other(&format!("/contracts/{}", c.id)))
        }
        Ok(_) => done(&st, &ctx, c.id, "contract.payment_recorded").await,
        Err(r) => conflict(&st, &mut ctx, c.id, r).await,
    }
}

/// `POST /contracts/{id}/complete` — the buyer.
pub async fn complete(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<CompletionForm>,
) -> AppResult<Response> {
    let uid = user_id(&ctx)?;
    let c = load(&st, &id).await?;
    require(ctx.actor(), Action::ContractBuyer(c.unit_id))?;
    if let Err(e) = state_of(&c).apply(ContractEvent::Complete, signatures(&c)) {
        return conflict(&st, &mut ctx, c.id, Refused::Contract(e)).await;
    }
    let states: Vec<_> = super::milestones(&st.db, c.id)
        .await?
        .iter()
        .map(milestone_state)
        .collect();
    let unpaid = rules::unpaid(&states);
    if unpaid > 0 {
        return conflict(&st, &mut ctx, c.id, Refused::Unpaid(unpaid)).await;
    }
    let (rating, comment) = match rules::validate_completion(&f, ctx.lang) {
        Ok(x) => x,
        Err(e) => {
            let page = render(&st, &mut ctx, &c, Open::Complete(&f), &e).await?;
            return Ok(unprocessable(page));
        }
    };
    match super::complete(&st.db, c.id, rating, &comment, uid, st.clock.now()).await? {
        Ok(()) => done(&st, &ctx, c.id, "contract.completed").await,
        Err(r) => conflict(&st, &mut ctx, c.id, r).await,
    }
}

/// A share for the confirmation text: `31.25%`, or "no purchases" when nothing is left.
fn share(bp: Option<i64>, lang: crate::kernel::Lang) -> String {
    bp.map(crate::targets::percent)
        .unwrap_or_else(|| lang.t("confirm.terminate.no_share"))
}

/// `POST /contracts/{id}/terminate` — the buyer (`ContractBuyer(unit)`), with a reason. A
/// signed-in user who is not the contract's buyer gets "not found", as for an id that does
/// not exist. Without `confirm=1` a valid request answers with the confirmation page (the
/// effect on the 30% ledger, who is told) and writes nothing.
pub async fn terminate(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<TerminationForm>,
) -> AppResult<Response> {
    let uid = user_id(&ctx)?;
    let c = load(&st, &id).await?;
    if !may(ctx.actor(), Action::ContractBuyer(c.unit_id)) {
        return Err(AppError::NotFound);
    }
    if let Err(e) = state_of(&c).apply(ContractEvent::Terminate, signatures(&c)) {
        return conflict(&st, &mut ctx, c.id, Refused::Contract(e)).await;
    }
    let reason = match rules::validate_termination(&f, ctx.lang) {
        Ok(r) => r,
        Err(e) => {
            let page = render(&st, &mut ctx, &c, Open::Terminate(&f), &e).await?;
            return Ok(unprocessable(page));
        }
    };
    if !crate::web::confirm::confirmed(&f.confirm) {
        let lang = ctx.lang;
        let org = crate::orgs::get(&st.db, c.org_id)
            .await?
            .map(|(o, _)| o.name)
            .unwrap_or_default();
        let tender = crate::procurement::get(&st.db, c.tender_id)
            .await?
            .map(|t| t.title)
            .unwrap_or_default();
        let unpaid = rules::unpaid(
            &super::milestones(&st.db, c.id)
                .await?
                .iter()
                .map(milestone_state)
                .collect::<Vec<_>>(),
        );
        let value = crate::kernel::money::Fen(c.value_fen).to_string();
        let ledger = match super::termination_effect(&st.db, &c).await? {
            Some(e) => lang.tf(
                "confirm.terminate.ledger",
                &[
                    ("value", &value),
                    ("year", &e.year.to_string()),
                    ("unit_from", &share(e.unit.0, lang)),
                    ("unit_to", &share(e.unit.1, lang)),
                    ("region_from", &share(e.region.0, lang)),
                    ("region_to", &share(e.region.1, lang)),
                ],
            ),
            None => lang.t("confirm.terminate.not_counted"),
        };
        let consequences = [
            lang.tf(
                "confirm.terminate.what",
                &[("org", &org), ("tender", &tender)],
            ),
            lang.tf(
                "confirm.terminate.milestones",
                &[("n", &unpaid.to_string())],
            ),
            ledger,
            lang.tf("confirm.terminate.public", &[("reason", &reason)]),
            lang.t("confirm.final"),
        ];
        let csrf = ctx.ensure_csrf().await?;
        let action = format!("/contracts/{}/terminate", c.id);
        let back = format!("/contracts/{}", c.id);
        let page = crate::web::confirm::page(
            &ctx,
            &crate::web::confirm::Confirm {
                title: &lang.tf("confirm.terminate.title", &[("id", &c.id.to_string())]),
                consequences: &consequences,
                action: &action,
                fields: &[("reason", &reason)],
                button: &lang.t("confirm.terminate.button"),
                cancel: &back,
            },
            &csrf,
        );
        return Ok(page.into_response());
    }
    match super::terminate(&st.db, c.id, &reason, uid, st.clock.now()).await? {
        Ok(()) => done(&st, &ctx, c.id, "contract.terminated").await,
        Err(r) => conflict(&st, &mut ctx, c.id, r).await,
    }
}

/// `POST /contracts/{id}/milestones/{mid}/files` (multipart: `_csrf`, `file`) — the supplier
/// attaches a file to a milestone's delivery report while the report may still change. A
/// refused file comes back on the page (422) with the message next to the file field;
/// nothing is stored.
pub async fn upload_report_file(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path((id, mid)): Path<(String, String)>,
    mp: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> AppResult<Response> {
    let uid = user_id(&ctx)?;
    let c = load(&st, &id).await?;
    require(ctx.actor(), Action::ContractSupplier(c.org_id))?;
    let m = load_milestone(&st, &c, &mid).await?;
    if let Err(r) = precheck(&c, &m, MilestoneEvent::SubmitReport) {
        return conflict(&st, &mut ctx, c.id, r).await;
    }
    let lang = ctx.lang;
    let res = match crate::web::extract::one_file(mp, lang).await {
        Err(m) => Err(m),
        Ok((name, bytes)) => super::attach_report_file(
            &st.db,
            &st.config.data_dir,
            c.id,
            m.id,
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
            ctx.set_flash("success", ctx.t("contract.file_attached"))
                .await?;
            Ok(see_other(&format!("/contracts/{}#m{}", c.id, m.id)))
        }
        Err(msg) => {
            let mut e = FieldErrors::default();
            e.add("file", msg);
            let page = render(&st, &mut ctx, &c, Open::File(m.id), &e).await?;
            Ok(unprocessable(page))
        }
    }
}

/// `POST /contracts/{id}/milestones/{mid}/files/{fid}/remove` — the supplier takes a file off
/// a report that may still change.
pub async fn remove_report_file(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path((id, mid, fid)): Path<(String, String, String)>,
) -> AppResult<Response> {
    let uid = user_id(&ctx)?;
    let c = load(&st, &id).await?;
    require(ctx.actor(), Action::ContractSupplier(c.org_id))?;
    let m = load_milestone(&st, &c, &mid).await?;
    let fid = parse_id(&fid)?;
    if super::report_file(&st.db, c.id, m.id, fid).await?.is_none() {
        return Err(AppError::NotFound);
    }
    match super::remove_report_file(&st.db, c.id, m.id, fid, uid, st.clock.now()).await? {
        Ok(()) => {
            ctx.set_flash("success", ctx.t("contract.file_removed"))
                .await?;
            Ok(see_other(&format!("/contracts/{}#m{}", c.id, m.id)))
        }
        Err(super::FileRefusal::Closed(r)) => conflict(&st, &mut ctx, c.id, r).await,
        Err(_) => Err(AppError::NotFound),
    }
}

/// `GET /contracts/{id}/milestones/{mid}/files/{fid}` — a report file, for whoever sees the
/// report (the parties and regulators); anyone else gets "not found", like a missing id.
pub async fn download_report_file(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, mid, fid)): Path<(String, String, String)>,
) -> AppResult<Response> {
    ctx.require_user()?;
    let c = load(&st, &id).await?;
    if !sees_reports(&ctx, &c) {
        return Err(AppError::NotFound);
    }
    let mid = parse_id(&mid)?;
    let f = super::report_file(&st.db, c.id, mid, parse_id(&fid)?)
        .await?
        .ok_or(AppError::NotFound)?;
    let bytes = super::report_file_bytes(&st.config.data_dir, &f)
        .await
        .map_err(|e| AppError::Internal(format!("reading a report file: {e}")))?
        .ok_or(AppError::NotFound)?;
    Ok(crate::web::private_download(
        "report",
        &f.name,
        f.mime.clone(),
        bytes,
    ))
}
