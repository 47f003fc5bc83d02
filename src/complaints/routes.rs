//! Complaint handlers: extract, authorize, call, render. The public routes need no account;
//! the case routes are for regulators only (`Action::Regulate`), asked before any lookup.

use axum::extract::{Multipart, Path, State};
use axum::response::{IntoResponse, Response};
use maud::Markup;

use super::rules::{self, AssignForm, ComplaintForm, ConcludeForm, ReplyForm};
use super::views::{self, CaseView, Failed, OutcomeRow, QueueQuery, QueueRow};
use super::{CaseState, Complaint, Refusal, model};
use crate::accounts::{Action, Role, require};
use crate::kernel::Lang;
use crate::kernel::error::{AppError, AppResult, FieldErrors};
use crate::web::{AppState, Ctx, Form, Query, layout, parse_id, see_other, unprocessable};

/// Cases (or outcomes) listed per page.
const PER_PAGE: u64 = 50;

fn page_of(s: &str) -> u64 {
    s.parse::<u64>()
        .ok()
        .filter(|p| (1..=1_000_000).contains(p))
        .unwrap_or(1)
}

/// Responses that must not be kept by a browser or a proxy (the tracking code, a case).
fn no_store(mut r: Response) -> Response {
    r.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    r
}

/// `GET /complaints`: how to complain and follow a complaint; the published outcomes.
pub async fn public_list(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<QueueQuery>,
) -> AppResult<Markup> {
    let page = page_of(&q.page);
    let (rows, total) = model::published(&st.db, page, PER_PAGE).await?;
    let ids: Vec<i64> = rows.iter().filter_map(|c| c.org_id).collect();
    let names = crate::orgs::names_by_ids(&st.db, &ids).await?;
    let out: Vec<OutcomeRow<'_>> = rows
        .iter()
        .map(|c| OutcomeRow {
            complaint: c,
            org: c
                .org_id
                .and_then(|id| names.get(&id).map(|n| (id, n.as_str()))),
        })
        .collect();
    let body = views::public_list(ctx.lang, &out, total, page, total.div_ceil(PER_PAGE));
    Ok(layout::page(&ctx, &ctx.t("complaints.title"), body))
}

async fn form_page(ctx: &mut Ctx, f: &ComplaintForm, e: &FieldErrors) -> AppResult<Markup> {
    let csrf = ctx.ensure_csrf().await?;
    let body = views::new_form(ctx.lang, f, e, &csrf, ctx.user.is_some());
    Ok(layout::page(ctx, &ctx.t("complaints.new_title"), body))
}

/// `GET /complaints/new`: the complaint form (no account needed).
pub async fn new_form(mut ctx: Ctx) -> AppResult<Markup> {
    form_page(&mut ctx, &ComplaintForm::default(), &FieldErrors::default()).await
}

/// The form's text fields and its files (each at most `MAX_FILE_BYTES + 1` bytes read, at
/// most `MAX_FILES + 1` kept). `Err`: the body could not be read (the message for the files
/// field) or held broken UTF-8 (`Ok(Err)` is not used: a 400 like a urlencoded form's).
async fn read_form(
    mp: &mut Multipart,
    lang: Lang,
) -> Result<(ComplaintForm, Vec<(String, Vec<u8>)>), (bool, String)> {
    let broken = |e: axum::extract::multipart::MultipartError| {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            (false, lang.t("complaints.err.file_total"))
        } else {
            (false, lang.t("complaints.err.upload"))
        }
    };
    let mut f = ComplaintForm::default();
    let mut files = Vec::new();
    while let Some(mut field) = mp.next_field().await.map_err(broken)? {
        let name = field.name().unwrap_or("").to_string();
        if name == "files" {
            let file_name = field
                .file_name()
                .unwrap_or("")
                .rsplit(['/', '\\'])
                .next()
                .unwrap_or("")
                .chars()
                .filter(|c| !c.is_control() && !crate::kernel::text::is_bidi_control(*c))
                .take(150)
                .collect::<String>();
            let mut buf: Vec<u8> = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(broken)? {
                let room = rules::MAX_FILE_BYTES + 1 - buf.len();
                buf.extend_from_slice(&chunk[..chunk.len().min(room)]);
                if buf.len() > rules::MAX_FILE_BYTES {
                    break;
                }
            }
            // A file input left empty still sends an empty part without a name.
            if !(file_name.is_empty() && buf.is_empty()) && files.len() <= rules::MAX_FILES {
                files.push((file_name, buf));
            }
            continue;
        }
        let bytes = field.bytes().await.map_err(broken)?;
        let text =
            String::from_utf8(bytes.to_vec()).map_err(|_| (true, lang.t("text.err.bad_utf8")))?;
        match name.as_str() {
            "about" => f.about = text,
            "org" => f.org = text,
            "subject" => f.subject = text,
            "body" => f.body = text,
            "contact" => f.contact = text,
            "anonymous" => f.anonymous = text,
            _ => {}
        }
    }
    Ok((f, files))
}

