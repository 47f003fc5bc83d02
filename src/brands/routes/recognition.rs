//! Recognition handlers: extract, authorize, call, render. Regulators' steps ask
//! `Action::RunRecognition` before looking anything up; a round that does not exist is 404
//! for everyone; a brand named in a nomination that the nominator may not nominate is
//! answered like a missing one (the same message next to the field).

use axum::extract::{Path, State};
use axum::response::Response;
use maud::Markup;

use crate::accounts::{Action, Role, may, require};
use crate::brands::recognition::{self, Refusal};
use crate::brands::recognition_model::{self as model, Round};
use crate::brands::recognition_rules::{self as rules, NominationForm, RoundForm};
use crate::brands::views::recognition::{self as views, NomRow, Typed, Viewer};
use crate::kernel::error::{AppError, AppResult, FieldErrors};
use crate::web::{
    AppState, Ctx, Form, layout, parse_id, pdf_response, public_url, see_other, unprocessable,
};

fn year(st: &AppState) -> i32 {
    st.clock.today().year()
}

/// `GET /recognition`
pub async fn list(State(st): State<AppState>, ctx: Ctx) -> AppResult<Markup> {
    let rounds = model::rounds(&st.db).await?;
    let can_open = may(ctx.actor(), Action::RunRecognition);
    let body = views::list(ctx.lang, &rounds, can_open);
    Ok(layout::page(&ctx, &ctx.t("recog.title"), body))
}

async fn evaluators(st: &AppState) -> AppResult<Vec<(i64, String)>> {
    let ids = crate::accounts::holders_of(&st.db, Role::Evaluator).await?;
    Ok(crate::accounts::users_by_ids(&st.db, &ids)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect())
}

/// `GET /recognition/new`
pub async fn new_form(State(st): State<AppState>, mut ctx: Ctx) -> AppResult<Markup> {
    require(ctx.actor(), Action::RunRecognition)?;
    let csrf = ctx.ensure_csrf().await?;
    let y = year(&st);
    let f = RoundForm {
        year: y.to_string(),
        level: rules::Level::Region.code().into(),
        min_grade: "3".into(),
        clean_credit: "1".into(),
        min_years: "3".into(),
        notice_days: rules::DEFAULT_NOTICE_DAYS.to_string(),
        ..Default::default()
    };
    let evs = evaluators(&st).await?;
    let body = views::new_round(ctx.lang, &f, &FieldErrors::default(), &evs, &csrf);
    Ok(layout::page(&ctx, &ctx.t("recog.new"), body))
}

/// `POST /recognition`
pub async fn create(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Form(f): Form<RoundForm>,
) -> AppResult<Response> {
    require(ctx.actor(), Action::RunRecognition)?;
    let actor = ctx.require_user()?.actor.user_id;
    let evs = evaluators(&st).await?;
    let ev_ids: Vec<i64> = evs.iter().map(|(id, _)| *id).collect();
    let leagues: Vec<String> = crate::regions::regions()
        .leagues()
        .map(|d| d.code.clone())
        .collect();
    match rules::validate_round(&f, &ev_ids, &leagues, year(&st), ctx.lang) {
        Ok(d) => {
            let id = recognition::open_round(&st.db, &d, actor, st.clock.now()).await?;
            ctx.set_flash("success", ctx.t("recog.opened")).await?;
            Ok(see_other(&format!("/recognition/{id}")))
        }
        Err(e) => {
            let csrf = ctx.ensure_csrf().await?;
            let body = views::new_round(ctx.lang, &f, &e, &evs, &csrf);
            Ok(unprocessable(layout::page(&ctx, &ctx.t("recog.new"), body)))
        }
    }
}

async fn round_of(st: &AppState, id: &str) -> AppResult<Round> {
    model::round(&st.db, parse_id(id)?)
        .await?
        .ok_or(AppError::NotFound)
}

