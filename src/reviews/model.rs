//! The `review_rounds`, `review_assignments` and `review_scores` entities and their single
//! statements (no transaction of their own: the operations in `mod.rs` combine them). Reads
//! for lists take many rounds at once (`IN` queries), never one query per row.

use sea_orm::entity::prelude::*;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, QueryOrder};

use super::rules::{Criterion, Mark, Recommendation, Sheet, SheetState, SubjectKind};

/// `review_rounds`
pub mod round {
    use sea_orm::entity::prelude::*;

    /// The review of one subject.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "review_rounds")]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// `SubjectKind::code()`.
        pub subject_kind: String,
        /// The subject's id in its room.
        pub subject_id: i64,
        /// The subject's title when review began.
        pub title: String,
        /// The subject's page.
        pub link: String,
        /// The rubric snapshot, JSON `[{name, weight}]`.
        pub rubric: String,
        /// Unix seconds.
        pub created_at: i64,
        /// Set while the subject is past review (sheets are then frozen).
        pub closed_at: Option<i64>,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `review_assignments`
pub mod assignment {
    use sea_orm::entity::prelude::*;

    /// A reviewer on a round, and the head of their sheet.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "review_assignments")]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// The round.
        pub round_id: i64,
        /// The reviewer (a user holding the evaluator role).
        pub reviewer_id: i64,
        /// `SheetState::code()`.
        pub state: String,
        /// `Recommendation::code()`, once chosen.
        pub recommendation: Option<String>,
        /// The no-conflict declaration.
        pub declared: bool,
        /// Unix seconds.
        pub assigned_at: i64,
        /// Last save, Unix seconds.
        pub saved_at: Option<i64>,
        /// Submission, Unix seconds.
        pub submitted_at: Option<i64>,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `review_scores`
pub mod score {
    use sea_orm::entity::prelude::*;

    /// One cell of a sheet.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "review_scores")]
    pub struct Model {
        /// The assignment (sheet).
        #[sea_orm(primary_key, auto_increment = false)]
        pub assignment_id: i64,
        /// The criterion's position in the rubric.
        #[sea_orm(primary_key, auto_increment = false)]
        pub criterion: i16,
        /// Points, when given.
        pub points: Option<i16>,
        /// Not applicable.
        pub na: bool,
        /// The comment.
        pub comment: String,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A review round.
pub type Round = round::Model;
/// A reviewer's assignment.
pub type Assignment = assignment::Model;

impl round::Model {
    /// The rubric snapshot (an unreadable one reads as empty).
    pub fn criteria(&self) -> Vec<Criterion> {
        serde_json::from_str(&self.rubric).unwrap_or_default()
    }

    /// Whether sheets may still change.
    pub fn is_open(&self) -> bool {
        self.closed_at.is_none()
    }
}

impl assignment::Model {
    /// The sheet's state (an unknown code reads as submitted: nothing changes it).
    pub fn sheet_state(&self) -> SheetState {
        SheetState::parse(&self.state).unwrap_or(SheetState::Submitted)
    }

