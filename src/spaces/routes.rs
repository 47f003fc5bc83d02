//! Space handlers: extract, authorize, call, render. The incubator's space page answers
//! "forbidden" to a signed-in outsider (the incubator itself is public); routes naming a
//! resource or a booking answer every id the asker may not see alike — log in for
//! anonymous visitors, 404 otherwise.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use maud::Markup;

use super::model::{self, Agreement, Booking, Resource};
use super::rules::{
    self, AgreementForm, AgreementStep, AllocationForm, BookingForm, ExitForm, RenewForm,
    ResourceForm, ResourceKind,
};
use super::views::{self, AgreementFailed, AgreementPage, Failed, ResourcePage, SpacePage};
use super::{Clash, Taken};
use crate::accounts::{Action, Role, may, require};
use crate::incubators::{Incubator, Tenant};
use crate::kernel::Lang;
use crate::kernel::clock::{display_instant, shanghai_date};
use crate::kernel::error::{AppError, AppResult, FieldErrors};
use crate::web::{AppState as St, Ctx, Form, Query, layout, parse_id, see_other, unprocessable};

fn one(field: &'static str, message: String) -> FieldErrors {
    let mut e = FieldErrors::default();
    e.add(field, message);
    e
}

/// How the signed-in user stands to an incubator's space.
#[derive(Default)]
struct Rel {
    /// Assigned to manage it (and holding the role).
    managed: bool,
    /// The tenants in residence the user acts for.
    tenants: Vec<Tenant>,
}

impl Rel {
    fn view(&self) -> Action {
        Action::ViewSpace {
            managed: self.managed,
            tenant: !self.tenants.is_empty(),
        }
    }

    fn book(&self) -> Action {
        Action::BookSpace {
            managed: self.managed,
            tenant: !self.tenants.is_empty(),
        }
    }

    fn manage(&self) -> Action {
        Action::ManageIncubator {
            managed: self.managed,
        }
    }
}

async fn relation(st: &St, ctx: &Ctx, incubator_id: i64) -> AppResult<Rel> {
    let Some(a) = ctx.actor() else {
        return Ok(Rel::default());
    };
    let managed = a.has(Role::IncubatorManager)
        && crate::incubators::is_manager(&st.db, incubator_id, a.user_id).await?;
    // A platform administrator is nobody's tenant (the policy says so too).
    let tenants = if a.has(Role::Admin) {
        vec![]
    } else {
        let orgs: Vec<i64> = a.orgs.iter().map(|(id, _)| *id).collect();
        crate::incubators::tenants_acting_for(&st.db, incubator_id, a.user_id, &orgs).await?
    };
    Ok(Rel { managed, tenants })
}

