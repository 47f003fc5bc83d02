//! Photo handlers of an incubator: the public renditions, and the keepers' page (its
//! managers and platform administrators; anyone else signed in gets "not found", like a
//! missing incubator; anonymous visitors are sent to log in). Who may keep the photos is
//! settled before an upload's body is read.

use axum::extract::{Multipart, Path, State};
use axum::response::{IntoResponse, Response};
use maud::Markup;

use crate::accounts::{Action, may};
use crate::incubators::model::Incubator;
use crate::incubators::photos::{self, rules};
use crate::incubators::views::photos as pviews;
use crate::kernel::error::{AppError, AppResult, FieldErrors};
use crate::kernel::photos::{PhotoProblem, Size};
use crate::web::{AppState as St, Ctx, Form, layout, parse_id, see_other, unprocessable};

/// The incubator in the path, once the asker may keep its photos.
async fn kept(st: &St, ctx: &Ctx, id: &str) -> AppResult<Incubator> {
    if ctx.actor().is_none() {
        return Err(AppError::LoginRequired);
    }
    let i = super::load(st, id).await?;
    let managed = super::managed(st, ctx, i.id).await?;
    if may(ctx.actor(), Action::KeepIncubatorPhotos { managed }) {
        Ok(i)
    } else {
        Err(AppError::NotFound)
    }
}

async fn page(
    st: &St,
    ctx: &mut Ctx,
    i: &Incubator,
    caption: &str,
    e: &FieldErrors,
) -> AppResult<Markup> {
    let csrf = ctx.ensure_csrf().await?;
    let list = photos::photos_of(&st.db, &[i.id])
        .await?
        .remove(&i.id)
        .unwrap_or_default();
    let body = pviews::manage(ctx.lang, i, &list, caption, e, &csrf);
    Ok(layout::page(
        ctx,
        &ctx.lang.tf("incubator.photo.title", &[("name", &i.name)]),
        body,
    ))
}

