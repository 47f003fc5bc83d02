//! Recognition entities (rounds, nominations, objections) and their queries and
//! single-statement writes; transactions are opened in `recognition.rs`.

use sea_orm::entity::prelude::*;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, QueryOrder, QuerySelect};

use super::recognition_rules::{Level, NominationDraft, NominationState, RoundDraft, RoundState};

/// `recognition_rounds`
pub mod round {
    use sea_orm::entity::prelude::*;

    /// A recognition round (品牌项目认定).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "recognition_rounds")]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// The year recognized.
        pub year: i32,
        /// `Level` code.
        pub level: String,
        /// The region's or the league/city's division code.
        pub division_code: String,
        /// Title.
        pub title: String,
        /// Nomination window start (Unix seconds).
        pub opens_at: i64,
        /// Nomination window end (exclusive).
        pub closes_at: i64,
        /// Lowest rating grade (0: none needed).
        pub min_grade: i16,
        /// Clean credit needed.
        pub clean_credit: bool,
        /// Years running needed.
        pub min_years: i32,
        /// Rubric JSON: `[[name, weight], …]`.
        pub rubric: String,
        /// Reviewers JSON: `[user id, …]`.
        #[serde(skip)]
        pub reviewers: String,
        /// The most recognitions this year at this level and division (none: no cap).
        pub max_recognitions: Option<i32>,
        /// Public notice in days.
        pub notice_days: i32,
        /// `RoundState` code.
        pub state: String,
        /// When the notice started.
        pub notice_starts_at: Option<i64>,
        /// When the notice ends (objections taken before).
        pub notice_ends_at: Option<i64>,
        /// When the shortlist was recognized.
        pub recognized_at: Option<i64>,
        /// Who opened it.
        #[serde(skip)]
        pub created_by: Option<i64>,
        /// Unix seconds.
        pub created_at: i64,
        /// Unix seconds.
        pub updated_at: i64,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `brand_nominations`
pub mod nomination {
    use sea_orm::entity::prelude::*;

    /// A brand nominated to a round.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "brand_nominations")]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// Round.
        pub round_id: i64,
        /// Brand.
        pub brand_id: i64,
        /// The brand's organization.
        pub org_id: i64,
        /// The nominating unit, when a unit nominated.
        pub unit_id: Option<i64>,
        /// Who nominated.
        #[serde(skip)]
        pub nominated_by: Option<i64>,
        /// Why this brand.
        pub statement: String,
        /// `NominationState` code.
        pub state: String,
        /// The screening note.
        pub note: String,
        /// Mean review total in milli-points, frozen at the shortlist.
        pub total_milli: Option<i64>,
        /// Rank at the shortlist.
        pub rank: Option<i32>,
        /// Certificate number once recognized.
        pub certificate_no: Option<String>,
        /// Unix seconds.
        pub created_at: i64,
        /// Unix seconds.
        pub updated_at: i64,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `brand_objections`
pub mod objection {
    use sea_orm::entity::prelude::*;

    /// An objection during a round's public notice.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "brand_objections")]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// The nomination objected to.
        pub nomination_id: i64,
        /// Its round.
        pub round_id: i64,
        /// Who objected (shown to regulators only).
        #[serde(skip)]
        pub user_id: i64,
        /// The reasons.
        pub reasons: String,
        /// The regulator's answer.
        pub answer: Option<String>,
        /// Whether the objection was upheld.
        pub upheld: Option<bool>,
        /// Who answered.
        #[serde(skip)]
        pub answered_by: Option<i64>,
        /// When answered.
        pub answered_at: Option<i64>,
        /// Unix seconds.
        pub created_at: i64,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub use nomination::Model as Nomination;
pub use objection::Model as Objection;
pub use round::Model as Round;

impl Round {
    /// The round's state (an unknown code reads as finished, so nothing acts on it).
    pub fn state(&self) -> RoundState {
        RoundState::parse(&self.state).unwrap_or(RoundState::Recognized)
    }

    /// The round's level.
    pub fn level(&self) -> Level {
        Level::parse(&self.level).unwrap_or(Level::Region)
    }

    /// The rubric as names and weights.
    pub fn rubric(&self) -> Vec<(String, i16)> {
        serde_json::from_str(&self.rubric).unwrap_or_default()
    }

