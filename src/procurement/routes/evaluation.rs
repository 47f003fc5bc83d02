//! Handlers for evaluation, award, scoring and challenges.

use super::*;

// ---------------------------------------------------------------------------------------
// Evaluation and award

/// `POST /tenders/{id}/evaluators`
pub async fn assign_evaluator(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<EvaluatorForm>,
) -> AppResult<Response> {
    let (t, uid) = load_for_buyer(&st, &ctx, &id).await?;
    let email = crate::accounts::normalize_email(&f.email);
    let Some(user) = crate::accounts::find_by_email(&st.db, &email).await? else {
        let m = ctx.lang.tf("eval.err.unknown_user", &[("email", &email)]);
        return inline_error(&st, &mut ctx, t, "evaluator".into(), &f.email, "", m).await;
    };
    match crate::procurement::assign_evaluator(&st.db, &t, user.id, uid, st.clock.now()).await? {
        Ok(()) => {
            ctx.set_flash(
                "success",
                ctx.lang
                    .tf("eval.assigned", &[("name", &user.display_name)]),
            )
            .await?;
            Ok(see_other(&format!("/tenders/{}", t.id)))
        }
        Err(r) => {
            let m = r.message(ctx.lang);
            inline_error(&st, &mut ctx, t, "evaluator".into(), &f.email, "", m).await
        }
    }
}

/// The scoring problems a buyer meets in practice get a sentence in their language; the
/// others are internal-consistency errors and keep their technical text.
pub(super) fn score_error_message(e: &scoring::ScoreError, lang: Lang) -> String {
    match e {
        scoring::ScoreError::NoEvaluators => lang.t("eval.err.no_scores"),
        scoring::ScoreError::IncompleteScoring {
            bid_id,
            evaluator_id,
            ..
        } => lang.tf(
            "eval.err.incomplete",
            &[
                ("bid", &bid_id.to_string()),
                ("evaluator", &evaluator_id.to_string()),
            ],
        ),
        other => other.to_string(),
    }
}

pub(super) async fn render_evaluation(
    st: &AppState,
    ctx: &mut Ctx,
    t: tender::Model,
    award_form: AwardForm,
    disqualify: Option<(i64, String)>,
    replace_form: ReplaceForm,
    errors: FieldErrors,
) -> AppResult<Markup> {
    let db = &st.db;
    let award = crate::procurement::award_of(db, t.id).await?;
    let is_assigned = assigned(st, ctx, &t).await?;
    if !may_see_evaluation(ctx, &t, is_assigned, award.is_some()) {
        return Err(if ctx.user.is_none() {
            AppError::LoginRequired
        } else {
            AppError::Forbidden
        });
    }
    let buyer = may(ctx.actor(), Action::ManageTenders(t.unit_id));
    let csrf = if buyer {
        Some(ctx.ensure_csrf().await?)
    } else {
        None
    };
    let p = views::EvalPage {
        opening: crate::procurement::opening_record(db, &t).await?,
        bids: crate::procurement::opened_bids(db, t.id).await?,
        ranking: crate::procurement::ranking(db, &t)
            .await?
            .map_err(|e| score_error_message(&e, ctx.lang)),
        evaluators: crate::procurement::evaluator_statuses(db, t.id).await?,
        award,
        buyer,
        csrf,
        award_form,
        replace_form,
        disqualify,
        errors,
        t,
    };
    let title = ctx.lang.tf("eval.report_title", &[("title", &p.t.title)]);
    Ok(layout::page(
        ctx,
        &title,
        views::evaluation_page(ctx.lang, &p),
    ))
}

