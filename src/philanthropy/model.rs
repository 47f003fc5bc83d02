//! The `calls` entity and its single statements (no transaction of its own).

use sea_orm::entity::prelude::*;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, Condition, QueryOrder};

use super::rules::{CallDraft, CallState, Organizer, leagues_of, wrap_codes};

/// `calls`
pub mod call {
    use sea_orm::entity::prelude::*;

    /// A venture-philanthropy call.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "calls")]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// `OrganizerKind::code()`.
        pub organizer_kind: String,
        /// The unit's or organization's id.
        pub organizer_id: i64,
        /// Title.
        pub title: String,
        /// Theme.
        pub theme: String,
        /// Domain codes, `,a,b,`.
        pub domains: String,
        /// Eligible division codes, `,a,b,`.
        pub places: String,
        /// Leagues/cities of the places, `,a,b,` (the region code for the whole region).
        pub leagues: String,
        /// `Applicant` codes, `,a,b,`.
        pub applicants: String,
        /// Pool in fen.
        pub pool_fen: i64,
        /// Largest grant in fen.
        pub max_grant_fen: i64,
        /// Co-funding ratio in basis points.
        pub cofund_bp: i32,
        /// Window start, Unix seconds.
        pub opens_at: i64,
        /// Window end, Unix seconds.
        pub closes_at: i64,
        /// Reviewers per application.
        pub reviewers: i16,
        /// Rubric as JSON `[[name, weight], …]`.
        pub rubric: String,
        /// Tranches as JSON basis points.
        pub tranches: String,
        /// Report months as JSON.
        pub reports: String,
        /// Two stages.
        pub two_stage: bool,
        /// Sealed round.
        pub sealed: bool,
        /// `CallState::code()`.
        pub state: String,
        /// Why it was cancelled (public).
        pub cancel_reason: Option<String>,
        /// Who drafted it.
        pub created_by: i64,
        /// Unix seconds.
        pub created_at: i64,
        /// Unix seconds.
        pub updated_at: i64,
        /// Cap on a proposal's administrative share, basis points (none: the platform's).
        pub admin_cap_bp: Option<i32>,
        /// A two-stage call's full-proposal deadline, Unix seconds (none for one stage).
        pub full_closes_at: Option<i64>,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub use call::Model as Call;

fn fill(a: &mut call::ActiveModel, d: &CallDraft, now: i64) {
    a.organizer_kind = Set(d.organizer.kind.code().to_string());
    a.organizer_id = Set(d.organizer.id);
    a.title = Set(d.title.clone());
    a.theme = Set(d.theme.clone());
    a.domains = Set(wrap_codes(&d.domains));
    a.places = Set(wrap_codes(&d.places));
    a.leagues = Set(wrap_codes(&leagues_of(&d.places)));
    a.applicants = Set(wrap_codes(
        &d.applicants.iter().map(|x| x.code()).collect::<Vec<_>>(),
    ));
    a.pool_fen = Set(d.pool.0);
    a.max_grant_fen = Set(d.max_grant.0);
    a.cofund_bp = Set(d.cofund_bp);
    a.opens_at = Set(d.opens_at);
    a.closes_at = Set(d.closes_at);
    a.reviewers = Set(d.reviewers);
    a.rubric = Set(serde_json::to_string(&d.rubric).unwrap_or_else(|_| "[]".into()));
    a.tranches = Set(serde_json::to_string(&d.tranches).unwrap_or_else(|_| "[]".into()));
    a.reports = Set(serde_json::to_string(&d.reports).unwrap_or_else(|_| "[]".into()));
    a.two_stage = Set(d.two_stage);
    a.sealed = Set(d.sealed);
    a.admin_cap_bp = Set(d.admin_cap_bp);
    a.full_closes_at = Set(d.full_closes_at);
    a.updated_at = Set(now);
}

/// Inserts a draft.
pub async fn insert(
    db: &impl ConnectionTrait,
    d: &CallDraft,
    by: i64,
    now: i64,
) -> Result<i64, DbErr> {
    let mut a = call::ActiveModel {
        state: Set(CallState::Draft.code().to_string()),
        cancel_reason: Set(None),
        created_by: Set(by),
        created_at: Set(now),
        ..Default::default()
    };
    fill(&mut a, d, now);
    Ok(a.insert(db).await?.id)
}

/// Rewrites a draft's fields; false when the call is no longer a draft (nothing written).
pub async fn update_draft(
    db: &impl ConnectionTrait,
    id: i64,
    d: &CallDraft,
    now: i64,
) -> Result<bool, DbErr> {
    let mut a = call::ActiveModel {
        ..Default::default()
    };
    fill(&mut a, d, now);
    let r = call::Entity::update_many()
        .set(a)
        .filter(call::Column::Id.eq(id))
        .filter(call::Column::State.eq(CallState::Draft.code()))
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

/// Moves a call from one state to another with a conditional UPDATE (so two requests never
/// both act); true when this one did.
pub async fn set_state(
    db: &impl ConnectionTrait,
    id: i64,
    from: CallState,
    to: CallState,
    reason: Option<&str>,
    now: i64,
) -> Result<bool, DbErr> {
    let mut q = call::Entity::update_many()
        .col_expr(call::Column::State, Expr::value(to.code()))
        .col_expr(call::Column::UpdatedAt, Expr::value(now));
    if let Some(r) = reason {
        q = q.col_expr(call::Column::CancelReason, Expr::value(r));
    }
    let r = q
        .filter(call::Column::Id.eq(id))
        .filter(call::Column::State.eq(from.code()))
        .exec(db)
        .await?;
    Ok(r.rows_affected == 1)
}

/// One call.
pub async fn get(db: &impl ConnectionTrait, id: i64) -> Result<Option<Call>, DbErr> {
    call::Entity::find_by_id(id).one(db).await
}

/// Published calls whose window has ended by `now` (the closing job's work), oldest first.
pub async fn due_to_close(db: &impl ConnectionTrait, now: i64) -> Result<Vec<Call>, DbErr> {
    call::Entity::find()
        .filter(call::Column::State.eq(CallState::Published.code()))
        .filter(call::Column::ClosesAt.lte(now))
        .order_by_asc(call::Column::ClosesAt)
        .all(db)
        .await
}

/// Published calls still taking applications at `now` (the window open), optionally of a
/// domain and a league/city (a call for the whole region is in every league), closing
/// soonest first.
pub async fn open_calls(
    db: &impl ConnectionTrait,
    now: i64,
    domain: Option<&str>,
    league: Option<&str>,
) -> Result<Vec<Call>, DbErr> {
    let mut q = call::Entity::find()
        .filter(call::Column::State.eq(CallState::Published.code()))
        .filter(call::Column::OpensAt.lte(now))
        .filter(call::Column::ClosesAt.gt(now));
    if let Some(d) = domain {
        q = q.filter(call::Column::Domains.like(format!("%,{d},%")));
    }
    if let Some(l) = league {
        q = q.filter(
            Condition::any()
                .add(call::Column::Leagues.like(format!("%,{l},%")))
                .add(call::Column::Leagues.like(format!("%,{},%", crate::regions::REGION_CODE))),
        );
    }
    q.order_by_asc(call::Column::ClosesAt)
        .order_by_asc(call::Column::Id)
        .all(db)
        .await
}

/// Every call of these organizers, newest first.
pub async fn of_organizers(
    db: &impl ConnectionTrait,
    organizers: &[Organizer],
) -> Result<Vec<Call>, DbErr> {
    if organizers.is_empty() {
        return Ok(vec![]);
    }
    let mut cond = Condition::any();
    for o in organizers {
        cond = cond.add(
            Condition::all()
                .add(call::Column::OrganizerKind.eq(o.kind.code()))
                .add(call::Column::OrganizerId.eq(o.id)),
        );
    }
    call::Entity::find()
        .filter(cond)
        .order_by_desc(call::Column::Id)
        .all(db)
        .await
}

/// Calls' titles by id, in one query.
pub async fn titles_by_ids(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, String>, DbErr> {
    use sea_orm::QuerySelect;
    if ids.is_empty() {
        return Ok(Default::default());
    }
    Ok(call::Entity::find()
        .select_only()
        .column(call::Column::Id)
        .column(call::Column::Title)
        .filter(call::Column::Id.is_in(ids.iter().copied()))
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}
