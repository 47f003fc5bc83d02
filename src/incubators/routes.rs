//! Incubator handlers: extract, authorize, call, render. Routes naming an application answer
//! every id the asker may not see alike — log in for anonymous visitors, 404 otherwise.

pub mod graduation;
pub mod kpis;
pub mod milestones;
pub mod photos;
pub mod services;

use axum::extract::{Path, State};
use axum::response::Response;
use maud::Markup;

use super::model::{self, Application, Incubator};
use super::rules::{
    self, AppState, ApplicationForm, CheckForm, DecideForm, IncubatorForm, Step, StepError,
};
use super::views::{self, AppPage, Failed};
use super::{ApplyRefusal, IncubatorRefusal, ManagerRefusal, StepRefusal};
use crate::accounts::{Action, OrgRole, Role, may, require};
use crate::kernel::error::{AppError, AppResult, FieldErrors};
use crate::kernel::text::Kind;
use crate::web::{AppState as St, Ctx, Form, Query, layout, parse_id, see_other, unprocessable};

fn one(field: &'static str, message: String) -> FieldErrors {
    let mut e = FieldErrors::default();
    e.add(field, message);
    e
}

async fn load(st: &St, id: &str) -> AppResult<Incubator> {
    model::get(&st.db, parse_id(id)?)
        .await?
        .ok_or(AppError::NotFound)
}

/// Whether the signed-in user is assigned to manage the incubator.
async fn managed(st: &St, ctx: &Ctx, incubator_id: i64) -> AppResult<bool> {
    Ok(match ctx.actor() {
        Some(a) if a.has(Role::IncubatorManager) => {
            model::is_manager(&st.db, incubator_id, a.user_id).await?
        }
        _ => false,
    })
}

/// Query of the directory.
#[derive(Debug, Default, serde::Deserialize)]
pub struct DirectoryQuery {
    #[serde(default)]
    level: String,
    #[serde(default)]
    league: String,
}

/// `GET /incubators`: the public directory, by level and league/city.
pub async fn directory(
    State(st): State<St>,
    ctx: Ctx,
    Query(q): Query<DirectoryQuery>,
) -> AppResult<Markup> {
    let level = views::LEVELS
        .iter()
        .find(|l| l.code() == q.level.trim())
        .map(|l| l.code());
    let league = crate::regions::regions()
        .get(q.league.trim())
        .filter(|d| d.level == crate::regions::Level::LeagueCity)
        .map(|d| d.code.clone());
    let (list, residents) = tokio::try_join!(
        model::list(&st.db, level, league.as_deref()),
        model::resident_counts(&st.db),
    )?;
    let ids: Vec<i64> = list.iter().map(|i| i.id).collect();
    // Each incubator's cover: the first of its photos (one `IN` query for the page).
    let covers = super::photos::photos_of(&st.db, &ids)
        .await?
        .into_iter()
        .filter_map(|(id, v)| v.into_iter().next().map(|p| (id, p)))
        .collect();
    let body = views::directory(
        ctx.lang,
        &list,
        &residents,
        &covers,
        level.unwrap_or(""),
        league.as_deref().unwrap_or(""),
    );
    Ok(layout::page(
        &ctx,
        &ctx.t("incubator.directory_title"),
        body,
    ))
}

