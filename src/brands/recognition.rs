//! Annual brand recognition (品牌项目认定, issue 14 point 3): a regulator opens a round for
//! a year at the region or one league/city — window, eligibility as data, rubric,
//! reviewers, an optional maximum and the notice period; organizations' administrators (or
//! a purchasing unit's buyers) nominate a brand, refused with the rule it fails; the
//! regulator screens; screened nominations go to expert review through the shared
//! `reviews` room (members of the brand's organization, and of a nominating unit, may not
//! review); the ranked shortlist is published for public notice, during which anyone
//! signed in may object; the regulator answers (an upheld objection strikes the brand);
//! after the notice, recognition — the year's count at the level and division checked
//! again, inside the transaction, against the round's maximum.
//!
//! Every operation is one write transaction that first takes the round's turn
//! (`lock_round`), re-reads what it decides on, and writes its audit entries in the same
//! transaction: the round's (entity `recognition_round`) and, for each brand a step
//! touches, the brand's public timeline (entity `brand`). A refused step writes nothing.

use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr};

use super::recognition_model::{self as model, Nomination, Round};
use super::recognition_rules::{
    self as rules, Candidate, Ineligible, Level, NominationDraft, NominationState, NominationStep,
    RoundDraft, RoundState, RoundStep,
};
use crate::kernel::Lang;
use crate::reviews::{Conflicts, Criterion, Subject, SubjectKind};

/// Why a recognition step was refused (nothing was written).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The round takes no nominations now (window not open, or the round moved on).
    WindowClosed,
    /// The round is not in the state the step needs.
    WrongState,
    /// No such brand of the nominator's (a missing brand answers the same).
    NotYours,
    /// The brand is already nominated in this round.
    Duplicate,
    /// The brand fails an eligibility rule (named).
    Ineligible(Ineligible),
    /// The window has not closed yet.
    WindowOpen,
    /// Nominations still wait for screening.
    Unscreened(usize),
    /// No reviewer free of conflicts for a brand (named).
    NoReviewer(String),
    /// A brand's review is not complete (named, with who is missing).
    NotReviewed(String, crate::reviews::NotReady),
    /// The public notice has ended (objections are no longer taken).
    NoticeClosed,
    /// The public notice still runs.
    NoticeRunning,
    /// Objections wait for an answer.
    Unanswered(usize),
    /// The round's maximum would be passed.
    Quota {
        /// The maximum.
        max: i32,
        /// Recognized already this year at this level and division.
        already: i64,
        /// Recognitions this step would add.
        adding: i64,
    },
    /// The objection was already answered.
    Answered,
}

impl Refusal {
    /// The message shown to the user.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            Refusal::WindowClosed => lang.t("recog.err.window_closed"),
            Refusal::WrongState => lang.t("recog.err.wrong_state"),
            Refusal::NotYours => lang.t("recog.err.not_yours"),
            Refusal::Duplicate => lang.t("recog.err.duplicate"),
            Refusal::Ineligible(i) => i.message(lang),
            Refusal::WindowOpen => lang.t("recog.err.window_open"),
            Refusal::Unscreened(n) => lang.tf("recog.err.unscreened", &[("n", &n.to_string())]),
            Refusal::NoReviewer(b) => lang.tf("recog.err.no_free_reviewer", &[("brand", b)]),
            Refusal::NotReviewed(b, nr) => format!(
                "{} {}",
                lang.tf("recog.err.not_reviewed", &[("brand", b)]),
                nr.message(lang)
            ),
            Refusal::NoticeClosed => lang.t("recog.err.notice_closed"),
            Refusal::NoticeRunning => lang.t("recog.err.notice_running"),
            Refusal::Unanswered(n) => lang.tf("recog.err.unanswered", &[("n", &n.to_string())]),
            Refusal::Quota {
                max,
                already,
                adding,
            } => lang.tf(
                "recog.err.quota",
                &[
                    ("max", &max.to_string()),
                    ("already", &already.to_string()),
                    ("adding", &adding.to_string()),
                ],
            ),
            Refusal::Answered => lang.t("recog.err.answered"),
        }
    }
}

type Step<T> = Result<Result<T, Refusal>, DbErr>;

async fn record(
    db: &impl ConnectionTrait,
    entity: &'static str,
    id: i64,
    action: &str,
    actor: Option<i64>,
    detail: serde_json::Value,
    now: i64,
) -> Result<(), DbErr> {
    crate::audit::append(
        db,
        crate::audit::Entry {
            at: now,
            actor_id: actor,
            entity,
            entity_id: id,
            action,
            detail,
            public: true,
        },
    )
    .await
}