/// The organization a complaint names: by its USCC, else by its exact name.
async fn find_org(st: &AppState, typed: &str) -> AppResult<Option<crate::orgs::Org>> {
    let t = typed.trim();
    let mut id = crate::orgs::id_by_uscc(&st.db, &t.to_ascii_uppercase()).await?;
    if id.is_none() {
        id = crate::orgs::id_by_name(&st.db, t).await?;
    }
    Ok(match id {
        Some(id) => crate::orgs::get(&st.db, id).await?.map(|(o, _)| o),
        None => None,
    })
}

/// `POST /complaints` (multipart): files the complaint and shows its tracking code once.
/// Bad input is the same form with what was typed (files must be chosen again), 422.
pub async fn create(
    State(st): State<AppState>,
    mut ctx: Ctx,
    mp: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let mut mp = mp.map_err(|_| AppError::BadRequest(lang.t("complaints.err.upload")))?;
    let (f, files) = match read_form(&mut mp, lang).await {
        Ok(v) => v,
        Err((true, m)) => return Err(AppError::BadRequest(m)),
        Err((false, m)) => {
            let mut e = FieldErrors::default();
            e.add("files", m);
            let page = form_page(&mut ctx, &ComplaintForm::default(), &e).await?;
            return Ok(unprocessable(page));
        }
    };
    let mut d = match rules::validate_complaint(&f, files, lang) {
        Ok(d) => d,
        Err(e) => return Ok(unprocessable(form_page(&mut ctx, &f, &e).await?)),
    };
    let org = match &d.org {
        Some(typed) => match find_org(&st, typed).await? {
            Some(o) => Some(o),
            None => {
                let mut e = FieldErrors::default();
                e.add("org", lang.t("complaints.err.org_unknown"));
                return Ok(unprocessable(form_page(&mut ctx, &f, &e).await?));
            }
        },
        None => None,
    };
    // Only a signed-in complainant may choose anonymity; an anonymous visitor is anonymous.
    let user = ctx.user.as_ref().map(|u| u.actor.user_id);
    if user.is_none() {
        d.anonymous = true;
    }
    let code = super::new_tracking_code();
    super::submit(&st.db, &d, org.as_ref(), user, &code, st.clock.now()).await?;
    let page = layout::page(
        &ctx,
        &ctx.t("complaints.received_title"),
        views::received(lang, &code),
    );
    Ok(no_store(page.into_response()))
}

/// `GET /complaints/track`: asks for the tracking code.
pub async fn track_form(mut ctx: Ctx) -> AppResult<Markup> {
    let csrf = ctx.ensure_csrf().await?;
    let body = views::track_form(ctx.lang, &csrf, false);
    Ok(layout::page(&ctx, &ctx.t("complaints.track_title"), body))
}

/// The tracking form's one field.
#[derive(Debug, Default, serde::Deserialize)]
pub struct TrackForm {
    #[serde(default)]
    code: String,
}

/// `POST /complaints/track`: the case the code names, with its state, public replies and
/// outcome. The code travels in the body, never in a URL (logs, history, referrers). A code
/// of nothing gets 404 and the form again, the same for every wrong code.
pub async fn track(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Form(f): Form<TrackForm>,
) -> AppResult<Response> {
    let Some(c) = super::by_code(&st.db, &f.code).await? else {
        let csrf = ctx.ensure_csrf().await?;
        let body = views::track_form(ctx.lang, &csrf, true);
        let page = layout::page(&ctx, &ctx.t("complaints.track_title"), body);
        return Ok((axum::http::StatusCode::NOT_FOUND, page).into_response());
    };
    let org = match c.org_id {
        Some(id) => crate::orgs::name_of(&st.db, id).await?,
        None => None,
    };
    let replies = model::replies(&st.db, c.id, true).await?;
    let body = views::tracked(ctx.lang, &c, org.as_deref(), &replies);
    let page = layout::page(&ctx, &ctx.t("complaints.tracked_title"), body);
    Ok(no_store(page.into_response()))
}