/// `GET /incubators/{id}`: the incubator and its current and graduated tenants.
pub async fn show(State(st): State<St>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Markup> {
    let i = load(&st, &id).await?;
    let tenants = model::tenants_of(&st.db, i.id).await?;
    let mut org_ids: Vec<i64> = tenants.iter().filter_map(|t| t.org_id).collect();
    org_ids.extend(i.operator_org_id);
    let org_names = crate::orgs::names_by_ids(&st.db, &org_ids).await?;
    let unit_name = match i.operator_unit_id {
        Some(u) => crate::units::names_by_ids(&st.db, &[u]).await?.remove(&u),
        None => None,
    };
    let is_manager = managed(&st, &ctx, i.id).await?;
    let photos = super::photos::photos_of(&st.db, &[i.id])
        .await?
        .remove(&i.id)
        .unwrap_or_default();
    // The link to the space pages, for those who may see them (`spaces` decides the rest).
    let tenant = match ctx.actor() {
        Some(a) => {
            let orgs: Vec<i64> = a.orgs.iter().map(|(id, _)| *id).collect();
            !model::tenants_acting_for(&st.db, i.id, a.user_id, &orgs)
                .await?
                .is_empty()
        }
        None => false,
    };
    let data = views::ShowData {
        may_space: may(
            ctx.actor(),
            Action::ViewSpace {
                managed: is_manager,
                tenant,
            },
        ),
        tenants: &tenants,
        org_names: &org_names,
        unit_name,
        may_apply: may(ctx.actor(), Action::ApplyToIncubator),
        may_review: may(
            ctx.actor(),
            Action::ViewIncubatorApplications {
                managed: is_manager,
            },
        ),
        is_admin: may(ctx.actor(), Action::ManageIncubators),
        photos: &photos,
        may_keep_photos: may(
            ctx.actor(),
            Action::KeepIncubatorPhotos {
                managed: is_manager,
            },
        ),
    };
    let body = views::show(ctx.lang, &i, &data);
    Ok(layout::page(&ctx, &i.name, body))
}

async fn unit_options(st: &St) -> AppResult<(Vec<i64>, Vec<(String, String)>)> {
    let units = crate::units::list(&st.db, None).await?;
    Ok((
        units.iter().map(|u| u.id).collect(),
        units
            .into_iter()
            .map(|u| (u.id.to_string(), u.name))
            .collect(),
    ))
}

async fn admin_page(
    st: &St,
    ctx: &mut Ctx,
    f: &IncubatorForm,
    e: &FieldErrors,
) -> AppResult<Markup> {
    let csrf = ctx.ensure_csrf().await?;
    let list = model::list(&st.db, None, None).await?;
    let (_, units) = unit_options(st).await?;
    let body = views::admin(ctx.lang, &list, f, e, &units, &csrf);
    Ok(layout::page(ctx, &ctx.t("incubator.admin_title"), body))
}

/// `GET /admin/incubators`
pub async fn admin(State(st): State<St>, mut ctx: Ctx) -> AppResult<Markup> {
    require(ctx.actor(), Action::ManageIncubators)?;
    admin_page(
        &st,
        &mut ctx,
        &IncubatorForm::default(),
        &FieldErrors::default(),
    )
    .await
}

/// Validates and saves an incubator form: the id on success, the messages otherwise.
async fn save(
    st: &St,
    ctx: &Ctx,
    id: Option<i64>,
    f: &IncubatorForm,
) -> AppResult<Result<i64, FieldErrors>> {
    let actor = ctx.require_user()?.actor.user_id;
    let (unit_ids, _) = unit_options(st).await?;
    let d = match rules::validate_incubator(f, &unit_ids, ctx.lang) {
        Ok(d) => d,
        Err(e) => return Ok(Err(e)),
    };
    Ok(
        match super::save_incubator(&st.db, id, &d, actor, st.clock.now()).await? {
            Ok(id) => Ok(id),
            Err(IncubatorRefusal::NameTaken) => Err(one("name", ctx.t("incubator.err.name_taken"))),
            Err(IncubatorRefusal::UnknownOperator) => Err(one(
                "operator_uscc",
                ctx.t("incubator.err.unknown_operator"),
            )),
        },
    )
}

/// `POST /admin/incubators`
pub async fn create(
    State(st): State<St>,
    mut ctx: Ctx,
    Form(f): Form<IncubatorForm>,
) -> AppResult<Response> {
    require(ctx.actor(), Action::ManageIncubators)?;
    match save(&st, &ctx, None, &f).await? {
        Ok(id) => {
            ctx.set_flash("success", ctx.t("incubator.created")).await?;
            Ok(see_other(&format!("/admin/incubators/{id}")))
        }
        Err(e) => Ok(unprocessable(admin_page(&st, &mut ctx, &f, &e).await?)),
    }
}

fn form_of(i: &Incubator, uscc: Option<String>) -> IncubatorForm {
    let r = crate::regions::regions();
    IncubatorForm {
        name: i.name.clone(),
        i_league: r
            .league_of(&i.division_code)
            .map(|d| d.code.clone())
            .unwrap_or_default(),
        i_county: i.county_code.clone().unwrap_or_default(),
        operator_uscc: uscc.unwrap_or_default(),
        operator_unit: i
            .operator_unit_id
            .map(|u| u.to_string())
            .unwrap_or_default(),
        address: i.address.clone(),
        services: i.services.clone(),
        capacity: i.capacity.to_string(),
    }
}

async fn edit_page(
    st: &St,
    ctx: &mut Ctx,
    i: &Incubator,
    f: Option<(&IncubatorForm, &FieldErrors)>,
    manager: Option<(&str, &FieldErrors)>,
) -> AppResult<Markup> {
    let csrf = ctx.ensure_csrf().await?;
    let (_, units) = unit_options(st).await?;
    let ids = model::manager_ids(&st.db, i.id).await?;
    let managers: Vec<views::Manager> = crate::accounts::users_by_ids(&st.db, &ids)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name, u.email))
        .collect();
    let none = FieldErrors::default();
    let own_form;
    let (f, e) = match f {
        Some(x) => x,
        None => {
            let uscc = match i.operator_org_id {
                Some(o) => crate::orgs::rows_by_ids(&st.db, &[o])
                    .await?
                    .pop()
                    .map(|o| o.uscc),
                None => None,
            };
            own_form = form_of(i, uscc);
            (&own_form, &none)
        }
    };
    let (email, me) = manager.unwrap_or(("", &none));
    let body = views::admin_edit(ctx.lang, i, f, e, &units, &managers, email, me, &csrf);
    Ok(layout::page(ctx, &i.name, body))
}

