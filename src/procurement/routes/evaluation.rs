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
        evaluators: crate::procurement::evaluators(db, t.id).await?,
        award,
        buyer,
        csrf,
        award_form,
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
    match rules::check_text(&f.reason, 5, 500, ctx.lang) {
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
    if justification.chars().count() > 2000 {
        e.add(
            "justification",
            lang.tf("form.too_long", &[("max", "2000")]),
        );
    }
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
        render_evaluation(&st, &mut ctx, t, f, None, e).await?,
    ))
}

// ---------------------------------------------------------------------------------------
// Scoring

pub(super) async fn render_score(
    st: &AppState,
    ctx: &mut Ctx,
    t: tender::Model,
    values: HashMap<String, String>,
    bad: HashSet<String>,
    errors: FieldErrors,
) -> AppResult<Markup> {
    let db = &st.db;
    let opening = crate::procurement::opening_record(db, &t).await?;
    let bids: Vec<(bid::Model, String)> = crate::procurement::opened_bids(db, t.id)
        .await?
        .into_iter()
        .filter(|b| b.state == BidState::Opened.code())
        .map(|b| {
            let name = opening
                .iter()
                .find(|l| l.bid_id == b.id)
                .map(|l| l.org_name.clone())
                .unwrap_or_default();
            (b, name)
        })
        .collect();
    let criteria = if t.eval_method == EvalMethod::Comprehensive.code() {
        crate::procurement::criteria(db, t.id).await?
    } else {
        vec![]
    };
    let csrf = ctx.ensure_csrf().await?;
    let mut files = HashMap::new();
    for (b, _) in &bids {
        files.insert(b.id, list::files_of_opened_bid(&st.db, &st.seal, b).await?);
    }
    let p = views::ScorePage {
        open: state_of(&t) == TenderState::Evaluating,
        files,
        bids,
        criteria,
        values,
        bad,
        errors,
        csrf,
        t,
    };
    let title = ctx.lang.tf("eval.score_title", &[("title", &p.t.title)]);
    Ok(layout::page(ctx, &title, views::score_page(ctx.lang, &p)))
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
        return Err(AppError::NotFound);
    }
    let (name, mime, bytes) = crate::procurement::open_file(&st.db, &st.seal, b.id, file_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let disposition = format!(
        "attachment; filename=\"file\"; filename*=UTF-8''{}",
        crate::web::middleware::urlencode(&name)
    );
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    for (k, v) in [
        (axum::http::header::CONTENT_TYPE, mime),
        (axum::http::header::CONTENT_DISPOSITION, disposition),
        (
            axum::http::header::CACHE_CONTROL,
            "private, no-store".to_string(),
        ),
    ] {
        if let Ok(v) = axum::http::HeaderValue::from_str(&v) {
            h.insert(k, v);
        }
    }
    Ok(res)
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
    let values = crate::procurement::scores_by(&st.db, t.id, uid)
        .await?
        .into_iter()
        .map(|s| {
            (
                format!("p_{}_{}", s.bid_id, s.criterion_id),
                s.points.to_string(),
            )
        })
        .collect();
    render_score(
        &st,
        &mut ctx,
        t,
        values,
        HashSet::new(),
        FieldErrors::default(),
    )
    .await
}

/// `POST /tenders/{id}/score` (fields `p_{bid}_{criterion}`)
pub async fn save_scores(
    State(st): State<AppState>,
    mut ctx: Ctx,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let (t, uid) = load_for_evaluator(&st, &ctx, &id).await?;
    let lang = ctx.lang;
    let crits = crate::procurement::criteria(&st.db, t.id).await?;
    let bids: Vec<i64> = crate::procurement::opened_bids(&st.db, t.id)
        .await?
        .into_iter()
        .map(|b| b.id)
        .collect();
    let mut values = HashMap::new();
    let mut bad = HashSet::new();
    let mut unknown = 0;
    let mut points = Vec::new();
    for (k, v) in fields {
        let Some(rest) = k.strip_prefix("p_") else {
            continue;
        };
        let target = rest
            .split_once('_')
            .and_then(|(b, c)| Some((b.parse::<i64>().ok()?, c.parse::<i64>().ok()?)))
            .filter(|(b, _)| bids.contains(b))
            .and_then(|(b, c)| crits.iter().find(|x| x.id == c).map(|cr| (b, cr)));
        match target {
            None => unknown += 1,
            Some(_) if v.trim().is_empty() => {}
            Some((b, cr)) => match scoring::parse_points(&v).filter(|p| *p <= i32::from(cr.weight))
            {
                Some(p) => points.push((b, cr.id, p)),
                None => {
                    bad.insert(k.clone());
                }
            },
        }
        values.insert(k, v);
    }
    let mut e = FieldErrors::default();
    if !bad.is_empty() {
        e.add(
            "points",
            lang.tf("eval.err.points", &[("n", &bad.len().to_string())]),
        );
    }
    if unknown > 0 {
        e.add("points", lang.t("eval.err.unknown_field"));
    }
    if e.is_empty() {
        match crate::procurement::save_scores(&st.db, &t, uid, &points, st.clock.now()).await? {
            Ok(()) => {
                return flash_ok(&ctx, "eval.saved", &format!("/tenders/{}/score", t.id)).await;
            }
            Err(r) => e.add("points", r.message(lang)),
        }
    }
    Ok(unprocessable(
        render_score(&st, &mut ctx, t, values, bad, e).await?,
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
    let text = match rules::check_text(&f.text, 10, 5000, ctx.lang) {
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
