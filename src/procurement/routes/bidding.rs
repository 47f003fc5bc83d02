//! Handlers for enquiries and sealed bids.

use super::*;
use crate::procurement::Post;

// ---------------------------------------------------------------------------------------
// Enquiries

/// `POST /tenders/{id}/enquiries`
pub async fn ask(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<QuestionForm>,
) -> AppResult<Response> {
    require(ctx.actor(), Action::AskQuestion)?;
    let uid = ctx.require_user()?.actor.user_id;
    let t = load_visible(&st, &ctx, &id).await?;
    let text = match rules::check_text(&f.question, 5, rules::limits::QUESTION, ctx.lang) {
        Ok(s) => s,
        Err(m) => return inline_error(&st, &mut ctx, t, "ask".into(), &f.question, "", m).await,
    };
    match crate::procurement::ask(&st.db, &t, uid, &text, st.clock.now()).await? {
        Ok(_) => flash_ok(&ctx, "tender.asked", &format!("/tenders/{}#qa", t.id)).await,
        Err(r) => {
            let m = r.message(ctx.lang);
            inline_error(&st, &mut ctx, t, "ask".into(), &f.question, "", m).await
        }
    }
}

/// `POST /tenders/{id}/enquiries/{qid}/answer`
pub async fn answer(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, qid)): Path<(String, String)>,
    Form(f): Form<AnswerForm>,
) -> AppResult<Response> {
    answer_post(&st, ctx, &id, &qid, &f, Post::Enquiry).await
}

/// `POST /tenders/{id}/challenges/{cid}/answer`
pub async fn answer_challenge(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, cid)): Path<(String, String)>,
    Form(f): Form<AnswerForm>,
) -> AppResult<Response> {
    answer_post(&st, ctx, &id, &cid, &f, Post::Challenge).await
}

/// The buyer answers a question or a challenge; a bad answer comes back inline under it.
async fn answer_post(
    st: &AppState,
    mut ctx: Ctx,
    id: &str,
    post_id: &str,
    f: &AnswerForm,
    post: Post,
) -> AppResult<Response> {
    let (t, uid) = nested(load_for_buyer(st, &ctx, id).await)?;
    let post_id = parse_id(post_id)?;
    let (form, done, anchor) = match post {
        Post::Enquiry => (format!("answer-{post_id}"), "tender.answered", "qa"),
        Post::Challenge => (
            format!("challenge-answer-{post_id}"),
            "challenge.answered",
            "challenges",
        ),
    };
    let refused = match rules::check_text(
        &f.answer,
        post.min_answer_chars(),
        rules::limits::ANSWER,
        ctx.lang,
    ) {
        Ok(text) => {
            let now = st.clock.now();
            match crate::procurement::answer(&st.db, &t, post, post_id, &text, uid, now).await? {
                Ok(()) => {
                    return flash_ok(&ctx, done, &format!("/tenders/{}#{anchor}", t.id)).await;
                }
                Err(r) => r.message(ctx.lang),
            }
        }
        Err(m) => m,
    };
    inline_error(st, &mut ctx, t, form, &f.answer, "", refused).await
}

// ---------------------------------------------------------------------------------------
// Bids

pub(super) fn org_refusal_field(r: &Refusal) -> &'static str {
    match r {
        Refusal::Ineligible(_) | Refusal::BidderIsBuyer | Refusal::BidderIsEvaluator => "org_id",
        Refusal::File(_) => "file",
        _ => "bid",
    }
}

pub(super) async fn render_bid_page(
    st: &AppState,
    ctx: &mut Ctx,
    t: tender::Model,
    form: BidForm,
    errors: FieldErrors,
) -> AppResult<Markup> {
    let lang = ctx.lang;
    let orgs = admin_orgs(ctx.require_user()?);
    let today = st.clock.today();
    let mut out = Vec::with_capacity(orgs.len());
    for (org_id, name) in orgs {
        let why = crate::procurement::why_ineligible(&st.db, &t, org_id, today)
            .await?
            .iter()
            .map(|w| w.message(lang))
            .collect();
        let mut bids = Vec::new();
        for b in crate::procurement::bids_of_org_on(&st.db, t.id, org_id).await? {
            let check = if b.opened_salt.is_some() {
                crate::procurement::verify_opened_bid(&st.db, &st.seal, b.id).await?
            } else {
                None
            };
            // The viewer administers this organization: its own bid's names, before
            // opening too.
            let files = list::files_of_bid(&st.db, &st.seal, b.id).await?;
            bids.push((b, check, files));
        }
        out.push(views::OrgBids {
            org_id,
            name,
            why,
            bids,
        });
    }
    let csrf = ctx.ensure_csrf().await?;
    let p = views::BidPage {
        open: state_of(&t) == TenderState::Published && st.clock.now() < t.bid_deadline,
        orgs: out,
        form,
        errors,
        csrf,
        t,
    };
    let title = lang.tf("bid.title", &[("title", &p.t.title)]);
    Ok(layout::page(ctx, &title, views::bid_page(lang, &p)))
}