    /// The reviewers' user ids.
    pub fn reviewer_ids(&self) -> Vec<i64> {
        serde_json::from_str(&self.reviewers).unwrap_or_default()
    }

    /// Its eligibility rules.
    pub fn eligibility(&self) -> super::recognition_rules::Eligibility {
        super::recognition_rules::Eligibility {
            min_grade: self.min_grade,
            clean_credit: self.clean_credit,
            min_years: self.min_years,
        }
    }
}

impl Nomination {
    /// The nomination's state (an unknown code reads as refused: nothing counts it).
    pub fn state(&self) -> NominationState {
        NominationState::parse(&self.state).unwrap_or(NominationState::Refused)
    }
}

/// One round.
pub async fn round(db: &impl ConnectionTrait, id: i64) -> Result<Option<Round>, DbErr> {
    round::Entity::find_by_id(id).one(db).await
}

/// Every round, newest year first.
pub async fn rounds(db: &impl ConnectionTrait) -> Result<Vec<Round>, DbErr> {
    round::Entity::find()
        .order_by_desc(round::Column::Year)
        .order_by_desc(round::Column::Id)
        .all(db)
        .await
}

/// Takes a round's turn for the rest of the transaction (PostgreSQL row lock by an update;
/// SQLite writers take turns anyway); `false` when it does not exist.
pub async fn lock_round(db: &impl ConnectionTrait, id: i64, now: i64) -> Result<bool, DbErr> {
    let r = round::Entity::update_many()
        .col_expr(round::Column::UpdatedAt, Expr::value(now))
        .filter(round::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

/// Inserts a round.
pub async fn insert_round(
    db: &impl ConnectionTrait,
    d: &RoundDraft,
    by: i64,
    now: i64,
) -> Result<i64, DbErr> {
    let r = round::ActiveModel {
        year: Set(d.year),
        level: Set(d.level.code().to_string()),
        division_code: Set(d.division.clone()),
        title: Set(d.title.clone()),
        opens_at: Set(d.opens_at),
        closes_at: Set(d.closes_at),
        min_grade: Set(d.rules.min_grade),
        clean_credit: Set(d.rules.clean_credit),
        min_years: Set(d.rules.min_years),
        rubric: Set(serde_json::to_string(&d.rubric).unwrap_or_else(|_| "[]".into())),
        reviewers: Set(serde_json::to_string(&d.reviewers).unwrap_or_else(|_| "[]".into())),
        max_recognitions: Set(d.max_recognitions),
        notice_days: Set(d.notice_days),
        state: Set(RoundState::Nominating.code().to_string()),
        notice_starts_at: Set(None),
        notice_ends_at: Set(None),
        recognized_at: Set(None),
        created_by: Set(Some(by)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(r.id)
}

/// Moves a round from one state to another (a conditional update: `false` when it was no
/// longer in `from`), with the notice instants or the recognition instant when given.
pub async fn set_round_state(
    db: &impl ConnectionTrait,
    id: i64,
    from: RoundState,
    to: RoundState,
    notice: Option<(i64, i64)>,
    recognized_at: Option<i64>,
) -> Result<bool, DbErr> {
    let mut q = round::Entity::update_many()
        .col_expr(round::Column::State, Expr::value(to.code()))
        .filter(round::Column::Id.eq(id))
        .filter(round::Column::State.eq(from.code()));
    if let Some((s, e)) = notice {
        q = q
            .col_expr(round::Column::NoticeStartsAt, Expr::value(s))
            .col_expr(round::Column::NoticeEndsAt, Expr::value(e));
    }
    if let Some(t) = recognized_at {
        q = q.col_expr(round::Column::RecognizedAt, Expr::value(t));
    }
    Ok(q.exec(db).await?.rows_affected == 1)
}

/// One nomination.
pub async fn nomination(db: &impl ConnectionTrait, id: i64) -> Result<Option<Nomination>, DbErr> {
    nomination::Entity::find_by_id(id).one(db).await
}

/// A round's nominations, in nomination order.
pub async fn nominations_of(
    db: &impl ConnectionTrait,
    round_id: i64,
) -> Result<Vec<Nomination>, DbErr> {
    nomination::Entity::find()
        .filter(nomination::Column::RoundId.eq(round_id))
        .order_by_asc(nomination::Column::Id)
        .all(db)
        .await
}

/// A brand's nominations, oldest first.
pub async fn nominations_of_brand(
    db: &impl ConnectionTrait,
    brand_id: i64,
) -> Result<Vec<Nomination>, DbErr> {
    nomination::Entity::find()
        .filter(nomination::Column::BrandId.eq(brand_id))
        .order_by_asc(nomination::Column::Id)
        .all(db)
        .await
}

/// Whether a brand is already nominated in a round.
pub async fn is_nominated(
    db: &impl ConnectionTrait,
    round_id: i64,
    brand_id: i64,
) -> Result<bool, DbErr> {
    Ok(nomination::Entity::find()
        .filter(nomination::Column::RoundId.eq(round_id))
        .filter(nomination::Column::BrandId.eq(brand_id))
        .count(db)
        .await?
        > 0)
}

/// Inserts a nomination.
pub async fn insert_nomination(
    db: &impl ConnectionTrait,
    round_id: i64,
    org_id: i64,
    d: &NominationDraft,
    by: i64,
    now: i64,
) -> Result<i64, DbErr> {
    let n = nomination::ActiveModel {
        round_id: Set(round_id),
        brand_id: Set(d.brand),
        org_id: Set(org_id),
        unit_id: Set(d.unit),
        nominated_by: Set(Some(by)),
        statement: Set(d.statement.clone()),
        state: Set(NominationState::Nominated.code().to_string()),
        note: Set(String::new()),
        total_milli: Set(None),
        rank: Set(None),
        certificate_no: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(n.id)
}

/// Moves a nomination (a conditional update on its state), with what the step records.
#[derive(Debug, Default)]
pub struct NominationChange<'a> {
    /// The screening note.
    pub note: Option<&'a str>,
    /// Total and rank at the shortlist.
    pub ranked: Option<(Option<i64>, Option<i32>)>,
    /// Certificate number.
    pub certificate: Option<&'a str>,
}

/// Applies a nomination's move; `false` when it was no longer in `from`.
pub async fn set_nomination_state(
    db: &impl ConnectionTrait,
    id: i64,
    from: NominationState,
    to: NominationState,
    c: NominationChange<'_>,
    now: i64,
) -> Result<bool, DbErr> {
    let mut q = nomination::Entity::update_many()
        .col_expr(nomination::Column::State, Expr::value(to.code()))
        .col_expr(nomination::Column::UpdatedAt, Expr::value(now))
        .filter(nomination::Column::Id.eq(id))
        .filter(nomination::Column::State.eq(from.code()));
    if let Some(n) = c.note {
        q = q.col_expr(nomination::Column::Note, Expr::value(n));
    }
    if let Some((t, r)) = c.ranked {
        q = q
            .col_expr(nomination::Column::TotalMilli, Expr::value(t))
            .col_expr(nomination::Column::Rank, Expr::value(r));
    }
    if let Some(no) = c.certificate {
        q = q.col_expr(nomination::Column::CertificateNo, Expr::value(no));
    }
    Ok(q.exec(db).await?.rows_affected == 1)
}

/// Recognitions of a year at a level and division, across its rounds (the quota).
pub async fn recognized_count(
    db: &impl ConnectionTrait,
    year: i32,
    level: Level,
    division: &str,
) -> Result<i64, DbErr> {
    let ids: Vec<i64> = round::Entity::find()
        .select_only()
        .column(round::Column::Id)
        .filter(round::Column::Year.eq(year))
        .filter(round::Column::Level.eq(level.code()))
        .filter(round::Column::DivisionCode.eq(division))
        .into_tuple()
        .all(db)
        .await?;
    if ids.is_empty() {
        return Ok(0);
    }
    let n = nomination::Entity::find()
        .filter(nomination::Column::RoundId.is_in(ids))
        .filter(nomination::Column::State.eq(NominationState::Recognized.code()))
        .count(db)
        .await?;
    Ok(i64::try_from(n).unwrap_or(i64::MAX))
}

/// One recognized brand for the targets: the year, level, division, brand and certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecognizedRow {
    /// Round year.
    pub year: i32,
    /// Level.
    pub level: Level,
    /// Division code.
    pub division_code: String,
    /// Brand.
    pub brand_id: i64,
    /// Nomination.
    pub nomination_id: i64,
    /// Certificate number.
    pub certificate_no: Option<String>,
}

/// Every recognition, oldest year first, in two queries (rounds, recognized nominations)
/// whatever their number.
pub async fn recognized_all(db: &impl ConnectionTrait) -> Result<Vec<RecognizedRow>, DbErr> {
    let rounds: std::collections::HashMap<i64, Round> = round::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let mut out: Vec<RecognizedRow> = nomination::Entity::find()
        .filter(nomination::Column::State.eq(NominationState::Recognized.code()))
        .order_by_asc(nomination::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|n| {
            let r = rounds.get(&n.round_id)?;
            Some(RecognizedRow {
                year: r.year,
                level: r.level(),
                division_code: r.division_code.clone(),
                brand_id: n.brand_id,
                nomination_id: n.id,
                certificate_no: n.certificate_no,
            })
        })
        .collect();
    out.sort_by_key(|r| (r.year, r.nomination_id));
    Ok(out)
}

/// A round's objections, oldest first.
pub async fn objections_of(
    db: &impl ConnectionTrait,
    round_id: i64,
) -> Result<Vec<Objection>, DbErr> {
    objection::Entity::find()
        .filter(objection::Column::RoundId.eq(round_id))
        .order_by_asc(objection::Column::Id)
        .all(db)
        .await
}

/// One objection.
pub async fn objection(db: &impl ConnectionTrait, id: i64) -> Result<Option<Objection>, DbErr> {
    objection::Entity::find_by_id(id).one(db).await
}

/// Inserts an objection.
pub async fn insert_objection(
    db: &impl ConnectionTrait,
    n: &Nomination,
    user: i64,
    reasons: &str,
    now: i64,
) -> Result<i64, DbErr> {
    let o = objection::ActiveModel {
        nomination_id: Set(n.id),
        round_id: Set(n.round_id),
        user_id: Set(user),
        reasons: Set(reasons.to_string()),
        answer: Set(None),
        upheld: Set(None),
        answered_by: Set(None),
        answered_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(o.id)
}

/// Records the answer to an objection not yet answered; `false` when it already was.
pub async fn answer_objection(
    db: &impl ConnectionTrait,
    id: i64,
    answer: &str,
    upheld: bool,
    by: i64,
    now: i64,
) -> Result<bool, DbErr> {
    let r = objection::Entity::update_many()
        .col_expr(objection::Column::Answer, Expr::value(answer))
        .col_expr(objection::Column::Upheld, Expr::value(upheld))
        .col_expr(objection::Column::AnsweredBy, Expr::value(by))
        .col_expr(objection::Column::AnsweredAt, Expr::value(now))
        .filter(objection::Column::Id.eq(id))
        .filter(objection::Column::AnsweredAt.is_null())
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

/// The years each of these brands was recognized in (any level), ascending and without
/// repeats, in two queries whatever their number (search documents).
pub async fn recognized_years_of(
    db: &impl ConnectionTrait,
    brand_ids: &[i64],
) -> Result<std::collections::HashMap<i64, Vec<i32>>, DbErr> {
    let mut out: std::collections::HashMap<i64, Vec<i32>> = Default::default();
    if brand_ids.is_empty() {
        return Ok(out);
    }
    let noms: Vec<(i64, i64)> = nomination::Entity::find()
        .select_only()
        .columns([nomination::Column::BrandId, nomination::Column::RoundId])
        .filter(nomination::Column::State.eq(NominationState::Recognized.code()))
        .filter(nomination::Column::BrandId.is_in(brand_ids.iter().copied()))
        .into_tuple()
        .all(db)
        .await?;
    if noms.is_empty() {
        return Ok(out);
    }
    let mut round_ids: Vec<i64> = noms.iter().map(|(_, r)| *r).collect();
    round_ids.sort_unstable();
    round_ids.dedup();
    let years: std::collections::HashMap<i64, i32> = round::Entity::find()
        .select_only()
        .columns([round::Column::Id, round::Column::Year])
        .filter(round::Column::Id.is_in(round_ids))
        .into_tuple::<(i64, i32)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    for (brand, round) in noms {
        if let Some(y) = years.get(&round) {
            out.entry(brand).or_default().push(*y);
        }
    }
    for v in out.values_mut() {
        v.sort_unstable();
        v.dedup();
    }
    Ok(out)
}