/// `GET /incubators/{id}/photos`
pub async fn manage(
    State(st): State<St>,
    mut ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Markup> {
    let i = kept(&st, &ctx, &id).await?;
    page(&st, &mut ctx, &i, "", &FieldErrors::default()).await
}

/// `POST /incubators/{id}/photos` (multipart: `_csrf`, `photo`, `caption`): 422 with the
/// problem next to its field, and nothing written, for a bad file or caption.
pub async fn upload(
    State(st): State<St>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    mp: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> AppResult<Response> {
    let i = kept(&st, &ctx, &id).await?;
    let actor = ctx.require_user()?.actor.user_id;
    let lang = ctx.lang;
    let mut mp = mp.map_err(|_| AppError::BadRequest(lang.t("photo.err.empty")))?;
    let (caption, outcome) = match crate::web::photos::read_upload(&mut mp, "photo").await {
        Err(r) => (
            r.upload.field("caption"),
            Err(("photo", r.problem.message(lang))),
        ),
        Ok(u) => {
            let typed = u.field("caption");
            match (rules::validate_caption(&typed, lang), u.file) {
                (Err(e), _) => {
                    let m = e.get("caption").unwrap_or_default().to_string();
                    (typed, Err(("caption", m)))
                }
                (Ok(_), None) => (typed, Err(("photo", PhotoProblem::Empty.message(lang)))),
                (Ok(caption), Some(bytes)) => {
                    let added = photos::add(
                        &st.db,
                        &st.config.data_dir,
                        &i,
                        bytes,
                        &caption,
                        Some(actor),
                        st.clock.now(),
                    )
                    .await?;
                    (typed, added.map_err(|p| ("photo", p.message(lang))))
                }
            }
        }
    };
    match outcome {
        Ok(_) => {
            ctx.set_flash("success", ctx.t("incubator.photo.added"))
                .await?;
            Ok(see_other(&format!("/incubators/{}/photos", i.id)))
        }
        Err((field, message)) => {
            let mut e = FieldErrors::default();
            e.add(field, message);
            Ok(unprocessable(page(&st, &mut ctx, &i, &caption, &e).await?))
        }
    }
}

/// Where a photo goes.
#[derive(Debug, Default, serde::Deserialize)]
pub struct MoveForm {
    #[serde(default)]
    to: String,
}

/// `POST /incubators/{id}/photos/{pid}/move` (`to`: up, down or cover)
pub async fn move_photo(
    State(st): State<St>,
    mut ctx: Ctx,
    Path((id, pid)): Path<(String, String)>,
    Form(f): Form<MoveForm>,
) -> AppResult<Response> {
    let i = kept(&st, &ctx, &id).await?;
    let actor = ctx.require_user()?.actor.user_id;
    let p = photos::model::photo(&st.db, i.id, parse_id(&pid)?)
        .await?
        .ok_or(AppError::NotFound)?;
    let Some(m) = rules::Move::parse(&f.to) else {
        let mut e = FieldErrors::default();
        e.add("to", ctx.t("incubator.photo.err.move"));
        return Ok(unprocessable(page(&st, &mut ctx, &i, "", &e).await?));
    };
    let moved = photos::move_photo(&st.db, &i, p.id, m, actor, st.clock.now()).await?;
    if moved {
        ctx.set_flash("success", ctx.t("incubator.photo.moved"))
            .await?;
    }
    Ok(see_other(&format!("/incubators/{}/photos", i.id)))
}

/// The confirmation of a removal.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    confirm: String,
}

/// `POST /incubators/{id}/photos/{pid}/delete` (destructive: confirmed first)
pub async fn delete(
    State(st): State<St>,
    mut ctx: Ctx,
    Path((id, pid)): Path<(String, String)>,
    Form(f): Form<ConfirmForm>,
) -> AppResult<Response> {
    let i = kept(&st, &ctx, &id).await?;
    let actor = ctx.require_user()?.actor.user_id;
    let p = photos::model::photo(&st.db, i.id, parse_id(&pid)?)
        .await?
        .ok_or(AppError::NotFound)?;
    let back = format!("/incubators/{}/photos", i.id);
    if !crate::web::confirm::confirmed(&f.confirm) {
        let csrf = ctx.ensure_csrf().await?;
        let action = format!("/incubators/{}/photos/{}/delete", i.id, p.id);
        let c = crate::web::confirm::Confirm {
            title: &ctx.t("incubator.photo.confirm_title"),
            consequences: &[
                ctx.lang
                    .tf("incubator.photo.confirm_gone", &[("name", &i.name)]),
                ctx.t("incubator.photo.confirm_files"),
            ],
            action: &action,
            fields: &[],
            button: &ctx.t("incubator.photo.remove"),
            cancel: &back,
        };
        return Ok(crate::web::confirm::page(&ctx, &c, &csrf).into_response());
    }
    photos::remove(&st.db, &st.config.data_dir, &i, p.id, actor, st.clock.now()).await?;
    ctx.set_flash("success", ctx.t("incubator.photo.removed"))
        .await?;
    Ok(see_other(&back))
}

async fn rendition(st: &St, id: &str, pid: &str, size: Size) -> AppResult<Response> {
    let p = photos::model::photo(&st.db, parse_id(id)?, parse_id(pid)?)
        .await?
        .ok_or(AppError::NotFound)?;
    crate::web::photos::serve(&st.config.data_dir, photos::FOLDER, &p.file_key, size).await
}

/// `GET /incubators/{id}/photos/{pid}/thumb`
pub async fn thumb(
    State(st): State<St>,
    Path((id, pid)): Path<(String, String)>,
) -> AppResult<Response> {
    rendition(&st, &id, &pid, Size::Thumb).await
}

/// `GET /incubators/{id}/photos/{pid}/large`
pub async fn large(
    State(st): State<St>,
    Path((id, pid)): Path<(String, String)>,
) -> AppResult<Response> {
    rendition(&st, &id, &pid, Size::Large).await
}