/// A brand-timeline entry about a round's step.
async fn on_brand(
    db: &impl ConnectionTrait,
    n: &Nomination,
    r: &Round,
    action: &str,
    actor: i64,
    extra: serde_json::Value,
    now: i64,
) -> Result<(), DbErr> {
    let mut detail = serde_json::json!({ "round": r.id, "title": r.title, "nomination": n.id });
    if let (Some(d), serde_json::Value::Object(x)) = (detail.as_object_mut(), extra) {
        d.extend(x);
    }
    record(db, "brand", n.brand_id, action, Some(actor), detail, now).await
}

/// Opens a round.
pub async fn open_round(
    db: &DatabaseConnection,
    d: &RoundDraft,
    actor: i64,
    now: i64,
) -> Result<i64, DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    let id = model::insert_round(&*txn, d, actor, now).await?;
    record(
        &*txn,
        "recognition_round",
        id,
        "opened",
        Some(actor),
        serde_json::json!({
            "year": d.year, "level": d.level.code(), "division": d.division,
            "title": d.title, "opens_at": d.opens_at, "closes_at": d.closes_at,
            "min_grade": d.rules.min_grade, "clean_credit": d.rules.clean_credit,
            "min_years": d.rules.min_years, "max": d.max_recognitions,
            "notice_days": d.notice_days, "rubric": d.rubric, "reviewers": d.reviewers,
        }),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(id)
}

/// Takes the round's turn and re-reads it.
async fn locked(
    txn: &impl ConnectionTrait,
    round_id: i64,
    now: i64,
) -> Result<Option<Round>, DbErr> {
    if !model::lock_round(txn, round_id, now).await? {
        return Ok(None);
    }
    model::round(txn, round_id).await
}

/// Nominates a brand (the caller settled that the nominator may nominate it: its
/// organization's administrator, or a buyer of `d.unit`). Inside the transaction: the
/// window, the brand's eligibility (the first rule failed is named) and that it is not
/// nominated in this round yet.
pub async fn nominate(
    db: &DatabaseConnection,
    round_id: i64,
    d: &NominationDraft,
    actor: i64,
    now: i64,
) -> Step<i64> {
    let txn = crate::kernel::db::begin_write(db).await?;
    let Some(r) = locked(&*txn, round_id, now).await? else {
        return Ok(Err(Refusal::WrongState));
    };
    if r.state() != RoundState::Nominating || !rules::window_open(r.opens_at, r.closes_at, now) {
        return Ok(Err(Refusal::WindowClosed));
    }
    let Some(b) = super::model::get(&*txn, d.brand).await? else {
        return Ok(Err(Refusal::NotYours));
    };
    if model::is_nominated(&*txn, r.id, b.id).await? {
        return Ok(Err(Refusal::Duplicate));
    }
    let Some(org) = crate::orgs::row(&*txn, b.org_id).await? else {
        return Ok(Err(Refusal::NotYours));
    };
    let in_division = match r.level() {
        Level::Region => true,
        Level::League => super::model::league_codes_of(&*txn, b.id)
            .await?
            .contains(&r.division_code),
    };
    let today = crate::kernel::clock::shanghai_date(now);
    let c = Candidate {
        grade: org.rating_grade,
        rating_valid: crate::orgs::rating_valid(org.rating_valid_until, today),
        credit_clean: crate::orgs::CreditStatus::parse(&org.credit_status)
            == Some(crate::orgs::CreditStatus::Normal),
        registered: crate::orgs::is_verified(&org),
        started_year: b.started_year,
        in_division,
    };
    if let Err(why) = rules::check_eligibility(&r.eligibility(), r.year, &c) {
        return Ok(Err(Refusal::Ineligible(why)));
    }
    let id = model::insert_nomination(&*txn, r.id, b.org_id, d, actor, now).await?;
    let n = model::nomination(&*txn, id)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("nomination just written".into()))?;
    on_brand(
        &*txn,
        &n,
        &r,
        "nominated",
        actor,
        serde_json::json!({ "unit": d.unit }),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(id))
}