/// The tender for a bidder's page: visible, and the user administers some organization.
pub(super) async fn load_for_bidder(
    st: &AppState,
    ctx: &Ctx,
    id: &str,
) -> AppResult<(tender::Model, i64)> {
    let u = ctx.require_user()?;
    let uid = u.actor.user_id;
    let first = admin_orgs(u).first().map(|o| o.0).unwrap_or(0);
    require(ctx.actor(), Action::BidFor(first))?;
    let t = load_visible(st, ctx, id).await?;
    Ok((t, uid))
}

/// `GET /tenders/{id}/bid`
pub async fn bid_form(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Markup> {
    let (t, _) = load_for_bidder(&st, &ctx, &id).await?;
    let orgs = admin_orgs(ctx.require_user()?);
    let form = BidForm {
        org_id: match orgs.as_slice() {
            [(only, _)] => only.to_string(),
            _ => String::new(),
        },
        ..Default::default()
    };
    render_bid_page(&st, &mut ctx, t, form, FieldErrors::default()).await
}

pub(super) fn receipt_page(
    ctx: &Ctx,
    t: &tender::Model,
    org: &str,
    r: &crate::procurement::Receipt,
) -> Response {
    let title = ctx.t("bid.receipt_title");
    layout::page(ctx, &title, views::receipt(ctx.lang, t, org, r, true)).into_response()
}

/// The viewer's own bid `bid_id` on the tender with its receipt and bidder's name: only the
/// members of the bidding organization reach it; anyone else signed in (the tender's buyers
/// included) gets the same "not found" as for a bid that does not exist.
async fn own_receipt(
    st: &AppState,
    ctx: &Ctx,
    id: &str,
    bid_id: &str,
) -> AppResult<(tender::Model, crate::procurement::Receipt, String)> {
    let u = ctx.require_user()?;
    let t = nested(load_visible(st, ctx, id).await)?;
    let orgs: Vec<i64> = u
        .orgs
        .iter()
        .map(|(org, _, _)| *org)
        .filter(|org| may(ctx.actor(), Action::ViewOrgBids(*org)))
        .collect();
    let b = crate::procurement::bid_in_scope(
        &st.db,
        t.id,
        parse_id(bid_id)?,
        &crate::procurement::BidScope::Orgs(orgs),
    )
    .await?
    .ok_or(AppError::NotFound)?;
    let row = crate::procurement::bids_of_org_on(&st.db, t.id, b.org_id)
        .await?
        .into_iter()
        .find(|x| x.id == b.id)
        .ok_or(AppError::NotFound)?;
    let name = u
        .orgs
        .iter()
        .find(|(o, _, _)| *o == b.org_id)
        .map(|(_, n, _)| n.clone())
        .unwrap_or_default();
    let r = crate::procurement::Receipt {
        bid_id: row.id,
        revision: row.revision,
        submitted_at: row.submitted_at,
        commitment: row.commitment,
    };
    Ok((t, r, name))
}

/// `GET /tenders/{id}/bids/{bid}/receipt`: the receipt of the bidder's own bid (its latest
/// revision), to print or keep.
pub async fn bid_receipt(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, bid_id)): Path<(String, String)>,
) -> AppResult<Markup> {
    let (t, r, name) = own_receipt(&st, &ctx, &id, &bid_id).await?;
    let title = ctx.t("bid.receipt_title");
    Ok(layout::page(
        &ctx,
        &title,
        views::receipt(ctx.lang, &t, &name, &r, false),
    ))
}

