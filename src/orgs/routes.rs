//! Organization handlers: extract, authorize, call, render.

use crate::web::{Form, Query};
use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use maud::Markup;

use super::MemberChange;
use super::model;
use super::rules::{
    self, CreditForm, ListQuery, MemberForm, OrgForm, PAGE_SIZE, RatingForm, RemoveForm,
};
use super::views;
use crate::accounts::{Action, may, require};
use crate::kernel::error::{AppError, AppResult, FieldErrors};
use crate::web::AppState;
use crate::web::{Ctx, layout, parse_id, see_other, unprocessable};

/// `GET /orgs`
pub async fn list(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> AppResult<Markup> {
    let f = rules::parse_list_query(&q);
    let today = st.clock.today();
    let page = model::list(&st.db, &st.org_counts, &f, today).await?;
    let body = views::list(
        ctx.lang,
        &q,
        &f,
        &page.items,
        page.total,
        today,
        ctx.user.is_some(),
    );
    Ok(layout::page(&ctx, &ctx.t("orgs.title"), body))
}

async fn load(st: &AppState, id: &str) -> AppResult<(model::Org, Vec<String>)> {
    model::get(&st.db, parse_id(id)?)
        .await?
        .ok_or(AppError::NotFound)
}

/// The forms of a profile page that came back with errors, with what was typed.
#[derive(Default)]
struct Failed<'a> {
    /// The regulator's forms.
    regulate: Option<&'a FieldErrors>,
    /// The add-member form.
    add_member: Option<(&'a MemberForm, &'a FieldErrors)>,
    /// A member's removal form: the member, the reason typed.
    remove_member: Option<(i64, &'a str, &'a FieldErrors)>,
}

async fn render_profile(
    st: &AppState,
    ctx: &mut Ctx,
    id: &str,
    failed: Failed<'_>,
) -> AppResult<Markup> {
    let (o, domains) = load(st, id).await?;
    let events = model::events(&st.db, o.id).await?;
    let actor = ctx.actor();
    let private = may(actor, Action::ViewOrgPrivate(o.id));
    let can_edit = may(actor, Action::EditOrg(o.id));
    let can_manage_members = may(actor, Action::ManageOrgMembers(o.id));
    let can_regulate = may(actor, Action::SetRating);
    let members = if private {
        Some(model::members(&st.db, o.id).await?)
    } else {
        None
    };
    let csrf = if can_manage_members || can_regulate {
        Some(ctx.ensure_csrf().await?)
    } else {
        None
    };
    let none = FieldErrors::default();
    let blank = MemberForm::default();
    let mut sections = String::new();
    for section in st.org_sections.iter() {
        sections.push_str(
            &section(st, ctx.lang, ctx.actor(), o.id)
                .await?
                .into_string(),
        );
    }
    let x = views::ProfileExtras {
        sections: maud::PreEscaped(sections),
        private,
        can_edit,
        members: members.as_deref(),
        can_manage_members,
        can_regulate,
        csrf: csrf.as_deref(),
        track_record: views::track_record(
            ctx.lang,
            &crate::contracts::track_record(&st.db, o.id).await?,
        ),
        add_member: failed.add_member.unwrap_or((&blank, &none)),
        remove_member: failed.remove_member,
    };
    let body = views::profile(
        ctx.lang,
        &o,
        &domains,
        &events,
        st.clock.today(),
        &x,
        failed.regulate.unwrap_or(&none),
    );
    Ok(layout::page(ctx, &o.name, body))
}

