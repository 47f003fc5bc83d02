//! The `grants`, `grant_tranches`, `grant_reports` and `grant_amendments` entities and their
//! single statements (no transaction of their own: the operations in `grants.rs` combine
//! them).

use sea_orm::entity::prelude::*;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveValue::Set, QueryOrder, QuerySelect};

use super::grant_rules::{AmendmentState, GrantState, ReportDraft, ReportState};

/// `grants`
pub mod grant {
    use sea_orm::entity::prelude::*;

    /// A grant agreement made from an approved proposal.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "grants")]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// The approved proposal (one grant each).
        pub proposal_id: i64,
        /// Its call.
        pub call_id: i64,
        /// `OrganizerKind::code()` of the call's organizer.
        pub organizer_kind: String,
        /// The organizer's unit or organization id.
        pub organizer_id: i64,
        /// The recipient organization, if a registered one applied.
        pub org_id: Option<i64>,
        /// The user who applied.
        pub applicant_id: i64,
        /// The recipient's name.
        pub recipient_name: String,
        /// The recipient's USCC.
        pub recipient_uscc: Option<String>,
        /// The project's title.
        pub title: String,
        /// The project's plan.
        pub description: String,
        /// Division code of the project's place.
        pub place: String,
        /// Its league/city code.
        pub league: String,
        /// Amount in fen (the approved amount).
        pub amount_fen: i64,
        /// Planned outcomes as JSON `[{indicator, target}]`.
        pub outcomes: String,
        /// Budget lines as JSON `[{category, item, amount}]`.
        pub budget: String,
        /// `GrantState::code()`.
        pub state: String,
        /// Who signed for the organizer.
        pub organizer_signed_by: Option<i64>,
        /// When.
        pub organizer_signed_at: Option<i64>,
        /// Who signed for the recipient.
        pub recipient_signed_by: Option<i64>,
        /// When.
        pub recipient_signed_at: Option<i64>,
        /// Start, Unix seconds (when drawn up).
        pub starts_at: i64,
        /// End, Unix seconds (the final report's due instant).
        pub ends_at: i64,
        /// Completion rating 1–5.
        pub rating: Option<i16>,
        /// Unix seconds.
        pub completed_at: Option<i64>,
        /// When the organizer terminated it early, Unix seconds.
        pub terminated_at: Option<i64>,
        /// The organizer's reason for terminating it.
        pub termination_reason: Option<String>,
        /// Who drew it up.
        pub created_by: i64,
        /// Unix seconds.
        pub created_at: i64,
        /// Unix seconds.
        pub updated_at: i64,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}

    impl Model {
        /// Its state (an unreadable code reads as terminated: nothing acts on it).
        pub fn state(&self) -> super::GrantState {
            super::GrantState::parse(&self.state).unwrap_or(super::GrantState::Terminated)
        }
    }
}

/// `grant_tranches`
pub mod tranche {
    use sea_orm::entity::prelude::*;

    /// One tranche of a grant.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "grant_tranches")]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// Grant.
        pub grant_id: i64,
        /// 1, 2, … in payment order.
        pub number: i32,
        /// Amount in fen.
        pub amount_fen: i64,
        /// The day paid, `YYYY-MM-DD`.
        pub paid_on: Option<String>,
        /// Bank reference.
        pub reference: Option<String>,
        /// Who recorded the payment.
        pub recorded_by: Option<i64>,
        /// When, Unix seconds.
        pub recorded_at: Option<i64>,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `grant_reports`
pub mod report {
    use sea_orm::entity::prelude::*;

