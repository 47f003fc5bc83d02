//! The shared reviews room: experts score *subjects* of a kind (today a proposal to a
//! venture-philanthropy call; a brand nomination is one more [`SubjectKind`]) against a
//! rubric snapshot taken when review begins. The subject's owner opens and closes the round
//! and assigns reviewers inside its own transaction (the `…_in` operations); the room never
//! reads the owner's tables — the owner passes the subject's title, page and the parties a
//! reviewer must not belong to ([`Conflicts`]).
//!
//! Invariants: a reviewer holds the evaluator role and belongs to no applicant,
//! co-applicant or organizer (refused with the reason named, nothing written); one
//! assignment per reviewer and round; a sheet is the reviewer's alone until submitted and
//! read-only after (a conditional update on its state); sheets change only while the round
//! is open, decided under the round's row lock; taking a reviewer off needs a reason,
//! discards their sheet (its marks kept in the audit entry, which is never public) and
//! notifies them; every change has its audit entry in its transaction. Only submitted
//! sheets count in totals, averages (n/a left out) and recommendation counts, all exact
//! integer milli-points ([`rules`]). Other reviewers' sheets are never shown to a reviewer,
//! before or after their own submission; reviewers' names reach only the organizer.
//!
//! May call: `accounts` (roles, names), `orgs` and `units` (memberships, for conflicts),
//! `audit`, `inbox`, the kernel.

pub mod model;
pub mod routes;
pub mod rules;
pub mod views;

use std::collections::HashMap;

use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr};

pub use model::{Assignment, Round};
pub use rules::{
    Criterion, Mark, RecCounts, Recommendation, Sheet, SheetForm, SheetState, SubjectKind,
    show_milli, validate_reason,
};

/// Most criteria a rubric may have (the sheet's form has this many score fields).
pub const MAX_CRITERIA: usize = rules::limits::CRITERIA;

use crate::inbox::{Kind, Params};
use crate::kernel::Lang;

/// What is reviewed, as its owner describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    /// Its kind.
    pub kind: SubjectKind,
    /// Its id in the owner's room.
    pub id: i64,
    /// Its title (kept with the round, shown to reviewers).
    pub title: String,
    /// Its page (reviewers are let in to read it).
    pub link: String,
}

/// Who a reviewer must not belong to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Conflicts {
    /// The applying organization: id and name.
    pub applicant: Option<(i64, String)>,
    /// Co-applicant organizations: id and name.
    pub partners: Vec<(i64, String)>,
    /// Organizations acting for the organizer (their members are refused).
    pub organizer_orgs: Vec<i64>,
    /// Purchasing units acting for the organizer (their buyers are refused).
    pub organizer_units: Vec<i64>,
}

/// Why an assignment or a sheet was refused (nothing was written).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// No such user.
    UnknownUser,
    /// The user does not hold the evaluator role.
    NotEvaluator,
    /// The user is a member of the applying organization (named).
    ApplicantMember(String),
    /// The user is a member of a co-applicant (named).
    PartnerMember(String),
    /// The user acts for the organizer.
    OrganizerMember,
    /// Already on this round.
    AlreadyAssigned,
    /// Not (or no longer) on this round.
    NotAssigned,
    /// The round is not open (the subject is not in review).
    Closed,
    /// The sheet was already submitted.
    Submitted,
}

impl Refusal {
    /// The message shown next to the form.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            Refusal::UnknownUser => lang.t("review.err.unknown_user"),
            Refusal::NotEvaluator => lang.t("review.err.not_evaluator"),
            Refusal::ApplicantMember(n) => lang.tf("review.err.applicant_member", &[("org", n)]),
            Refusal::PartnerMember(n) => lang.tf("review.err.partner_member", &[("org", n)]),
            Refusal::OrganizerMember => lang.t("review.err.organizer_member"),
            Refusal::AlreadyAssigned => lang.t("review.err.already_assigned"),
            Refusal::NotAssigned => lang.t("review.err.not_assigned"),
            Refusal::Closed => lang.t("review.err.closed"),
            Refusal::Submitted => lang.t("review.err.submitted"),
        }
    }
}

/// Why a subject may not leave review yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotReady {
    /// Sheets submitted.
    pub submitted: usize,
    /// Sheets the subject needs.
    pub required: usize,
    /// Assigned reviewers who have not submitted, by name.
    pub missing: Vec<String>,
}