/// `GET /tenders/{id}/bids/{bid}/receipt.pdf`: the same receipt as a PDF.
pub async fn bid_receipt_pdf(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, bid_id)): Path<(String, String)>,
) -> AppResult<Response> {
    let (t, r, name) = own_receipt(&st, &ctx, &id, &bid_id).await?;
    let doc = views::receipt_pdf(ctx.lang, &t, &name, &r, &crate::web::public_url(&st));
    crate::web::pdf_response(
        doc,
        &format!("bid-receipt-{}-{}.pdf", r.bid_id, r.revision),
        &format!(
            "{}-{}-{}.pdf",
            ctx.t("bid.receipt_title"),
            r.bid_id,
            r.revision
        ),
        true,
    )
    .await
}

/// `GET /tenders/{id}/bids/{bid}`: what the bidder sealed — price, proposal, attachments
/// with their download links — decrypted for the members of the bidding organization only,
/// before the opening too; anyone else signed in gets the "not found" of a missing bid.
pub async fn own_bid(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, bid_id)): Path<(String, String)>,
) -> AppResult<Markup> {
    let (t, r, name) = own_receipt(&st, &ctx, &id, &bid_id).await?;
    let (b, content) = crate::procurement::own_bid_content(&st.db, &st.seal, r.bid_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let files = list::files_of_bid(&st.db, &st.seal, b.id).await?;
    let title = ctx.lang.tf("bid.content_title", &[("org", &name)]);
    Ok(layout::page(
        &ctx,
        &title,
        views::own_bid(
            ctx.lang,
            &views::OwnBid {
                t: &t,
                org: &name,
                bid: &b,
                content: &content,
                files: &files,
            },
        ),
    ))
}

/// `POST /tenders/{id}/bid`
pub async fn submit_bid(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<BidForm>,
) -> AppResult<Response> {
    let (t, uid) = load_for_bidder(&st, &ctx, &id).await?;
    let lang = ctx.lang;
    let orgs = admin_orgs(ctx.require_user()?);
    let org = form_id(&f.org_id);
    let mut e = FieldErrors::default();
    if org == 0 {
        e.add("org_id", lang.t("form.choose"));
    } else {
        require(ctx.actor(), Action::BidFor(org))?;
    }
    let valid = rules::validate_bid(&f, Fen(t.budget_fen), lang);
    if let Err(more) = &valid {
        e.0.extend(more.0.iter().cloned());
    }
    if let (true, Ok((price, proposal))) = (e.is_empty(), &valid) {
        let now = st.clock.now();
        match crate::procurement::submit_bid(
            &st.db,
            &st.seal,
            &t,
            org,
            *price,
            proposal,
            uid,
            now,
            st.clock.today(),
        )
        .await?
        {
            Ok(r) => {
                let name = orgs
                    .iter()
                    .find(|o| o.0 == org)
                    .map(|o| o.1.clone())
                    .unwrap_or_default();
                return Ok(receipt_page(&ctx, &t, &name, &r));
            }
            Err(r) => e.add(org_refusal_field(&r), r.message(lang)),
        }
    }
    Ok(unprocessable(
        render_bid_page(&st, &mut ctx, t, f, e).await?,
    ))
}

/// `POST /tenders/{id}/bid/withdraw` — without `confirm=1` it answers with the
/// confirmation page (what withdrawing does) and writes nothing.
pub async fn withdraw_bid(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<OrgIdForm>,
) -> AppResult<Response> {
    let (t, uid) = load_for_bidder(&st, &ctx, &id).await?;
    let org = chosen_org(&ctx, &f.org_id)?;
    let to = format!("/tenders/{}/bid", t.id);
    if !crate::web::confirm::confirmed(&f.confirm) {
        // The same refusals the withdrawal would give, before asking to confirm it.
        if st.clock.now() >= t.bid_deadline {
            return flash_refusal(&ctx, &Refusal::BidsClosed, &to).await;
        }
        let Some(b) = crate::procurement::bids::live_bid(&st.db, t.id, org).await? else {
            return flash_refusal(&ctx, &Refusal::NoLiveBid, &to).await;
        };
        let lang = ctx.lang;
        let files = list::files_of_bid(&st.db, &st.seal, b.id).await?.len();
        let name = admin_orgs(ctx.require_user()?)
            .into_iter()
            .find(|o| o.0 == org)
            .map(|o| o.1)
            .unwrap_or_default();
        let deadline = crate::kernel::clock::display_instant(t.bid_deadline);
        let consequences = [
            lang.tf(
                "confirm.withdraw_bid.what",
                &[("org", &name), ("title", &t.title)],
            ),
            lang.tf("confirm.withdraw_bid.files", &[("n", &files.to_string())]),
            lang.tf("confirm.withdraw_bid.again", &[("deadline", &deadline)]),
        ];
        let csrf = ctx.ensure_csrf().await?;
        let action = format!("/tenders/{}/bid/withdraw", t.id);
        let org_id = org.to_string();
        let page = crate::web::confirm::page(
            &ctx,
            &crate::web::confirm::Confirm {
                title: &lang.tf("confirm.withdraw_bid.title", &[("org", &name)]),
                consequences: &consequences,
                action: &action,
                fields: &[("org_id", &org_id)],
                button: &lang.t("confirm.withdraw_bid.button"),
                cancel: &to,
            },
            &csrf,
        );
        return Ok(page.into_response());
    }
    match crate::procurement::withdraw_bid(&st.db, &t, org, uid, st.clock.now()).await? {
        Ok(()) => flash_ok(&ctx, "bid.withdrawn", &to).await,
        Err(r) => flash_refusal(&ctx, &r, &to).await,
    }
}

/// What a multipart upload carried: the organization, and the file (name, at most
/// `MAX_FILE_BYTES + 1` bytes).
pub(super) async fn read_upload(
    mp: &mut Multipart,
    lang: Lang,
) -> Result<(String, Option<(String, Vec<u8>)>), String> {
    let broken = |e: axum::extract::multipart::MultipartError| {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            lang.tf("bid.err.file_size", &[("max", "5 MB")])
        } else {
            lang.t("bid.err.upload")
        }
    };
    let mut org = String::new();
    let mut file = None;
    while let Some(mut field) = mp.next_field().await.map_err(broken)? {
        match field.name() {
            Some("org_id") => {
                // Strictly: `text()` would turn broken bytes into replacement characters.
                let bytes = field.bytes().await.map_err(broken)?;
                org = String::from_utf8(bytes.to_vec()).map_err(|_| lang.t("text.err.bad_utf8"))?;
            }
            Some("file") => {
                let name = rules::clean_file_name(field.file_name().unwrap_or(""));
                let mut buf: Vec<u8> = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(broken)? {
                    let room = rules::MAX_FILE_BYTES + 1 - buf.len();
                    buf.extend_from_slice(&chunk[..chunk.len().min(room)]);
                    if buf.len() > rules::MAX_FILE_BYTES {
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
    Ok((org, file))
}

/// `POST /tenders/{id}/bid/files` (multipart: `_csrf`, `org_id`, `file`)
pub async fn upload_file(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    mp: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> AppResult<Response> {
    // Who may upload is decided before the body is looked at.
    let (t, uid) = load_for_bidder(&st, &ctx, &id).await?;
    let mut mp = mp.map_err(|_| AppError::BadRequest(ctx.t("bid.err.no_file")))?;
    let lang = ctx.lang;
    let mut e = FieldErrors::default();
    let (org_field, file) = match read_upload(&mut mp, lang).await {
        Ok(x) => x,
        // Broken text is refused like a urlencoded form's (400), not shown on the form.
        Err(m) if m == lang.t("text.err.bad_utf8") => return Err(AppError::BadRequest(m)),
        Err(m) => {
            e.add("file", m);
            (String::new(), None)
        }
    };
    if e.is_empty() {
        let org = chosen_org(&ctx, &org_field)?;
        match file {
            None => e.add("file", lang.t("bid.err.no_file")),
            Some((name, bytes)) => {
                let now = st.clock.now();
                match crate::procurement::attach_file(
                    &st.db, &st.seal, &t, org, &name, &bytes, uid, now, lang,
                )
                .await?
                {
                    Ok(r) => {
                        let name = org_name(&st, org).await?;
                        return Ok(receipt_page(&ctx, &t, &name, &r));
                    }
                    Err(r) => e.add(org_refusal_field(&r), r.message(lang)),
                }
            }
        }
    }
    let form = BidForm {
        org_id: org_field,
        ..Default::default()
    };
    Ok(unprocessable(
        render_bid_page(&st, &mut ctx, t, form, e).await?,
    ))
}
