//! Organization handlers: extract, authorize, call, render.

use crate::web::{Form, Query};
use axum::Json;
use axum::extract::{Multipart, Path, State};
use axum::response::Response;
use maud::Markup;

use super::MemberChange;
use super::model;
use super::rules::{
    self, ClaimForm, CreditForm, DecisionForm, ListQuery, MemberForm, OrgForm, RatingForm,
    RemoveForm,
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
    /// The regulator's verification form.
    verify: Option<(&'a DecisionForm, &'a FieldErrors)>,
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
    let can_regulate = may(actor, Action::SetRating) || may(actor, Action::VerifyOrg);
    let is_admin = actor.and_then(|a| a.org_role(o.id)) == Some(crate::accounts::OrgRole::Admin);
    // Anyone who could join may claim (anonymous visitors are sent to log in first).
    let claim_href = (!is_admin && (actor.is_none() || may(actor, Action::ClaimOrg)))
        .then(|| format!("/orgs/{}/claim", o.id));
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
    let blank_decision = DecisionForm::default();
    let mut sections = String::new();
    for section in st.profile_sections.iter() {
        sections.push_str(&section(st, ctx.lang, ctx.actor(), &o).await?.into_string());
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
        is_admin,
        claim_href,
        verify: failed.verify.unwrap_or((&blank_decision, &none)),
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
        None,
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
    // A code already registered is refused with the way to claim that record instead.
    let (draft, claim) = match rules::validate_org(&f, st.clock.today(), ctx.lang) {
        Ok(d) => match model::id_by_uscc(&st.db, &d.uscc).await? {
            Some(existing) => {
                let mut e = FieldErrors::default();
                e.add("uscc", ctx.t("org.err.uscc_taken"));
                (Err(e), Some(format!("/orgs/{existing}/claim")))
            }
            None => (Ok(d), None),
        },
        Err(e) => (Err(e), None),
    };
    match draft {
        Ok(d) => {
            let id = super::create(&st.db, &d, user_id, st.clock.now()).await?;
            st.org_counts.invalidate(&st.db).await;
            ctx.set_flash("success", ctx.t("org.created")).await?;
            let mut res = see_other(&format!("/orgs/{id}"));
            // For the page that wraps this handler (rooms that follow a registration).
            res.extensions_mut()
                .insert(super::Registered { id, by: user_id });
            Ok(res)
        }
        Err(e) => {
            let csrf = ctx.ensure_csrf().await?;
            let body = views::form(
                ctx.lang,
                &ctx.t("orgs.new"),
                "/orgs",
                &f,
                &e,
                &csrf,
                claim.as_deref(),
            );
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
        None,
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
            st.org_counts.invalidate(&st.db).await;
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
                None,
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
            st.org_counts.invalidate(&st.db).await;
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
            st.org_counts.invalidate(&st.db).await;
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
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct OrgJson {
    /// Its id.
    id: i64,
    /// Its public page.
    url: String,
    /// Registered name.
    name: String,
    /// Unified social credit code (18 characters).
    uscc: String,
    /// Kind code (`social_group`, `foundation`, `social_service_agency`, …).
    kind: String,
    /// Whether the kind is a social organization (counts for the 30% target).
    is_social_organization: bool,
    /// Registration date (YYYY-MM-DD).
    registration_date: String,
    /// Level of the registering authority.
    authority_level: String,
    /// Division code (GB/T 2260).
    division_code: String,
    /// The division's path, in the request's language.
    division_name: String,
    /// League/city code.
    league_code: Option<String>,
    /// Banner/county code.
    county_code: Option<String>,
    /// Service domain codes.
    domains: Vec<String>,
    /// Staff.
    staff_count: i32,
    /// The public contact's name.
    contact_name: String,
    /// Introduction.
    intro: String,
    /// The regulator's rating, if any.
    rating: Option<RatingJson>,
    /// Credit status code (`normal`, `abnormal`, `dishonest`).
    credit_status: String,
}

/// A rating in JSON.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct RatingJson {
    /// Grade, e.g. `5A`.
    grade: String,
    /// Valid until (YYYY-MM-DD).
    valid_until: String,
    /// Whether it is valid today.
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

/// Filters of the public organization list (as on the page; values that mean nothing are
/// ignored, as on the page).
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrgApiQuery {
    /// League/city division code, e.g. `150100`.
    #[serde(default)]
    league: Option<String>,
    /// Banner/county division code (within the league, when both are given).
    #[serde(default)]
    county: Option<String>,
    /// Kind code.
    #[serde(default)]
    kind: Option<String>,
    /// Service domain code.
    #[serde(default)]
    domain: Option<String>,
    /// Minimum currently valid rating grade, 1 to 5.
    #[serde(default)]
    rating: Option<String>,
}

/// The registered organizations, newest first, one page at a time.
#[utoipa::path(
    get,
    path = "/api/v1/orgs",
    tag = "orgs",
    params(OrgApiQuery, crate::web::api::PageParams),
    responses(
        (status = 200, description = "One page of organizations; `Link` and `X-Total-Count` headers", body = crate::web::api::Page<OrgJson>),
        (status = 400, description = "A query string that cannot be decoded", body = crate::web::api::ApiError),
        (status = 422, description = "Unusable `page` or `per_page`", body = crate::web::api::ApiError),
        (status = 429, description = "Too many requests; see `Retry-After`", body = crate::web::api::ApiError),
    )
)]
pub async fn api_list(
    State(st): State<AppState>,
    lang: crate::kernel::Lang,
    axum::extract::OriginalUri(uri): axum::extract::OriginalUri,
    paging: crate::web::api::Paging,
    Query(q): Query<OrgApiQuery>,
) -> AppResult<Response> {
    let mut f = rules::parse_list_query(&ListQuery {
        league: q.league.unwrap_or_default(),
        county: q.county.unwrap_or_default(),
        kind: q.kind.unwrap_or_default(),
        domain: q.domain.unwrap_or_default(),
        rating: q.rating.unwrap_or_default(),
        page: String::new(),
    });
    f.page = paging.page;
    f.per_page = paging.per_page;
    let today = st.clock.today();
    let page = model::list(&st.db, &st.org_counts, &f, today).await?;
    let items: Vec<OrgJson> = page
        .items
        .into_iter()
        .map(|(o, d)| to_json(&o, d, today, lang))
        .collect();
    Ok(crate::web::api::paged(
        &uri,
        crate::web::api::Page::new(items, page.total, paging),
    ))
}

/// One organization.
#[utoipa::path(
    get,
    path = "/api/v1/orgs/{id}",
    tag = "orgs",
    params(("id" = String, Path, description = "The organization's id")),
    responses(
        (status = 200, description = "The organization", body = OrgJson),
        (status = 404, description = "No such organization", body = crate::web::api::ApiError),
        (status = 429, description = "Too many requests; see `Retry-After`", body = crate::web::api::ApiError),
    )
)]
pub async fn api_show(
    State(st): State<AppState>,
    lang: crate::kernel::Lang,
    Path(id): Path<String>,
) -> AppResult<Json<OrgJson>> {
    let (o, d) = load(&st, &id).await?;
    Ok(Json(to_json(&o, d, st.clock.today(), lang)))
}