/// `GET /admin/incubators/{id}`
pub async fn edit_form(
    State(st): State<St>,
    mut ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Markup> {
    require(ctx.actor(), Action::ManageIncubators)?;
    let i = load(&st, &id).await?;
    edit_page(&st, &mut ctx, &i, None, None).await
}

/// `POST /admin/incubators/{id}`
pub async fn update(
    State(st): State<St>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<IncubatorForm>,
) -> AppResult<Response> {
    require(ctx.actor(), Action::ManageIncubators)?;
    let i = load(&st, &id).await?;
    match save(&st, &ctx, Some(i.id), &f).await? {
        Ok(id) => {
            ctx.set_flash("success", ctx.t("incubator.saved")).await?;
            Ok(see_other(&format!("/admin/incubators/{id}")))
        }
        Err(e) => Ok(unprocessable(
            edit_page(&st, &mut ctx, &i, Some((&f, &e)), None).await?,
        )),
    }
}

/// The e-mail of a manager to add.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ManagerForm {
    #[serde(default)]
    email: String,
}

/// `POST /admin/incubators/{id}/managers`: assigns a holder of the incubator-manager role.
pub async fn add_manager(
    State(st): State<St>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<ManagerForm>,
) -> AppResult<Response> {
    require(ctx.actor(), Action::ManageIncubators)?;
    let actor = ctx.require_user()?.actor.user_id;
    let i = load(&st, &id).await?;
    let email = crate::accounts::normalize_email(&f.email);
    let outcome = if email.is_empty() {
        Err(one("email", ctx.t("form.required")))
    } else {
        match crate::accounts::find_by_email(&st.db, &email).await? {
            None => Err(one(
                "email",
                ctx.lang.tf("org.member_unknown", &[("email", &email)]),
            )),
            Some(u) => {
                match super::set_manager(&st.db, &i, u.id, true, actor, st.clock.now()).await? {
                    Ok(changed) => Ok(changed),
                    Err(ManagerRefusal::NotManagerRole) => {
                        Err(one("email", ctx.t("incubator.err.not_manager_role")))
                    }
                }
            }
        }
    };
    match outcome {
        Ok(changed) => {
            let key = if changed {
                "incubator.manager_added"
            } else {
                "duties.unchanged"
            };
            ctx.set_flash("success", ctx.t(key)).await?;
            Ok(see_other(&format!("/admin/incubators/{}", i.id)))
        }
        Err(e) => Ok(unprocessable(
            edit_page(&st, &mut ctx, &i, None, Some((f.email.as_str(), &e))).await?,
        )),
    }
}

/// The confirmation of a removal.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    confirm: String,
}

