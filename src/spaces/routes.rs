//! Space handlers: extract, authorize, call, render. The incubator's space page answers
//! "forbidden" to a signed-in outsider (the incubator itself is public); routes naming a
//! resource or a booking answer every id the asker may not see alike — log in for
//! anonymous visitors, 404 otherwise.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use maud::Markup;

use super::model::{self, Booking, Resource};
use super::rules::{self, AllocationForm, BookingForm, ResourceForm, ResourceKind};
use super::views::{self, Failed, ResourcePage, SpacePage};
use super::Clash;
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
    let page = SpacePage {
        i,
        resources: &resources,
        allocations: &allocations,
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
        .filter(|r| r.kind().allocated())
        .map(|r| r.id)
        .collect();
    let tenants: Vec<i64> = residents.iter().map(|t| t.id).collect();
    let res = match rules::validate_allocation(&f, &allocatable, &tenants, ctx.lang) {
        Err(e) => Err(e),
        Ok(d) => match super::allocate(&st.db, &d, uid, st.clock.now()).await? {
            Ok(_) => Ok(d.resource_id),
            Err(c) => {
                let names = tenant_names(&st, i.id).await?;
                Err(one("from", clash_message(&c, true, &names, ctx.lang)))
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

async fn resource_page(
    st: &St,
    ctx: &mut Ctx,
    (r, i, rel): (&Resource, &Incubator, &Rel),
    week: Option<time::Date>,
    failed: &Failed<'_>,
) -> AppResult<Markup> {
    let csrf = ctx.ensure_csrf().await?;
    let now = st.clock.now();
    let monday = rules::week_start(week.unwrap_or_else(|| shanghai_date(now)));
    let days = rules::week_days(monday);
    let from = rules::day_start(days[0]);
    let to = rules::day_start(days[6] + time::Duration::days(1));
    let kind = r.kind();
    let names = tenant_names(st, i.id).await?;
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
    let may_book = kind == ResourceKind::Shared && may(ctx.actor(), rel.book());
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
    resource_page(&st, &mut ctx, (&r, &i, &rel), week, &Failed::None).await
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
    let res = if r.kind() != ResourceKind::Shared {
        Err(one("date", ctx.t("space.err.not_bookable")))
    } else {
        match rules::validate_booking(&f, &r.window(), &tenants, manager, now, ctx.lang) {
            Err(e) => Err(e),
            Ok(d) => match super::book(&st.db, &r, &d, uid, now).await? {
                Ok(_) => Ok(d.starts_at),
                Err(c) => {
                    let names = tenant_names(&st, i.id).await?;
                    Err(one("start", clash_message(&c, false, &names, ctx.lang)))
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
                resource_page(&st, &mut ctx, (&r, &i, &rel), week, &Failed::Booking(&f, &e))
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
            resource_page(&st, &mut ctx, (&r, &i, &rel), week, &Failed::Cancel(&e)).await?,
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

