//! Donation handlers: extract, authorize, call, render. The foundation's pages settle
//! `Action::Fundraise` on the organization in the path before anything is looked up; a
//! donation of another foundation then answers 404 like a missing one. A donor's page is
//! found by its random reference (the link the donor was given), so there is no list of
//! donations to walk. The webhook is outside the CSRF check (Stripe signs it instead).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::Markup;

use super::rules::{
    self, CampaignForm, ConfirmForm, PledgeForm, QualificationForm, RefundForm, SignatureError,
};
use super::{Refusal, WebhookOutcome, gateway, model, views};
use crate::accounts::{Action, require};
use crate::kernel::error::{AppError, AppResult, FieldErrors};
use crate::kernel::money::Fen;
use crate::web::{AppState, Ctx, Form, layout, parse_id, see_other, unprocessable};

/// `GET /campaigns`
pub async fn list(State(st): State<AppState>, ctx: Ctx) -> AppResult<Markup> {
    let campaigns = model::all_campaigns(&st.db).await?;
    let mut rows = Vec::with_capacity(campaigns.len());
    for c in campaigns {
        let (raised, _) = super::raised(&model::donations_of(&st.db, c.id).await?);
        rows.push((c, raised));
    }
    let body = views::list(ctx.lang, &rows, st.clock.now());
    Ok(layout::page(&ctx, &ctx.t("payments.campaigns_title"), body))
}