impl NotReady {
    /// The message shown to the organizer (names who is missing).
    pub fn message(&self, lang: Lang) -> String {
        let mut m = lang.tf(
            "review.err.not_ready",
            &[
                ("submitted", &self.submitted.to_string()),
                ("required", &self.required.to_string()),
            ],
        );
        if !self.missing.is_empty() {
            m.push(' ');
            m.push_str(&lang.tf(
                "review.err.missing",
                &[("names", &self.missing.join(lang.t("review.sep").as_str()))],
            ));
        }
        m
    }
}

async fn audit(
    db: &impl ConnectionTrait,
    now: i64,
    actor: i64,
    round: i64,
    action: &str,
    detail: serde_json::Value,
) -> Result<(), DbErr> {
    crate::audit::append(
        db,
        crate::audit::Entry {
            at: now,
            actor_id: Some(actor),
            entity: "review_round",
            entity_id: round,
            action,
            detail,
            public: false,
        },
    )
    .await
}

/// Why a user may not review a subject, if they may not: the evaluator role is required;
/// members of the applicant or a co-applicant and those acting for the organizer are refused
/// (conflicts of interest, as in bid evaluation).
pub async fn refusal_for(
    db: &impl ConnectionTrait,
    c: &Conflicts,
    user: i64,
) -> Result<Option<Refusal>, DbErr> {
    if crate::accounts::users_by_ids(db, &[user]).await?.is_empty() {
        return Ok(Some(Refusal::UnknownUser));
    }
    if !crate::accounts::roles_of(db, user)
        .await?
        .contains(&crate::accounts::Role::Evaluator)
    {
        return Ok(Some(Refusal::NotEvaluator));
    }
    let orgs: Vec<i64> = crate::orgs::memberships_of(db, user)
        .await?
        .iter()
        .map(|(o, _, _)| *o)
        .collect();
    if let Some((id, name)) = &c.applicant
        && orgs.contains(id)
    {
        return Ok(Some(Refusal::ApplicantMember(name.clone())));
    }
    if let Some((_, name)) = c.partners.iter().find(|(id, _)| orgs.contains(id)) {
        return Ok(Some(Refusal::PartnerMember(name.clone())));
    }
    let buys_for_organizer = crate::units::memberships_of(db, user)
        .await?
        .iter()
        .any(|(u, _)| c.organizer_units.contains(u));
    if buys_for_organizer || c.organizer_orgs.iter().any(|o| orgs.contains(o)) {
        return Ok(Some(Refusal::OrganizerMember));
    }
    Ok(None)
}

/// Opens the subject's round in the owner's transaction, with the rubric as it stands now;
/// a round closed earlier (the subject went back into review) is reopened with its sheets
/// and its first rubric.
pub async fn open_in(
    txn: &impl ConnectionTrait,
    s: &Subject,
    rubric: &[Criterion],
    now: i64,
) -> Result<(), DbErr> {
    match model::round_of(txn, s.kind, s.id).await? {
        Some(r) => {
            model::set_closed(txn, r.id, None).await?;
        }
        None => {
            model::insert_round(txn, s.kind, s.id, &s.title, &s.link, rubric, now).await?;
        }
    }
    Ok(())
}

/// Closes the subject's round in the owner's transaction if review is complete: at least
/// `required` sheets submitted and every assigned reviewer's among them.
pub async fn close_in(
    txn: &impl ConnectionTrait,
    kind: SubjectKind,
    subject_id: i64,
    required: usize,
    now: i64,
) -> Result<Result<(), NotReady>, DbErr> {
    let Some(r) = model::round_of(txn, kind, subject_id).await? else {
        return Ok(Err(NotReady {
            submitted: 0,
            required,
            missing: vec![],
        }));
    };
    let rows = model::assignments_of(txn, &[r.id]).await?;
    let states: Vec<SheetState> = rows.iter().map(|a| a.sheet_state()).collect();
    if let Err(submitted) = rules::review_complete(&states, required) {
        let pending: Vec<i64> = rows
            .iter()
            .filter(|a| a.sheet_state() != SheetState::Submitted)
            .map(|a| a.reviewer_id)
            .collect();
        let names = crate::accounts::users_by_ids(txn, &pending).await?;
        return Ok(Err(NotReady {
            submitted,
            required,
            missing: pending
                .iter()
                .filter_map(|id| names.iter().find(|u| u.id == *id))
                .map(|u| u.display_name.clone())
                .collect(),
        }));
    }
    model::set_closed(txn, r.id, Some(now)).await?;
    Ok(Ok(()))
}