/// The round's page, with what came back from a refused form.
async fn round_page(
    st: &AppState,
    ctx: &mut Ctx,
    r: &Round,
    e: &FieldErrors,
    typed: &Typed,
) -> AppResult<Markup> {
    let v = Viewer {
        regulator: may(ctx.actor(), Action::RunRecognition),
        signed_in: ctx.actor().is_some(),
    };
    let noms = model::nominations_of(&st.db, r.id).await?;
    let brand_ids: Vec<i64> = noms.iter().map(|n| n.brand_id).collect();
    let mut org_ids: Vec<i64> = noms.iter().map(|n| n.org_id).collect();
    org_ids.sort_unstable();
    org_ids.dedup();
    let brands = crate::brands::model::names_by_ids(&st.db, &brand_ids).await?;
    let orgs = crate::orgs::names_by_ids(&st.db, &org_ids).await?;
    // Live totals and who is missing reach the regulator only (one batched read).
    let boards = if v.regulator {
        let ids: Vec<i64> = noms.iter().map(|n| n.id).collect();
        crate::reviews::boards(&st.db, crate::reviews::SubjectKind::BrandNomination, &ids).await?
    } else {
        Default::default()
    };
    let rows: Vec<NomRow> = noms
        .into_iter()
        .map(|n| NomRow {
            brand: brands.get(&n.brand_id).cloned().unwrap_or_default(),
            org: orgs.get(&n.org_id).cloned().unwrap_or_default(),
            live: boards
                .get(&n.id)
                .map(|b| (b.total, b.submitted, b.rows.len())),
            n,
        })
        .collect();
    let objections = if r.state().shortlist_public() {
        model::objections_of(&st.db, r.id).await?
    } else {
        Vec::new()
    };
    let csrf = if ctx.actor().is_some() {
        Some(ctx.ensure_csrf().await?)
    } else {
        None
    };
    let body = views::round_page(
        ctx.lang,
        r,
        &rows,
        &objections,
        v,
        st.clock.now(),
        e,
        typed,
        csrf.as_deref(),
    );
    Ok(layout::page(ctx, &r.title, body))
}