/// The regulator screens a nomination while the round takes nominations: passed, or
/// refused with a note.
pub async fn screen(
    db: &DatabaseConnection,
    round_id: i64,
    nomination_id: i64,
    accept: bool,
    note: &str,
    actor: i64,
    now: i64,
) -> Step<()> {
    let txn = crate::kernel::db::begin_write(db).await?;
    let Some(r) = locked(&*txn, round_id, now).await? else {
        return Ok(Err(Refusal::WrongState));
    };
    let Some(n) = model::nomination(&*txn, nomination_id)
        .await?
        .filter(|n| n.round_id == r.id)
    else {
        return Ok(Err(Refusal::WrongState));
    };
    let step = if accept {
        NominationStep::Accept
    } else {
        NominationStep::Refuse
    };
    let to = match n.state().apply(step) {
        Some(to) if r.state() == RoundState::Nominating => to,
        _ => return Ok(Err(Refusal::WrongState)),
    };
    let change = model::NominationChange {
        note: Some(note),
        ..Default::default()
    };
    if !model::set_nomination_state(&*txn, n.id, n.state(), to, change, now).await? {
        return Ok(Err(Refusal::WrongState));
    }
    on_brand(
        &*txn,
        &n,
        &r,
        if accept { "screened" } else { "screen_refused" },
        actor,
        serde_json::json!({ "note": note }),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(()))
}

/// A nomination as a review subject.
pub fn subject_of(n: &Nomination, brand_name: &str, r: &Round) -> Subject {
    Subject {
        kind: SubjectKind::BrandNomination,
        id: n.id,
        title: format!("{brand_name} · {}", r.title),
        link: format!("/brands/{}", n.brand_id),
    }
}

/// Who may not review a nomination: the brand organization's members and, when a unit
/// nominated, its buyers.
pub fn conflicts_of(n: &Nomination, org_name: &str) -> Conflicts {
    Conflicts {
        applicant: Some((n.org_id, org_name.to_string())),
        partners: Vec::new(),
        organizer_orgs: Vec::new(),
        organizer_units: n.unit_id.into_iter().collect(),
    }
}

/// After the window, the screened nominations go to expert review: a review round per
/// nomination with the round's rubric, and the round's reviewers assigned (a reviewer with
/// a conflict is left off that nomination; a nomination left with no reviewer refuses the
/// step).
pub async fn start_review(
    db: &DatabaseConnection,
    round_id: i64,
    actor: i64,
    now: i64,
) -> Step<()> {
    let txn = crate::kernel::db::begin_write(db).await?;
    let Some(r) = locked(&*txn, round_id, now).await? else {
        return Ok(Err(Refusal::WrongState));
    };
    let Some(to) = r.state().apply(RoundStep::StartReview) else {
        return Ok(Err(Refusal::WrongState));
    };
    if now < r.closes_at {
        return Ok(Err(Refusal::WindowOpen));
    }
    let all = model::nominations_of(&*txn, r.id).await?;
    let waiting = all
        .iter()
        .filter(|n| n.state() == NominationState::Nominated)
        .count();
    if waiting > 0 {
        return Ok(Err(Refusal::Unscreened(waiting)));
    }
    let screened: Vec<&Nomination> = all
        .iter()
        .filter(|n| n.state() == NominationState::Screened)
        .collect();
    let brand_ids: Vec<i64> = screened.iter().map(|n| n.brand_id).collect();
    let org_ids: Vec<i64> = screened.iter().map(|n| n.org_id).collect();
    let brand_names = super::model::names_by_ids(&*txn, &brand_ids).await?;
    let org_names = crate::orgs::names_by_ids(&*txn, &org_ids).await?;
    let rubric: Vec<Criterion> = r
        .rubric()
        .into_iter()
        .map(|(name, weight)| Criterion { name, weight })
        .collect();
    for n in &screened {
        let bname = brand_names.get(&n.brand_id).cloned().unwrap_or_default();
        crate::reviews::open_in(&*txn, &subject_of(n, &bname, &r), &rubric, now).await?;
        let c = conflicts_of(n, &org_names.get(&n.org_id).cloned().unwrap_or_default());
        let mut assigned = 0;
        let mut left_off: Vec<i64> = Vec::new();
        for reviewer in r.reviewer_ids() {
            match crate::reviews::assign_in(
                &*txn,
                SubjectKind::BrandNomination,
                n.id,
                &c,
                reviewer,
                actor,
                now,
            )
            .await?
            {
                Ok(_) => assigned += 1,
                Err(_) => left_off.push(reviewer),
            }
        }
        if assigned == 0 {
            // Dropping the transaction rolls back every round opened above.
            return Ok(Err(Refusal::NoReviewer(bname)));
        }
        on_brand(
            &*txn,
            n,
            &r,
            "review_started",
            actor,
            serde_json::json!({ "reviewers": assigned }),
            now,
        )
        .await?;
    }
    if !model::set_round_state(&*txn, r.id, r.state(), to, None, None).await? {
        return Ok(Err(Refusal::WrongState));
    }
    record(
        &*txn,
        "recognition_round",
        r.id,
        "review_started",
        Some(actor),
        serde_json::json!({ "nominations": screened.len() }),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(()))
}