    /// One report due under a grant.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "grant_reports")]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// Grant.
        pub grant_id: i64,
        /// 1, 2, … by due date.
        pub number: i32,
        /// The last one: outcomes achieved against planned.
        pub is_final: bool,
        /// Due, Unix seconds (end of the day).
        pub due_at: i64,
        /// `ReportState::code()`.
        pub state: String,
        /// What was done.
        pub narrative: Option<String>,
        /// Spending so far in fen.
        pub spent_fen: Option<i64>,
        /// Achieved per planned outcome, JSON numbers.
        pub achieved: Option<String>,
        /// Why it was returned.
        pub reason: Option<String>,
        /// Who submitted it.
        pub submitted_by: Option<i64>,
        /// When.
        pub submitted_at: Option<i64>,
        /// Who reviewed it.
        pub reviewed_by: Option<i64>,
        /// When.
        pub reviewed_at: Option<i64>,
        /// The reminder before the due date was sent.
        pub reminded_before: bool,
        /// The reminder after the due date was sent.
        pub reminded_after: bool,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}

    impl Model {
        /// Its state (an unreadable code reads as due).
        pub fn state(&self) -> super::ReportState {
            super::ReportState::parse(&self.state).unwrap_or(super::ReportState::Due)
        }
    }
}

/// `grant_amendments`
pub mod amendment {
    use sea_orm::entity::prelude::*;

