//! Handlers of the call pages: the public list and page, the organizer's form, publishing and
//! cancelling, and the workspace sections `/me` shows. Proposals (applications to calls) are
//! handled in [`proposals`].

pub mod grants;
pub mod proposals;

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};

use super::model::Call;
use super::rules::{self, CallForm, Organizer, OrganizerKind};
use super::views::{self, CancelForm};
use super::{CallState, Refusal};
use crate::accounts::{Action, OrgRole, may, require};
use crate::kernel::error::{AppError, AppResult, FieldErrors};
use crate::web::{AppState, Ctx, Form, Query, layout, parse_id, see_other, unprocessable};

/// How many open calls the workspace recommends per organization.
pub const RECOMMENDED: usize = 5;

/// The public list's filters.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ListQuery {
    /// A domain code.
    #[serde(default)]
    pub domain: String,
    /// A league/city code.
    #[serde(default)]
    pub league: String,
}

/// Whether the actor acts for this organizer.
fn acts_for(ctx: &Ctx, o: Organizer) -> bool {
    may(
        ctx.actor(),
        match o.kind {
            OrganizerKind::Unit => Action::UnitCalls(o.id),
            OrganizerKind::Org => Action::OrgCalls(o.id),
        },
    )
}

/// The organizers the signed-in user may run calls for, with their names: the units they buy
/// for and the foundations they administer.
pub async fn my_organizers(st: &AppState, ctx: &Ctx) -> AppResult<Vec<(Organizer, String)>> {
    let Some(u) = &ctx.user else {
        return Ok(vec![]);
    };
    let mut out: Vec<(Organizer, String)> = u
        .units
        .iter()
        .map(|(id, n)| {
            (
                Organizer {
                    kind: OrganizerKind::Unit,
                    id: *id,
                },
                n.clone(),
            )
        })
        .filter(|(o, _)| acts_for(ctx, *o))
        .collect();
    let admin_of: Vec<i64> = u
        .orgs
        .iter()
        .filter(|(_, _, r)| *r == OrgRole::Admin)
        .map(|(o, _, _)| *o)
        .filter(|o| may(ctx.actor(), Action::OrgCalls(*o)))
        .collect();
    for (id, name) in super::foundations_among(&st.db, &admin_of).await? {
        out.push((
            Organizer {
                kind: OrganizerKind::Org,
                id,
            },
            name,
        ));
    }
    Ok(out)
}

/// "Log in" for visitors, "forbidden" for those who run no call.
fn require_organizer(ctx: &Ctx, organizers: &[(Organizer, String)]) -> AppResult<()> {
    if organizers.is_empty() {
        require(ctx.actor(), Action::UnitCalls(0))?;
        return Err(AppError::Forbidden);
    }
    Ok(())
}

/// A call for its organizer. Visitors are asked to log in before anything is looked up;
/// for anyone else a draft they may not see answers like a call that does not exist (404),
/// a public one "forbidden".
async fn load_for_organizer(st: &AppState, ctx: &Ctx, id: &str) -> AppResult<Call> {
    ctx.require_user()?;
    let c = super::get(&st.db, parse_id(id)?)
        .await?
        .ok_or(AppError::NotFound)?;
    if !acts_for(ctx, super::organizer_of(&c)) {
        return Err(if super::state_of(&c) == CallState::Draft {
            AppError::NotFound
        } else {
            AppError::Forbidden
        });
    }
    Ok(c)
}

async fn flash_refusal(ctx: &Ctx, r: Refusal, to: &str) -> AppResult<Response> {
    ctx.set_flash("error", r.label(ctx.lang)).await?;
    Ok(see_other(to))
}

async fn flash_ok(ctx: &Ctx, key: &str, to: &str) -> AppResult<Response> {
    ctx.set_flash("success", ctx.t(key)).await?;
    Ok(see_other(to))
}