async fn incubator(st: &St, id: i64) -> AppResult<Incubator> {
    crate::incubators::get(&st.db, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// Names of an incubator's tenants (all of them: a past tenant's booking still shows).
async fn tenant_names(st: &St, incubator_id: i64) -> AppResult<HashMap<i64, String>> {
    Ok(crate::incubators::tenants_of(&st.db, incubator_id)
        .await?
        .into_iter()
        .map(|t| (t.id, t.name))
        .collect())
}

/// Why a new hold was refused: the resource was retired, or the hold it clashes with.
fn taken_message(t: &Taken, allocated: bool, names: &HashMap<i64, String>, lang: Lang) -> String {
    match t {
        Taken::Retired => lang.t("space.err.retired"),
        Taken::Clash(c) => clash_message(c, allocated, names, lang),
    }
}

/// The message naming the hold a new one clashes with.
fn clash_message(c: &Clash, allocated: bool, names: &HashMap<i64, String>, lang: Lang) -> String {
    let who = c
        .tenant_id
        .and_then(|t| names.get(&t).cloned())
        .unwrap_or_else(|| lang.t("space.own_use"));
    if allocated {
        lang.tf(
            "space.err.clash_allocation",
            &[
                ("from", &rules::format_date(shanghai_date(c.starts_at))),
                ("to", &rules::format_date(shanghai_date(c.ends_at - 1))),
                ("who", &who),
            ],
        )
    } else {
        lang.tf(
            "space.err.clash_booking",
            &[
                ("from", &display_instant(c.starts_at)),
                ("to", &rules::format_hm(rules::minute_of_day(c.ends_at))),
                ("who", &who),
            ],
        )
    }
}

async fn space_page(
    st: &St,
    ctx: &mut Ctx,
    i: &Incubator,
    rel: &Rel,
    failed: &Failed<'_>,
) -> AppResult<Markup> {
    let csrf = ctx.ensure_csrf().await?;
    let now = st.clock.now();
    let (resources, residents) = tokio::try_join!(
        model::resources_of(&st.db, i.id),
        crate::incubators::residents_of(&st.db, i.id),
    )?;
    let names = tenant_names(st, i.id).await?;
    let ids: Vec<i64> = resources.iter().map(|r| r.id).collect();
    let allocations = model::allocations_between(&st.db, &ids, now, i64::MAX).await?;
    // Managers and regulators see every agreement; a tenant only its own.
    let agreements: Vec<Agreement> = model::agreements_of(&st.db, i.id)
        .await?
        .into_iter()
        .filter(|a| {
            may(
                ctx.actor(),
                Action::ViewAgreement {
                    managed: rel.managed,
                    party: rel.tenants.iter().any(|t| t.id == a.tenant_id),
                },
            )
        })
        .collect();
    let page = SpacePage {
        i,
        resources: &resources,
        allocations: &allocations,
        agreements: &agreements,
        names: &names,
        residents: &residents,
        manager: may(ctx.actor(), rel.manage()),
        today: rules::format_date(shanghai_date(now)),
    };
    let body = views::space(ctx.lang, &page, failed, &csrf);
    Ok(layout::page(
        ctx,
        &ctx.lang.tf("space.title", &[("name", &i.name)]),
        body,
    ))
}

/// `GET /incubators/{id}/space`: resources and allocations; the managers' forms.
pub async fn overview(
    State(st): State<St>,
    mut ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Markup> {
    let i = incubator(&st, parse_id(&id)?).await?;
    let rel = relation(&st, &ctx, i.id).await?;
    require(ctx.actor(), rel.view())?;
    space_page(&st, &mut ctx, &i, &rel, &Failed::None).await
}

/// `POST /incubators/{id}/space/resources`: a manager adds a resource.
pub async fn add_resource(
    State(st): State<St>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<ResourceForm>,
) -> AppResult<Response> {
    let i = incubator(&st, parse_id(&id)?).await?;
    let rel = relation(&st, &ctx, i.id).await?;
    require(ctx.actor(), rel.manage())?;
    let uid = ctx.require_user()?.actor.user_id;
    match rules::validate_resource(&f, ctx.lang) {
        Ok(d) => {
            let rid = super::add_resource(&st.db, i.id, &d, uid, st.clock.now()).await?;
            ctx.set_flash("success", ctx.t("space.resource_added"))
                .await?;
            Ok(see_other(&format!("/space/{rid}")))
        }
        Err(e) => Ok(unprocessable(
            space_page(&st, &mut ctx, &i, &rel, &Failed::Resource(&f, &e)).await?,
        )),
    }
}

/// `POST /incubators/{id}/space/allocations`: a manager allocates a room or desk to a
/// tenant for a range of days.
pub async fn allocate(
    State(st): State<St>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<AllocationForm>,
) -> AppResult<Response> {
    let i = incubator(&st, parse_id(&id)?).await?;
    let rel = relation(&st, &ctx, i.id).await?;
    require(ctx.actor(), rel.manage())?;
    let uid = ctx.require_user()?.actor.user_id;
    let (resources, residents) = tokio::try_join!(
        model::resources_of(&st.db, i.id),
        crate::incubators::residents_of(&st.db, i.id),
    )?;
    let allocatable: Vec<i64> = resources
        .iter()
        .filter(|r| r.kind().allocated() && !r.retired())
        .map(|r| r.id)
        .collect();
    let tenants: Vec<i64> = residents.iter().map(|t| t.id).collect();
    let res = match rules::validate_allocation(&f, &allocatable, &tenants, ctx.lang) {
        Err(e) => Err(e),
        Ok(d) => match super::allocate(&st.db, &d, uid, st.clock.now()).await? {
            Ok(_) => Ok(d.resource_id),
            Err(c) => {
                let names = tenant_names(&st, i.id).await?;
                Err(one("from", taken_message(&c, true, &names, ctx.lang)))
            }
        },
    };
    match res {
        Ok(rid) => {
            ctx.set_flash("success", ctx.t("space.allocated")).await?;
            Ok(see_other(&format!("/space/{rid}")))
        }
        Err(e) => Ok(unprocessable(
            space_page(&st, &mut ctx, &i, &rel, &Failed::Allocation(&f, &e)).await?,
        )),
    }
}

/// The week a resource page shows.
#[derive(Debug, Default, serde::Deserialize)]
pub struct WeekQuery {
    #[serde(default)]
    week: String,
}

/// A resource the asker may see, with its incubator and the asker's relation to it:
/// log in for anonymous visitors, "not found" alike for missing ids and resources of an
/// incubator whose space the user may not see.
async fn seen(st: &St, ctx: &Ctx, id: &str) -> AppResult<(Resource, Incubator, Rel)> {
    let actor = ctx.actor().ok_or(AppError::LoginRequired)?;
    let r = model::resource(&st.db, parse_id(id)?)
        .await?
        .ok_or(AppError::NotFound)?;
    let rel = relation(st, ctx, r.incubator_id).await?;
    if !may(Some(actor), rel.view()) {
        return Err(AppError::NotFound);
    }
    let i = incubator(st, r.incubator_id).await?;
    Ok((r, i, rel))
}

/// The resource's week page; `names` are the incubator's tenant names when the caller has
/// read them already (a refused booking names the clash from them), so they are read once.
async fn resource_page(
    st: &St,
    ctx: &mut Ctx,
    (r, i, rel): (&Resource, &Incubator, &Rel),
    week: Option<time::Date>,
    failed: &Failed<'_>,
    names: Option<HashMap<i64, String>>,
) -> AppResult<Markup> {
    let csrf = ctx.ensure_csrf().await?;
    let now = st.clock.now();
    let monday = rules::week_start(week.unwrap_or_else(|| shanghai_date(now)));
    let days = rules::week_days(monday);
    let from = rules::day_start(days[0]);
    let to = rules::day_start(days[6] + time::Duration::days(1));
    let kind = r.kind();
    let names = match names {
        Some(n) => n,
        None => tenant_names(st, i.id).await?,
    };
    let (allocations, bookings) = if kind.allocated() {
        (
            model::allocations_between(&st.db, &[r.id], from, to).await?,
            vec![],
        )
    } else {
        (
            vec![],
            model::bookings_between(&st.db, &[r.id], from, to).await?,
        )
    };
    let holds: Vec<(i64, i64)> = allocations
        .iter()
        .map(|a| (a.starts_at, a.ends_at))
        .chain(bookings.iter().map(|b| (b.starts_at, b.ends_at)))
        .collect();
    let occupancy = rules::occupancy_bp(
        &holds,
        &rules::week_windows(monday, kind, r.opens_min, r.closes_min),
    );
    let manager = may(ctx.actor(), rel.manage());
    let may_book = kind == ResourceKind::Shared && !r.retired() && may(ctx.actor(), rel.book());
    let me = ctx.actor().map(|a| a.user_id).unwrap_or(0);
    let cancellable: Vec<i64> = bookings
        .iter()
        .filter(|b| {
            may(
                ctx.actor(),
                Action::CancelBooking {
                    own: b.booked_by == me,
                    managed: rel.managed,
                },
            ) && rules::may_cancel(b.starts_at, b.ends_at, r.cancel_hours, manager, now)
        })
        .map(|b| b.id)
        .collect();
    let booking_tenants: Vec<(i64, String)> = if manager {
        crate::incubators::residents_of(&st.db, i.id)
            .await?
            .into_iter()
            .map(|t| (t.id, t.name))
            .collect()
    } else {
        rel.tenants.iter().map(|t| (t.id, t.name.clone())).collect()
    };
    let page = ResourcePage {
        r,
        i,
        monday,
        allocations: &allocations,
        bookings: &bookings,
        names: &names,
        occupancy_bp: occupancy,
        may_book,
        manager,
        booking_tenants: &booking_tenants,
        cancellable: &cancellable,
    };
    let body = views::resource(ctx.lang, &page, failed, &csrf);
    Ok(layout::page(ctx, &r.name, body))
}

/// `GET /space/{id}`: a resource's week calendar (`?week=YYYY-MM-DD`, any day of the
/// week), its occupancy, and the booking form for a shared room.
pub async fn show(
    State(st): State<St>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<WeekQuery>,
) -> AppResult<Markup> {
    let (r, i, rel) = seen(&st, &ctx, &id).await?;
    let week = rules::parse_date(&q.week);
    resource_page(&st, &mut ctx, (&r, &i, &rel), week, &Failed::None, None).await
}

/// A resource whose incubator the signed-in user manages; 404 for everyone else who may
/// see it (like a missing id).
async fn managed(st: &St, ctx: &Ctx, id: &str) -> AppResult<(Resource, Incubator, Rel)> {
    let (r, i, rel) = seen(st, ctx, id).await?;
    if !may(ctx.actor(), rel.manage()) {
        return Err(AppError::NotFound);
    }
    Ok((r, i, rel))
}

/// `POST /space/{id}/edit`: a manager renames a resource or changes its capacity, hours
/// and windows (its kind stays). Holds already made stay; new ones follow the new values.
pub async fn edit_resource(
    State(st): State<St>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(mut f): Form<ResourceForm>,
) -> AppResult<Response> {
    let (r, i, rel) = managed(&st, &ctx, &id).await?;
    let uid = ctx.require_user()?.actor.user_id;
    f.kind = r.kind.clone();
    let res = if r.retired() {
        Err(one("name", ctx.t("space.err.retired")))
    } else {
        rules::validate_resource(&f, ctx.lang)
    };
    match res {
        Ok(d) => {
            super::edit_resource(&st.db, &r, &d, uid, st.clock.now()).await?;
            ctx.set_flash("success", ctx.t("space.resource_saved"))
                .await?;
            Ok(see_other(&format!("/space/{}", r.id)))
        }
        Err(e) => Ok(unprocessable(
            resource_page(
                &st,
                &mut ctx,
                (&r, &i, &rel),
                None,
                &Failed::Edit(&f, &e),
                None,
            )
            .await?,
        )),
    }
}

/// `POST /space/{id}/retire`: a manager retires a resource after confirmation; refused
/// while it has allocations or bookings still to come.
pub async fn retire_resource(
    State(st): State<St>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<ConfirmForm>,
) -> AppResult<Response> {
    let (r, i, rel) = managed(&st, &ctx, &id).await?;
    let uid = ctx.require_user()?.actor.user_id;
    let lang = ctx.lang;
    let back = format!("/space/{}", r.id);
    if r.retired() {
        ctx.set_flash("info", lang.t("space.already_retired"))
            .await?;
        return Ok(see_other(&back));
    }
    if !crate::web::confirm::confirmed(&f.confirm) {
        let csrf = ctx.ensure_csrf().await?;
        let args = [("resource", r.name.as_str())];
        let page = crate::web::confirm::page(
            &ctx,
            &crate::web::confirm::Confirm {
                title: &lang.tf("space.confirm_retire.title", &args),
                consequences: &[lang.tf("space.confirm_retire.what", &args)],
                action: &format!("/space/{}/retire", r.id),
                fields: &[],
                button: &lang.t("space.confirm_retire.button"),
                cancel: &back,
            },
            &csrf,
        );
        return Ok(page.into_response());
    }
    match super::retire_resource(&st.db, &r, uid, st.clock.now()).await? {
        Ok(()) => {
            ctx.set_flash("success", lang.t("space.resource_retired"))
                .await?;
            Ok(see_other(&back))
        }
        Err(left) => {
            let e = one(
                "retire",
                lang.tf("space.err.holds_left", &[("count", &left.to_string())]),
            );
            Ok(unprocessable(
                resource_page(
                    &st,
                    &mut ctx,
                    (&r, &i, &rel),
                    None,
                    &Failed::Retire(&e),
                    None,
                )
                .await?,
            ))
        }
    }
}

/// `POST /space/{id}/bookings`: a tenant (or a manager) books the shared room.
pub async fn book(
    State(st): State<St>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<BookingForm>,
) -> AppResult<Response> {
    let (r, i, rel) = seen(&st, &ctx, &id).await?;
    if !may(ctx.actor(), rel.book()) {
        return Err(AppError::NotFound);
    }
    let uid = ctx.require_user()?.actor.user_id;
    let manager = may(ctx.actor(), rel.manage());
    let now = st.clock.now();
    let tenants: Vec<i64> = if manager {
        crate::incubators::residents_of(&st.db, i.id)
            .await?
            .iter()
            .map(|t| t.id)
            .collect()
    } else {
        rel.tenants.iter().map(|t| t.id).collect()
    };
    // A clash is named from the tenants' names, which the page shown with it reuses.
    let mut names = None;
    let res = if r.retired() {
        Err(one("date", ctx.t("space.err.retired")))
    } else if r.kind() != ResourceKind::Shared {
        Err(one("date", ctx.t("space.err.not_bookable")))
    } else {
        match rules::validate_booking(&f, &r.window(), &tenants, manager, now, ctx.lang) {
            Err(e) => Err(e),
            Ok(d) => match super::book(&st.db, &r, &d, uid, now).await? {
                Ok(_) => Ok(d.starts_at),
                Err(c) => {
                    let known = names.insert(tenant_names(&st, i.id).await?);
                    Err(one("start", taken_message(&c, false, known, ctx.lang)))
                }
            },
        }
    };
    match res {
        Ok(at) => {
            ctx.set_flash("success", ctx.t("space.booked")).await?;
            Ok(see_other(&format!(
                "/space/{}?week={}",
                r.id,
                rules::format_date(shanghai_date(at))
            )))
        }
        Err(e) => {
            let week = rules::parse_date(&f.date);
            Ok(unprocessable(
                resource_page(
                    &st,
                    &mut ctx,
                    (&r, &i, &rel),
                    week,
                    &Failed::Booking(&f, &e),
                    names,
                )
                .await?,
            ))
        }
    }
}

/// The confirmation of a cancellation.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    confirm: String,
}

/// `POST /space-bookings/{id}/cancel`: its booker (within the cancellation window) or a
/// manager, after confirmation.
pub async fn cancel(
    State(st): State<St>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<ConfirmForm>,
) -> AppResult<Response> {
    let actor = ctx.actor().ok_or(AppError::LoginRequired)?.clone();
    let b: Booking = model::booking(&st.db, parse_id(&id)?)
        .await?
        .ok_or(AppError::NotFound)?;
    let (r, i, rel) = seen(&st, &ctx, &b.resource_id.to_string()).await?;
    let own = b.booked_by == actor.user_id;
    if !may(
        Some(&actor),
        Action::CancelBooking {
            own,
            managed: rel.managed,
        },
    ) {
        return Err(AppError::NotFound);
    }
    let lang = ctx.lang;
    let when = format!(
        "{}–{}",
        display_instant(b.starts_at),
        rules::format_hm(rules::minute_of_day(b.ends_at))
    );
    let back = format!(
        "/space/{}?week={}",
        r.id,
        rules::format_date(shanghai_date(b.starts_at))
    );
    if b.state != rules::HoldState::Active.code() {
        ctx.set_flash("info", lang.t("space.already_cancelled"))
            .await?;
        return Ok(see_other(&back));
    }
    let manager = may(Some(&actor), rel.manage());
    let now = st.clock.now();
    if !rules::may_cancel(b.starts_at, b.ends_at, r.cancel_hours, manager, now) {
        let e = one(
            "cancel",
            lang.tf(
                "space.err.cancel_window",
                &[("hours", &r.cancel_hours.to_string())],
            ),
        );
        let week = Some(shanghai_date(b.starts_at));
        return Ok(unprocessable(
            resource_page(
                &st,
                &mut ctx,
                (&r, &i, &rel),
                week,
                &Failed::Cancel(&e),
                None,
            )
            .await?,
        ));
    }
    if !crate::web::confirm::confirmed(&f.confirm) {
        let csrf = ctx.ensure_csrf().await?;
        let args = [("resource", r.name.as_str()), ("when", when.as_str())];
        let page = crate::web::confirm::page(
            &ctx,
            &crate::web::confirm::Confirm {
                title: &lang.tf("space.confirm_cancel.title", &args),
                consequences: &[lang.tf("space.confirm_cancel.what", &args)],
                action: &format!("/space-bookings/{}/cancel", b.id),
                fields: &[],
                button: &lang.t("space.confirm_cancel.button"),
                cancel: &back,
            },
            &csrf,
        );
        return Ok(page.into_response());
    }
    let key = if super::cancel(&st.db, &b, actor.user_id, now).await? {
        "space.cancelled"
    } else {
        "space.already_cancelled"
    };
    ctx.set_flash("success", lang.t(key)).await?;
    Ok(see_other(&back))
}

/// Validates an agreement draft against the incubator's rooms, desks and tenants.
async fn agreement_draft(
    st: &St,
    i: &Incubator,
    f: &AgreementForm,
    lang: Lang,
) -> AppResult<Result<rules::AgreementDraft, FieldErrors>> {
    let (resources, residents) = tokio::try_join!(
        model::resources_of(&st.db, i.id),
        crate::incubators::residents_of(&st.db, i.id),
    )?;
    let allocatable: Vec<i64> = resources
        .iter()
        .filter(|r| r.kind().allocated() && !r.retired())
        .map(|r| r.id)
        .collect();
    let tenants: Vec<i64> = residents.iter().map(|t| t.id).collect();
    Ok(rules::validate_agreement(f, &allocatable, &tenants, lang))
}

/// `POST /incubators/{id}/agreements`: a manager drafts a tenancy agreement, which holds
/// its space at once.
pub async fn draft_agreement(
    State(st): State<St>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<AgreementForm>,
) -> AppResult<Response> {
    let i = incubator(&st, parse_id(&id)?).await?;
    let rel = relation(&st, &ctx, i.id).await?;
    require(ctx.actor(), rel.manage())?;
    let uid = ctx.require_user()?.actor.user_id;
    let res = match agreement_draft(&st, &i, &f, ctx.lang).await? {
        Err(e) => Err(e),
        Ok(d) => {
            match super::agreements::draft(&st.db, i.id, &d, None, uid, st.clock.now()).await? {
                Ok(id) => Ok(id),
                Err(c) => {
                    let names = tenant_names(&st, i.id).await?;
                    Err(one("g_from", taken_message(&c, true, &names, ctx.lang)))
                }
            }
        }
    };
    match res {
        Ok(aid) => {
            ctx.set_flash("success", ctx.t("space.agreement_drafted"))
                .await?;
            Ok(see_other(&format!("/agreements/{aid}")))
        }
        Err(e) => Ok(unprocessable(
            space_page(&st, &mut ctx, &i, &rel, &Failed::Agreement(&f, &e)).await?,
        )),
    }
}

/// An agreement the asker may see, with its incubator and the asker's standing.
struct SeenAgreement {
    a: Agreement,
    i: Incubator,
    party: bool,
    manager: bool,
}

/// Loads an agreement: log in for anonymous visitors, "not found" alike for missing ids
/// and agreements the user may not read (another tenant's included).
async fn seen_agreement(st: &St, ctx: &Ctx, id: &str) -> AppResult<SeenAgreement> {
    let actor = ctx.actor().ok_or(AppError::LoginRequired)?;
    let a = model::agreement(&st.db, parse_id(id)?)
        .await?
        .ok_or(AppError::NotFound)?;
    let rel = relation(st, ctx, a.incubator_id).await?;
    let party = rel.tenants.iter().any(|t| t.id == a.tenant_id);
    if !may(
        Some(actor),
        Action::ViewAgreement {
            managed: rel.managed,
            party,
        },
    ) {
        return Err(AppError::NotFound);
    }
    let i = incubator(st, a.incubator_id).await?;
    let manager = may(Some(actor), rel.manage());
    Ok(SeenAgreement {
        a,
        i,
        party,
        manager,
    })
}

async fn agreement_page(
    st: &St,
    ctx: &mut Ctx,
    s: &SeenAgreement,
    failed: &AgreementFailed<'_>,
) -> AppResult<Markup> {
    let csrf = ctx.ensure_csrf().await?;
    let names = tenant_names(st, s.i.id).await?;
    let resource = match model::allocation(&st.db, s.a.allocation_id).await? {
        Some(al) => model::resource(&st.db, al.resource_id).await?,
        None => None,
    };
    let page = AgreementPage {
        a: &s.a,
        i: &s.i,
        tenant: names.get(&s.a.tenant_id).cloned().unwrap_or_default(),
        resource: resource.as_ref(),
        may_accept: may(ctx.actor(), Action::AcceptAgreement { party: s.party }),
        manager: s.manager,
    };
    let body = views::agreement(ctx.lang, &page, failed, &csrf);
    Ok(layout::page(
        ctx,
        &ctx.lang
            .tf("space.agreement_title", &[("id", &s.a.id.to_string())]),
        body,
    ))
}

/// `GET /agreements/{id}`: the agreement, its state and the forms of its next steps.
pub async fn show_agreement(
    State(st): State<St>,
    mut ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Markup> {
    let s = seen_agreement(&st, &ctx, &id).await?;
    agreement_page(&st, &mut ctx, &s, &AgreementFailed::None).await
}

async fn step(st: St, mut ctx: Ctx, id: &str, step: AgreementStep) -> AppResult<Response> {
    let s = seen_agreement(&st, &ctx, id).await?;
    let allowed = match step {
        AgreementStep::Accept => may(ctx.actor(), Action::AcceptAgreement { party: s.party }),
        _ => s.manager,
    };
    if !allowed {
        return Err(AppError::NotFound);
    }
    let uid = ctx.require_user()?.actor.user_id;
    match super::agreements::take_step(&st.db, &s.a, step, uid, st.clock.now()).await? {
        Some(to) => {
            ctx.set_flash(
                "success",
                ctx.lang
                    .tf("space.agreement_moved", &[("state", &to.label(ctx.lang))]),
            )
            .await?;
            Ok(see_other(&format!("/agreements/{}", s.a.id)))
        }
        None => {
            let e = one("step", ctx.t("space.err.agreement_step"));
            Ok(unprocessable(
                agreement_page(&st, &mut ctx, &s, &AgreementFailed::Step(&e)).await?,
            ))
        }
    }
}

/// `POST /agreements/{id}/accept`: the tenant accepts the draft.
pub async fn accept(State(st): State<St>, ctx: Ctx, Path(id): Path<String>) -> AppResult<Response> {
    step(st, ctx, &id, AgreementStep::Accept).await
}

/// `POST /agreements/{id}/countersign`: a manager countersigns the accepted agreement.
pub async fn countersign(
    State(st): State<St>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    step(st, ctx, &id, AgreementStep::Countersign).await
}

/// `POST /agreements/{id}/renew`: a manager drafts the renewal of an agreement in force.
pub async fn renew(
    State(st): State<St>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<RenewForm>,
) -> AppResult<Response> {
    let s = seen_agreement(&st, &ctx, &id).await?;
    if !s.manager {
        return Err(AppError::NotFound);
    }
    let uid = ctx.require_user()?.actor.user_id;
    let res = if !s.a.state().renewable() {
        Err(one("to", ctx.t("space.err.agreement_step")))
    } else {
        match rules::validate_renewal(&f, s.a.ends_at, ctx.lang) {
            Err(e) => Err(e),
            Ok((ends_at, fee)) => {
                match super::agreements::renew(&st.db, &s.a, ends_at, fee, uid, st.clock.now())
                    .await?
                {
                    Ok(id) => Ok(id),
                    Err(c) => {
                        let names = tenant_names(&st, s.i.id).await?;
                        Err(one("to", taken_message(&c, true, &names, ctx.lang)))
                    }
                }
            }
        }
    };
    match res {
        Ok(new) => {
            ctx.set_flash("success", ctx.t("space.agreement_drafted"))
                .await?;
            Ok(see_other(&format!("/agreements/{new}")))
        }
        Err(e) => Ok(unprocessable(
            agreement_page(&st, &mut ctx, &s, &AgreementFailed::Renew(&f, &e)).await?,
        )),
    }
}

/// `POST /agreements/{id}/exit`: a manager records an early exit with a reason, after
/// confirmation; the space is free from the exit day.
pub async fn exit(
    State(st): State<St>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<ExitForm>,
) -> AppResult<Response> {
    let s = seen_agreement(&st, &ctx, &id).await?;
    if !s.manager {
        return Err(AppError::NotFound);
    }
    let uid = ctx.require_user()?.actor.user_id;
    let lang = ctx.lang;
    let checked = if s.a.state() != rules::AgreementState::Active {
        Err(one("date", lang.t("space.err.agreement_step")))
    } else {
        rules::validate_exit(&f, s.a.starts_at, s.a.ends_at, lang)
    };
    let (at, reason) = match checked {
        Ok(x) => x,
        Err(e) => {
            return Ok(unprocessable(
                agreement_page(&st, &mut ctx, &s, &AgreementFailed::Exit(&f, &e)).await?,
            ));
        }
    };
    if !crate::web::confirm::confirmed(&f.confirm) {
        let csrf = ctx.ensure_csrf().await?;
        let day = rules::format_date(shanghai_date(at));
        let args = [("date", day.as_str())];
        let page = crate::web::confirm::page(
            &ctx,
            &crate::web::confirm::Confirm {
                title: &lang.tf("space.confirm_exit.title", &args),
                consequences: &[lang.tf("space.confirm_exit.what", &args)],
                action: &format!("/agreements/{}/exit", s.a.id),
                fields: &[("date", f.date.as_str()), ("reason", f.reason.as_str())],
                button: &lang.t("space.confirm_exit.button"),
                cancel: &format!("/agreements/{}", s.a.id),
            },
            &csrf,
        );
        return Ok(page.into_response());
    }
    let key = if super::agreements::exit(&st.db, &s.a, at, &reason, uid, st.clock.now()).await? {
        "space.agreement_exited"
    } else {
        "space.err.agreement_step"
    };
    ctx.set_flash("success", lang.t(key)).await?;
    Ok(see_other(&format!("/agreements/{}", s.a.id)))
}