    /// An amendment asked for a grant.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "grant_amendments")]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// Grant.
        pub grant_id: i64,
        /// `AmendmentKind::code()`.
        pub kind: String,
        /// `AmendmentState::code()`.
        pub state: String,
        /// For an extension: the new end.
        pub new_ends_at: Option<i64>,
        /// For a budget revision: the lines as JSON.
        pub budget: Option<String>,
        /// Why it was asked.
        pub reason: String,
        /// The organizer's reason.
        pub decision: Option<String>,
        /// Who asked.
        pub requested_by: i64,
        /// When.
        pub requested_at: i64,
        /// Who decided.
        pub decided_by: Option<i64>,
        /// When.
        pub decided_at: Option<i64>,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub use amendment::Model as Amendment;
pub use grant::Model as Grant;
pub use report::Model as Report;
pub use tranche::Model as Tranche;

/// One grant.
pub async fn get(db: &impl ConnectionTrait, id: i64) -> Result<Option<Grant>, DbErr> {
    grant::Entity::find_by_id(id).one(db).await
}

/// The grant made from a proposal, if any.
pub async fn of_proposal(
    db: &impl ConnectionTrait,
    proposal_id: i64,
) -> Result<Option<Grant>, DbErr> {
    grant::Entity::find()
        .filter(grant::Column::ProposalId.eq(proposal_id))
        .one(db)
        .await
}

/// Every grant, oldest first.
pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<Grant>, DbErr> {
    grant::Entity::find()
        .order_by_asc(grant::Column::Id)
        .all(db)
        .await
}

/// The grants of a recipient user or organizations, newest first.
pub async fn of_recipient(
    db: &impl ConnectionTrait,
    user: i64,
    orgs: &[i64],
) -> Result<Vec<Grant>, DbErr> {
    let mut c = sea_orm::Condition::any().add(grant::Column::ApplicantId.eq(user));
    if !orgs.is_empty() {
        c = c.add(grant::Column::OrgId.is_in(orgs.iter().copied()));
    }
    grant::Entity::find()
        .filter(c)
        .order_by_desc(grant::Column::Id)
        .all(db)
        .await
}

/// The grants of calls run by these organizers (`(kind code, id)`), newest first.
pub async fn of_organizers(
    db: &impl ConnectionTrait,
    organizers: &[(&str, i64)],
) -> Result<Vec<Grant>, DbErr> {
    if organizers.is_empty() {
        return Ok(vec![]);
    }
    let mut c = sea_orm::Condition::any();
    for (k, id) in organizers {
        c = c.add(
            sea_orm::Condition::all()
                .add(grant::Column::OrganizerKind.eq(*k))
                .add(grant::Column::OrganizerId.eq(*id)),
        );
    }
    grant::Entity::find()
        .filter(c)
        .order_by_desc(grant::Column::Id)
        .all(db)
        .await
}

/// The completed grants of an organization with a rating, newest first.
pub async fn rated_of_org(db: &impl ConnectionTrait, org: i64) -> Result<Vec<Grant>, DbErr> {
    grant::Entity::find()
        .filter(grant::Column::OrgId.eq(org))
        .filter(grant::Column::State.eq(GrantState::Completed.code()))
        .order_by_desc(grant::Column::CompletedAt)
        .all(db)
        .await
}

/// What a new grant row holds.
#[derive(Debug, Clone)]
pub struct NewGrant {
    /// Proposal.
    pub proposal_id: i64,
    /// Call.
    pub call_id: i64,
    /// Organizer kind code.
    pub organizer_kind: String,
    /// Organizer id.
    pub organizer_id: i64,
    /// Recipient organization.
    pub org_id: Option<i64>,
    /// Applicant user.
    pub applicant_id: i64,
    /// Recipient name.
    pub recipient_name: String,
    /// Recipient USCC.
    pub recipient_uscc: Option<String>,
    /// Title.
    pub title: String,
    /// Plan.
    pub description: String,
    /// Place.
    pub place: String,
    /// League/city.
    pub league: String,
    /// Amount.
    pub amount_fen: i64,
    /// Outcomes JSON.
    pub outcomes: String,
    /// Budget JSON.
    pub budget: String,
    /// Start.
    pub starts_at: i64,
    /// End.
    pub ends_at: i64,
}

/// Inserts a drafted grant.
pub async fn insert(
    db: &impl ConnectionTrait,
    g: NewGrant,
    by: i64,
    now: i64,
) -> Result<i64, DbErr> {
    let a = grant::ActiveModel {
        proposal_id: Set(g.proposal_id),
        call_id: Set(g.call_id),
        organizer_kind: Set(g.organizer_kind),
        organizer_id: Set(g.organizer_id),
        org_id: Set(g.org_id),
        applicant_id: Set(g.applicant_id),
        recipient_name: Set(g.recipient_name),
        recipient_uscc: Set(g.recipient_uscc),
        title: Set(g.title),
        description: Set(g.description),
        place: Set(g.place),
        league: Set(g.league),
        amount_fen: Set(g.amount_fen),
        outcomes: Set(g.outcomes),
        budget: Set(g.budget),
        state: Set(GrantState::Drafted.code().to_string()),
        organizer_signed_by: Set(None),
        organizer_signed_at: Set(None),
        recipient_signed_by: Set(None),
        recipient_signed_at: Set(None),
        starts_at: Set(g.starts_at),
        ends_at: Set(g.ends_at),
        rating: Set(None),
        completed_at: Set(None),
        terminated_at: Set(None),
        termination_reason: Set(None),
        created_by: Set(by),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    Ok(grant::Entity::insert(a).exec(db).await?.last_insert_id)
}

/// Records one side's signature and moves the state, if it is still `from`.
pub async fn sign(
    db: &impl ConnectionTrait,
    id: i64,
    from: GrantState,
    to: GrantState,
    organizer_side: bool,
    by: i64,
    now: i64,
) -> Result<bool, DbErr> {
    let (who, when) = if organizer_side {
        (
            grant::Column::OrganizerSignedBy,
            grant::Column::OrganizerSignedAt,
        )
    } else {
        (
            grant::Column::RecipientSignedBy,
            grant::Column::RecipientSignedAt,
        )
    };
    Ok(grant::Entity::update_many()
        .col_expr(grant::Column::State, Expr::value(to.code()))
        .col_expr(who, Expr::value(by))
        .col_expr(when, Expr::value(now))
        .col_expr(grant::Column::UpdatedAt, Expr::value(now))
        .filter(grant::Column::Id.eq(id))
        .filter(grant::Column::State.eq(from.code()))
        .exec(db)
        .await?
        .rows_affected
        == 1)
}

/// Completes an active grant with its rating.
pub async fn complete(
    db: &impl ConnectionTrait,
    id: i64,
    rating: i16,
    now: i64,
) -> Result<bool, DbErr> {
    Ok(grant::Entity::update_many()
        .col_expr(
            grant::Column::State,
            Expr::value(GrantState::Completed.code()),
        )
        .col_expr(grant::Column::Rating, Expr::value(rating))
        .col_expr(grant::Column::CompletedAt, Expr::value(now))
        .col_expr(grant::Column::UpdatedAt, Expr::value(now))
        .filter(grant::Column::Id.eq(id))
        .filter(grant::Column::State.eq(GrantState::Active.code()))
        .exec(db)
        .await?
        .rows_affected
        == 1)
}

/// Terminates a grant still in `from` early, with the organizer's reason.
pub async fn terminate(
    db: &impl ConnectionTrait,
    id: i64,
    from: GrantState,
    reason: &str,
    now: i64,
) -> Result<bool, DbErr> {
    Ok(grant::Entity::update_many()
        .col_expr(
            grant::Column::State,
            Expr::value(GrantState::Terminated.code()),
        )
        .col_expr(grant::Column::TerminatedAt, Expr::value(now))
        .col_expr(grant::Column::TerminationReason, Expr::value(reason))
        .col_expr(grant::Column::UpdatedAt, Expr::value(now))
        .filter(grant::Column::Id.eq(id))
        .filter(grant::Column::State.eq(from.code()))
        .exec(db)
        .await?
        .rows_affected
        == 1)
}

/// Takes the grant's turn while it is in `state` (a write that changes nothing but orders
/// concurrent payments, reports and amendments of one grant); false otherwise.
pub async fn lock(db: &impl ConnectionTrait, id: i64, state: GrantState) -> Result<bool, DbErr> {
    Ok(grant::Entity::update_many()
        .col_expr(
            grant::Column::UpdatedAt,
            Expr::col(grant::Column::UpdatedAt),
        )
        .filter(grant::Column::Id.eq(id))
        .filter(grant::Column::State.eq(state.code()))
        .exec(db)
        .await?
        .rows_affected
        == 1)
}

/// Sets the end (an approved extension).
pub async fn set_end(db: &impl ConnectionTrait, id: i64, end: i64, now: i64) -> Result<(), DbErr> {
    grant::Entity::update_many()
        .col_expr(grant::Column::EndsAt, Expr::value(end))
        .col_expr(grant::Column::UpdatedAt, Expr::value(now))
        .filter(grant::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Sets the budget (an approved revision).
pub async fn set_budget(
    db: &impl ConnectionTrait,
    id: i64,
    budget: &str,
    now: i64,
) -> Result<(), DbErr> {
    grant::Entity::update_many()
        .col_expr(grant::Column::Budget, Expr::value(budget))
        .col_expr(grant::Column::UpdatedAt, Expr::value(now))
        .filter(grant::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Inserts the tranches, numbered from 1.
pub async fn insert_tranches(
    db: &impl ConnectionTrait,
    grant_id: i64,
    amounts: &[i64],
) -> Result<(), DbErr> {
    for (i, a) in amounts.iter().enumerate() {
        tranche::Entity::insert(tranche::ActiveModel {
            grant_id: Set(grant_id),
            number: Set(i32::try_from(i + 1).unwrap_or(i32::MAX)),
            amount_fen: Set(*a),
            paid_on: Set(None),
            reference: Set(None),
            recorded_by: Set(None),
            recorded_at: Set(None),
            ..Default::default()
        })
        .exec(db)
        .await?;
    }
    Ok(())
}

/// A grant's tranches in order.
pub async fn tranches(db: &impl ConnectionTrait, grant_id: i64) -> Result<Vec<Tranche>, DbErr> {
    tranche::Entity::find()
        .filter(tranche::Column::GrantId.eq(grant_id))
        .order_by_asc(tranche::Column::Number)
        .all(db)
        .await
}

/// Records a tranche's payment if it is still unpaid.
pub async fn pay_tranche(
    db: &impl ConnectionTrait,
    id: i64,
    paid_on: &str,
    reference: &str,
    by: i64,
    now: i64,
) -> Result<bool, DbErr> {
    Ok(tranche::Entity::update_many()
        .col_expr(tranche::Column::PaidOn, Expr::value(paid_on))
        .col_expr(tranche::Column::Reference, Expr::value(reference))
        .col_expr(tranche::Column::RecordedBy, Expr::value(by))
        .col_expr(tranche::Column::RecordedAt, Expr::value(now))
        .filter(tranche::Column::Id.eq(id))
        .filter(tranche::Column::PaidOn.is_null())
        .exec(db)
        .await?
        .rows_affected
        == 1)
}

/// Inserts the reports due, numbered from 1, the last one final.
pub async fn insert_reports(
    db: &impl ConnectionTrait,
    grant_id: i64,
    dues: &[i64],
) -> Result<(), DbErr> {
    for (i, due) in dues.iter().enumerate() {
        report::Entity::insert(report::ActiveModel {
            grant_id: Set(grant_id),
            number: Set(i32::try_from(i + 1).unwrap_or(i32::MAX)),
            is_final: Set(i + 1 == dues.len()),
            due_at: Set(*due),
            state: Set(ReportState::Due.code().to_string()),
            narrative: Set(None),
            spent_fen: Set(None),
            achieved: Set(None),
            reason: Set(None),
            submitted_by: Set(None),
            submitted_at: Set(None),
            reviewed_by: Set(None),
            reviewed_at: Set(None),
            reminded_before: Set(false),
            reminded_after: Set(false),
            ..Default::default()
        })
        .exec(db)
        .await?;
    }
    Ok(())
}

/// A grant's reports in order.
pub async fn reports(db: &impl ConnectionTrait, grant_id: i64) -> Result<Vec<Report>, DbErr> {
    report::Entity::find()
        .filter(report::Column::GrantId.eq(grant_id))
        .order_by_asc(report::Column::Number)
        .all(db)
        .await
}

/// One report.
pub async fn report(db: &impl ConnectionTrait, id: i64) -> Result<Option<Report>, DbErr> {
    report::Entity::find_by_id(id).one(db).await
}

/// Writes a submission if the report is still in `from`.
pub async fn submit_report(
    db: &impl ConnectionTrait,
    id: i64,
    from: ReportState,
    d: &ReportDraft,
    by: i64,
    now: i64,
) -> Result<bool, DbErr> {
    let achieved = serde_json::to_string(&d.achieved).unwrap_or_else(|_| "[]".into());
    Ok(report::Entity::update_many()
        .col_expr(
            report::Column::State,
            Expr::value(ReportState::Submitted.code()),
        )
        .col_expr(report::Column::Narrative, Expr::value(d.narrative.clone()))
        .col_expr(report::Column::SpentFen, Expr::value(d.spent.0))
        .col_expr(report::Column::Achieved, Expr::value(achieved))
        .col_expr(report::Column::SubmittedBy, Expr::value(by))
        .col_expr(report::Column::SubmittedAt, Expr::value(now))
        .filter(report::Column::Id.eq(id))
        .filter(report::Column::State.eq(from.code()))
        .exec(db)
        .await?
        .rows_affected
        == 1)
}

/// Accepts or returns a submitted report.
pub async fn review_report(
    db: &impl ConnectionTrait,
    id: i64,
    to: ReportState,
    reason: Option<&str>,
    by: i64,
    now: i64,
) -> Result<bool, DbErr> {
    Ok(report::Entity::update_many()
        .col_expr(report::Column::State, Expr::value(to.code()))
        .col_expr(
            report::Column::Reason,
            Expr::value(reason.map(str::to_string)),
        )
        .col_expr(report::Column::ReviewedBy, Expr::value(by))
        .col_expr(report::Column::ReviewedAt, Expr::value(now))
        .filter(report::Column::Id.eq(id))
        .filter(report::Column::State.eq(ReportState::Submitted.code()))
        .exec(db)
        .await?
        .rows_affected
        == 1)
}

/// Moves the reports not yet submitted by `by` seconds (an approved extension), their
/// reminders to be sent again for the new dates.
pub async fn shift_open_reports(
    db: &impl ConnectionTrait,
    grant_id: i64,
    by: i64,
) -> Result<(), DbErr> {
    report::Entity::update_many()
        .col_expr(
            report::Column::DueAt,
            Expr::col(report::Column::DueAt).add(by),
        )
        .col_expr(report::Column::RemindedBefore, Expr::value(false))
        .col_expr(report::Column::RemindedAfter, Expr::value(false))
        .filter(report::Column::GrantId.eq(grant_id))
        .filter(
            report::Column::State.is_in([ReportState::Due.code(), ReportState::Returned.code()]),
        )
        .exec(db)
        .await?;
    Ok(())
}

/// The outstanding reports of active grants whose due instant is within `span` seconds of
/// `now` either way or already past (the reminder job's candidates).
pub async fn outstanding_near(
    db: &impl ConnectionTrait,
    now: i64,
    span: i64,
) -> Result<Vec<Report>, DbErr> {
    let active: Vec<i64> = grant::Entity::find()
        .select_only()
        .column(grant::Column::Id)
        .filter(grant::Column::State.eq(GrantState::Active.code()))
        .into_tuple()
        .all(db)
        .await?;
    if active.is_empty() {
        return Ok(vec![]);
    }
    report::Entity::find()
        .filter(report::Column::GrantId.is_in(active))
        .filter(
            report::Column::State.is_in([ReportState::Due.code(), ReportState::Returned.code()]),
        )
        .filter(report::Column::DueAt.lte(now + span))
        .filter(
            sea_orm::Condition::any()
                .add(report::Column::RemindedBefore.eq(false))
                .add(report::Column::RemindedAfter.eq(false)),
        )
        .order_by_asc(report::Column::Id)
        .all(db)
        .await
}

/// Marks a reminder as sent, once: false when it already was.
pub async fn mark_reminded(db: &impl ConnectionTrait, id: i64, after: bool) -> Result<bool, DbErr> {
    let col = if after {
        report::Column::RemindedAfter
    } else {
        report::Column::RemindedBefore
    };
    let mut q = report::Entity::update_many()
        .col_expr(col, Expr::value(true))
        .filter(report::Column::Id.eq(id))
        .filter(col.eq(false));
    if after {
        // An overdue reminder makes the one before pointless.
        q = q.col_expr(report::Column::RemindedBefore, Expr::value(true));
    }
    Ok(q.exec(db).await?.rows_affected == 1)
}

/// Inserts a pending amendment.
#[allow(clippy::too_many_arguments)]
pub async fn insert_amendment(
    db: &impl ConnectionTrait,
    grant_id: i64,
    kind: &str,
    new_ends_at: Option<i64>,
    budget: Option<String>,
    reason: &str,
    by: i64,
    now: i64,
) -> Result<i64, DbErr> {
    let a = amendment::ActiveModel {
        grant_id: Set(grant_id),
        kind: Set(kind.to_string()),
        state: Set(AmendmentState::Pending.code().to_string()),
        new_ends_at: Set(new_ends_at),
        budget: Set(budget),
        reason: Set(reason.to_string()),
        decision: Set(None),
        requested_by: Set(by),
        requested_at: Set(now),
        decided_by: Set(None),
        decided_at: Set(None),
        ..Default::default()
    };
    Ok(amendment::Entity::insert(a).exec(db).await?.last_insert_id)
}

/// A grant's amendments, oldest first.
pub async fn amendments(db: &impl ConnectionTrait, grant_id: i64) -> Result<Vec<Amendment>, DbErr> {
    amendment::Entity::find()
        .filter(amendment::Column::GrantId.eq(grant_id))
        .order_by_asc(amendment::Column::Id)
        .all(db)
        .await
}

/// One amendment.
pub async fn amendment(db: &impl ConnectionTrait, id: i64) -> Result<Option<Amendment>, DbErr> {
    amendment::Entity::find_by_id(id).one(db).await
}

/// Decides a pending amendment.
pub async fn decide_amendment(
    db: &impl ConnectionTrait,
    id: i64,
    to: AmendmentState,
    reason: &str,
    by: i64,
    now: i64,
) -> Result<bool, DbErr> {
    Ok(amendment::Entity::update_many()
        .col_expr(amendment::Column::State, Expr::value(to.code()))
        .col_expr(amendment::Column::Decision, Expr::value(reason))
        .col_expr(amendment::Column::DecidedBy, Expr::value(by))
        .col_expr(amendment::Column::DecidedAt, Expr::value(now))
        .filter(amendment::Column::Id.eq(id))
        .filter(amendment::Column::State.eq(AmendmentState::Pending.code()))
        .exec(db)
        .await?
        .rows_affected
        == 1)
}

/// Per recipient organization: the grants that became active (both signatures) inside
/// `[from, to)` and their amounts, terminated ones left out — one GROUP BY (incubators'
/// quarterly KPIs count what their tenants and graduates won).
pub async fn won_between(
    db: &impl ConnectionTrait,
    from: i64,
    to: i64,
) -> Result<std::collections::HashMap<i64, (i64, crate::kernel::money::Fen)>, DbErr> {
    // Integers we computed, never typed text: written into the statement as literals.
    let signed = "CASE WHEN organizer_signed_at > recipient_signed_at \
                  THEN organizer_signed_at ELSE recipient_signed_at END";
    let sql = format!(
        "SELECT org_id, CAST(COUNT(*) AS BIGINT) AS n, CAST(SUM(amount_fen) AS BIGINT) AS total \
         FROM grants WHERE org_id IS NOT NULL AND organizer_signed_at IS NOT NULL \
         AND recipient_signed_at IS NOT NULL AND state <> '{}' \
         AND {signed} >= {from} AND {signed} < {to} GROUP BY org_id",
        GrantState::Terminated.code()
    );
    let rows = db
        .query_all_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            sql,
        ))
        .await?;
    rows.into_iter()
        .map(|r| {
            Ok((
                r.try_get::<i64>("", "org_id")?,
                (
                    r.try_get::<i64>("", "n")?,
                    crate::kernel::money::Fen(r.try_get("", "total")?),
                ),
            ))
        })
        .collect()
}

/// Sums of paid tranches by league/city code and the year paid (`YYYY` of `paid_on`), for
/// the policy dashboard: `(league, year, fen)`.
pub async fn paid_by_league_year(
    db: &impl ConnectionTrait,
) -> Result<Vec<(String, i32, i64)>, DbErr> {
    // One GROUP BY over the paid tranches and their grants (`paid_on` is `YYYY-MM-DD`), rather
    // than every paid tranche and its grant loaded on each `/targets` request.
    let rows = db
        .query_all_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT g.league AS league, CAST(SUBSTR(t.paid_on, 1, 4) AS INTEGER) AS year, \
             CAST(SUM(t.amount_fen) AS BIGINT) AS total \
             FROM grant_tranches t JOIN grants g ON g.id = t.grant_id \
             WHERE t.paid_on IS NOT NULL \
             GROUP BY g.league, CAST(SUBSTR(t.paid_on, 1, 4) AS INTEGER) \
             ORDER BY g.league, year",
        ))
        .await?;
    rows.into_iter()
        .map(|r| {
            Ok((
                r.try_get::<String>("", "league")?,
                r.try_get::<i32>("", "year")?,
                r.try_get::<i64>("", "total")?,
            ))
        })
        .collect()
}
