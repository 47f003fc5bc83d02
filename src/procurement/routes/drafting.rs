//! Handlers for drafting, publishing, amending and cancelling a tender.

use super::*;
use crate::web::confirm;

// ---------------------------------------------------------------------------------------
// Drafting, publishing, amending, cancelling

pub(super) fn blank_form(units: &[(i64, String)]) -> TenderForm {
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
            let id = crate::procurement::create_draft(&st.db, &d, uid, now).await?;
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
        &crate::procurement::criteria(&st.db, t.id).await?,
        &crate::procurement::milestones(&st.db, t.id).await?,
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
        Ok(d) => match crate::procurement::update_draft(&st.db, &t, &d, uid, now).await? {
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
    match crate::procurement::publish(&st.db, &t, &st.config.procurement, uid, st.clock.now())
        .await?
    {
        Ok(()) => flash_ok(&ctx, "tender.published_ok", &to).await,
        Err(r) => flash_refusal(&ctx, &r, &to).await,
    }
}

pub(super) fn amend_page(
    ctx: &Ctx,
    t: &tender::Model,
    f: &AmendForm,
    e: &FieldErrors,
    csrf: &str,
) -> Markup {
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
    let summary = rules::check_text(&f.summary, 5, rules::limits::AMENDMENT, lang);
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
        match crate::procurement::amend(&st.db, &t, q, b, s, uid, now).await? {
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

/// `POST /tenders/{id}/cancel` — with a valid reason but without `confirm=1` it answers
/// with the confirmation page (what cancelling does) and writes nothing.
pub async fn cancel(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<ReasonForm>,
) -> AppResult<Response> {
    let (t, uid) = load_for_buyer(&st, &ctx, &id).await?;
    let reason = match rules::check_text(&f.reason, 5, rules::limits::REASON, ctx.lang) {
        Ok(r) => r,
        Err(m) => return inline_error(&st, &mut ctx, t, "cancel".into(), &f.reason, "", m).await,
    };
    if !confirm::confirmed(&f.confirm) {
        if state_of(&t).apply(rules::TenderEvent::Cancel).is_err() {
            let m = Refusal::WrongState(state_of(&t)).message(ctx.lang);
            return inline_error(&st, &mut ctx, t, "cancel".into(), &f.reason, "", m).await;
        }
        let lang = ctx.lang;
        // No number of bids: before the opening nobody may learn how many there are.
        let consequences = [
            lang.tf("confirm.cancel_tender.what", &[("title", &t.title)]),
            lang.t("confirm.cancel_tender.bids"),
            lang.tf("confirm.cancel_tender.public", &[("reason", &reason)]),
            lang.t("confirm.final"),
        ];
        let csrf = ctx.ensure_csrf().await?;
        let action = format!("/tenders/{}/cancel", t.id);
        let back = format!("/tenders/{}", t.id);
        let page = confirm::page(
            &ctx,
            &confirm::Confirm {
                title: &lang.tf("confirm.cancel_tender.title", &[("title", &t.title)]),
                consequences: &consequences,
                action: &action,
                fields: &[("reason", &reason)],
                button: &lang.t("confirm.cancel_tender.button"),
                cancel: &back,
            },
            &csrf,
        );
        return Ok(page.into_response());
    }
    match crate::procurement::cancel(&st.db, &t, &reason, uid, st.clock.now()).await? {
        Ok(()) => flash_ok(&ctx, "tender.cancelled", &format!("/tenders/{}", t.id)).await,
        Err(r) => {
            let m = r.message(ctx.lang);
            inline_error(&st, &mut ctx, t, "cancel".into(), &f.reason, "", m).await
        }
    }
}