/// Closes the subject's round unconditionally in the owner's transaction: it left review
/// another way than towards a decision (back to screening, more information asked), so its
/// sheets wait, frozen, until [`open_in`] reopens it.
pub async fn freeze_in(
    txn: &impl ConnectionTrait,
    kind: SubjectKind,
    subject_id: i64,
    now: i64,
) -> Result<(), DbErr> {
    if let Some(r) = model::round_of(txn, kind, subject_id).await? {
        model::set_closed(txn, r.id, Some(now)).await?;
    }
    Ok(())
}

/// Assigns a reviewer in the owner's transaction (the subject in review): conflicts are
/// refused with their reason; the reviewer gets a notice.
pub async fn assign_in(
    txn: &impl ConnectionTrait,
    kind: SubjectKind,
    subject_id: i64,
    c: &Conflicts,
    reviewer: i64,
    actor: i64,
    now: i64,
) -> Result<Result<i64, Refusal>, DbErr> {
    let Some(r) = model::round_of(txn, kind, subject_id).await? else {
        return Ok(Err(Refusal::Closed));
    };
    if !model::lock_open(txn, r.id).await? {
        return Ok(Err(Refusal::Closed));
    }
    if let Some(why) = refusal_for(txn, c, reviewer).await? {
        return Ok(Err(why));
    }
    if model::assignment_of(txn, r.id, reviewer).await?.is_some() {
        return Ok(Err(Refusal::AlreadyAssigned));
    }
    let id = model::insert_assignment(txn, r.id, reviewer, now).await?;
    audit(
        txn,
        now,
        actor,
        r.id,
        "reviewer_assigned",
        serde_json::json!({ "subject": kind.code(), "subject_id": subject_id, "reviewer": reviewer }),
    )
    .await?;
    let params = Params::new()
        .text("title", &r.title)
        .link(format!("/reviews/{id}"));
    crate::inbox::notify(txn, &[reviewer], Kind::ReviewAssigned, &params, now).await?;
    Ok(Ok(id))
}

/// Takes a reviewer off a subject in the owner's transaction, with a reason, and puts
/// `replacement` (if any, checked like an assignment) on instead. The old sheet — draft or
/// submitted — is discarded, its marks kept in the audit entry; both reviewers are notified.
#[allow(clippy::too_many_arguments)]
pub async fn unassign_in(
    txn: &impl ConnectionTrait,
    kind: SubjectKind,
    subject_id: i64,
    c: &Conflicts,
    old: i64,
    replacement: Option<i64>,
    reason: &str,
    actor: i64,
    now: i64,
) -> Result<Result<(), Refusal>, DbErr> {
    let Some(r) = model::round_of(txn, kind, subject_id).await? else {
        return Ok(Err(Refusal::Closed));
    };
    if !model::lock_open(txn, r.id).await? {
        return Ok(Err(Refusal::Closed));
    }
    let Some(a) = model::assignment_of(txn, r.id, old).await? else {
        return Ok(Err(Refusal::NotAssigned));
    };
    if let Some(new) = replacement {
        if let Some(why) = refusal_for(txn, c, new).await? {
            return Ok(Err(why));
        }
        if model::assignment_of(txn, r.id, new).await?.is_some() {
            return Ok(Err(Refusal::AlreadyAssigned));
        }
    }
    let cells = model::scores_of(txn, &[a.id]).await?;
    let discarded: Vec<serde_json::Value> = cells
        .iter()
        .map(|c| serde_json::json!([c.criterion, c.points, c.na]))
        .collect();
    model::delete_assignment(txn, a.id).await?;
    let new_id = match replacement {
        Some(new) => Some(model::insert_assignment(txn, r.id, new, now).await?),
        None => None,
    };
    audit(
        txn,
        now,
        actor,
        r.id,
        if replacement.is_some() {
            "reviewer_replaced"
        } else {
            "reviewer_removed"
        },
        serde_json::json!({
            "subject": kind.code(), "subject_id": subject_id, "old": old, "new": replacement,
            "reason": reason, "old_state": a.state, "old_recommendation": a.recommendation,
            "discarded_scores": discarded,
        }),
    )
    .await?;
    let params = Params::new().text("title", &r.title).text("reason", reason);
    crate::inbox::notify(
        txn,
        &[old],
        Kind::ReviewUnassigned,
        &params.clone().link("/me/reviews"),
        now,
    )
    .await?;
    if let (Some(new), Some(id)) = (replacement, new_id) {
        crate::inbox::notify(
            txn,
            &[new],
            Kind::ReviewAssigned,
            &params.link(format!("/reviews/{id}")),
            now,
        )
        .await?;
    }
    Ok(Ok(()))
}