/// `GET /calls`: the calls open now, filtered by domain and league/city.
pub async fn list(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> AppResult<Markup> {
    let domain = Some(q.domain.trim()).filter(|d| crate::orgs::is_domain(d));
    let league = Some(q.league.trim()).filter(|l| {
        crate::regions::regions()
            .get(l)
            .is_some_and(|d| d.level == crate::regions::Level::LeagueCity)
    });
    let now = st.clock.now();
    let calls = super::open_calls(&st.db, now, domain, league).await?;
    let organizers: Vec<Organizer> = calls.iter().map(super::organizer_of).collect();
    let names = super::organizer_names(&st.db, &organizers).await?;
    let body = views::list(
        ctx.lang,
        &calls,
        &names,
        domain.unwrap_or(""),
        league.unwrap_or(""),
    );
    Ok(layout::page(&ctx, &ctx.t("call.list_title"), body))
}

async fn render_show(
    st: &AppState,
    ctx: &mut Ctx,
    c: &Call,
    cancel: &CancelForm,
    e: &FieldErrors,
) -> AppResult<Markup> {
    let o = super::organizer_of(c);
    let names = super::organizer_names(&st.db, &[o]).await?;
    let controls = if acts_for(ctx, o) {
        Some(ctx.ensure_csrf().await?)
    } else {
        None
    };
    let body = views::show(
        ctx.lang,
        c,
        names.get(&o).map(String::as_str).unwrap_or(""),
        st.clock.now(),
        controls.as_deref().map(|csrf| (csrf, cancel, e)),
    );
    let section = proposals::call_section(st, ctx, c).await?;
    Ok(layout::page(ctx, &c.title, html! { (body) (section) }))
}

/// `GET /calls/{id}`: public once published; a draft only for its organizer.
pub async fn show(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Markup> {
    let c = super::get(&st.db, parse_id(&id)?)
        .await?
        .ok_or(AppError::NotFound)?;
    if super::state_of(&c) == CallState::Draft && !acts_for(&ctx, super::organizer_of(&c)) {
        return Err(AppError::NotFound);
    }
    render_show(
        &st,
        &mut ctx,
        &c,
        &CancelForm::default(),
        &FieldErrors::default(),
    )
    .await
}

fn form_page(
    ctx: &Ctx,
    title: &str,
    action: &str,
    f: &CallForm,
    organizers: &[(Organizer, String)],
    e: &FieldErrors,
    csrf: &str,
) -> Markup {
    layout::page(
        ctx,
        title,
        views::call_form(ctx.lang, title, action, f, organizers, e, csrf),
    )
}

/// `GET /calls/new`
pub async fn new_form(State(st): State<AppState>, mut ctx: Ctx) -> AppResult<Markup> {
    let organizers = my_organizers(&st, &ctx).await?;
    require_organizer(&ctx, &organizers)?;
    let csrf = ctx.ensure_csrf().await?;
    let f = CallForm {
        organizer: match organizers.as_slice() {
            [(only, _)] => only.code(),
            _ => String::new(),
        },
        reviewers: "3".into(),
        applicants: vec![rules::Applicant::Registered.code().into()],
        ..Default::default()
    };
    let title = ctx.t("call.new");
    Ok(form_page(
        &ctx,
        &title,
        "/calls",
        &f,
        &organizers,
        &FieldErrors::default(),
        &csrf,
    ))
}

/// `POST /calls`: saves a draft, or the same form back with a message per field (422).
pub async fn create(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Form(f): Form<CallForm>,
) -> AppResult<Response> {
    let organizers = my_organizers(&st, &ctx).await?;
    require_organizer(&ctx, &organizers)?;
    let uid = ctx.require_user()?.actor.user_id;
    let now = st.clock.now();
    let allowed: Vec<Organizer> = organizers.iter().map(|(o, _)| *o).collect();
    match rules::validate_call(&f, &allowed, now, ctx.lang) {
        Ok(d) => {
            let id = super::create(&st.db, &d, uid, now).await?;
            flash_ok(&ctx, "call.drafted", &format!("/calls/{id}")).await
        }
        Err(e) => {
            let csrf = ctx.ensure_csrf().await?;
            let title = ctx.t("call.new");
            Ok(unprocessable(form_page(
                &ctx,
                &title,
                "/calls",
                &f,
                &organizers,
                &e,
                &csrf,
            )))
        }
    }
}

/// `GET /calls/{id}/edit` (drafts only).
pub async fn edit_form(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let c = load_for_organizer(&st, &ctx, &id).await?;
    let to = format!("/calls/{}", c.id);
    if super::state_of(&c) != CallState::Draft {
        let r = Refusal::WrongState(super::phase_of(&c, st.clock.now()));
        return flash_refusal(&ctx, r, &to).await;
    }
    let organizers = my_organizers(&st, &ctx).await?;
    let csrf = ctx.ensure_csrf().await?;
    let title = ctx.lang.tf("call.edit_title", &[("title", &c.title)]);
    Ok(form_page(
        &ctx,
        &title,
        &format!("/calls/{}/edit", c.id),
        &views::form_from(&c),
        &organizers,
        &FieldErrors::default(),
        &csrf,
    )
    .into_response())
}

/// `POST /calls/{id}/edit`
pub async fn update(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<CallForm>,
) -> AppResult<Response> {
    let c = load_for_organizer(&st, &ctx, &id).await?;
    let uid = ctx.require_user()?.actor.user_id;
    let organizers = my_organizers(&st, &ctx).await?;
    let allowed: Vec<Organizer> = organizers.iter().map(|(o, _)| *o).collect();
    let now = st.clock.now();
    let to = format!("/calls/{}", c.id);
    match rules::validate_call(&f, &allowed, now, ctx.lang) {
        Ok(d) => match super::update(&st.db, &c, &d, uid, now).await? {
            Ok(()) => flash_ok(&ctx, "call.saved", &to).await,
            Err(r) => flash_refusal(&ctx, r, &to).await,
        },
        Err(e) => {
            let csrf = ctx.ensure_csrf().await?;
            let title = ctx.lang.tf("call.edit_title", &[("title", &c.title)]);
            Ok(unprocessable(form_page(
                &ctx,
                &title,
                &format!("/calls/{}/edit", c.id),
                &f,
                &organizers,
                &e,
                &csrf,
            )))
        }
    }
}

/// `POST /calls/{id}/publish`
pub async fn publish(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let c = load_for_organizer(&st, &ctx, &id).await?;
    let uid = ctx.require_user()?.actor.user_id;
    let to = format!("/calls/{}", c.id);
    match super::publish(&st.db, &c, uid, st.clock.now()).await? {
        Ok(()) => flash_ok(&ctx, "call.published_ok", &to).await,
        Err(r) => flash_refusal(&ctx, r, &to).await,
    }
}

/// `POST /calls/{id}/cancel`: with a public reason, after a confirmation page.
pub async fn cancel(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<CancelForm>,
) -> AppResult<Response> {
    let c = load_for_organizer(&st, &ctx, &id).await?;
    let uid = ctx.require_user()?.actor.user_id;
    let now = st.clock.now();
    let to = format!("/calls/{}", c.id);
    if super::state_of(&c).apply(rules::CallEvent::Cancel).is_err() {
        return flash_refusal(&ctx, Refusal::WrongState(super::phase_of(&c, now)), &to).await;
    }
    let reason = match rules::validate_reason(&f.reason, ctx.lang) {
        Ok(r) => r,
        Err(m) => {
            let mut e = FieldErrors::default();
            e.add("reason", m);
            return Ok(unprocessable(render_show(&st, &mut ctx, &c, &f, &e).await?));
        }
    };
    if !crate::web::confirm::confirmed(&f.confirm) {
        let lang = ctx.lang;
        let consequences = [
            lang.tf("confirm.call_cancel.what", &[("title", &c.title)]),
            lang.tf("confirm.call_cancel.public", &[("reason", &reason)]),
            lang.t("confirm.final"),
        ];
        let csrf = ctx.ensure_csrf().await?;
        let action = format!("/calls/{}/cancel", c.id);
        let page = crate::web::confirm::page(
            &ctx,
            &crate::web::confirm::Confirm {
                title: &lang.t("confirm.call_cancel.title"),
                consequences: &consequences,
                action: &action,
                fields: &[("reason", &reason)],
                button: &lang.t("confirm.call_cancel.button"),
                cancel: &to,
            },
            &csrf,
        );
        return Ok(page.into_response());
    }
    match super::cancel(&st.db, &c, &reason, uid, now).await? {
        Ok(()) => flash_ok(&ctx, "call.cancelled_ok", &to).await,
        Err(r) => flash_refusal(&ctx, r, &to).await,
    }
}

/// The workspace sections: the calls of the organizers the user acts for, and for each
/// organization the user belongs to, the open calls it fits with the reasons.
pub async fn workspace_sections(st: &AppState, ctx: &Ctx) -> AppResult<Markup> {
    let Some(u) = &ctx.user else {
        return Ok(html! {});
    };
    let organizers = my_organizers(st, ctx).await?;
    let ids: Vec<Organizer> = organizers.iter().map(|(o, _)| *o).collect();
    let calls = super::of_organizers(&st.db, &ids).await?;
    let names = super::organizer_names(&st.db, &ids).await?;
    let now = st.clock.now();
    let mut recommended = Vec::new();
    for (o, name, _) in &u.orgs {
        if may(ctx.actor(), Action::ViewOrgMatches(*o)) {
            recommended.push((
                name.clone(),
                super::recommended(&st.db, *o, now, RECOMMENDED).await?,
            ));
        }
    }
    let mine = proposals::workspace_section(st, ctx).await?;
    let grants = grants::workspace_section(st, ctx).await?;
    Ok(html! {
        (views::workspace(
            ctx.lang,
            !organizers.is_empty(),
            &calls,
            &names,
            &recommended,
            now,
        ))
        (mine)
        (grants)
    })
}