/// `GET /recognition/{id}`
pub async fn show(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Markup> {
    let r = round_of(&st, &id).await?;
    round_page(
        &st,
        &mut ctx,
        &r,
        &FieldErrors::default(),
        &Typed::default(),
    )
    .await
}

/// A refused step: the round's page again, 422, the message under `field`.
async fn refused(
    st: &AppState,
    ctx: &mut Ctx,
    round_id: i64,
    field: &'static str,
    message: String,
    typed: &Typed,
) -> AppResult<Response> {
    let r = model::round(&st.db, round_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut e = FieldErrors::default();
    e.add(field, message);
    Ok(unprocessable(round_page(st, ctx, &r, &e, typed).await?))
}

/// The brands the user may nominate for their organizations, and the units they buy for.
async fn choices(
    st: &AppState,
    ctx: &Ctx,
) -> AppResult<(Vec<(String, String)>, Vec<(String, String)>)> {
    let Some(a) = ctx.actor() else {
        return Ok((Vec::new(), Vec::new()));
    };
    let mut brands = Vec::new();
    for (org, _) in &a.orgs {
        if may(Some(a), Action::NominateBrand(*org)) {
            for b in crate::brands::model::of_org(&st.db, *org).await? {
                brands.push((b.id.to_string(), b.name));
            }
        }
    }
    let units: Vec<i64> = a
        .units
        .iter()
        .copied()
        .filter(|u| may(Some(a), Action::UnitNominate(*u)))
        .collect();
    let names = crate::units::names_by_ids(&st.db, &units).await?;
    let units = units
        .iter()
        .map(|u| (u.to_string(), names.get(u).cloned().unwrap_or_default()))
        .collect();
    Ok((brands, units))
}

/// `GET /recognition/{id}/nominate`
pub async fn nominate_form(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Markup> {
    ctx.require_user()?;
    let r = round_of(&st, &id).await?;
    let (brands, units) = choices(&st, &ctx).await?;
    let csrf = ctx.ensure_csrf().await?;
    let body = views::nominate_page(
        ctx.lang,
        &r,
        &brands,
        &units,
        &NominationForm::default(),
        &FieldErrors::default(),
        &csrf,
    );
    Ok(layout::page(&ctx, &ctx.t("recog.nominate"), body))
}

/// `POST /recognition/{id}/nominations`
pub async fn nominate(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<NominationForm>,
) -> AppResult<Response> {
    let actor = ctx.require_user()?.actor.clone();
    let r = round_of(&st, &id).await?;
    let result = match rules::validate_nomination(&f, ctx.lang) {
        Err(e) => Err(e),
        Ok(d) => {
            // Who may nominate this brand: its organization's administrators, or a buyer
            // of the unit named. A brand that does not exist answers like another's.
            let brand = crate::brands::model::get(&st.db, d.brand).await?;
            let allowed = match (&brand, d.unit) {
                (None, _) => false,
                (Some(_), Some(u)) => may(Some(&actor), Action::UnitNominate(u)),
                (Some(b), None) => may(Some(&actor), Action::NominateBrand(b.org_id)),
            };
            let mut e = FieldErrors::default();
            if !allowed {
                let field = if brand.is_some() && d.unit.is_some() {
                    "unit"
                } else {
                    "brand"
                };
                e.add(field, Refusal::NotYours.message(ctx.lang));
                Err(e)
            } else {
                match recognition::nominate(&st.db, r.id, &d, actor.user_id, st.clock.now()).await?
                {
                    Ok(_) => Ok(()),
                    Err(why) => {
                        e.add("brand", why.message(ctx.lang));
                        Err(e)
                    }
                }
            }
        }
    };
    match result {
        Ok(()) => {
            ctx.set_flash("success", ctx.t("recog.nominated")).await?;
            Ok(see_other(&format!("/recognition/{}", r.id)))
        }
        Err(e) => {
            let (brands, units) = choices(&st, &ctx).await?;
            let csrf = ctx.ensure_csrf().await?;
            let body = views::nominate_page(ctx.lang, &r, &brands, &units, &f, &e, &csrf);
            Ok(unprocessable(layout::page(
                &ctx,
                &ctx.t("recog.nominate"),
                body,
            )))
        }
    }
}

/// The screening form.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ScreenForm {
    decision: String,
    note: String,
}

/// `POST /recognition/{id}/nominations/{nid}/screen`
pub async fn screen(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path((id, nid)): Path<(String, String)>,
    Form(f): Form<ScreenForm>,
) -> AppResult<Response> {
    require(ctx.actor(), Action::RunRecognition)?;
    let uid = ctx.require_user()?.actor.user_id;
    let r = round_of(&st, &id).await?;
    let nid = parse_id(&nid)?;
    model::nomination(&st.db, nid)
        .await?
        .filter(|n| n.round_id == r.id)
        .ok_or(AppError::NotFound)?;
    let typed = Typed {
        note: Some((nid, f.note.clone())),
        ..Default::default()
    };
    let accept = match f.decision.as_str() {
        "accept" => true,
        "refuse" => false,
        _ => {
            let m = ctx.t("recog.err.decision");
            return refused(&st, &mut ctx, r.id, "note", m, &typed).await;
        }
    };
    // A refusal needs its reason; a pass may go without a note.
    let note = if accept && f.note.trim().is_empty() {
        String::new()
    } else {
        match rules::validate_text(&f.note, "note", "recog.err.note", ctx.lang) {
            Ok(n) => n,
            Err(e) => {
                let m = e.get("note").unwrap_or_default().to_string();
                return refused(&st, &mut ctx, r.id, "note", m, &typed).await;
            }
        }
    };
    match recognition::screen(&st.db, r.id, nid, accept, &note, uid, st.clock.now()).await? {
        Ok(()) => {
            ctx.set_flash("success", ctx.t("recog.screened")).await?;
            Ok(see_other(&format!("/recognition/{}#nominations", r.id)))
        }
        Err(why) => {
            let m = why.message(ctx.lang);
            refused(&st, &mut ctx, r.id, "note", m, &typed).await
        }
    }
}

async fn step(st: &AppState, ctx: &mut Ctx, id: &str, which: &str) -> AppResult<Response> {
    require(ctx.actor(), Action::RunRecognition)?;
    let uid = ctx.require_user()?.actor.user_id;
    let r = round_of(st, id).await?;
    let now = st.clock.now();
    let result = match which {
        "review" => recognition::start_review(&st.db, r.id, uid, now).await?,
        "notice" => recognition::publish_notice(&st.db, r.id, uid, now).await?,
        _ => recognition::recognize(&st.db, r.id, uid, now)
            .await?
            .map(|_| ()),
    };
    match result {
        Ok(()) => {
            ctx.set_flash("success", ctx.t(&format!("recog.done.{which}")))
                .await?;
            Ok(see_other(&format!("/recognition/{}", r.id)))
        }
        Err(why) => {
            let m = why.message(ctx.lang);
            refused(st, ctx, r.id, "round", m, &Typed::default()).await
        }
    }
}

/// `POST /recognition/{id}/review`: the window has closed; screened nominations go to
/// expert review.
pub async fn start_review(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    step(&st, &mut ctx, &id, "review").await
}

/// `POST /recognition/{id}/notice`: the ranked shortlist goes into public notice.
pub async fn publish_notice(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    step(&st, &mut ctx, &id, "notice").await
}

/// `POST /recognition/{id}/recognize`: after the notice, the shortlist is recognized.
pub async fn recognize(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    step(&st, &mut ctx, &id, "recognize").await
}

/// The objection form.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ObjectionForm {
    nomination: String,
    reasons: String,
}

/// `POST /recognition/{id}/objections`
pub async fn object(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<ObjectionForm>,
) -> AppResult<Response> {
    require(ctx.actor(), Action::ObjectToNomination)?;
    let uid = ctx.require_user()?.actor.user_id;
    let r = round_of(&st, &id).await?;
    let typed = Typed {
        nomination: f.nomination.clone(),
        reasons: f.reasons.clone(),
        ..Default::default()
    };
    let reasons = match rules::validate_text(&f.reasons, "reasons", "recog.err.reasons", ctx.lang) {
        Ok(t) => t,
        Err(e) => {
            let m = e.get("reasons").unwrap_or_default().to_string();
            return refused(&st, &mut ctx, r.id, "reasons", m, &typed).await;
        }
    };
    let Some(nid) = f.nomination.trim().parse::<i64>().ok().filter(|i| *i > 0) else {
        let m = ctx.t("recog.err.objected");
        return refused(&st, &mut ctx, r.id, "nomination", m, &typed).await;
    };
    match recognition::object(&st.db, r.id, nid, uid, &reasons, st.clock.now()).await? {
        Ok(_) => {
            ctx.set_flash("success", ctx.t("recog.objected")).await?;
            Ok(see_other(&format!("/recognition/{}#objections", r.id)))
        }
        Err(Refusal::WrongState) => {
            let m = ctx.t("recog.err.objected");
            refused(&st, &mut ctx, r.id, "nomination", m, &typed).await
        }
        Err(why) => {
            let m = why.message(ctx.lang);
            refused(&st, &mut ctx, r.id, "reasons", m, &typed).await
        }
    }
}

/// The answer form.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct AnswerForm {
    answer: String,
    upheld: String,
}