// ---------------------------------------------------------------------------------------
// Verification and claims

/// `POST /orgs/{id}/verification`: a regulator verifies or refuses a registration.
pub async fn verify(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<DecisionForm>,
) -> AppResult<Response> {
    require(ctx.actor(), Action::VerifyOrg)?;
    let (o, _) = load(&st, &id).await?;
    let uid = ctx.require_user()?.actor.user_id;
    let outcome = match rules::validate_decision(&f, ctx.lang) {
        Err(e) => Err(e),
        Ok((d, reason)) => {
            match super::verify(&st.db, &o, d, &reason, uid, st.clock.now()).await? {
                Ok(v) => Ok(v),
                Err(r) => {
                    let mut e = FieldErrors::default();
                    e.add("decision", r.label(ctx.lang));
                    Err(e)
                }
            }
        }
    };
    match outcome {
        Ok(v) => {
            st.org_counts.invalidate(&st.db).await;
            ctx.set_flash("success", ctx.t(&format!("org.verify.saved.{}", v.code())))
                .await?;
            Ok(see_other(&format!("/orgs/{}", o.id)))
        }
        Err(e) => {
            let failed = Failed {
                verify: Some((&f, &e)),
                ..Failed::default()
            };
            Ok(unprocessable(
                render_profile(&st, &mut ctx, &id, failed).await?,
            ))
        }
    }
}

/// Why the signed-in user may not claim this record now (already its administrator, or a
/// claim of theirs is open), as a sentence; `None` when they may.
async fn claim_blocked(st: &AppState, ctx: &Ctx, o: &model::Org) -> AppResult<Option<String>> {
    let u = ctx.require_user()?;
    if u.actor.org_role(o.id) == Some(crate::accounts::OrgRole::Admin) {
        return Ok(Some(rules::VettingRefusal::AlreadyAdmin.label(ctx.lang)));
    }
    if model::open_claim(&st.db, o.id, u.actor.user_id)
        .await?
        .is_some()
    {
        return Ok(Some(rules::VettingRefusal::AlreadyOpen.label(ctx.lang)));
    }
    Ok(None)
}