/// `GET /tenders/{id}/evaluation`
pub async fn evaluation(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Markup> {
    let t = load_visible(&st, &ctx, &id).await?;
    render_evaluation(
        &st,
        &mut ctx,
        t,
        AwardForm::default(),
        None,
        ReplaceForm::default(),
        FieldErrors::default(),
    )
    .await
}

/// `POST /tenders/{id}/bids/{bid}/disqualify`
pub async fn disqualify(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path((id, bid_id)): Path<(String, String)>,
    Form(f): Form<ReasonForm>,
) -> AppResult<Response> {
    let (t, uid) = nested(load_for_buyer(&st, &ctx, &id).await)?;
    let bid_id = parse_id(&bid_id)?;
    let mut e = FieldErrors::default();
    match rules::check_text(&f.reason, 5, rules::limits::REASON, ctx.lang) {
        Err(m) => e.add("reason", m),
        Ok(reason) => {
            match crate::procurement::disqualify(&st.db, &t, bid_id, &reason, uid, st.clock.now())
                .await?
            {
                Ok(()) => {
                    return flash_ok(
                        &ctx,
                        "eval.disqualified",
                        &format!("/tenders/{}/evaluation", t.id),
                    )
                    .await;
                }
                Err(r) => e.add("reason", r.message(ctx.lang)),
            }
        }
    }
    let page = render_evaluation(
        &st,
        &mut ctx,
        t,
        AwardForm::default(),
        Some((bid_id, f.reason)),
        ReplaceForm::default(),
        e,
    )
    .await?;
    Ok(unprocessable(page))
}

/// `POST /tenders/{id}/award`
pub async fn award(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<AwardForm>,
) -> AppResult<Response> {
    let (t, uid) = load_for_buyer(&st, &ctx, &id).await?;
    let lang = ctx.lang;
    let mut e = FieldErrors::default();
    let bid_id = form_id(&f.bid_id);
    if bid_id == 0 {
        e.add("bid_id", lang.t("form.choose"));
    }
    let justification = f.justification.trim();
    crate::kernel::text::check(
        &mut e,
        "justification",
        &f.justification,
        crate::kernel::text::Kind::Multi,
        rules::limits::JUSTIFICATION,
        lang,
    );
    if e.is_empty() {
        match crate::contracts::award(
            &st.db,
            &t,
            bid_id,
            justification,
            &st.config.procurement,
            uid,
            st.clock.now(),
        )
        .await?
        {
            Ok(_) => {
                return flash_ok(&ctx, "award.done", &format!("/tenders/{}#award", t.id)).await;
            }
            Err(Refusal::JustificationRequired) => e.add(
                "justification",
                Refusal::JustificationRequired.message(lang),
            ),
            Err(r) => e.add("bid_id", r.message(lang)),
        }
    }
    Ok(unprocessable(
        render_evaluation(&st, &mut ctx, t, f, None, ReplaceForm::default(), e).await?,
    ))
}

/// `POST /tenders/{id}/evaluators/replace`: another evaluator in place of one assigned,
/// before the award, with a reason (audited; both are notified).
pub async fn replace_evaluator(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<ReplaceForm>,
) -> AppResult<Response> {
    let (t, uid) = load_for_buyer(&st, &ctx, &id).await?;
    let lang = ctx.lang;
    let mut e = FieldErrors::default();
    let old = form_id(&f.old);
    let panel = crate::procurement::evaluators(&st.db, t.id).await?;
    if !panel.iter().any(|(id, _)| *id == old) {
        e.add("old", lang.t("form.choose"));
    }
    let mut new = None;
    if crate::kernel::text::check(
        &mut e,
        "new_email",
        &f.new_email,
        crate::kernel::text::Kind::Line,
        rules::limits::SHORT,
        lang,
    ) {
        let email = crate::accounts::normalize_email(&f.new_email);
        if email.is_empty() {
            e.add("new_email", lang.t("form.required"));
        } else if let Some(u) = crate::accounts::find_by_email(&st.db, &email).await? {
            new = Some(u);
        } else {
            e.add(
                "new_email",
                lang.tf("eval.err.unknown_user", &[("email", &email)]),
            );
        }
    }
    let reason = match crate::accounts::validate_reason(&f.replace_reason, lang) {
        Ok(r) => Some(r),
        Err(m) => {
            e.add("replace_reason", m);
            None
        }
    };
    if e.is_empty()
        && let (Some(new), Some(reason)) = (new, reason)
    {
        match crate::procurement::replace_evaluator(
            &st.db,
            &t,
            old,
            new.id,
            &reason,
            uid,
            st.clock.now(),
        )
        .await?
        {
            Ok(()) => {
                ctx.set_flash(
                    "success",
                    lang.tf("eval.replaced", &[("name", &new.display_name)]),
                )
                .await?;
                return Ok(see_other(&format!(
                    "/tenders/{}/evaluation#evaluators",
                    t.id
                )));
            }
            Err(Refusal::NotAssigned) => e.add("old", Refusal::NotAssigned.message(lang)),
            Err(r) => e.add("new_email", r.message(lang)),
        }
    }
    Ok(unprocessable(
        render_evaluation(&st, &mut ctx, t, AwardForm::default(), None, f, e).await?,
    ))
}

// ---------------------------------------------------------------------------------------
// Scoring

/// What the evaluator sent back or has stored, for the sheet: field values by name
/// (`p_{bid}_{criterion}` points, `c_{bid}_{criterion}` comments), a message per bad field,
/// and the declaration's box.
#[derive(Default)]
pub(super) struct SheetForm {
    values: HashMap<String, String>,
    bad: HashMap<String, String>,
    declared: bool,
}

pub(super) async fn render_score(
    st: &AppState,
    ctx: &mut Ctx,
    t: tender::Model,
    uid: i64,
    form: SheetForm,
    errors: FieldErrors,
) -> AppResult<Markup> {
    let db = &st.db;
    let opening = crate::procurement::opening_record(db, &t).await?;
    let bids: Vec<(bid::Model, String)> = crate::procurement::sheet_bids(db, t.id)
        .await?
        .into_iter()
        .map(|b| {
            let name = opening
                .iter()
                .find(|l| l.bid_id == b.id)
                .map(|l| l.org_name.clone())
                .unwrap_or_default();
            (b, name)
        })
        .collect();
    let criteria = crate::procurement::sheet_criteria(db, &t).await?;
    let status = crate::procurement::sheet_status(db, t.id, uid).await?;
    let csrf = ctx.ensure_csrf().await?;
    let mut files = HashMap::new();
    for (b, _) in &bids {
        files.insert(b.id, list::files_of_opened_bid(&st.db, &st.seal, b).await?);
    }
    let p = views::ScorePage {
        open: state_of(&t) == TenderState::Evaluating,
        status,
        files,
        bids,
        criteria,
        values: form.values,
        bad: form.bad,
        declared: form.declared,
        errors,
        csrf,
        t,
    };
    let title = ctx.lang.tf("eval.score_title", &[("title", &p.t.title)]);
    Ok(layout::page(ctx, &title, views::score_page(ctx.lang, &p)))
}

/// The evaluator's stored sheet as form values.
async fn stored_sheet(st: &AppState, tender_id: i64, uid: i64) -> AppResult<SheetForm> {
    let (scores, comments) = crate::procurement::sheet_by(&st.db, tender_id, uid).await?;
    let mut values: HashMap<String, String> = scores
        .into_iter()
        .map(|s| {
            (
                format!("p_{}_{}", s.bid_id, s.criterion_id),
                s.points.to_string(),
            )
        })
        .collect();
    for c in comments {
        values.insert(format!("c_{}_{}", c.bid_id, c.criterion_id), c.comment);
    }
    let declared = crate::procurement::sheet_status(&st.db, tender_id, uid)
        .await?
        .is_submitted();
    Ok(SheetForm {
        values,
        bad: HashMap::new(),
        declared,
    })
}

/// `GET /tenders/{id}/bids/{bid}/files/{fid}`: an attachment of an opened bid, for the
/// tender's buyers, assigned evaluators, regulators and the bidder's own members. Before
/// opening there is nothing to download (404). Who may ask is settled before anything
/// nested is looked up: anonymous visitors are sent to log in for every id, and every
/// refusal afterwards is the same 404 (see [`bid_for`]); the attachment is decrypted only
/// for someone allowed to have it.
pub async fn download_file(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, bid_id, file_id)): Path<(String, String, String)>,
) -> AppResult<Response> {
    ctx.require_user()?;
    let t = load_visible(&st, &ctx, &id).await?;
    let b = bid_for(&st, &ctx, &t, &bid_id).await?;
    let file_id = parse_id(&file_id)?;
    if !b.opened {
        // Before the opening only the bidder's own members read what they sealed.
        if !may(ctx.actor(), Action::ViewOrgBids(b.org_id)) {
            return Err(AppError::NotFound);
        }
        let (name, mime, bytes) = crate::procurement::own_file(&st.db, &st.seal, b.id, file_id)
            .await?
            .ok_or(AppError::NotFound)?;
        return Ok(crate::web::private_download("file", &name, mime, bytes));
    }
    let (name, mime, bytes) = crate::procurement::open_file(&st.db, &st.seal, b.id, file_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(crate::web::private_download("file", &name, mime, bytes))
}

pub(super) async fn load_for_evaluator(
    st: &AppState,
    ctx: &Ctx,
    id: &str,
) -> AppResult<(tender::Model, i64)> {
    let uid = ctx.require_user()?.actor.user_id;
    let t = load_visible(st, ctx, id).await?;
    let is_assigned = crate::procurement::is_evaluator(&st.db, t.id, uid).await?;
    require(
        ctx.actor(),
        Action::ScoreBids {
            unit: t.unit_id,
            assigned: is_assigned,
        },
    )?;
    Ok((t, uid))
}

/// `GET /tenders/{id}/score`
pub async fn score_form(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Markup> {
    let (t, uid) = load_for_evaluator(&st, &ctx, &id).await?;
    let form = stored_sheet(&st, t.id, uid).await?;
    render_score(&st, &mut ctx, t, uid, form, FieldErrors::default()).await
}

/// The message next to a bad cell.
fn cell_message(p: scoring::CellProblem, lang: Lang) -> String {
    match p {
        scoring::CellProblem::Unknown => lang.t("eval.err.unknown_field"),
        scoring::CellProblem::Unscored => lang.t("eval.cell.unscored"),
        scoring::CellProblem::OutOfRange { max } => {
            lang.tf("eval.cell.range", &[("max", &max.to_string())])
        }
        scoring::CellProblem::NoComment => lang.t("eval.cell.no_comment"),
        scoring::CellProblem::CommentTooLong { max } => {
            lang.tf("form.too_long", &[("max", &max.to_string())])
        }
    }
}

/// `POST /tenders/{id}/score`: the whole sheet (fields `p_{bid}_{criterion}` points,
/// `c_{bid}_{criterion}` comments, `declare`), saved as a draft or, with `action=submit`,
/// submitted as final. Every bad cell is marked with its own message; nothing is written.
pub async fn save_scores(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let (t, uid) = load_for_evaluator(&st, &ctx, &id).await?;
    let lang = ctx.lang;
    if crate::procurement::sheet_status(&st.db, t.id, uid)
        .await?
        .is_submitted()
    {
        let mut e = FieldErrors::default();
        e.add("sheet", Refusal::SheetSubmitted.message(lang));
        let form = stored_sheet(&st, t.id, uid).await?;
        return Ok(unprocessable(
            render_score(&st, &mut ctx, t, uid, form, e).await?,
        ));
    }
    let crits: Vec<scoring::Criterion> = crate::procurement::sheet_criteria(&st.db, &t)
        .await?
        .iter()
        .map(|c| scoring::Criterion {
            id: c.id,
            weight: i32::from(c.weight),
        })
        .collect();
    let bids: Vec<i64> = crate::procurement::sheet_bids(&st.db, t.id)
        .await?
        .iter()
        .map(|b| b.id)
        .collect();
    let mut form = SheetForm::default();
    let mut submit = false;
    // (bid, criterion) → (points typed, comment typed)
    let mut cells: std::collections::BTreeMap<(i64, i64), (String, String)> =
        std::collections::BTreeMap::new();
    let mut unknown = 0;
    for (k, v) in fields {
        match k.as_str() {
            "declare" => form.declared = v == "1",
            "action" => submit = v == "submit",
            _ => {}
        }
        let (is_points, rest) = if let Some(rest) = k.strip_prefix("p_") {
            (true, rest)
        } else if let Some(rest) = k.strip_prefix("c_") {
            (false, rest)
        } else {
            continue;
        };
        let Some(key) = rest
            .split_once('_')
            .and_then(|(b, c)| Some((b.parse::<i64>().ok()?, c.parse::<i64>().ok()?)))
        else {
            unknown += 1;
            continue;
        };
        let cell = cells.entry(key).or_default();
        if is_points {
            cell.0 = v.clone();
        } else {
            cell.1 = v.clone();
        }
        form.values.insert(k, v);
    }
    let mut e = FieldErrors::default();
    // Characters and length of each comment, marked on its cell.
    for ((b, c), (_, comment)) in &cells {
        if let Err(m) = crate::kernel::text::checked(
            comment.trim(),
            crate::kernel::text::Kind::Multi,
            rules::limits::SCORE_COMMENT,
            lang,
        ) {
            form.bad.insert(format!("c_{b}_{c}"), m);
        }
    }
    let sheet: Vec<scoring::SheetCell> = cells
        .iter()
        .map(|(&(bid_id, criterion_id), (p, c))| scoring::SheetCell {
            bid_id,
            criterion_id,
            points: scoring::Typed::parse(p),
            comment_chars: c.trim().chars().count(),
        })
        .collect();
    let problems = scoring::check_sheet(
        &crits,
        &bids,
        &sheet,
        rules::limits::SCORE_COMMENT,
        form.declared,
        submit,
    );
    for (b, c, p) in &problems.cells {
        let name = format!("{}_{b}_{c}", if p.is_points() { "p" } else { "c" });
        if *p == scoring::CellProblem::Unknown {
            unknown += 1;
        } else {
            form.bad
                .entry(name)
                .or_insert_with(|| cell_message(*p, lang));
        }
    }
    let bad_cells = form.bad.len();
    if bad_cells > 0 {
        e.add(
            "points",
            lang.tf("eval.err.cells", &[("n", &bad_cells.to_string())]),
        );
    }
    if unknown > 0 {
        e.add("points", lang.t("eval.err.unknown_field"));
    }
    if problems.undeclared {
        e.add("declare", lang.t("eval.err.declare"));
    }
    if e.is_empty() {
        let entries: Vec<crate::procurement::SheetEntry> = cells
            .iter()
            .map(
                |(&(bid_id, criterion_id), (p, c))| crate::procurement::SheetEntry {
                    bid_id,
                    criterion_id,
                    points: match scoring::Typed::parse(p) {
                        scoring::Typed::Points(n) => Some(n),
                        _ => None,
                    },
                    comment: c.trim().to_string(),
                },
            )
            .collect();
        match crate::procurement::save_sheet(
            &st.db,
            &t,
            uid,
            &entries,
            form.declared,
            submit,
            st.clock.now(),
        )
        .await?
        {
            Ok(()) => {
                let key = if submit {
                    "eval.submitted"
                } else {
                    "eval.saved"
                };
                return flash_ok(&ctx, key, &format!("/tenders/{}/score", t.id)).await;
            }
            Err(r) => e.add("points", r.message(lang)),
        }
    }
    Ok(unprocessable(
        render_score(&st, &mut ctx, t, uid, form, e).await?,
    ))
}

// ---------------------------------------------------------------------------------------
// Challenges

/// `POST /tenders/{id}/challenges`
pub async fn file_challenge(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<ChallengeForm>,
) -> AppResult<Response> {
    let (t, uid) = load_for_bidder(&st, &ctx, &id).await?;
    let org = chosen_org(&ctx, &f.org_id)?;
    let text = match rules::check_text(&f.text, 10, rules::limits::CHALLENGE, ctx.lang) {
        Ok(s) => s,
        Err(m) => {
            return inline_error(&st, &mut ctx, t, "challenge".into(), &f.text, &f.org_id, m).await;
        }
    };
    match crate::procurement::file_challenge(&st.db, &t, org, &text, uid, st.clock.now()).await? {
        Ok(_) => {
            flash_ok(
                &ctx,
                "challenge.filed",
                &format!("/tenders/{}#challenges", t.id),
            )
            .await
        }
        Err(r) => {
            let m = r.message(ctx.lang);
            inline_error(&st, &mut ctx, t, "challenge".into(), &f.text, &f.org_id, m).await
        }
    }
}
