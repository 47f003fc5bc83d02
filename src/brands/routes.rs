//! Brand-project handlers: extract, authorize, call, render. Who may keep an
//! organization's brands is settled (`Action::ManageBrands` on the organization in the
//! path) before the brand is looked up; a brand of another organization then answers 404
//! like one that does not exist.

/// Handlers of the annual recognition rounds (品牌项目认定).
pub mod recognition;

use axum::extract::{Multipart, Path, State};
use axum::response::{IntoResponse, Response};
use maud::Markup;

use super::rules::{self, BrandForm, GalleryQuery};
use super::{model, views};
use crate::accounts::{Action, may, require};
use crate::kernel::error::{AppError, AppResult, FieldErrors};
use crate::kernel::photos::Size;
use crate::web::{AppState, Ctx, Form, Query, layout, parse_id, see_other, unprocessable};

fn year(st: &AppState) -> i32 {
    st.clock.today().year()
}

/// `GET /brands`
pub async fn gallery(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<GalleryQuery>,
) -> AppResult<Markup> {
    let g = rules::parse_gallery(&q);
    let (cards, total) = super::gallery(&st.db, &g).await?;
    let body = views::gallery(ctx.lang, &g, &cards, total, year(&st));
    Ok(layout::page(&ctx, &ctx.t("brands.title"), body))
}