    /// The recommendation, if chosen.
    pub fn rec(&self) -> Option<Recommendation> {
        self.recommendation
            .as_deref()
            .and_then(Recommendation::parse)
    }
}

/// The round of a subject.
pub async fn round_of(
    db: &impl ConnectionTrait,
    kind: SubjectKind,
    subject_id: i64,
) -> Result<Option<Round>, DbErr> {
    round::Entity::find()
        .filter(round::Column::SubjectKind.eq(kind.code()))
        .filter(round::Column::SubjectId.eq(subject_id))
        .one(db)
        .await
}

/// The rounds of several subjects of a kind, in one `IN` query.
pub async fn rounds_of(
    db: &impl ConnectionTrait,
    kind: SubjectKind,
    subject_ids: &[i64],
) -> Result<Vec<Round>, DbErr> {
    if subject_ids.is_empty() {
        return Ok(vec![]);
    }
    round::Entity::find()
        .filter(round::Column::SubjectKind.eq(kind.code()))
        .filter(round::Column::SubjectId.is_in(subject_ids.to_vec()))
        .all(db)
        .await
}

/// Rounds by id, in one `IN` query.
pub async fn rounds_by_ids(db: &impl ConnectionTrait, ids: &[i64]) -> Result<Vec<Round>, DbErr> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    round::Entity::find()
        .filter(round::Column::Id.is_in(ids.to_vec()))
        .all(db)
        .await
}

/// Inserts a round.
pub async fn insert_round(
    db: &impl ConnectionTrait,
    kind: SubjectKind,
    subject_id: i64,
    title: &str,
    link: &str,
    rubric: &[Criterion],
    now: i64,
) -> Result<i64, DbErr> {
    let r = round::ActiveModel {
        subject_kind: Set(kind.code().to_string()),
        subject_id: Set(subject_id),
        title: Set(title.to_string()),
        link: Set(link.to_string()),
        rubric: Set(serde_json::to_string(rubric).unwrap_or_else(|_| "[]".into())),
        created_at: Set(now),
        closed_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(r.id)
}

/// Opens (`None`) or closes a round; `false` when it already was so.
pub async fn set_closed(
    db: &impl ConnectionTrait,
    round_id: i64,
    closed: Option<i64>,
) -> Result<bool, DbErr> {
    let q = round::Entity::update_many()
        .col_expr(round::Column::ClosedAt, Expr::value(closed))
        .filter(round::Column::Id.eq(round_id));
    let q = if closed.is_some() {
        q.filter(round::Column::ClosedAt.is_null())
    } else {
        q.filter(round::Column::ClosedAt.is_not_null())
    };
    Ok(q.exec(db).await?.rows_affected == 1)
}

/// Takes an open round's row lock (`false`: closed or gone). Saving a sheet and closing the
/// round both write the row, so a save cannot slip in after the decision to close.
pub async fn lock_open(db: &impl ConnectionTrait, round_id: i64) -> Result<bool, DbErr> {
    Ok(round::Entity::update_many()
        .col_expr(
            round::Column::CreatedAt,
            Expr::col(round::Column::CreatedAt),
        )
        .filter(round::Column::Id.eq(round_id))
        .filter(round::Column::ClosedAt.is_null())
        .exec(db)
        .await?
        .rows_affected
        == 1)
}

/// The assignments of several rounds, in one `IN` query, in assignment order.
pub async fn assignments_of(
    db: &impl ConnectionTrait,
    round_ids: &[i64],
) -> Result<Vec<Assignment>, DbErr> {
    if round_ids.is_empty() {
        return Ok(vec![]);
    }
    assignment::Entity::find()
        .filter(assignment::Column::RoundId.is_in(round_ids.to_vec()))
        .order_by_asc(assignment::Column::Id)
        .all(db)
        .await
}

/// One assignment.
pub async fn assignment(db: &impl ConnectionTrait, id: i64) -> Result<Option<Assignment>, DbErr> {
    assignment::Entity::find_by_id(id).one(db).await
}

/// A reviewer's assignment on a round.
pub async fn assignment_of(
    db: &impl ConnectionTrait,
    round_id: i64,
    reviewer: i64,
) -> Result<Option<Assignment>, DbErr> {
    assignment::Entity::find()
        .filter(assignment::Column::RoundId.eq(round_id))
        .filter(assignment::Column::ReviewerId.eq(reviewer))
        .one(db)
        .await
}

/// A reviewer's assignments, newest first.
pub async fn of_reviewer(
    db: &impl ConnectionTrait,
    reviewer: i64,
) -> Result<Vec<Assignment>, DbErr> {
    assignment::Entity::find()
        .filter(assignment::Column::ReviewerId.eq(reviewer))
        .order_by_desc(assignment::Column::Id)
        .all(db)
        .await
}

/// Inserts an assignment with an empty sheet.
pub async fn insert_assignment(
    db: &impl ConnectionTrait,
    round_id: i64,
    reviewer: i64,
    now: i64,
) -> Result<i64, DbErr> {
    let a = assignment::ActiveModel {
        round_id: Set(round_id),
        reviewer_id: Set(reviewer),
        state: Set(SheetState::Assigned.code().to_string()),
        recommendation: Set(None),
        declared: Set(false),
        assigned_at: Set(now),
        saved_at: Set(None),
        submitted_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(a.id)
}

/// Deletes an assignment and its cells (`false`: it was gone).
pub async fn delete_assignment(db: &impl ConnectionTrait, id: i64) -> Result<bool, DbErr> {
    score::Entity::delete_many()
        .filter(score::Column::AssignmentId.eq(id))
        .exec(db)
        .await?;
    Ok(assignment::Entity::delete_by_id(id)
        .exec(db)
        .await?
        .rows_affected
        == 1)
}

/// The cells of several sheets, in one `IN` query.
pub async fn scores_of(
    db: &impl ConnectionTrait,
    assignment_ids: &[i64],
) -> Result<Vec<score::Model>, DbErr> {
    if assignment_ids.is_empty() {
        return Ok(vec![]);
    }
    score::Entity::find()
        .filter(score::Column::AssignmentId.is_in(assignment_ids.to_vec()))
        .order_by_asc(score::Column::Criterion)
        .all(db)
        .await
}

/// A sheet as saved, for a rubric of `n` criteria.
pub fn sheet_of(a: &Assignment, cells: &[score::Model], n: usize) -> Sheet {
    Sheet {
        cells: (0..n)
            .map(|i| {
                let c = cells
                    .iter()
                    .find(|c| c.assignment_id == a.id && c.criterion as usize == i);
                let mark = c.and_then(|c| {
                    if c.na {
                        Some(Mark::NotApplicable)
                    } else {
                        c.points.map(Mark::Points)
                    }
                });
                (mark, c.map(|c| c.comment.clone()).unwrap_or_default())
            })
            .collect(),
        recommendation: a.rec(),
        declared: a.declared,
    }
}

/// Rewrites a sheet not yet submitted: its head (conditional on the old state, `false` when
/// it changed meanwhile) and its cells.
pub async fn write_sheet(
    db: &impl ConnectionTrait,
    a: &Assignment,
    sheet: &Sheet,
    to: SheetState,
    now: i64,
) -> Result<bool, DbErr> {
    let n = assignment::Entity::update_many()
        .col_expr(assignment::Column::State, Expr::value(to.code()))
        .col_expr(
            assignment::Column::Recommendation,
            Expr::value(sheet.recommendation.map(|r| r.code().to_string())),
        )
        .col_expr(assignment::Column::Declared, Expr::value(sheet.declared))
        .col_expr(assignment::Column::SavedAt, Expr::value(Some(now)))
        .col_expr(
            assignment::Column::SubmittedAt,
            Expr::value((to == SheetState::Submitted).then_some(now)),
        )
        .filter(assignment::Column::Id.eq(a.id))
        .filter(assignment::Column::State.eq(a.state.clone()))
        .exec(db)
        .await?
        .rows_affected;
    if n != 1 {
        return Ok(false);
    }
    score::Entity::delete_many()
        .filter(score::Column::AssignmentId.eq(a.id))
        .exec(db)
        .await?;
    for (i, (mark, comment)) in sheet.cells.iter().enumerate() {
        if mark.is_none() && comment.is_empty() {
            continue;
        }
        score::ActiveModel {
            assignment_id: Set(a.id),
            criterion: Set(i as i16),
            points: Set(mark.and_then(Mark::points)),
            na: Set(*mark == Some(Mark::NotApplicable)),
            comment: Set(comment.clone()),
        }
        .insert(db)
        .await?;
    }
    Ok(true)
}