/// Review complete, the ranked shortlist is published for public notice: each screened
/// nomination's review round closes (every assigned reviewer's sheet submitted), the mean
/// totals rank them, and the best go on the shortlist — as many as the round's maximum
/// leaves after this year's recognitions at its level and division, or all ranked when it
/// has none. The notice ends `notice_days` later.
pub async fn publish_notice(
    db: &DatabaseConnection,
    round_id: i64,
    actor: i64,
    now: i64,
) -> Step<()> {
    let txn = crate::kernel::db::begin_write(db).await?;
    let Some(r) = locked(&*txn, round_id, now).await? else {
        return Ok(Err(Refusal::WrongState));
    };
    let Some(to) = r.state().apply(RoundStep::PublishNotice) else {
        return Ok(Err(Refusal::WrongState));
    };
    let screened: Vec<Nomination> = model::nominations_of(&*txn, r.id)
        .await?
        .into_iter()
        .filter(|n| n.state() == NominationState::Screened)
        .collect();
    let brand_ids: Vec<i64> = screened.iter().map(|n| n.brand_id).collect();
    let brand_names = super::model::names_by_ids(&*txn, &brand_ids).await?;
    for n in &screened {
        if let Err(nr) =
            crate::reviews::close_in(&*txn, SubjectKind::BrandNomination, n.id, 1, now).await?
        {
            let name = brand_names.get(&n.brand_id).cloned().unwrap_or_default();
            return Ok(Err(Refusal::NotReviewed(name, nr)));
        }
    }
    let ids: Vec<i64> = screened.iter().map(|n| n.id).collect();
    let boards = crate::reviews::boards(&*txn, SubjectKind::BrandNomination, &ids).await?;
    let totals: Vec<(i64, Option<i64>)> = screened
        .iter()
        .map(|n| (n.id, boards.get(&n.id).and_then(|b| b.total)))
        .collect();
    let ranked = rules::rank(&totals);
    let already = model::recognized_count(&*txn, r.year, r.level(), &r.division_code).await?;
    let short = rules::shortlist(&ranked, rules::places_left(r.max_recognitions, already));
    for (id, rank) in &ranked {
        let Some(n) = screened.iter().find(|n| n.id == *id) else {
            continue;
        };
        let total = totals.iter().find(|(i, _)| i == id).and_then(|(_, t)| *t);
        let on = short.contains(id);
        let step = if on {
            NominationStep::Shortlist
        } else {
            NominationStep::LeaveOff
        };
        let Some(nto) = n.state().apply(step) else {
            return Ok(Err(Refusal::WrongState));
        };
        let change = model::NominationChange {
            ranked: Some((total, *rank)),
            ..Default::default()
        };
        if !model::set_nomination_state(&*txn, n.id, n.state(), nto, change, now).await? {
            return Ok(Err(Refusal::WrongState));
        }
        on_brand(
            &*txn,
            n,
            &r,
            if on { "shortlisted" } else { "not_shortlisted" },
            actor,
            serde_json::json!({ "rank": rank, "total_milli": total }),
            now,
        )
        .await?;
    }
    let ends = rules::notice_end(now, r.notice_days);
    if !model::set_round_state(&*txn, r.id, r.state(), to, Some((now, ends)), None).await? {
        return Ok(Err(Refusal::WrongState));
    }
    record(
        &*txn,
        "recognition_round",
        r.id,
        "notice_published",
        Some(actor),
        serde_json::json!({ "shortlist": short, "notice_ends_at": ends }),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(()))
}

/// Anyone signed in objects to a shortlisted brand, with reasons, while the notice runs
/// (decided inside the transaction by the clock's instant).
pub async fn object(
    db: &DatabaseConnection,
    round_id: i64,
    nomination_id: i64,
    user: i64,
    reasons: &str,
    now: i64,
) -> Step<i64> {
    let txn = crate::kernel::db::begin_write(db).await?;
    let Some(r) = locked(&*txn, round_id, now).await? else {
        return Ok(Err(Refusal::WrongState));
    };
    if r.state() != RoundState::Notice || !rules::notice_running(r.notice_ends_at, now) {
        return Ok(Err(Refusal::NoticeClosed));
    }
    let Some(n) = model::nomination(&*txn, nomination_id)
        .await?
        .filter(|n| n.round_id == r.id && n.state() == NominationState::Shortlisted)
    else {
        return Ok(Err(Refusal::WrongState));
    };
    let id = model::insert_objection(&*txn, &n, user, reasons, now).await?;
    // The objector's name stays off the public timeline.
    on_brand(
        &*txn,
        &n,
        &r,
        "objection_filed",
        user,
        serde_json::json!({ "objection": id }),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(id))
}