/// `POST /admin/incubators/{id}/managers/{uid}/remove`: after confirmation.
pub async fn remove_manager(
    State(st): State<St>,
    mut ctx: Ctx,
    Path((id, uid)): Path<(String, String)>,
    Form(f): Form<ConfirmForm>,
) -> AppResult<Response> {
    require(ctx.actor(), Action::ManageIncubators)?;
    let actor = ctx.require_user()?.actor.user_id;
    let i = load(&st, &id).await?;
    let target = parse_id(&uid)?;
    if !crate::web::confirm::confirmed(&f.confirm) {
        let csrf = ctx.ensure_csrf().await?;
        let name = crate::accounts::users_by_ids(&st.db, &[target])
            .await?
            .pop()
            .map(|u| u.display_name)
            .unwrap_or_default();
        let lang = ctx.lang;
        let args = [("user", name.as_str()), ("incubator", i.name.as_str())];
        let page = crate::web::confirm::page(
            &ctx,
            &crate::web::confirm::Confirm {
                title: &lang.tf("confirm.remove_incubator_manager.title", &args),
                consequences: &[
                    lang.tf("confirm.remove_incubator_manager.what", &args),
                    lang.t("confirm.remove_incubator_manager.notified"),
                ],
                action: &format!("/admin/incubators/{}/managers/{target}/remove", i.id),
                fields: &[],
                button: &lang.t("confirm.remove_incubator_manager.button"),
                cancel: &format!("/admin/incubators/{}", i.id),
            },
            &csrf,
        );
        return Ok(axum::response::IntoResponse::into_response(page));
    }
    let changed = matches!(
        super::set_manager(&st.db, &i, target, false, actor, st.clock.now()).await?,
        Ok(true)
    );
    let key = if changed {
        "incubator.manager_removed"
    } else {
        "duties.unchanged"
    };
    ctx.set_flash("success", ctx.t(key)).await?;
    Ok(see_other(&format!("/admin/incubators/{}", i.id)))
}