async fn campaign_page(
    st: &AppState,
    ctx: &mut Ctx,
    id: i64,
    f: &PledgeForm,
    e: &FieldErrors,
) -> AppResult<Markup> {
    let p = super::campaign_page(&st.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let csrf = ctx.ensure_csrf().await?;
    let body = views::campaign(ctx.lang, &p, st.clock.now(), f, e, &csrf);
    Ok(layout::page(ctx, &p.campaign.title, body))
}

/// `GET /campaigns/{id}`
pub async fn show(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Markup> {
    // The donor's name goes on the public list only by their choice: the box starts empty.
    let f = PledgeForm::default();
    campaign_page(&st, &mut ctx, parse_id(&id)?, &f, &FieldErrors::default()).await
}

/// `POST /campaigns/{id}/donations`: records the pledge, then (Stripe) creates the
/// PaymentIntent; the donor lands on the donation's page either way.
pub async fn donate(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<PledgeForm>,
) -> AppResult<Response> {
    let id = parse_id(&id)?;
    let c = model::campaign(&st.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let d = match rules::validate_pledge(&f, ctx.lang) {
        Ok(d) => d,
        Err(e) => {
            return Ok(unprocessable(
                campaign_page(&st, &mut ctx, id, &f, &e).await?,
            ));
        }
    };
    let g = gateway::from_settings(&st.config.payments);
    let reference = super::new_reference();
    let now = st.clock.now();
    match super::pledge(&st.db, &c, &d, g.kind(), &reference, now).await? {
        Ok(don) => {
            // A gateway failure is shown on the donation's page (nothing was paid).
            let _ = super::start_payment(&st.db, g.as_ref(), &don, now).await?;
            Ok(see_other(&format!("/donations/{reference}")))
        }
        Err(r) => {
            let mut e = FieldErrors::default();
            let (field, msg) = r.field(ctx.lang);
            e.add(field, msg);
            Ok(unprocessable(
                campaign_page(&st, &mut ctx, id, &f, &e).await?,
            ))
        }
    }
}

async fn donation_for(
    st: &AppState,
    reference: &str,
) -> AppResult<(model::Donation, model::Campaign)> {
    if reference.len() > 40 {
        return Err(AppError::NotFound);
    }
    let d = model::by_reference(&st.db, reference)
        .await?
        .ok_or(AppError::NotFound)?;
    let c = model::campaign(&st.db, d.campaign_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((d, c))
}

/// The page's Content-Security-Policy when Stripe.js may run on it: Stripe's script and
/// frames are allowed on this page only.
fn stripe_csp() -> HeaderValue {
    HeaderValue::from_static(
        "default-src 'self'; script-src 'self' https://js.stripe.com; \
         style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; \
         form-action 'self'; frame-ancestors 'none'; \
         frame-src https://js.stripe.com https://hooks.stripe.com; \
         connect-src 'self' https://api.stripe.com",
    )
}

/// `GET /donations/{reference}`: the donor's page.
pub async fn donation(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(reference): Path<String>,
) -> AppResult<Response> {
    let (d, c) = donation_for(&st, &reference).await?;
    let q = model::qualification_of(&st.db, c.org_id).await?;
    let foundation = crate::orgs::name_of(&st.db, c.org_id)
        .await?
        .unwrap_or_default();
    let stripe = views::StripeView {
        publishable_key: st.config.payments.publishable_key(),
    };
    let loads_stripe = stripe.publishable_key.is_some()
        && d.client_secret.is_some()
        && d.state() == rules::DonationState::Pending;
    let body = views::donation(ctx.lang, &d, &c, q.as_ref(), &foundation, &stripe);
    let page = layout::page(&ctx, &ctx.t("payments.donation_title"), body);
    let mut res = page.into_response();
    if loads_stripe {
        res.headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, stripe_csp());
    }
    Ok(res)
}

/// `GET /donations/{reference}/receipt`: printable, once paid.
pub async fn receipt(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(reference): Path<String>,
) -> AppResult<Markup> {
    let (d, c) = donation_for(&st, &reference).await?;
    if d.receipt_no.is_none() {
        return Err(AppError::NotFound);
    }
    let q = model::qualification_of(&st.db, c.org_id).await?;
    let foundation = crate::orgs::name_of(&st.db, c.org_id)
        .await?
        .unwrap_or_default();
    let body = views::receipt(ctx.lang, &d, &c, q.as_ref(), &foundation);
    Ok(layout::page(&ctx, &ctx.t("payments.receipt_title"), body))
}

/// `GET /donations/{reference}/receipt.pdf`: the receipt as a PDF, on the same terms as the
/// page (a donation without a receipt, or a reference that does not exist, is 404).
pub async fn receipt_pdf(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(reference): Path<String>,
) -> AppResult<Response> {
    let (d, c) = donation_for(&st, &reference).await?;
    let Some(no) = d.receipt_no.clone() else {
        return Err(AppError::NotFound);
    };
    let q = model::qualification_of(&st.db, c.org_id).await?;
    let foundation = crate::orgs::name_of(&st.db, c.org_id)
        .await?
        .unwrap_or_default();
    let doc = views::receipt_pdf(
        ctx.lang,
        &d,
        &c,
        q.as_ref(),
        &foundation,
        &crate::web::public_url(&st),
    );
    crate::web::pdf_response(
        doc,
        &format!("donation-receipt-{no}.pdf"),
        &format!("{}-{no}.pdf", ctx.t("payments.receipt_title")),
        true,
    )
    .await
}

/// `POST /webhooks/stripe`: verified on the raw body, deduplicated by event id, applied in
/// one transaction. Bad, stale or missing signatures are a 400 and change nothing.
pub async fn webhook(State(st): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let p = &st.config.payments;
    let secrets: Vec<&str> = p.webhook_secrets.iter().map(String::as_str).collect();
    let sig = headers
        .get("stripe-signature")
        .and_then(|v| v.to_str().ok());
    let now = st.clock.now();
    if let Err(e) = rules::verify_signature(sig, &body, &secrets, now, p.webhook_tolerance_secs) {
        let why = match e {
            SignatureError::Missing => "missing signature",
            SignatureError::Stale => "stale signature",
            SignatureError::Mismatch => "bad signature",
        };
        tracing::warn!(why, "refused a webhook");
        return (StatusCode::BAD_REQUEST, why).into_response();
    }
    let Some(ev) = rules::parse_event(&body) else {
        return (StatusCode::BAD_REQUEST, "not an event").into_response();
    };
    match super::apply_event(&st.db, &ev, now).await {
        Ok(WebhookOutcome::Retry) => (StatusCode::CONFLICT, "retry").into_response(),
        Ok(outcome) => {
            // A refund seen before the success: ask Stripe what the PaymentIntent is.
            if outcome == WebhookOutcome::Applied
                && matches!(ev.effect, Some(rules::PaymentEvent::RefundedTotal(_)))
                && let Some(pi) = &ev.intent
            {
                let g = gateway::from_settings(p);
                if let Err(e) = super::settle_from_gateway(&st.db, g.as_ref(), pi, now).await {
                    tracing::warn!(error = %e, "could not settle a donation from Stripe");
                }
            }
            (StatusCode::OK, "ok").into_response()
        }
        Err(e) => AppError::Db(e).into_response(),
    }
}

/// The organization in the path, once the asker may fundraise for it, and only if it is a
/// foundation (other kinds have no fundraising page: 404).
async fn org_for(st: &AppState, ctx: &Ctx, id: &str) -> AppResult<(i64, String)> {
    let org_id = parse_id(id)?;
    require(ctx.actor(), Action::Fundraise(org_id))?;
    let org = crate::orgs::row(&st.db, org_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((org_id, org.name))
}

async fn fundraising_page(
    st: &AppState,
    ctx: &mut Ctx,
    (org_id, name): (i64, &str),
    failed: views::Failed<'_>,
) -> AppResult<Markup> {
    let csrf = ctx.ensure_csrf().await?;
    let q = model::qualification_of(&st.db, org_id).await?;
    let campaigns = model::campaigns_of(&st.db, org_id).await?;
    let donations = model::donations_of_org(&st.db, org_id).await?;
    let body = views::fundraising(
        ctx.lang,
        (org_id, name),
        q.as_ref(),
        &campaigns,
        &donations,
        &failed,
        st.clock.now(),
        &csrf,
    );
    Ok(layout::page(
        ctx,
        &ctx.lang.tf("payments.fundraising_title", &[("name", name)]),
        body,
    ))
}

/// `GET /orgs/{id}/fundraising`
pub async fn fundraising(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Markup> {
    let (org_id, name) = org_for(&st, &ctx, &id).await?;
    fundraising_page(&st, &mut ctx, (org_id, &name), views::Failed::default()).await
}

fn refused(r: Refusal, lang: crate::kernel::Lang) -> FieldErrors {
    let mut e = FieldErrors::default();
    let (field, msg) = r.field(lang);
    e.add(field, msg);
    e
}

/// `POST /orgs/{id}/fundraising/qualification`
pub async fn save_qualification(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<QualificationForm>,
) -> AppResult<Response> {
    let (org_id, name) = org_for(&st, &ctx, &id).await?;
    let actor = ctx.require_user()?.actor.user_id;
    let e = match rules::validate_qualification(&f, ctx.lang) {
        Ok(q) => {
            match super::record_qualification(&st.db, org_id, &q, actor, st.clock.now()).await? {
                Ok(()) => {
                    ctx.set_flash("success", ctx.t("payments.qualification_saved"))
                        .await?;
                    return Ok(see_other(&format!("/orgs/{org_id}/fundraising")));
                }
                Err(r) => {
                    let mut e = FieldErrors::default();
                    e.add("certificate_no", r.field(ctx.lang).1);
                    e
                }
            }
        }
        Err(e) => e,
    };
    let failed = views::Failed {
        qualification: Some((&f, &e)),
        ..Default::default()
    };
    Ok(unprocessable(
        fundraising_page(&st, &mut ctx, (org_id, &name), failed).await?,
    ))
}

/// `POST /orgs/{id}/campaigns`
pub async fn open_campaign(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<CampaignForm>,
) -> AppResult<Response> {
    let (org_id, name) = org_for(&st, &ctx, &id).await?;
    let actor = ctx.require_user()?.actor.user_id;
    let now = st.clock.now();
    let e = match rules::validate_campaign(&f, now, ctx.lang) {
        Ok(d) => match super::open_campaign(&st.db, org_id, &d, actor, now).await? {
            Ok(c) => {
                ctx.set_flash("success", ctx.t("payments.campaign_opened"))
                    .await?;
                return Ok(see_other(&format!("/campaigns/{}", c.id)));
            }
            Err(r) => refused(r, ctx.lang),
        },
        Err(e) => e,
    };
    let failed = views::Failed {
        campaign: Some((&f, &e)),
        ..Default::default()
    };
    Ok(unprocessable(
        fundraising_page(&st, &mut ctx, (org_id, &name), failed).await?,
    ))
}

async fn donation_of_org(st: &AppState, org_id: i64, did: &str) -> AppResult<model::Donation> {
    model::donation(&st.db, parse_id(did)?)
        .await?
        .filter(|d| d.org_id == org_id)
        .ok_or(AppError::NotFound)
}

/// `POST /orgs/{id}/donations/{did}/confirm`: an offline transfer arrived.
pub async fn confirm(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path((id, did)): Path<(String, String)>,
    Form(f): Form<ConfirmForm>,
) -> AppResult<Response> {
    let (org_id, name) = org_for(&st, &ctx, &id).await?;
    let d = donation_of_org(&st, org_id, &did).await?;
    let actor = ctx.require_user()?.actor.user_id;
    let now = st.clock.now();
    let e = match rules::validate_confirm(&f, now, ctx.lang) {
        Ok((amount, day)) => {
            match super::confirm_offline(&st.db, &d, amount, day, actor, now).await? {
                Ok(()) => {
                    ctx.set_flash("success", ctx.t("payments.confirmed"))
                        .await?;
                    return Ok(see_other(&format!("/orgs/{org_id}/fundraising")));
                }
                Err(r) => refused(r, ctx.lang),
            }
        }
        Err(e) => e,
    };
    let failed = views::Failed {
        donation: Some((d.id, &e, &f.amount, &f.received_on)),
        ..Default::default()
    };
    Ok(unprocessable(
        fundraising_page(&st, &mut ctx, (org_id, &name), failed).await?,
    ))
}

/// `POST /orgs/{id}/donations/{did}/refund`
pub async fn refund(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path((id, did)): Path<(String, String)>,
    Form(f): Form<RefundForm>,
) -> AppResult<Response> {
    let (org_id, name) = org_for(&st, &ctx, &id).await?;
    let d = donation_of_org(&st, org_id, &did).await?;
    let actor = ctx.require_user()?.actor.user_id;
    let now = st.clock.now();
    let e = match rules::validate_refund(&f, Fen(d.amount_fen), Fen(d.refunded_fen), ctx.lang) {
        Ok(amount) => {
            let g = gateway::from_settings(&st.config.payments);
            match super::refund(&st.db, g.as_ref(), &d, amount, actor, now).await? {
                Ok(Ok(())) => {
                    ctx.set_flash("success", ctx.t("payments.refunded_flash"))
                        .await?;
                    return Ok(see_other(&format!("/orgs/{org_id}/fundraising")));
                }
                Ok(Err(_)) => {
                    let mut e = FieldErrors::default();
                    e.add("refund_amount", ctx.t("payments.unreachable"));
                    e
                }
                Err(r) => {
                    let mut e = FieldErrors::default();
                    e.add("refund_amount", r.field(ctx.lang).1);
                    e
                }
            }
        }
        Err(e) => e,
    };
    let stored = Fen(d.amount_fen).to_input();
    let failed = views::Failed {
        donation: Some((d.id, &e, &stored, "")),
        ..Default::default()
    };
    Ok(unprocessable(
        fundraising_page(&st, &mut ctx, (org_id, &name), failed).await?,
    ))
}

/// `GET /orgs/{id}/fundraising/reconciliation`: the ledger compared with Stripe now.
pub async fn reconciliation(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Markup> {
    let (org_id, name) = org_for(&st, &ctx, &id).await?;
    let g = gateway::from_settings(&st.config.payments);
    let offline = g.kind() == rules::GatewayKind::Offline;
    let diffs = super::reconcile(&st.db, g.as_ref(), org_id).await?;
    let body = views::reconciliation(ctx.lang, (org_id, &name), offline, &diffs, st.clock.now());
    Ok(layout::page(
        &ctx,
        &ctx.lang
            .tf("payments.reconciliation_heading", &[("name", &name)]),
        body,
    ))
}