/// The regulator answers an objection (before recognition); an upheld objection strikes
/// the brand from the shortlist.
pub async fn answer(
    db: &DatabaseConnection,
    round_id: i64,
    objection_id: i64,
    text: &str,
    upheld: bool,
    actor: i64,
    now: i64,
) -> Step<()> {
    let txn = crate::kernel::db::begin_write(db).await?;
    let Some(r) = locked(&*txn, round_id, now).await? else {
        return Ok(Err(Refusal::WrongState));
    };
    if r.state() != RoundState::Notice {
        return Ok(Err(Refusal::WrongState));
    }
    let Some(o) = model::objection(&*txn, objection_id)
        .await?
        .filter(|o| o.round_id == r.id)
    else {
        return Ok(Err(Refusal::WrongState));
    };
    let Some(n) = model::nomination(&*txn, o.nomination_id).await? else {
        return Ok(Err(Refusal::WrongState));
    };
    if !model::answer_objection(&*txn, o.id, text, upheld, actor, now).await? {
        return Ok(Err(Refusal::Answered));
    }
    if upheld
        && let Some(to) = n.state().apply(NominationStep::Strike)
        && !model::set_nomination_state(&*txn, n.id, n.state(), to, Default::default(), now).await?
    {
        return Ok(Err(Refusal::WrongState));
    }
    on_brand(
        &*txn,
        &n,
        &r,
        "objection_answered",
        actor,
        serde_json::json!({ "objection": o.id, "upheld": upheld, "answer": text }),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(()))
}

/// After the notice, with every objection answered, the shortlist is recognized: the year's
/// recognitions at the round's level and division are counted again here, inside the
/// transaction, and the round's maximum (if any) may not be passed; each brand gets its
/// certificate number.
pub async fn recognize(
    db: &DatabaseConnection,
    round_id: i64,
    actor: i64,
    now: i64,
) -> Step<usize> {
    let txn = crate::kernel::db::begin_write(db).await?;
    let Some(r) = locked(&*txn, round_id, now).await? else {
        return Ok(Err(Refusal::WrongState));
    };
    let Some(to) = r.state().apply(RoundStep::Recognize) else {
        return Ok(Err(Refusal::WrongState));
    };
    if rules::notice_running(r.notice_ends_at, now) {
        return Ok(Err(Refusal::NoticeRunning));
    }
    let open = model::objections_of(&*txn, r.id)
        .await?
        .iter()
        .filter(|o| o.answered_at.is_none())
        .count();
    if open > 0 {
        return Ok(Err(Refusal::Unanswered(open)));
    }
    let mut short: Vec<Nomination> = model::nominations_of(&*txn, r.id)
        .await?
        .into_iter()
        .filter(|n| n.state() == NominationState::Shortlisted)
        .collect();
    short.sort_by_key(|n| (n.rank.unwrap_or(i32::MAX), n.id));
    let already = model::recognized_count(&*txn, r.year, r.level(), &r.division_code).await?;
    let adding = i64::try_from(short.len()).unwrap_or(i64::MAX);
    if !rules::quota_ok(r.max_recognitions, already, adding) {
        return Ok(Err(Refusal::Quota {
            max: r.max_recognitions.unwrap_or_default(),
            already,
            adding,
        }));
    }
    for (i, n) in short.iter().enumerate() {
        let seq = already + i64::try_from(i).unwrap_or(0) + 1;
        let no = rules::certificate_no(r.year, &r.division_code, seq);
        let change = model::NominationChange {
            certificate: Some(&no),
            ..Default::default()
        };
        if !model::set_nomination_state(
            &*txn,
            n.id,
            NominationState::Shortlisted,
            NominationState::Recognized,
            change,
            now,
        )
        .await?
        {
            return Ok(Err(Refusal::WrongState));
        }
        // The brand's search document gains the year (the recognized facets).
        super::reindex(&*txn, n.brand_id, now).await?;
        on_brand(
            &*txn,
            n,
            &r,
            "recognized",
            actor,
            serde_json::json!({ "certificate": no, "year": r.year, "level": r.level().code() }),
            now,
        )
        .await?;
    }
    if !model::set_round_state(&*txn, r.id, r.state(), to, None, Some(now)).await? {
        return Ok(Err(Refusal::WrongState));
    }
    record(
        &*txn,
        "recognition_round",
        r.id,
        "recognized",
        Some(actor),
        serde_json::json!({
            "recognized": short.iter().map(|n| n.id).collect::<Vec<_>>(),
            "year_total": already + adding, "max": r.max_recognitions,
        }),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(short.len()))
}