/// `GET /regulation/complaints`: the regulators' list, open cases by default, oldest in
/// their state first, the overdue ones highlighted.
pub async fn queue(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<QueueQuery>,
) -> AppResult<Markup> {
    require(ctx.actor(), Action::Regulate)?;
    let limits = st.config.complaints;
    let now = st.clock.now();
    let page = page_of(&q.page);
    let (rows, total) = match q.state.as_str() {
        "all" => model::list(&st.db, None, page, PER_PAGE).await?,
        s => match CaseState::parse(s) {
            Some(s) => model::list(&st.db, Some(s), page, PER_PAGE).await?,
            None => model::list_open(&st.db, page, PER_PAGE).await?,
        },
    };
    let org_ids: Vec<i64> = rows.iter().filter_map(|c| c.org_id).collect();
    let names = crate::orgs::names_by_ids(&st.db, &org_ids).await?;
    let user_ids: Vec<i64> = rows.iter().filter_map(|c| c.assigned_to).collect();
    let users = crate::accounts::users_by_ids(&st.db, &user_ids).await?;
    let qrows: Vec<QueueRow<'_>> = rows
        .iter()
        .map(|c| QueueRow {
            complaint: c,
            org_name: c.org_id.and_then(|id| names.get(&id).map(String::as_str)),
            assignee: c.assigned_to.and_then(|a| {
                users
                    .iter()
                    .find(|u| u.id == a)
                    .map(|u| u.display_name.as_str())
            }),
            due: limits.due(c.state(), c.state_since),
            overdue: limits.overdue(c.state(), c.state_since, now),
        })
        .collect();
    let counts = super::open_counts(&st.db, &limits, now).await?;
    let pages = total.div_ceil(PER_PAGE);
    let body = views::queue(ctx.lang, &q, &qrows, counts, &limits, page, pages);
    Ok(layout::page(&ctx, &ctx.t("complaints.queue_title"), body))
}

/// A case, for a regulator (anyone else is refused before the lookup).
async fn load(st: &AppState, ctx: &Ctx, id: &str) -> AppResult<Complaint> {
    require(ctx.actor(), Action::Regulate)?;
    super::get(&st.db, parse_id(id)?)
        .await?
        .ok_or(AppError::NotFound)
}

async fn case_page(
    st: &AppState,
    ctx: &mut Ctx,
    c: &Complaint,
    failed: Failed<'_>,
) -> AppResult<Markup> {
    let csrf = ctx.ensure_csrf().await?;
    let org = match c.org_id {
        Some(id) => crate::orgs::name_of(&st.db, id).await?.map(|n| (id, n)),
        None => None,
    };
    let reg_ids = crate::accounts::holders_of(&st.db, Role::Regulator).await?;
    let mut wanted = reg_ids.clone();
    wanted.extend(c.submitted_by);
    let users = crate::accounts::users_by_ids(&st.db, &wanted).await?;
    let name_of = |id: i64| users.iter().find(|u| u.id == id);
    let regulators: Vec<(i64, String)> = reg_ids
        .iter()
        .filter_map(|id| name_of(*id).map(|u| (u.id, u.display_name.clone())))
        .collect();
    let replies = model::replies(&st.db, c.id, false).await?;
    let files = model::files(&st.db, c.id).await?;
    let limits = st.config.complaints;
    let now = st.clock.now();
    let filer = c
        .submitted_by
        .and_then(name_of)
        .map(|u| (u.display_name.as_str(), u.email.as_str()));
    let assignee = c
        .assigned_to
        .and_then(name_of)
        .map(|u| u.display_name.as_str());
    let body = views::case_page(
        ctx.lang,
        &CaseView {
            complaint: c,
            org: org.as_ref().map(|(id, n)| (*id, n.as_str())),
            filer,
            assignee,
            regulators: &regulators,
            replies: &replies,
            files: &files,
            due: limits.due(c.state(), c.state_since),
            overdue: limits.overdue(c.state(), c.state_since, now),
            csrf: &csrf,
            failed,
        },
    );
    let title = ctx
        .lang
        .tf("complaints.case_title", &[("id", &c.id.to_string())]);
    Ok(layout::page(ctx, &title, body))
}

/// `GET /regulation/complaints/{id}`
pub async fn show(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let c = load(&st, &ctx, &id).await?;
    let page = case_page(&st, &mut ctx, &c, Failed::default()).await?;
    Ok(no_store(page.into_response()))
}

/// After a refused transition: the case as it is now, 409, with the reason as a flash.
async fn conflict(st: &AppState, ctx: &mut Ctx, id: i64, why: String) -> AppResult<Response> {
    let c = super::get(&st.db, id).await?.ok_or(AppError::NotFound)?;
    ctx.set_flash("error", why).await?;
    let page = case_page(st, ctx, &c, Failed::default()).await?;
    Ok((axum::http::StatusCode::CONFLICT, page).into_response())
}

async fn done(ctx: &Ctx, c: &Complaint, key: &str) -> AppResult<Response> {
    ctx.set_flash("success", ctx.t(key)).await?;
    Ok(see_other(&format!("/regulation/complaints/{}", c.id)))
}