/// `POST /recognition/{id}/objections/{oid}/answer`
pub async fn answer(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path((id, oid)): Path<(String, String)>,
    Form(f): Form<AnswerForm>,
) -> AppResult<Response> {
    require(ctx.actor(), Action::RunRecognition)?;
    let uid = ctx.require_user()?.actor.user_id;
    let r = round_of(&st, &id).await?;
    let oid = parse_id(&oid)?;
    model::objection(&st.db, oid)
        .await?
        .filter(|o| o.round_id == r.id)
        .ok_or(AppError::NotFound)?;
    let typed = Typed {
        answer: Some((oid, f.answer.clone())),
        ..Default::default()
    };
    let text = match rules::validate_text(&f.answer, "answer", "recog.err.answer", ctx.lang) {
        Ok(t) => t,
        Err(e) => {
            let m = e.get("answer").unwrap_or_default().to_string();
            return refused(&st, &mut ctx, r.id, "answer", m, &typed).await;
        }
    };
    let upheld = f.upheld.trim() == "1";
    match recognition::answer(&st.db, r.id, oid, &text, upheld, uid, st.clock.now()).await? {
        Ok(()) => {
            ctx.set_flash("success", ctx.t("recog.answered")).await?;
            Ok(see_other(&format!("/recognition/{}#objections", r.id)))
        }
        Err(why) => {
            let m = why.message(ctx.lang);
            refused(&st, &mut ctx, r.id, "answer", m, &typed).await
        }
    }
}