/// `GET /orgs/{id}`
pub async fn show(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Markup> {
    render_profile(&st, &mut ctx, &id, Failed::default()).await
}

/// The form's own rules, then the one that needs the database: the code is not registered to
/// another organization.
async fn validate(
    st: &AppState,
    ctx: &Ctx,
    f: &OrgForm,
    except: Option<i64>,
) -> AppResult<Result<rules::OrgDraft, FieldErrors>> {
    let draft = rules::validate_org(f, st.clock.today(), ctx.lang);
    if let Ok(d) = &draft
        && model::uscc_taken(&st.db, &d.uscc, except).await?
    {
        let mut e = FieldErrors::default();
        e.add("uscc", ctx.t("org.err.uscc_taken"));
        return Ok(Err(e));
    }
    Ok(draft)
}

/// `GET /orgs/new`
pub async fn new_form(mut ctx: Ctx) -> AppResult<Markup> {
    require(ctx.actor(), Action::CreateOrg)?;
    let csrf = ctx.ensure_csrf().await?;
    let body = views::form(
        ctx.lang,
        &ctx.t("orgs.new"),
        "/orgs",
        &OrgForm::default(),
        &FieldErrors::default(),
        &csrf,
    );
    Ok(layout::page(&ctx, &ctx.t("orgs.new"), body))
}

/// `POST /orgs`
pub async fn create(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Form(f): Form<OrgForm>,
) -> AppResult<Response> {
    require(ctx.actor(), Action::CreateOrg)?;
    let user_id = ctx.require_user()?.actor.user_id;
    let draft = validate(&st, &ctx, &f, None).await?;
    match draft {
        Ok(d) => {
            let id = super::create(&st.db, &d, user_id, st.clock.now()).await?;
            st.org_counts.invalidate();
            ctx.set_flash("success", ctx.t("org.created")).await?;
            Ok(see_other(&format!("/orgs/{id}")))
        }
        Err(e) => {
            let csrf = ctx.ensure_csrf().await?;
            let body = views::form(ctx.lang, &ctx.t("orgs.new"), "/orgs", &f, &e, &csrf);
            Ok(unprocessable(layout::page(&ctx, &ctx.t("orgs.new"), body)))
        }
    }
}

/// `GET /orgs/{id}/edit`
pub async fn edit_form(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Markup> {
    let (o, domains) = load(&st, &id).await?;
    require(ctx.actor(), Action::EditOrg(o.id))?;
    let csrf = ctx.ensure_csrf().await?;
    let title = ctx.tf_name("org.edit_title", &o.name);
    let body = views::form(
        ctx.lang,
        &title,
        &format!("/orgs/{}/edit", o.id),
        &views::form_from(&o, &domains),
        &FieldErrors::default(),
        &csrf,
    );
    Ok(layout::page(&ctx, &title, body))
}

/// `POST /orgs/{id}/edit`
pub async fn update(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<OrgForm>,
) -> AppResult<Response> {
    let (o, _) = load(&st, &id).await?;
    require(ctx.actor(), Action::EditOrg(o.id))?;
    let draft = validate(&st, &ctx, &f, Some(o.id)).await?;
    match draft {
        Ok(d) => {
            super::update(&st.db, o.id, &d, st.clock.now()).await?;
            st.org_counts.invalidate();
            ctx.set_flash("success", ctx.t("org.saved")).await?;
            Ok(see_other(&format!("/orgs/{}", o.id)))
        }
        Err(e) => {
            let csrf = ctx.ensure_csrf().await?;
            let title = ctx.tf_name("org.edit_title", &o.name);
            let body = views::form(
                ctx.lang,
                &title,
                &format!("/orgs/{}/edit", o.id),
                &f,
                &e,
                &csrf,
            );
            Ok(unprocessable(layout::page(&ctx, &title, body)))
        }
    }
}

/// `POST /orgs/{id}/members`: adds a member or changes a member's role, with a reason.
/// Never a platform administrator, and never the last administrator made a plain member.
pub async fn add_member(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<MemberForm>,
) -> AppResult<Response> {
    let (o, _) = load(&st, &id).await?;
    require(ctx.actor(), Action::ManageOrgMembers(o.id))?;
    let actor = ctx.require_user()?.actor.user_id;
    let outcome = match rules::validate_member(&f, ctx.lang) {
        Err(e) => Err(e),
        Ok(d) => match crate::accounts::find_by_email(&st.db, &d.email).await? {
            None => {
                let mut e = FieldErrors::default();
                e.add(
                    "email",
                    ctx.lang.tf("org.member_unknown", &[("email", &d.email)]),
                );
                Err(e)
            }
            Some(u) => {
                let now = st.clock.now();
                match super::add_member(&st.db, &o, u.id, d.role, &d.reason, actor, now).await? {
                    Ok(change) => Ok((d.email, change)),
                    Err(refusal) => {
                        let mut e = FieldErrors::default();
                        e.add("email", refusal.label(ctx.lang));
                        Err(e)
                    }
                }
            }
        },
    };
    match outcome {
        Ok((email, change)) => {
            let (kind, text) = match change {
                MemberChange::Unchanged => ("info", ctx.t("duties.unchanged")),
                MemberChange::RoleChanged(_) => (
                    "success",
                    ctx.lang
                        .tf("duties.member_role_changed", &[("email", &email)]),
                ),
                _ => (
                    "success",
                    ctx.lang.tf("org.member_added", &[("email", &email)]),
                ),
            };
            ctx.set_flash(kind, text).await?;
            Ok(see_other(&format!("/orgs/{}", o.id)))
        }
        Err(e) => {
            let failed = Failed {
                add_member: Some((&f, &e)),
                ..Failed::default()
            };
            Ok(unprocessable(
                render_profile(&st, &mut ctx, &id, failed).await?,
            ))
        }
    }
}

/// `POST /orgs/{id}/members/{uid}/remove`: removes a member, with a reason; never the last
/// administrator.
pub async fn remove_member(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path((id, uid)): Path<(String, String)>,
    Form(f): Form<RemoveForm>,
) -> AppResult<Response> {
    let (o, _) = load(&st, &id).await?;
    require(ctx.actor(), Action::ManageOrgMembers(o.id))?;
    let actor = ctx.require_user()?.actor.user_id;
    let target = parse_id(&uid)?;
    let outcome = match crate::accounts::validate_reason(&f.reason, ctx.lang) {
        Err(m) => {
            let mut e = FieldErrors::default();
            e.add("reason", m);
            Err(e)
        }
        Ok(reason) => {
            let now = st.clock.now();
            match super::remove_member(&st.db, &o, target, &reason, actor, now).await? {
                Ok(change) => Ok(change),
                Err(refusal) => {
                    let mut e = FieldErrors::default();
                    e.add("reason", refusal.label(ctx.lang));
                    Err(e)
                }
            }
        }
    };
    match outcome {
        Ok(change) => {
            let (kind, key) = if change == MemberChange::Removed {
                ("success", "duties.member_removed")
            } else {
                ("info", "duties.unchanged")
            };
            ctx.set_flash(kind, ctx.t(key)).await?;
            Ok(see_other(&format!("/orgs/{}", o.id)))
        }
        Err(e) => {
            let failed = Failed {
                remove_member: Some((target, f.reason.as_str(), &e)),
                ..Failed::default()
            };
            Ok(unprocessable(
                render_profile(&st, &mut ctx, &id, failed).await?,
            ))
        }
    }
}

/// `POST /orgs/{id}/rating`
pub async fn set_rating(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<RatingForm>,
) -> AppResult<Response> {
    require(ctx.actor(), Action::SetRating)?;
    let (o, _) = load(&st, &id).await?;
    match rules::validate_rating(&f, st.clock.today(), ctx.lang) {
        Ok((decision, reason)) => {
            let uid = ctx.require_user()?.actor.user_id;
            super::set_rating(&st.db, &o, decision, &reason, uid, st.clock.now()).await?;
            st.org_counts.invalidate();
            ctx.set_flash("success", ctx.t("org.rating_saved")).await?;
            Ok(see_other(&format!("/orgs/{}", o.id)))
        }
        Err(e) => {
            let failed = Failed {
                regulate: Some(&e),
                ..Failed::default()
            };
            Ok(unprocessable(
                render_profile(&st, &mut ctx, &id, failed).await?,
            ))
        }
    }
}

/// `POST /orgs/{id}/credit`
pub async fn set_credit(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<CreditForm>,
) -> AppResult<Response> {
    require(ctx.actor(), Action::SetCredit)?;
    let (o, _) = load(&st, &id).await?;
    let current =
        rules::CreditStatus::parse(&o.credit_status).unwrap_or(rules::CreditStatus::Normal);
    match rules::validate_credit(&f, current, ctx.lang) {
        Ok((status, reason)) => {
            let uid = ctx.require_user()?.actor.user_id;
            super::set_credit(&st.db, &o, status, &reason, uid, st.clock.now()).await?;
            st.org_counts.invalidate();
            ctx.set_flash("success", ctx.t("org.credit_saved")).await?;
            Ok(see_other(&format!("/orgs/{}", o.id)))
        }
        Err(e) => {
            let failed = Failed {
                regulate: Some(&e),
                ..Failed::default()
            };
            Ok(unprocessable(
                render_profile(&st, &mut ctx, &id, failed).await?,
            ))
        }
    }
}

/// The public JSON form of an organization (no private contact data).
#[derive(Debug, serde::Serialize)]
pub struct OrgJson {
    id: i64,
    url: String,
    name: String,
    uscc: String,
    kind: String,
    is_social_organization: bool,
    registration_date: String,
    authority_level: String,
    division_code: String,
    division_name: String,
    league_code: Option<String>,
    county_code: Option<String>,
    domains: Vec<String>,
    staff_count: i32,
    contact_name: String,
    intro: String,
    rating: Option<RatingJson>,
    credit_status: String,
}

/// A rating in JSON.
#[derive(Debug, serde::Serialize)]
pub struct RatingJson {
    grade: String,
    valid_until: String,
    valid: bool,
}

fn to_json(
    o: &model::Org,
    domains: Vec<String>,
    today: time::Date,
    lang: crate::kernel::Lang,
) -> OrgJson {
    OrgJson {
        id: o.id,
        url: format!("/orgs/{}", o.id),
        name: o.name.clone(),
        uscc: o.uscc.clone(),
        kind: o.kind.clone(),
        is_social_organization: rules::OrgKind::parse(&o.kind).is_some_and(|k| k.is_social_org()),
        registration_date: o.registration_date.to_string(),
        authority_level: o.authority_level.clone(),
        division_code: o.division_code.clone(),
        division_name: crate::regions::regions().path(&o.division_code, lang),
        league_code: o.league_code.clone(),
        county_code: o.county_code.clone(),
        domains,
        staff_count: o.staff_count,
        contact_name: o.contact_name.clone(),
        intro: o.intro.clone(),
        rating: o
            .rating_grade
            .zip(o.rating_valid_until)
            .map(|(g, u)| RatingJson {
                grade: rules::grade_label(g),
                valid_until: u.to_string(),
                valid: rules::rating_valid(Some(u), today),
            }),
        credit_status: o.credit_status.clone(),
    }
}

/// `GET /api/v1/orgs`
pub async fn api_list(
    State(st): State<AppState>,
    lang: crate::kernel::Lang,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    let f = rules::parse_list_query(&q);
    let today = st.clock.today();
    let page = model::list(&st.db, &st.org_counts, &f, today).await?;
    let items: Vec<OrgJson> = page
        .items
        .into_iter()
        .map(|(o, d)| to_json(&o, d, today, lang))
        .collect();
    Ok(Json(serde_json::json!({
        "items": items,
        "total": page.total,
        "page": f.page,
        "per_page": PAGE_SIZE,
        "pages": page.total.div_ceil(PAGE_SIZE),
    }))
    .into_response())
}

/// `GET /api/v1/orgs/{id}`
pub async fn api_show(
    State(st): State<AppState>,
    lang: crate::kernel::Lang,
    Path(id): Path<String>,
) -> AppResult<Json<OrgJson>> {
    let (o, d) = load(&st, &id).await?;
    Ok(Json(to_json(&o, d, st.clock.today(), lang)))
}