/// `POST /regulation/complaints/{id}/assign`: makes a regulator responsible.
pub async fn assign(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<AssignForm>,
) -> AppResult<Response> {
    let c = load(&st, &ctx, &id).await?;
    let actor = ctx.require_user()?.actor.user_id;
    let regulators = crate::accounts::holders_of(&st.db, Role::Regulator).await?;
    let assignee = match rules::validate_assignee(&f, &regulators, ctx.lang) {
        Ok(a) => a,
        Err(e) => {
            let failed = Failed {
                assign: Some((&f, &e)),
                ..Default::default()
            };
            return Ok(unprocessable(case_page(&st, &mut ctx, &c, failed).await?));
        }
    };
    match super::assign(&st.db, &c, assignee, actor, st.clock.now()).await? {
        Ok(_) => done(&ctx, &c, "complaints.done.assigned").await,
        Err(Refusal::Transition(t)) => {
            let why = t.message(ctx.lang);
            conflict(&st, &mut ctx, c.id, why).await
        }
    }
}

/// `POST /regulation/complaints/{id}/investigate`: starts the investigation.
pub async fn investigate(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let c = load(&st, &ctx, &id).await?;
    let actor = ctx.require_user()?.actor.user_id;
    match super::investigate(&st.db, &c, actor, st.clock.now()).await? {
        Ok(_) => done(&ctx, &c, "complaints.done.investigating").await,
        Err(Refusal::Transition(t)) => {
            let why = t.message(ctx.lang);
            conflict(&st, &mut ctx, c.id, why).await
        }
    }
}

/// `POST /regulation/complaints/{id}/conclude`: decides the case, publishing the outcome
/// when asked.
pub async fn conclude(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<ConcludeForm>,
) -> AppResult<Response> {
    let c = load(&st, &ctx, &id).await?;
    let actor = ctx.require_user()?.actor.user_id;
    if c.state() != CaseState::Investigating {
        let t = super::IllegalTransition {
            from: c.state(),
            event: super::CaseEvent::Conclude,
        };
        let why = t.message(ctx.lang);
        return conflict(&st, &mut ctx, c.id, why).await;
    }
    let k = match rules::validate_conclusion(&f, ctx.lang) {
        Ok(k) => k,
        Err(e) => {
            let failed = Failed {
                conclude: Some((&f, &e)),
                ..Default::default()
            };
            return Ok(unprocessable(case_page(&st, &mut ctx, &c, failed).await?));
        }
    };
    match super::conclude(&st.db, &c, &k, actor, st.clock.now()).await? {
        Ok(_) => done(&ctx, &c, "complaints.done.concluded").await,
        Err(Refusal::Transition(t)) => {
            let why = t.message(ctx.lang);
            conflict(&st, &mut ctx, c.id, why).await
        }
    }
}

/// `POST /regulation/complaints/{id}/replies`: a public reply or an internal note, while
/// the case is open.
pub async fn reply(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<ReplyForm>,
) -> AppResult<Response> {
    let c = load(&st, &ctx, &id).await?;
    let actor = ctx.require_user()?.actor.user_id;
    if !c.state().is_open() {
        let why = ctx.t("complaints.err.closed");
        return conflict(&st, &mut ctx, c.id, why).await;
    }
    match rules::validate_reply(&f, ctx.lang) {
        Ok((body, public)) => {
            if super::reply(&st.db, &c, &body, public, actor, st.clock.now())
                .await?
                .is_none()
            {
                let why = ctx.t("complaints.err.closed");
                return conflict(&st, &mut ctx, c.id, why).await;
            }
            done(&ctx, &c, "complaints.done.replied").await
        }
        Err(e) => {
            let failed = Failed {
                reply: Some((&f, &e)),
                ..Default::default()
            };
            Ok(unprocessable(case_page(&st, &mut ctx, &c, failed).await?))
        }
    }
}

/// `GET /regulation/complaints/{id}/files/{fid}`: an attachment as uploaded, as a download
/// (never rendered inline), for regulators.
pub async fn file(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, fid)): Path<(String, String)>,
) -> AppResult<Response> {
    let c = load(&st, &ctx, &id).await?;
    let (name, mime, bytes) = model::file_of(&st.db, c.id, parse_id(&fid)?)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(crate::web::private_download(
        "attachment",
        &name,
        mime,
        bytes,
    ))
}

/// The complaints panel of a regulator's workspace (`/me`): how many cases are open and how
/// many overdue, linking the list. Nothing for anyone else.
pub async fn workspace_section(st: &AppState, ctx: &Ctx) -> AppResult<Markup> {
    if !crate::accounts::may(ctx.actor(), Action::Regulate) {
        return Ok(maud::html! {});
    }
    let counts = super::open_counts(&st.db, &st.config.complaints, st.clock.now()).await?;
    Ok(views::workspace_panel(ctx.lang, counts))
}
