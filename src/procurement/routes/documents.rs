//! Handlers for a tender's documents: the buyer attaches, replaces and removes them (by
//! amendment once published); anyone downloads a published tender's documents, only the
//! unit's buyers a draft's.

use super::*;
use crate::procurement::document_rules::{DocumentForm, check_document_form, check_summary};

/// What the document form carried: its text fields and the file (name, at most
/// `MAX_FILE_BYTES + 1` bytes), if one was chosen.
async fn read_document_upload(
    mp: &mut Multipart,
    lang: Lang,
) -> Result<(DocumentForm, Option<(String, Vec<u8>)>), String> {
    let broken = |e: axum::extract::multipart::MultipartError| {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            lang.tf("upload.err.size", &[("max", "5 MB")])
        } else {
            lang.t("bid.err.upload")
        }
    };
    let mut f = DocumentForm::default();
    let mut file = None;
    while let Some(mut field) = mp.next_field().await.map_err(broken)? {
        let name = field.name().unwrap_or("").to_string();
        if name == "file" {
            let fname = rules::clean_file_name(field.file_name().unwrap_or(""));
            let mut buf: Vec<u8> = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(broken)? {
                let room = rules::MAX_FILE_BYTES + 1 - buf.len();
                buf.extend_from_slice(&chunk[..chunk.len().min(room)]);
                if buf.len() > rules::MAX_FILE_BYTES {
                    break;
                }
            }
            if !(fname.is_empty() && buf.is_empty()) {
                file = Some((fname, buf));
            }
            continue;
        }
        let slot = match name.as_str() {
            "doc_type" => &mut f.doc_type,
            "replaces" => &mut f.replaces,
            "summary" => &mut f.summary,
            _ => continue,
        };
        // Strictly: `text()` would turn broken bytes into replacement characters.
        let bytes = field.bytes().await.map_err(broken)?;
        *slot = String::from_utf8(bytes.to_vec()).map_err(|_| lang.t("text.err.bad_utf8"))?;
    }
    Ok((f, file))
}

/// The field a refused document change is shown next to.
fn refusal_field(r: &Refusal) -> &'static str {
    match r {
        Refusal::File(_) => "file",
        Refusal::NoDocument => "replaces",
        _ => "summary",
    }
}

/// `POST /tenders/{id}/documents` (multipart: `_csrf`, `doc_type`, `replaces`, `summary`,
/// `file`): the unit's buyer attaches a document to a draft, or amends a published tender
/// with a new document or a new version of one. Bad input comes back on the tender page
/// (422) with the message next to its field and what was typed; nothing is stored.
pub async fn upload_document(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    mp: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> AppResult<Response> {
    // Who may upload is decided before the body is looked at.
    let (t, uid) = load_for_buyer(&st, &ctx, &id).await?;
    let lang = ctx.lang;
    let mut e = FieldErrors::default();
    let (form, file) = match mp {
        Err(_) => {
            e.add("file", lang.t("bid.err.no_file"));
            (DocumentForm::default(), None)
        }
        Ok(mut mp) => match read_document_upload(&mut mp, lang).await {
            Ok(x) => x,
            // Broken text is refused like a urlencoded form's (400), not shown on the form.
            Err(m) if m == lang.t("text.err.bad_utf8") => return Err(AppError::BadRequest(m)),
            Err(m) => {
                e.add("file", m);
                (DocumentForm::default(), None)
            }
        },
    };
    let published = state_of(&t) == TenderState::Published;
    let current = crate::procurement::current_document_ids(&st.db, t.id).await?;
    let change = match check_document_form(&form, published, &current, lang) {
        Ok(c) => Some(c),
        Err(fe) => {
            e.0.extend(fe.0);
            None
        }
    };
    if file.is_none() && e.get("file").is_none() {
        e.add("file", lang.t("bid.err.no_file"));
    }
    if e.is_empty()
        && let (Some(change), Some((name, bytes))) = (change, file)
    {
        match crate::procurement::attach_document(
            &st.db,
            &st.config.data_dir,
            &t,
            &change,
            &name,
            &bytes,
            uid,
            st.clock.now(),
            lang,
        )
        .await?
        {
            Ok(_) => {
                let key = if published {
                    "tender.doc.amended"
                } else {
                    "tender.doc.attached"
                };
                return flash_ok(&ctx, key, &format!("/tenders/{}#documents", t.id)).await;
            }
            Err(r) => e.add(refusal_field(&r), r.message(lang)),
        }
    }
    let inline = Inline {
        form: "documents".into(),
        doc_form: form,
        doc_errors: e,
        ..Default::default()
    };
    Ok(unprocessable(render_show(&st, &mut ctx, t, inline).await?))
}

/// The removal form.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct RemoveDocumentForm {
    /// What the amendment changes (published tenders only).
    #[serde(default)]
    summary: String,
}

/// `POST /tenders/{id}/documents/{did}/remove` (`summary`): the unit's buyer takes a
/// document off a draft, or withdraws one from a published tender by amendment (the version
/// stays listed and downloadable). Anyone else is refused before the document is looked up.
pub async fn remove_document(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path((id, did)): Path<(String, String)>,
    Form(f): Form<RemoveDocumentForm>,
) -> AppResult<Response> {
    let (t, uid) = load_for_buyer(&st, &ctx, &id).await?;
    let did = parse_id(&did)?;
    let d = crate::procurement::document_of(&st.db, t.id, did)
        .await?
        .ok_or(AppError::NotFound)?;
    let lang = ctx.lang;
    let published = state_of(&t) == TenderState::Published;
    let res = match check_summary(&f.summary, published, lang) {
        Err(m) => Err(m),
        Ok(summary) => crate::procurement::remove_document(
            &st.db,
            &st.config.data_dir,
            &t,
            d.id,
            &summary,
            uid,
            st.clock.now(),
        )
        .await?
        .map_err(|r| r.message(lang)),
    };
    match res {
        Ok(()) => {
            let key = if published {
                "tender.doc.withdrawn"
            } else {
                "tender.doc.removed"
            };
            flash_ok(&ctx, key, &format!("/tenders/{}#documents", t.id)).await
        }
        Err(m) => {
            let inline = Inline {
                form: format!("doc-remove-{}", d.id),
                value: f.summary,
                error: m,
                ..Default::default()
            };
            Ok(unprocessable(render_show(&st, &mut ctx, t, inline).await?))
        }
    }
}

/// `GET /tenders/{id}/documents/{did}`: a version of a tender's documents — in force,
/// superseded or withdrawn — for anyone once the tender is published; a draft's only for
/// the unit's buyers (everyone else: "not found", like a missing id).
pub async fn download_document(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, did)): Path<(String, String)>,
) -> AppResult<Response> {
    let t = load_visible(&st, &ctx, &id).await?;
    let d = crate::procurement::document_of(&st.db, t.id, parse_id(&did)?)
        .await?
        .ok_or(AppError::NotFound)?;
    let bytes = crate::procurement::document_bytes(&st.config.data_dir, &d)
        .await
        .map_err(|e| AppError::Internal(format!("reading a tender document: {e}")))?
        .ok_or(AppError::NotFound)?;
    Ok(crate::web::private_download(
        "document", &d.name, d.mime, bytes,
    ))
}