/// A reviewer saves their sheet as a draft, or submits it (`submit`; read-only after). The
/// sheet is validated by the caller ([`rules::validate_sheet`]); this decides, under the
/// round's row lock, that the round is open and the sheet still the reviewer's and editable.
pub async fn save_sheet(
    db: &DatabaseConnection,
    assignment_id: i64,
    reviewer: i64,
    sheet: &Sheet,
    submit: bool,
    now: i64,
) -> Result<Result<SheetState, Refusal>, DbErr> {
    let txn = crate::kernel::db::begin_write(db).await?;
    let a = match model::assignment(&*txn, assignment_id).await? {
        Some(a) if a.reviewer_id == reviewer => a,
        _ => {
            txn.commit().await?;
            return Ok(Err(Refusal::NotAssigned));
        }
    };
    if !model::lock_open(&*txn, a.round_id).await? {
        txn.commit().await?;
        return Ok(Err(Refusal::Closed));
    }
    if !a.sheet_state().editable() {
        txn.commit().await?;
        return Ok(Err(Refusal::Submitted));
    }
    let to = if submit {
        SheetState::Submitted
    } else {
        SheetState::Draft
    };
    if !model::write_sheet(&*txn, &a, sheet, to, now).await? {
        txn.commit().await?;
        return Ok(Err(Refusal::Submitted));
    }
    let marks: Vec<Option<String>> = sheet.cells.iter().map(|(m, _)| m.map(Mark::code)).collect();
    audit(
        &*txn,
        now,
        reviewer,
        a.round_id,
        if submit {
            "sheet_submitted"
        } else {
            "sheet_saved"
        },
        serde_json::json!({
            "assignment": a.id, "marks": marks,
            "recommendation": sheet.recommendation.map(|r| r.code()),
            "declared": sheet.declared,
        }),
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(to))
}

/// Whether a user is assigned to review a subject (reviewers may read it).
pub async fn is_reviewer(
    db: &impl ConnectionTrait,
    kind: SubjectKind,
    subject_id: i64,
    user: i64,
) -> Result<bool, DbErr> {
    Ok(match model::round_of(db, kind, subject_id).await? {
        Some(r) => model::assignment_of(db, r.id, user).await?.is_some(),
        None => false,
    })
}

/// A reviewer's own sheet with its round (`None`: no such assignment, or not theirs —
/// answered alike).
pub async fn sheet_for(
    db: &impl ConnectionTrait,
    assignment_id: i64,
    reviewer: i64,
) -> Result<Option<(Assignment, Round, Sheet)>, DbErr> {
    let Some(a) = model::assignment(db, assignment_id).await? else {
        return Ok(None);
    };
    if a.reviewer_id != reviewer {
        return Ok(None);
    }
    let Some(r) = model::rounds_by_ids(db, &[a.round_id]).await?.pop() else {
        return Ok(None);
    };
    let cells = model::scores_of(db, &[a.id]).await?;
    let sheet = model::sheet_of(&a, &cells, r.criteria().len());
    Ok(Some((a, r, sheet)))
}

/// A reviewer's assignments with their rounds, newest first (two queries).
pub async fn my_assignments(
    db: &impl ConnectionTrait,
    reviewer: i64,
) -> Result<Vec<(Assignment, Round)>, DbErr> {
    let rows = model::of_reviewer(db, reviewer).await?;
    let ids: Vec<i64> = rows.iter().map(|a| a.round_id).collect();
    let rounds = model::rounds_by_ids(db, &ids).await?;
    Ok(rows
        .into_iter()
        .filter_map(|a| {
            let r = rounds.iter().find(|r| r.id == a.round_id)?.clone();
            Some((a, r))
        })
        .collect())
}

/// One reviewer on the organizer's board.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoardRow {
    /// The reviewer.
    pub reviewer_id: i64,
    /// Their name (shown to the organizer only).
    pub name: String,
    /// Their sheet's state.
    pub state: SheetState,
    /// Their weighted total in milli-points, once submitted.
    pub total: Option<i64>,
    /// Their recommendation, once submitted.
    pub recommendation: Option<Recommendation>,
}

