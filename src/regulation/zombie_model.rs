//! The `zombie_cases` entity and its single statements; the criteria read from the rules
//! table (list `zombie`). Transactions are opened by `zombie.rs`.

use sea_orm::entity::prelude::*;
use sea_orm::{ActiveValue::Set, QueryOrder, QuerySelect};

use super::credit_model::credit_rule;
use super::zombie_rules::{Criterion, ZombieRule, ZombieState, criteria_code, parse_criteria};

/// `zombie_cases`
pub mod zombie_case {
    use sea_orm::entity::prelude::*;

    /// One zombie case.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "zombie_cases")]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// The organization.
        pub org_id: i64,
        /// The organization while the case is open (unique), NULL once closed.
        pub open_org: Option<i64>,
        /// Criteria met when opened, codes joined by commas.
        pub criteria: String,
        /// `ZombieState` code.
        pub state: String,
        /// The criteria's legal bases when opened.
        pub legal_basis: String,
        /// Written notice given.
        pub noticed_at: i64,
        /// End of the objection period.
        pub objection_due: i64,
        /// The organization's objection.
        pub objection_text: Option<String>,
        /// Who objected.
        pub objected_by: Option<i64>,
        /// When.
        pub objected_at: Option<i64>,
        /// The regulator's reasons for the outcome.
        pub outcome_text: Option<String>,
        /// Who decided.
        pub decided_by: Option<i64>,
        /// When.
        pub decided_at: Option<i64>,
        /// The regulator who ran the detection on demand (none: the daily job).
        pub opened_by: Option<i64>,
        /// Unix seconds.
        pub updated_at: i64,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub use zombie_case::Model as ZombieCase;

impl ZombieCase {
    /// The stored state (an unknown code reads as rectified: closed, acted on by no one).
    pub fn state(&self) -> ZombieState {
        ZombieState::parse(&self.state).unwrap_or(ZombieState::Rectified)
    }

    /// The criteria met when opened.
    pub fn criteria(&self) -> Vec<Criterion> {
        parse_criteria(&self.criteria)
    }
}

/// The zombie criteria as stored, in id order.
pub async fn rules(db: &impl ConnectionTrait) -> Result<Vec<ZombieRule>, DbErr> {
    let rows = credit_rule::Entity::find()
        .filter(credit_rule::Column::List.eq("zombie"))
        .order_by_asc(credit_rule::Column::Id)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(ZombieRule {
                criterion: Criterion::parse(&r.code)?,
                legal_basis: r.legal_basis,
                threshold: r.threshold,
                window_days: r.window_days,
                enabled: r.enabled,
            })
        })
        .collect())
}

/// The organizations among these with an open case, in one query.
pub async fn open_among(db: &impl ConnectionTrait, ids: &[i64]) -> Result<Vec<i64>, DbErr> {
    zombie_case::Entity::find()
        .select_only()
        .column(zombie_case::Column::OrgId)
        .filter(zombie_case::Column::OpenOrg.is_in(ids.iter().copied()))
        .into_tuple()
        .all(db)
        .await
}

/// Opens a case (the unique index refuses a second open one).
#[allow(clippy::too_many_arguments)]
pub async fn insert(
    db: &impl ConnectionTrait,
    org_id: i64,
    criteria: &[Criterion],
    legal_basis: &str,
    due: i64,
    opened_by: Option<i64>,
    now: i64,
) -> Result<ZombieCase, DbErr> {
    zombie_case::ActiveModel {
        org_id: Set(org_id),
        open_org: Set(Some(org_id)),
        criteria: Set(criteria_code(criteria)),
        state: Set(ZombieState::Noticed.code().to_string()),
        legal_basis: Set(legal_basis.to_string()),
        noticed_at: Set(now),
        objection_due: Set(due),
        opened_by: Set(opened_by),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Moves a case from `from` (conditional update); `false` when it was not in `from`.
pub async fn move_case(
    db: &impl ConnectionTrait,
    id: i64,
    from: ZombieState,
    mut am: zombie_case::ActiveModel,
) -> Result<bool, DbErr> {
    am.id = sea_orm::ActiveValue::NotSet;
    let res = zombie_case::Entity::update_many()
        .set(am)
        .filter(zombie_case::Column::Id.eq(id))
        .filter(zombie_case::Column::State.eq(from.code()))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// One case of one organization.
pub async fn case_of(
    db: &impl ConnectionTrait,
    org_id: i64,
    id: i64,
) -> Result<Option<ZombieCase>, DbErr> {
    zombie_case::Entity::find_by_id(id)
        .filter(zombie_case::Column::OrgId.eq(org_id))
        .one(db)
        .await
}

/// An organization's cases, newest first.
pub async fn cases_of(db: &impl ConnectionTrait, org_id: i64) -> Result<Vec<ZombieCase>, DbErr> {
    zombie_case::Entity::find()
        .filter(zombie_case::Column::OrgId.eq(org_id))
        .order_by_desc(zombie_case::Column::Id)
        .all(db)
        .await
}

/// The regulators' queue: open cases first (oldest notice first), then the latest closed,
/// at most `limit`.
pub async fn queue(db: &impl ConnectionTrait, limit: u64) -> Result<Vec<ZombieCase>, DbErr> {
    let mut open = zombie_case::Entity::find()
        .filter(zombie_case::Column::OpenOrg.is_not_null())
        .order_by_asc(zombie_case::Column::NoticedAt)
        .order_by_asc(zombie_case::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    let closed = zombie_case::Entity::find()
        .filter(zombie_case::Column::OpenOrg.is_null())
        .order_by_desc(zombie_case::Column::UpdatedAt)
        .order_by_desc(zombie_case::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    open.extend(closed);
    Ok(open)
}

/// The organizations whose registration ended by a case, with the case (public), newest
/// first, at most `limit`.
pub async fn ended(db: &impl ConnectionTrait, limit: u64) -> Result<Vec<ZombieCase>, DbErr> {
    zombie_case::Entity::find()
        .filter(zombie_case::Column::State.is_in([
            ZombieState::Revoked.code(),
            ZombieState::Deregistered.code(),
        ]))
        .order_by_desc(zombie_case::Column::DecidedAt)
        .order_by_desc(zombie_case::Column::Id)
        .limit(limit)
        .all(db)
        .await
}

/// The number of cases in each state, and of noticed cases whose objection period is over
/// at `now` (waiting for the regulator's decision): the regulators' workspace. Two grouped
/// queries.
pub async fn counts(
    db: &impl ConnectionTrait,
    now: i64,
) -> Result<(Vec<(ZombieState, i64)>, i64), DbErr> {
    let rows: Vec<(String, i64)> = zombie_case::Entity::find()
        .select_only()
        .column(zombie_case::Column::State)
        .column_as(zombie_case::Column::Id.count(), "n")
        .group_by(zombie_case::Column::State)
        .into_tuple()
        .all(db)
        .await?;
    let by_state = ZombieState::ALL
        .iter()
        .map(|s| {
            let n = rows
                .iter()
                .filter(|(c, _)| c == s.code())
                .map(|(_, n)| *n)
                .sum();
            (*s, n)
        })
        .collect();
    let waiting = zombie_case::Entity::find()
        .filter(zombie_case::Column::State.eq(ZombieState::Noticed.code()))
        .filter(zombie_case::Column::ObjectionDue.lt(now))
        .count(db)
        .await?;
    Ok((by_state, i64::try_from(waiting).unwrap_or(i64::MAX)))
}