/// The organizations the user administers, with their registry name and USCC.
async fn admin_orgs(st: &St, ctx: &Ctx) -> AppResult<Vec<(i64, String, String)>> {
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

async fn apply_page(
    st: &St,
    ctx: &mut Ctx,
    i: &Incubator,
    f: &ApplicationForm,
    e: &FieldErrors,
) -> AppResult<Markup> {
    let csrf = ctx.ensure_csrf().await?;
    let orgs = admin_orgs(st, ctx).await?;
    let body = views::apply_page(ctx.lang, i, f, e, &orgs, &csrf);
    Ok(layout::page(
        ctx,
        &ctx.lang.tf("incubator.apply_title", &[("name", &i.name)]),
        body,
    ))
}

/// `GET /incubators/{id}/apply`
pub async fn apply_form(
    State(st): State<St>,
    mut ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Markup> {
    require(ctx.actor(), Action::ApplyToIncubator)?;
    let i = load(&st, &id).await?;
    let f = ApplicationForm {
        kind: "group".into(),
        ..Default::default()
    };
    apply_page(&st, &mut ctx, &i, &f, &FieldErrors::default()).await
}

fn refusal_errors(ctx: &Ctx, r: ApplyRefusal) -> FieldErrors {
    match r {
        ApplyRefusal::AlreadyOpen => one("kind", ctx.t("incubator.err.already_open")),
        ApplyRefusal::UnknownOrg => one("org_id", ctx.t("incubator.err.org")),
        ApplyRefusal::Unverified => one("org_id", ctx.t("incubator.err.unverified")),
        ApplyRefusal::Ended(e) => one("org_id", e.message(ctx.lang)),
        ApplyRefusal::NotDraft => one("kind", ctx.t("incubator.err.not_draft")),
    }
}

/// `POST /incubators/{id}/apply`
pub async fn apply(
    State(st): State<St>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<ApplicationForm>,
) -> AppResult<Response> {
    require(ctx.actor(), Action::ApplyToIncubator)?;
    let uid = ctx.require_user()?.actor.user_id;
    let i = load(&st, &id).await?;
    let orgs: Vec<i64> = admin_orgs(&st, &ctx).await?.iter().map(|o| o.0).collect();
    let res = match rules::validate_application(&f, &orgs, ctx.lang) {
        Err(e) => Err(e),
        Ok(d) => super::apply(&st.db, &i, uid, &d, st.clock.now())
            .await?
            .map_err(|r| refusal_errors(&ctx, r)),
    };
    match res {
        Ok(app) => {
            let key = if f.action.trim() == "submit" {
                "incubator.submitted"
            } else {
                "incubator.draft_saved"
            };
            ctx.set_flash("success", ctx.t(key)).await?;
            Ok(see_other(&format!("/incubator-applications/{app}")))
        }
        Err(e) => Ok(unprocessable(apply_page(&st, &mut ctx, &i, &f, &e).await?)),
    }
}

/// `GET /incubators/{id}/applications`: managers of the incubator and regulators.
pub async fn applications(
    State(st): State<St>,
    mut ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Markup> {
    let i = load(&st, &id).await?;
    let managed = managed(&st, &ctx, i.id).await?;
    require(ctx.actor(), Action::ViewIncubatorApplications { managed })?;
    applications_page(&st, &mut ctx, &i, managed, "", &FieldErrors::default()).await
}

async fn applications_page(
    st: &St,
    ctx: &mut Ctx,
    i: &Incubator,
    managed: bool,
    label: &str,
    e: &FieldErrors,
) -> AppResult<Markup> {
    let csrf = ctx.ensure_csrf().await?;
    let (apps, items) = tokio::try_join!(
        model::applications_of(&st.db, i.id),
        model::checklist(&st.db, i.id),
    )?;
    let manager = may(ctx.actor(), Action::ManageIncubator { managed });
    let body = views::applications(ctx.lang, i, &apps, &items, manager, label, e, &csrf);
    Ok(layout::page(
        ctx,
        &ctx.lang
            .tf("incubator.applications_title", &[("name", &i.name)]),
        body,
    ))
}

/// A checklist item as typed.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ItemForm {
    #[serde(default)]
    label: String,
}

/// `POST /incubators/{id}/checklist`: a manager adds an item to the admission checklist.
pub async fn add_item(
    State(st): State<St>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<ItemForm>,
) -> AppResult<Response> {
    let i = load(&st, &id).await?;
    let managed = managed(&st, &ctx, i.id).await?;
    require(ctx.actor(), Action::ManageIncubator { managed })?;
    let uid = ctx.require_user()?.actor.user_id;
    match rules::validate_required("label", &f.label, Kind::Line, rules::limits::ITEM, ctx.lang) {
        Ok(label) => {
            super::add_checklist_item(&st.db, i.id, &label, uid, st.clock.now()).await?;
            ctx.set_flash("success", ctx.t("incubator.item_added"))
                .await?;
            Ok(see_other(&format!(
                "/incubators/{}/applications#checklist",
                i.id
            )))
        }
        Err(e) => Ok(unprocessable(
            applications_page(&st, &mut ctx, &i, managed, &f.label, &e).await?,
        )),
    }
}

/// An application the asker may see, with its incubator and the asker's relation to it.
struct Seen {
    a: Application,
    i: Incubator,
    own: bool,
    manager: bool,
}

/// Loads an application for the signed-in user, settling who may ask first: log in for
/// anonymous visitors, and "not found" alike for missing ids and applications the user may
/// not see (a draft is the applicant's alone).
async fn seen(st: &St, ctx: &Ctx, id: &str) -> AppResult<Seen> {
    let actor = ctx.actor().ok_or(AppError::LoginRequired)?;
    let a = model::application(&st.db, parse_id(id)?)
        .await?
        .ok_or(AppError::NotFound)?;
    let own = a.applicant_id == actor.user_id;
    let shown = a.state().visible_to_managers();
    let managed = shown && managed(st, ctx, a.incubator_id).await?;
    let allowed = may(
        Some(actor),
        Action::ViewIncubatorApplication { own, managed },
    ) && (own || shown);
    if !allowed {
        return Err(AppError::NotFound);
    }
    let i = model::get(&st.db, a.incubator_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let manager = may(Some(actor), Action::ManageIncubator { managed });
    Ok(Seen { a, i, own, manager })
}

async fn application_page(
    st: &St,
    ctx: &mut Ctx,
    s: &Seen,
    failed: &Failed<'_>,
) -> AppResult<Markup> {
    let csrf = ctx.ensure_csrf().await?;
    let (items, checks, messages) = tokio::try_join!(
        model::checklist(&st.db, s.i.id),
        model::checks(&st.db, s.a.id),
        model::messages(&st.db, s.a.id),
    )?;
    let mut authors: Vec<i64> = messages.iter().filter_map(|m| m.author_id).collect();
    authors.sort_unstable();
    authors.dedup();
    let names: std::collections::HashMap<i64, String> =
        crate::accounts::users_by_ids(&st.db, &authors)
            .await?
            .into_iter()
            .map(|u| (u.id, u.display_name))
            .collect();
    let messages: Vec<_> = messages
        .into_iter()
        .map(|m| {
            let who = m
                .author_id
                .and_then(|a| names.get(&a).cloned())
                .unwrap_or_default();
            (m, who)
        })
        .collect();
    let orgs = if s.own && s.a.state() == AppState::Draft {
        admin_orgs(st, ctx).await?
    } else {
        vec![]
    };
    let tenant = if s.a.state() == AppState::Admitted {
        crate::incubators::graduation::model::tenant_of_application(&st.db, s.a.id).await?
    } else {
        None
    };
    let page = AppPage {
        tenant,
        a: &s.a,
        i: &s.i,
        items: &items,
        checks: &checks,
        messages: &messages,
        own: s.own,
        manager: s.manager,
        orgs: &orgs,
    };
    let body = views::application(ctx.lang, &page, failed, &csrf);
    Ok(layout::page(ctx, &s.a.name, body))
}

/// `GET /incubator-applications/{id}`: the applicant, the incubator's managers, regulators.
pub async fn application(
    State(st): State<St>,
    mut ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Markup> {
    let s = seen(&st, &ctx, &id).await?;
    application_page(&st, &mut ctx, &s, &Failed::None).await
}

/// `POST /incubator-applications/{id}/edit`: the applicant saves or submits the draft.
pub async fn edit(
    State(st): State<St>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<ApplicationForm>,
) -> AppResult<Response> {
    let s = seen(&st, &ctx, &id).await?;
    if !may(ctx.actor(), Action::EditIncubatorApplication { own: s.own }) {
        return Err(AppError::NotFound);
    }
    let orgs: Vec<i64> = admin_orgs(&st, &ctx).await?.iter().map(|o| o.0).collect();
    let res = if s.a.state() != AppState::Draft {
        Err(one("kind", ctx.t("incubator.err.not_draft")))
    } else {
        match rules::validate_application(&f, &orgs, ctx.lang) {
            Err(e) => Err(e),
            Ok(d) => super::edit_draft(&st.db, &s.i, &s.a, &d, st.clock.now())
                .await?
                .map_err(|r| refusal_errors(&ctx, r)),
        }
    };
    match res {
        Ok(()) => {
            let key = if f.action.trim() == "submit" {
                "incubator.submitted"
            } else {
                "incubator.draft_saved"
            };
            ctx.set_flash("success", ctx.t(key)).await?;
            Ok(see_other(&format!("/incubator-applications/{}", s.a.id)))
        }
        Err(e) => Ok(unprocessable(
            application_page(&st, &mut ctx, &s, &Failed::Edit(&f, &e)).await?,
        )),
    }
}

/// A manager's step, or "not found" for anyone else who may see the application.
fn require_manager(s: &Seen) -> AppResult<()> {
    if s.manager {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// `POST /incubator-applications/{id}/decide`: a manager moves the application on.
pub async fn decide(
    State(st): State<St>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<DecideForm>,
) -> AppResult<Response> {
    let s = seen(&st, &ctx, &id).await?;
    require_manager(&s)?;
    let uid = ctx.require_user()?.actor.user_id;
    let res = match rules::validate_decision(&f, ctx.lang) {
        Err(e) => Err(e),
        Ok((step, reason)) => {
            match super::take_step(&st.db, &s.i, &s.a, step, &reason, uid, st.clock.now()).await? {
                Ok(to) => Ok((step, to)),
                Err(StepRefusal::Rule(r)) => Err(one("step", r.message(ctx.lang))),
                Err(StepRefusal::Full) => Err(one("step", ctx.t("incubator.err.full"))),
                Err(StepRefusal::Stale) => Err(one("step", StepError::Illegal.message(ctx.lang))),
            }
        }
    };
    match res {
        Ok((step, to)) => {
            if step == Step::Admit {
                // A new resident changes what matching reads.
                st.matching.invalidate(&st.db).await;
            }
            ctx.set_flash(
                "success",
                ctx.lang
                    .tf("incubator.moved", &[("state", &to.label(ctx.lang))]),
            )
            .await?;
            Ok(see_other(&format!("/incubator-applications/{}", s.a.id)))
        }
        Err(e) => Ok(unprocessable(
            application_page(&st, &mut ctx, &s, &Failed::Decide(&f, &e)).await?,
        )),
    }
}

/// `POST /incubator-applications/{id}/checks`: a manager records a checklist finding.
pub async fn check(
    State(st): State<St>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<CheckForm>,
) -> AppResult<Response> {
    let s = seen(&st, &ctx, &id).await?;
    require_manager(&s)?;
    let uid = ctx.require_user()?.actor.user_id;
    let items: Vec<i64> = model::checklist(&st.db, s.i.id)
        .await?
        .iter()
        .map(|i| i.id)
        .collect();
    let res = match rules::validate_check(&f, &items, ctx.lang) {
        Err(e) => Err(e),
        Ok((item, met, note)) => {
            if super::record_check(&st.db, &s.a, item, met, &note, uid, st.clock.now()).await? {
                Ok(())
            } else {
                Err(one("met", ctx.t("incubator.err.not_under_review")))
            }
        }
    };
    match res {
        Ok(()) => {
            ctx.set_flash("success", ctx.t("incubator.check_saved"))
                .await?;
            Ok(see_other(&format!(
                "/incubator-applications/{}#checklist",
                s.a.id
            )))
        }
        Err(e) => {
            let item = f.item_id.trim().parse().unwrap_or(0);
            Ok(unprocessable(
                application_page(&st, &mut ctx, &s, &Failed::Check(item, &f, &e)).await?,
            ))
        }
    }
}

/// A message as typed.
#[derive(Debug, Default, serde::Deserialize)]
pub struct MessageForm {
    #[serde(default)]
    body: String,
}

/// `POST /incubator-applications/{id}/messages`: a manager writes to the applicant.
pub async fn message(
    State(st): State<St>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<MessageForm>,
) -> AppResult<Response> {
    let s = seen(&st, &ctx, &id).await?;
    require_manager(&s)?;
    let uid = ctx.require_user()?.actor.user_id;
    match rules::validate_required(
        "body",
        &f.body,
        Kind::Multi,
        rules::limits::MESSAGE,
        ctx.lang,
    ) {
        Ok(body) => {
            super::send_message(&st.db, &s.i, &s.a, &body, uid, st.clock.now()).await?;
            ctx.set_flash("success", ctx.t("incubator.message_sent"))
                .await?;
            Ok(see_other(&format!(
                "/incubator-applications/{}#messages",
                s.a.id
            )))
        }
        Err(e) => Ok(unprocessable(
            application_page(&st, &mut ctx, &s, &Failed::Message(&f.body, &e)).await?,
        )),
    }
}

/// The workspace section (`/me`): the user's applications and managed incubators.
pub async fn workspace_section(st: &St, ctx: &Ctx) -> AppResult<Markup> {
    let Some(a) = ctx.actor() else {
        return Ok(maud::html! {});
    };
    let (apps, managed) = tokio::try_join!(model::applications_by(&st.db, a.user_id), async {
        if a.has(Role::IncubatorManager) {
            model::managed_by(&st.db, a.user_id).await
        } else {
            Ok(vec![])
        }
    },)?;
    let mut ids: Vec<i64> = apps.iter().map(|x| x.incubator_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let names = model::names_by_ids(&st.db, &ids).await?;
    let apps: Vec<_> = apps
        .into_iter()
        .map(|x| {
            let n = names.get(&x.incubator_id).cloned().unwrap_or_default();
            (x, n)
        })
        .collect();
    Ok(views::workspace(ctx.lang, &apps, &managed))
}