/// `GET /orgs/{id}/claim`: the claim form (a statement and the registration certificate).
pub async fn claim_form(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Markup> {
    require(ctx.actor(), Action::ClaimOrg)?;
    let (o, _) = load(&st, &id).await?;
    let blocked = claim_blocked(&st, &ctx, &o).await?;
    let csrf = ctx.ensure_csrf().await?;
    let title = ctx.tf_name("org.claim.title", &o.name);
    let body = views::claim_form(
        ctx.lang,
        &o,
        &ClaimForm::default(),
        &FieldErrors::default(),
        &csrf,
        blocked.as_deref(),
    );
    Ok(layout::page(&ctx, &title, body))
}

/// The claim's parts: the statement, and the certificate (name, at most
/// `MAX_CERTIFICATE_BYTES + 1` bytes).
async fn read_claim(
    mp: &mut Multipart,
    lang: crate::kernel::Lang,
) -> Result<(ClaimForm, Option<(String, Vec<u8>)>), String> {
    let broken = |e: axum::extract::multipart::MultipartError| {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            rules::CertificateProblem::TooLarge.message(lang)
        } else {
            lang.t("org.claim.err.upload")
        }
    };
    let mut form = ClaimForm::default();
    let mut file = None;
    while let Some(mut field) = mp.next_field().await.map_err(broken)? {
        match field.name() {
            Some("evidence") => {
                // Strictly: `text()` would turn broken bytes into replacement characters.
                let bytes = field.bytes().await.map_err(broken)?;
                form.evidence =
                    String::from_utf8(bytes.to_vec()).map_err(|_| lang.t("text.err.bad_utf8"))?;
            }
            Some("certificate") => {
                let name = field
                    .file_name()
                    .unwrap_or("")
                    .rsplit(['/', '\\'])
                    .next()
                    .unwrap_or("")
                    .chars()
                    .filter(|c| !c.is_control())
                    .take(150)
                    .collect::<String>();
                let mut buf: Vec<u8> = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(broken)? {
                    let room = rules::MAX_CERTIFICATE_BYTES + 1 - buf.len();
                    buf.extend_from_slice(&chunk[..chunk.len().min(room)]);
                    if buf.len() > rules::MAX_CERTIFICATE_BYTES {
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
    Ok((form, file))
}

/// `POST /orgs/{id}/claim` (multipart: `_csrf`, `evidence`, `certificate`)
pub async fn claim(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    mp: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> AppResult<Response> {
    // Who may claim is decided before the body is looked at.
    require(ctx.actor(), Action::ClaimOrg)?;
    let uid = ctx.require_user()?.actor.user_id;
    let (o, _) = load(&st, &id).await?;
    let lang = ctx.lang;
    let mut mp = mp.map_err(|_| AppError::BadRequest(ctx.t("org.claim.err.upload")))?;
    let (form, outcome) = match read_claim(&mut mp, lang).await {
        // Broken text is refused like a urlencoded form's (400), not shown on the form.
        Err(m) if m == lang.t("text.err.bad_utf8") => return Err(AppError::BadRequest(m)),
        Err(m) => {
            let mut e = FieldErrors::default();
            e.add("certificate", m);
            (ClaimForm::default(), Err(e))
        }
        Ok((form, file)) => {
            let outcome = match rules::validate_claim(&form, file, lang) {
                Err(e) => Err(e),
                Ok(d) => match super::submit_claim(&st.db, &o, uid, &d, st.clock.now()).await? {
                    Ok(cid) => Ok(cid),
                    Err(r) => {
                        let mut e = FieldErrors::default();
                        e.add("evidence", r.label(lang));
                        Err(e)
                    }
                },
            };
            (form, outcome)
        }
    };
    match outcome {
        Ok(cid) => {
            ctx.set_flash("success", ctx.t("org.claim.submitted"))
                .await?;
            Ok(see_other(&format!("/orgs/{}/claims/{cid}", o.id)))
        }
        Err(e) => {
            let csrf = ctx.ensure_csrf().await?;
            let title = ctx.tf_name("org.claim.title", &o.name);
            let body = views::claim_form(lang, &o, &form, &e, &csrf, None);
            Ok(unprocessable(layout::page(&ctx, &title, body)))
        }
    }
}

/// A claim the viewer may see, with its organization: the claimant and regulators; anyone
/// else gets "not found" whether the claim exists or not (no existence oracle), anonymous
/// visitors "log in".
async fn load_claim(
    st: &AppState,
    ctx: &Ctx,
    id: &str,
    claim: &str,
) -> AppResult<(model::Org, model::ClaimSummary)> {
    if ctx.actor().is_none() {
        return Err(AppError::LoginRequired);
    }
    let (org_id, claim_id) = (parse_id(id)?, parse_id(claim)?);
    let c = model::claim(&st.db, claim_id)
        .await?
        .filter(|c| c.org_id == org_id)
        .ok_or(AppError::NotFound)?;
    if !may(
        ctx.actor(),
        Action::ViewClaim {
            own: ctx.actor().is_some_and(|a| a.user_id == c.user_id),
        },
    ) {
        return Err(AppError::NotFound);
    }
    let (o, _) = load(st, id).await?;
    Ok((o, c))
}

async fn render_claim(
    st: &AppState,
    ctx: &mut Ctx,
    o: &model::Org,
    c: &model::ClaimSummary,
    form: (&DecisionForm, &FieldErrors),
) -> AppResult<Markup> {
    let users = crate::accounts::users_by_ids(&st.db, &[c.user_id]).await?;
    let (name, email) = users
        .first()
        .map(|u| (u.display_name.clone(), u.email.clone()))
        .unwrap_or_default();
    let decide = if may(ctx.actor(), Action::DecideClaim) {
        Some(ctx.ensure_csrf().await?)
    } else {
        None
    };
    let body = views::claim_page(
        ctx.lang,
        &views::ClaimView {
            org: o,
            claim: c,
            claimant: (name.as_str(), email.as_str()),
            decide: decide.as_deref(),
            form,
        },
    );
    let title = ctx.tf_name("org.claim.page_title", &o.name);
    Ok(layout::page(ctx, &title, body))
}

/// `GET /orgs/{id}/claims/{claim}`
pub async fn show_claim(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path((id, claim)): Path<(String, String)>,
) -> AppResult<Markup> {
    let (o, c) = load_claim(&st, &ctx, &id, &claim).await?;
    render_claim(
        &st,
        &mut ctx,
        &o,
        &c,
        (&DecisionForm::default(), &FieldErrors::default()),
    )
    .await
}

/// `GET /orgs/{id}/claims/{claim}/certificate`: the certificate as uploaded, as an
/// attachment (never rendered inline).
pub async fn claim_certificate(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, claim)): Path<(String, String)>,
) -> AppResult<Response> {
    let (_, c) = load_claim(&st, &ctx, &id, &claim).await?;
    let (name, mime, bytes) = model::claim_file(&st.db, c.id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(crate::web::private_download(
        "certificate",
        &name,
        mime,
        bytes,
    ))
}

/// `POST /orgs/{id}/claims/{claim}/decision`: a regulator approves (the claimant becomes an
/// administrator) or refuses with a reason. The handler is composed in `pages`, which
/// passes the work other rooms do in the approval's transaction (`on_approved`).
pub async fn decide_claim(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path((id, claim)): Path<(String, String)>,
    Form(f): Form<DecisionForm>,
    on_approved: Option<super::OnClaimApproved>,
) -> AppResult<Response> {
    require(ctx.actor(), Action::DecideClaim)?;
    let (o, c) = load_claim(&st, &ctx, &id, &claim).await?;
    let uid = ctx.require_user()?.actor.user_id;
    let lang = ctx.lang;
    let outcome = match rules::validate_decision(&f, lang) {
        Err(e) => Err(e),
        Ok((d, reason)) => {
            match super::decide_claim(&st.db, &o, &c, d, &reason, uid, st.clock.now(), on_approved)
                .await?
            {
                Ok(s) => Ok(s),
                Err(r) => {
                    let mut e = FieldErrors::default();
                    e.add("decision", r.label(lang));
                    Err(e)
                }
            }
        }
    };
    match outcome {
        Ok(s) => {
            st.org_counts.invalidate(&st.db).await;
            ctx.set_flash("success", ctx.t(&format!("org.claim.saved.{}", s.code())))
                .await?;
            Ok(see_other(&format!("/orgs/{}/claims/{}", o.id, c.id)))
        }
        Err(e) => Ok(unprocessable(
            render_claim(&st, &mut ctx, &o, &c, (&f, &e)).await?,
        )),
    }
}