/// `GET /recognition/{id}/certificates/{nid}`: the printable certificate of a recognized
/// brand (any other nomination is "not found").
pub async fn certificate(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, nid)): Path<(String, String)>,
) -> AppResult<Markup> {
    let r = round_of(&st, &id).await?;
    let n = model::nomination(&st.db, parse_id(&nid)?)
        .await?
        .filter(|n| n.round_id == r.id && n.state() == rules::NominationState::Recognized)
        .ok_or(AppError::NotFound)?;
    let brand = crate::brands::model::get(&st.db, n.brand_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let org = crate::orgs::name_of(&st.db, n.org_id)
        .await?
        .unwrap_or_default();
    let body = views::certificate(ctx.lang, &r, &n, &brand.name, &org);
    Ok(layout::page(&ctx, &ctx.t("recog.cert.title"), body))
}

/// `GET /recognition/{id}/certificates/{nid}/certificate.pdf`: the certificate as a PDF in
/// the viewer's language; the same access and the same 404s as the page.
pub async fn certificate_pdf(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, nid)): Path<(String, String)>,
) -> AppResult<Response> {
    let r = round_of(&st, &id).await?;
    let n = model::nomination(&st.db, parse_id(&nid)?)
        .await?
        .filter(|n| n.round_id == r.id && n.state() == rules::NominationState::Recognized)
        .ok_or(AppError::NotFound)?;
    let brand = crate::brands::model::get(&st.db, n.brand_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let org = crate::orgs::name_of(&st.db, n.org_id)
        .await?
        .unwrap_or_default();
    let no = n.certificate_no.clone().unwrap_or_default();
    let doc = views::certificate_pdf(ctx.lang, &r, &n, &brand.name, &org, &public_url(&st));
    pdf_response(
        doc,
        &format!("certificate-{no}.pdf"),
        &format!("{}-{no}.pdf", ctx.t("recog.cert.title")),
        false,
    )
    .await
}

/// The recognition section of a brand's page: recognitions and the public timeline.
pub async fn brand_section(
    st: &AppState,
    lang: crate::kernel::Lang,
    brand_id: i64,
) -> AppResult<Markup> {
    let noms = model::nominations_of_brand(&st.db, brand_id).await?;
    let mut recognized = Vec::new();
    for n in noms
        .into_iter()
        .filter(|n| n.state() == rules::NominationState::Recognized)
    {
        if let Some(r) = model::round(&st.db, n.round_id).await? {
            recognized.push((n, r));
        }
    }
    let timeline = crate::audit::timeline(&st.db, "brand", brand_id, true)
        .await?
        .into_iter()
        .map(|e| {
            let d: serde_json::Value = serde_json::from_str(&e.detail).unwrap_or_default();
            let round = d
                .get("round")
                .and_then(serde_json::Value::as_i64)
                .zip(d.get("title").and_then(|t| t.as_str()).map(str::to_string));
            let extra = d
                .get("certificate")
                .or_else(|| d.get("answer"))
                .and_then(|x| x.as_str())
                .map(str::to_string);
            views::TimelineEntry {
                at: e.at,
                action: e.action,
                round,
                extra,
            }
        })
        .collect::<Vec<_>>();
    Ok(views::brand_section(lang, &recognized, &timeline))
}