/// The organizer's live view of a subject's review: submitted sheets only count.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Board {
    /// The rubric snapshot.
    pub criteria: Vec<Criterion>,
    /// Whether sheets may still change.
    pub open: bool,
    /// Per reviewer, in assignment order.
    pub rows: Vec<BoardRow>,
    /// Per criterion, the average of the submitted points (n/a left out), milli-points.
    pub averages: Vec<Option<i64>>,
    /// The mean of the submitted sheets' weighted totals, milli-points.
    pub total: Option<i64>,
    /// Recommendations of the submitted sheets.
    pub recs: RecCounts,
    /// Sheets submitted.
    pub submitted: usize,
}

impl Board {
    /// The reviewers who have not submitted yet, by name.
    pub fn missing(&self) -> Vec<&str> {
        self.rows
            .iter()
            .filter(|r| r.state != SheetState::Submitted)
            .map(|r| r.name.as_str())
            .collect()
    }
}

/// The boards of several subjects of a kind, by subject id, in four `IN` queries (rounds,
/// assignments, cells, names) whatever their number. Subjects never reviewed are absent.
pub async fn boards(
    db: &impl ConnectionTrait,
    kind: SubjectKind,
    subject_ids: &[i64],
) -> Result<HashMap<i64, Board>, DbErr> {
    let rounds = model::rounds_of(db, kind, subject_ids).await?;
    let round_ids: Vec<i64> = rounds.iter().map(|r| r.id).collect();
    let rows = model::assignments_of(db, &round_ids).await?;
    let submitted_ids: Vec<i64> = rows
        .iter()
        .filter(|a| a.sheet_state() == SheetState::Submitted)
        .map(|a| a.id)
        .collect();
    let cells = model::scores_of(db, &submitted_ids).await?;
    let mut users: Vec<i64> = rows.iter().map(|a| a.reviewer_id).collect();
    users.sort_unstable();
    users.dedup();
    let names: HashMap<i64, String> = crate::accounts::users_by_ids(db, &users)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect();
    let mut by_round: HashMap<i64, Vec<&Assignment>> = HashMap::new();
    for a in &rows {
        by_round.entry(a.round_id).or_default().push(a);
    }
    let mut cells_by: HashMap<i64, Vec<model::score::Model>> = HashMap::new();
    for c in cells {
        cells_by.entry(c.assignment_id).or_default().push(c);
    }
    let mut out = HashMap::new();
    for r in rounds {
        let criteria = r.criteria();
        let n = criteria.len();
        let mut board = Board {
            open: r.is_open(),
            ..Default::default()
        };
        let mut sheets = Vec::new();
        for a in by_round.get(&r.id).map(Vec::as_slice).unwrap_or_default() {
            let state = a.sheet_state();
            let sheet = (state == SheetState::Submitted).then(|| {
                model::sheet_of(
                    a,
                    cells_by.get(&a.id).map(Vec::as_slice).unwrap_or_default(),
                    n,
                )
            });
            let marks: Vec<Option<Mark>> = sheet
                .as_ref()
                .map(|s| s.cells.iter().map(|c| c.0).collect())
                .unwrap_or_default();
            board.rows.push(BoardRow {
                reviewer_id: a.reviewer_id,
                name: names.get(&a.reviewer_id).cloned().unwrap_or_default(),
                state,
                total: sheet
                    .as_ref()
                    .and_then(|_| rules::weighted_milli(&criteria, &marks)),
                recommendation: sheet.as_ref().and_then(|s| s.recommendation),
            });
            if let Some(s) = sheet {
                sheets.push(s);
            }
        }
        board.averages = (0..n)
            .map(|i| {
                let col: Vec<Option<Mark>> = sheets.iter().map(|s| s.cells[i].0).collect();
                rules::average_milli(&col)
            })
            .collect();
        let totals: Vec<i64> = board.rows.iter().filter_map(|r| r.total).collect();
        board.total = rules::mean_milli(&totals);
        board.recs = rules::count_recommendations(
            &sheets.iter().map(|s| s.recommendation).collect::<Vec<_>>(),
        );
        board.submitted = sheets.len();
        board.criteria = criteria;
        out.insert(r.subject_id, board);
    }
    Ok(out)
}