/// `GET /brands/{id}`
pub async fn show(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Markup> {
    let p = super::page(&st.db, parse_id(&id)?)
        .await?
        .ok_or(AppError::NotFound)?;
    let can_edit = may(ctx.actor(), Action::ManageBrands(p.card.brand.org_id));
    let recognition = recognition::brand_section(&st, ctx.lang, p.card.brand.id).await?;
    let body = maud::html! { (views::show(ctx.lang, &p, year(&st), can_edit)) (recognition) };
    Ok(layout::page(&ctx, &p.card.brand.name, body))
}

async fn photo(st: &AppState, id: &str, pid: &str, size: Size) -> AppResult<Response> {
    let p = model::photo(&st.db, parse_id(id)?, parse_id(pid)?)
        .await?
        .ok_or(AppError::NotFound)?;
    crate::web::photos::serve(&st.config.data_dir, super::PHOTO_FOLDER, &p.file_key, size).await
}

/// `GET /brands/{id}/photos/{pid}/thumb`
pub async fn photo_thumb(
    State(st): State<AppState>,
    Path((id, pid)): Path<(String, String)>,
) -> AppResult<Response> {
    photo(&st, &id, &pid, Size::Thumb).await
}

/// `GET /brands/{id}/photos/{pid}/large`
pub async fn photo_large(
    State(st): State<AppState>,
    Path((id, pid)): Path<(String, String)>,
) -> AppResult<Response> {
    photo(&st, &id, &pid, Size::Large).await
}

/// The organization in the path, once the asker may keep its brands: id and name.
async fn org_for(st: &AppState, ctx: &Ctx, id: &str) -> AppResult<(i64, String)> {
    let org_id = parse_id(id)?;
    require(ctx.actor(), Action::ManageBrands(org_id))?;
    let name = crate::orgs::name_of(&st.db, org_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((org_id, name))
}

/// The brand in the path, once the asker may keep the organization's brands; a brand of
/// another organization is "not found".
async fn brand_for(st: &AppState, ctx: &Ctx, id: &str, brand: &str) -> AppResult<model::Brand> {
    let org_id = parse_id(id)?;
    require(ctx.actor(), Action::ManageBrands(org_id))?;
    model::get(&st.db, parse_id(brand)?)
        .await?
        .filter(|b| b.org_id == org_id)
        .ok_or(AppError::NotFound)
}

/// `GET /orgs/{id}/brands/new`
pub async fn new_form(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Markup> {
    let (org_id, name) = org_for(&st, &ctx, &id).await?;
    let csrf = ctx.ensure_csrf().await?;
    let f = BrandForm {
        started_year: year(&st).to_string(),
        ..Default::default()
    };
    let body = views::new_page(
        ctx.lang,
        (org_id, &name),
        &f,
        &FieldErrors::default(),
        &csrf,
    );
    Ok(layout::page(&ctx, &ctx.t("brand.new"), body))
}

/// `POST /orgs/{id}/brands`
pub async fn create(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<BrandForm>,
) -> AppResult<Response> {
    let (org_id, name) = org_for(&st, &ctx, &id).await?;
    let actor = ctx.require_user()?.actor.user_id;
    // An organization whose registration ended adds no brand project: the form says why.
    let ended = crate::orgs::row(&st.db, org_id)
        .await?
        .as_ref()
        .and_then(crate::orgs::ended);
    let checked = rules::validate(&f, year(&st), ctx.lang).and_then(|d| match ended {
        Some(e) => {
            let mut errors = FieldErrors::default();
            errors.add("name", e.message(ctx.lang));
            Err(errors)
        }
        None => Ok(d),
    });
    match checked {
        Ok(d) => {
            let bid = super::create(&st.db, org_id, &d, actor, st.clock.now()).await?;
            ctx.set_flash("success", ctx.t("brand.created")).await?;
            Ok(see_other(&format!("/orgs/{org_id}/brands/{bid}/edit")))
        }
        Err(e) => {
            let csrf = ctx.ensure_csrf().await?;
            let body = views::new_page(ctx.lang, (org_id, &name), &f, &e, &csrf);
            Ok(unprocessable(layout::page(&ctx, &ctx.t("brand.new"), body)))
        }
    }
}

/// The form as the stored brand fills it.
async fn form_of(st: &AppState, b: &model::Brand) -> AppResult<BrandForm> {
    let places = model::places_of(&st.db, &[b.id])
        .await?
        .remove(&b.id)
        .unwrap_or_default();
    let outcomes = model::outcomes_of(&st.db, b.id).await?;
    Ok(BrandForm {
        name: b.name.clone(),
        domain: b.domain.clone(),
        places,
        started_year: b.started_year.to_string(),
        beneficiaries: b.beneficiaries_per_year.to_string(),
        outcome_label: outcomes.iter().map(|o| o.label.clone()).collect(),
        outcome_number: outcomes.iter().map(|o| o.number.to_string()).collect(),
        outcome_unit: outcomes.iter().map(|o| o.unit.clone()).collect(),
        partners: b.partners.clone(),
        story: b.story.clone(),
    })
}

/// The forms of an edit page that came back with errors.
#[derive(Default)]
struct Failed<'a> {
    brand: Option<(&'a BrandForm, &'a FieldErrors)>,
    photo: Option<&'a FieldErrors>,
    evidence: Option<(&'a [i64], &'a FieldErrors)>,
}

async fn edit_page(
    st: &AppState,
    ctx: &mut Ctx,
    b: &model::Brand,
    failed: Failed<'_>,
) -> AppResult<Markup> {
    let csrf = ctx.ensure_csrf().await?;
    let none = FieldErrors::default();
    let stored;
    let (f, e) = match failed.brand {
        Some(x) => x,
        None => {
            stored = form_of(st, b).await?;
            (&stored, &none)
        }
    };
    let photos = model::photos_of(&st.db, &[b.id])
        .await?
        .remove(&b.id)
        .unwrap_or_default();
    let completed = crate::contracts::completed_of_org(&st.db, b.org_id).await?;
    let linked_now;
    let (linked, evidence_errors) = match failed.evidence {
        Some(x) => x,
        None => {
            linked_now = model::evidence_of(&st.db, b.id).await?;
            (&linked_now[..], &none)
        }
    };
    let x = views::EditExtras {
        photos: &photos,
        completed: &completed,
        linked,
        photo_errors: failed.photo.unwrap_or(&none),
        evidence_errors,
    };
    let body = views::edit_page(ctx.lang, b, f, e, &x, &csrf);
    Ok(layout::page(
        ctx,
        &ctx.lang.tf("brand.edit_title", &[("name", &b.name)]),
        body,
    ))
}

/// `GET /orgs/{id}/brands/{brand}/edit`
pub async fn edit_form(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path((id, brand)): Path<(String, String)>,
) -> AppResult<Markup> {
    let b = brand_for(&st, &ctx, &id, &brand).await?;
    edit_page(&st, &mut ctx, &b, Failed::default()).await
}

/// `POST /orgs/{id}/brands/{brand}/edit`
pub async fn update(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path((id, brand)): Path<(String, String)>,
    Form(f): Form<BrandForm>,
) -> AppResult<Response> {
    let b = brand_for(&st, &ctx, &id, &brand).await?;
    let actor = ctx.require_user()?.actor.user_id;
    match rules::validate(&f, year(&st), ctx.lang) {
        Ok(d) => {
            super::update(&st.db, &b, &d, actor, st.clock.now()).await?;
            ctx.set_flash("success", ctx.t("brand.saved")).await?;
            Ok(see_other(&format!("/brands/{}", b.id)))
        }
        Err(e) => {
            let failed = Failed {
                brand: Some((&f, &e)),
                ..Default::default()
            };
            Ok(unprocessable(edit_page(&st, &mut ctx, &b, failed).await?))
        }
    }
}

/// `POST /orgs/{id}/brands/{brand}/photos` (multipart: `_csrf`, `photo`)
pub async fn upload_photo(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path((id, brand)): Path<(String, String)>,
    mp: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> AppResult<Response> {
    // Who may upload is decided before the body is looked at.
    let b = brand_for(&st, &ctx, &id, &brand).await?;
    let actor = ctx.require_user()?.actor.user_id;
    let mut mp = mp.map_err(|_| AppError::BadRequest(ctx.t("photo.err.empty")))?;
    let outcome = match crate::web::photos::read_upload(&mut mp, "photo")
        .await
        .map(|u| u.file)
        .map_err(|r| r.problem)
    {
        Err(p) => Err(p),
        Ok(None) => Err(super::PhotoProblem::Empty),
        Ok(Some(bytes)) => {
            super::add_photo(
                &st.db,
                &st.config.data_dir,
                &b,
                bytes,
                Some(actor),
                st.clock.now(),
            )
            .await?
        }
    };
    match outcome {
        Ok(_) => {
            ctx.set_flash("success", ctx.t("brand.photo.added")).await?;
            Ok(see_other(&format!(
                "/orgs/{}/brands/{}/edit#photos",
                b.org_id, b.id
            )))
        }
        Err(p) => {
            let mut e = FieldErrors::default();
            e.add("photo", p.message(ctx.lang));
            let failed = Failed {
                photo: Some(&e),
                ..Default::default()
            };
            Ok(unprocessable(edit_page(&st, &mut ctx, &b, failed).await?))
        }
    }
}

/// The confirmation field of a removal.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    confirm: String,
}

/// `POST /orgs/{id}/brands/{brand}/photos/{pid}/delete` (destructive: confirmed first)
pub async fn delete_photo(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path((id, brand, pid)): Path<(String, String, String)>,
    Form(f): Form<ConfirmForm>,
) -> AppResult<Response> {
    let b = brand_for(&st, &ctx, &id, &brand).await?;
    let actor = ctx.require_user()?.actor.user_id;
    let p = model::photo(&st.db, b.id, parse_id(&pid)?)
        .await?
        .ok_or(AppError::NotFound)?;
    let edit = format!("/orgs/{}/brands/{}/edit#photos", b.org_id, b.id);
    if !crate::web::confirm::confirmed(&f.confirm) {
        let csrf = ctx.ensure_csrf().await?;
        let action = format!("/orgs/{}/brands/{}/photos/{}/delete", b.org_id, b.id, p.id);
        let c = crate::web::confirm::Confirm {
            title: &ctx.t("brand.photo.confirm_title"),
            consequences: &[
                ctx.lang
                    .tf("brand.photo.confirm_gone", &[("name", &b.name)]),
                ctx.t("brand.photo.confirm_files"),
            ],
            action: &action,
            fields: &[],
            button: &ctx.t("brand.photo.remove"),
            cancel: &edit,
        };
        return Ok(crate::web::confirm::page(&ctx, &c, &csrf).into_response());
    }
    super::delete_photo(&st.db, &st.config.data_dir, &b, p.id, actor, st.clock.now()).await?;
    ctx.set_flash("success", ctx.t("brand.photo.removed"))
        .await?;
    Ok(see_other(&edit))
}

/// The contracts checked as evidence.
#[derive(Debug, Default, serde::Deserialize)]
pub struct EvidenceForm {
    #[serde(default)]
    contract: Vec<String>,
}

/// `POST /orgs/{id}/brands/{brand}/evidence`: the completed contracts linked (the whole set).
pub async fn set_evidence(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path((id, brand)): Path<(String, String)>,
    Form(f): Form<EvidenceForm>,
) -> AppResult<Response> {
    let b = brand_for(&st, &ctx, &id, &brand).await?;
    let actor = ctx.require_user()?.actor.user_id;
    let parsed: Option<Vec<i64>> = f
        .contract
        .iter()
        .map(|c| c.trim().parse::<i64>().ok().filter(|i| *i > 0))
        .collect();
    let result = match &parsed {
        None => Err(ctx.t("brand.err.evidence")),
        Some(ids) => super::set_evidence(&st.db, &b, ids, actor, st.clock.now())
            .await?
            .map_err(|super::NotEvidence(c)| {
                ctx.lang
                    .tf("brand.err.not_evidence", &[("id", &c.to_string())])
            }),
    };
    match result {
        Ok(()) => {
            ctx.set_flash("success", ctx.t("brand.evidence_saved"))
                .await?;
            Ok(see_other(&format!("/brands/{}#verified", b.id)))
        }
        Err(m) => {
            let mut e = FieldErrors::default();
            e.add("contract", m);
            let chosen = parsed.unwrap_or_default();
            let failed = Failed {
                evidence: Some((&chosen, &e)),
                ..Default::default()
            };
            Ok(unprocessable(edit_page(&st, &mut ctx, &b, failed).await?))
        }
    }
}

/// The section on an organization's profile (composed by `pages`): its brand cards and,
/// for its administrators, the link to add one.
pub async fn org_section(
    st: &AppState,
    ctx_lang: crate::kernel::Lang,
    actor: Option<&crate::accounts::Actor>,
    org_id: i64,
) -> AppResult<Markup> {
    let cards = super::cards_of_org(&st.db, org_id).await?;
    let can_add = may(actor, Action::ManageBrands(org_id));
    Ok(views::org_section(
        ctx_lang,
        org_id,
        &cards,
        year(st),
        can_add,
    ))
}
