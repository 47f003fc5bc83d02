//! The `proposals` and `proposal_revisions` entities and their single statements (no
//! transaction of their own: the operations in `proposals.rs` combine them).

use sea_orm::entity::prelude::*;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, QueryOrder, QuerySelect};

use super::model::call;
use super::proposal_rules::{Content, ProposalState, Stage};

/// `proposals`
pub mod proposal {
    use sea_orm::entity::prelude::*;

    /// An application to a call.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "proposals")]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// The call.
        pub call_id: i64,
        /// The user who applied.
        pub applicant_id: i64,
        /// The registered organization that applies, if one does.
        pub org_id: Option<i64>,
        /// `org` or `group`.
        pub applicant_kind: String,
        /// The organization's registry name, or the group's name.
        pub name: String,
        /// The organization's USCC.
        pub uscc: Option<String>,
        /// Project title.
        pub title: String,
        /// Plan.
        pub plan: String,
        /// Beneficiaries.
        pub beneficiaries: String,
        /// Division code of the project's place.
        pub place: String,
        /// Outcomes as JSON `[{indicator, target}]`.
        pub outcomes: String,
        /// Budget lines as JSON `[{category, item, amount}]`.
        pub budget: String,
        /// Total in fen.
        pub total_fen: i64,
        /// Co-funding in fen.
        pub cofund_fen: i64,
        /// Grant asked in fen (total less co-funding).
        pub requested_fen: i64,
        /// Co-applicants as JSON `[[org id, name, uscc]]`.
        pub partners: String,
        /// Screening items confirmed, as JSON codes.
        pub checklist: String,
        /// `ProposalState::code()`.
        pub state: String,
        /// The state more information was asked in (where a revision returns).
        pub return_to: Option<String>,
        /// The organizer's last message to the applicant.
        pub message: Option<String>,
        /// Amount approved in fen.
        pub approved_fen: Option<i64>,
        /// Number of submitted revisions.
        pub revision: i32,
        /// Unix seconds.
        pub created_at: i64,
        /// Unix seconds.
        pub updated_at: i64,
        /// First submission, Unix seconds.
        pub submitted_at: Option<i64>,
        /// Last determination, Unix seconds.
        pub decided_at: Option<i64>,
        /// When its applicant withdrew it, Unix seconds.
        pub withdrawn_at: Option<i64>,
        /// The applicant's reason for withdrawing it.
        pub withdrawal_reason: Option<String>,
        /// `Stage::code()`: a concept note or a full proposal.
        pub stage: String,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}

    impl Model {
        /// Its state (an unreadable code reads as a draft, which only the applicant sees).
        pub fn state(&self) -> super::ProposalState {
            super::ProposalState::parse(&self.state).unwrap_or(super::ProposalState::Draft)
        }

        /// Its stage (an unreadable code reads as a full proposal, the one-stage case).
        pub fn stage(&self) -> super::Stage {
            super::Stage::parse(&self.stage).unwrap_or(super::Stage::Full)
        }
    }
}

/// `proposal_revisions`
pub mod revision {
    use sea_orm::entity::prelude::*;

    /// A submitted version of a proposal.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "proposal_revisions")]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// Proposal.
        pub proposal_id: i64,
        /// 1, 2, … in submission order.
        pub number: i32,
        /// `proposal_rules::Content` as JSON.
        pub content: String,
        /// Who submitted it.
        pub submitted_by: i64,
        /// Unix seconds.
        pub submitted_at: i64,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub use proposal::Model as Proposal;
pub use revision::Model as Revision;

/// What a proposal row holds besides its bookkeeping, as the operations write it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fields {
    /// The registered organization, if one applies.
    pub org_id: Option<i64>,
    /// Its registry name or the group's name.
    pub name: String,
    /// Its USCC.
    pub uscc: Option<String>,
    /// The content.
    pub content: Content,
    /// Co-applicants: id, name, USCC.
    pub partners: Vec<(i64, String, String)>,
}

fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".into())
}

/// Takes the call's turn if its window is open at `now` (a conditional write to its row
/// that changes nothing: on PostgreSQL a row lock concurrent applications wait for), so the
/// window and the one-proposal-per-organization rule are decided inside the writing
/// transaction. False when the call is not published or the window is not open.
pub async fn lock_open_call(
    db: &impl ConnectionTrait,
    call_id: i64,
    now: i64,
) -> Result<bool, DbErr> {
    Ok(call::Entity::update_many()
        .col_expr(call::Column::UpdatedAt, Expr::col(call::Column::UpdatedAt))
        .filter(call::Column::Id.eq(call_id))
        .filter(call::Column::State.eq(super::CallState::Published.code()))
        .filter(call::Column::OpensAt.lte(now))
        .filter(call::Column::ClosesAt.gt(now))
        .exec(db)
        .await?
        .rows_affected
        == 1)
}

/// Takes the call's turn for a two-stage call's full proposals: the call published or
/// closed (not cancelled), opened, and `now` before `deadline` (the full-proposal deadline,
/// from the call's row, which no longer changes once published). False otherwise.
pub async fn lock_full_window(
    db: &impl ConnectionTrait,
    call_id: i64,
    deadline: i64,
    now: i64,
) -> Result<bool, DbErr> {
    if now >= deadline {
        return Ok(false);
    }
    Ok(call::Entity::update_many()
        .col_expr(call::Column::UpdatedAt, Expr::col(call::Column::UpdatedAt))
        .filter(call::Column::Id.eq(call_id))
        .filter(call::Column::State.is_in([
            super::CallState::Published.code(),
            super::CallState::Closed.code(),
        ]))
        .filter(call::Column::OpensAt.lte(now))
        .exec(db)
        .await?
        .rows_affected
        == 1)
}

/// Takes the call's turn whatever its state (the organizer's decisions, which weigh the
/// call's pool).
pub async fn lock_call(db: &impl ConnectionTrait, call_id: i64) -> Result<bool, DbErr> {
    Ok(call::Entity::update_many()
        .col_expr(call::Column::UpdatedAt, Expr::col(call::Column::UpdatedAt))
        .filter(call::Column::Id.eq(call_id))
        .exec(db)
        .await?
        .rows_affected
        == 1)
}

/// One proposal.
pub async fn get(db: &impl ConnectionTrait, id: i64) -> Result<Option<Proposal>, DbErr> {
    proposal::Entity::find_by_id(id).one(db).await
}

/// Several proposals by id.
pub async fn by_ids(db: &impl ConnectionTrait, ids: &[i64]) -> Result<Vec<Proposal>, DbErr> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    proposal::Entity::find()
        .filter(proposal::Column::Id.is_in(ids.iter().copied()))
        .order_by_asc(proposal::Column::Id)
        .all(db)
        .await
}

/// Whether the organization already has a proposal to the call (other than `except`).
pub async fn org_has_one(
    db: &impl ConnectionTrait,
    call_id: i64,
    org_id: i64,
    except: Option<i64>,
) -> Result<bool, DbErr> {
    Ok(proposal::Entity::find()
        .filter(proposal::Column::CallId.eq(call_id))
        .filter(proposal::Column::OrgId.eq(org_id))
        .filter(proposal::Column::Id.ne(except.unwrap_or(-1)))
        .count(db)
        .await?
        > 0)
}

/// A page of a call's proposals the organizer sees (no drafts), optionally in one state,
/// oldest submission first: `limit` rows from `offset`.
pub async fn of_call(
    db: &impl ConnectionTrait,
    call_id: i64,
    state: Option<ProposalState>,
    offset: u64,
    limit: u64,
) -> Result<Vec<Proposal>, DbErr> {
    let mut q = proposal::Entity::find()
        .filter(proposal::Column::CallId.eq(call_id))
        .filter(proposal::Column::State.ne(ProposalState::Draft.code()));
    if let Some(s) = state {
        q = q.filter(proposal::Column::State.eq(s.code()));
    }
    q.order_by_asc(proposal::Column::SubmittedAt)
        .order_by_asc(proposal::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await
}

/// How many of a call's proposals are in each state (drafts left out), in one grouped query.
pub async fn counts_of_call(
    db: &impl ConnectionTrait,
    call_id: i64,
) -> Result<Vec<(String, i64)>, DbErr> {
    proposal::Entity::find()
        .select_only()
        .column(proposal::Column::State)
        .column_as(proposal::Column::Id.count(), "n")
        .filter(proposal::Column::CallId.eq(call_id))
        .filter(proposal::Column::State.ne(ProposalState::Draft.code()))
        .group_by(proposal::Column::State)
        .into_tuple()
        .all(db)
        .await
}

/// The sum approved so far in a call, in fen.
pub async fn approved_total(db: &impl ConnectionTrait, call_id: i64) -> Result<i64, DbErr> {
    let amounts: Vec<Option<i64>> = proposal::Entity::find()
        .select_only()
        .column(proposal::Column::ApprovedFen)
        .filter(proposal::Column::CallId.eq(call_id))
        .filter(proposal::Column::State.eq(ProposalState::Approved.code()))
        .into_tuple()
        .all(db)
        .await?;
    Ok(amounts.into_iter().flatten().sum())
}

/// The proposals a user made or that organizations they belong to made, newest first.
pub async fn of_applicant(
    db: &impl ConnectionTrait,
    user_id: i64,
    org_ids: &[i64],
) -> Result<Vec<Proposal>, DbErr> {
    let mut who = sea_orm::Condition::any().add(proposal::Column::ApplicantId.eq(user_id));
    if !org_ids.is_empty() {
        who = who.add(proposal::Column::OrgId.is_in(org_ids.iter().copied()));
    }
    proposal::Entity::find()
        .filter(who)
        .order_by_desc(proposal::Column::Id)
        .all(db)
        .await
}

/// Withdraws a proposal still in `from` (the applicant's step), with the reason.
pub async fn withdraw(
    db: &impl ConnectionTrait,
    id: i64,
    from: ProposalState,
    reason: &str,
    now: i64,
) -> Result<bool, DbErr> {
    use proposal::Column as C;
    Ok(proposal::Entity::update_many()
        .col_expr(C::State, Expr::value(ProposalState::Withdrawn.code()))
        .col_expr(C::WithdrawnAt, Expr::value(now))
        .col_expr(C::WithdrawalReason, Expr::value(reason))
        .col_expr(C::UpdatedAt, Expr::value(now))
        .filter(C::Id.eq(id))
        .filter(C::State.eq(from.code()))
        .exec(db)
        .await?
        .rows_affected
        == 1)
}

/// Inserts a proposal.
#[allow(clippy::too_many_arguments)]
pub async fn insert(
    db: &impl ConnectionTrait,
    call_id: i64,
    applicant: i64,
    f: &Fields,
    state: ProposalState,
    stage: Stage,
    revision: i32,
    now: i64,
) -> Result<i64, DbErr> {
    let c = &f.content;
    Ok(proposal::ActiveModel {
        call_id: Set(call_id),
        applicant_id: Set(applicant),
        org_id: Set(f.org_id),
        applicant_kind: Set(if f.org_id.is_some() { "org" } else { "group" }.to_string()),
        name: Set(f.name.clone()),
        uscc: Set(f.uscc.clone()),
        title: Set(c.title.clone()),
        plan: Set(c.plan.clone()),
        beneficiaries: Set(c.beneficiaries.clone()),
        place: Set(c.place.clone()),
        outcomes: Set(json(&c.outcomes)),
        budget: Set(json(&c.budget)),
        total_fen: Set(c.total.0),
        cofund_fen: Set(c.cofund.0),
        requested_fen: Set(c.total.0 - c.cofund.0),
        partners: Set(json(&f.partners)),
        checklist: Set("[]".into()),
        state: Set(state.code().to_string()),
        return_to: Set(None),
        message: Set(None),
        approved_fen: Set(None),
        revision: Set(revision),
        created_at: Set(now),
        updated_at: Set(now),
        submitted_at: Set((state != ProposalState::Draft).then_some(now)),
        decided_at: Set(None),
        withdrawn_at: Set(None),
        withdrawal_reason: Set(None),
        stage: Set(stage.code().to_string()),
        ..Default::default()
    }
    .insert(db)
    .await?
    .id)
}

/// Rewrites an editable proposal's content, moving it from `from` to `to` with its revision
/// count; false when it was no longer in `from` (nothing written).
#[allow(clippy::too_many_arguments)]
pub async fn rewrite(
    db: &impl ConnectionTrait,
    id: i64,
    f: &Fields,
    from: ProposalState,
    to: ProposalState,
    revision: i32,
    now: i64,
) -> Result<bool, DbErr> {
    use proposal::Column as C;
    let c = &f.content;
    let mut q = proposal::Entity::update_many()
        .col_expr(C::OrgId, Expr::value(f.org_id))
        .col_expr(
            C::ApplicantKind,
            Expr::value(if f.org_id.is_some() { "org" } else { "group" }),
        )
        .col_expr(C::Name, Expr::value(f.name.clone()))
        .col_expr(C::Uscc, Expr::value(f.uscc.clone()))
        .col_expr(C::Title, Expr::value(c.title.clone()))
        .col_expr(C::Plan, Expr::value(c.plan.clone()))
        .col_expr(C::Beneficiaries, Expr::value(c.beneficiaries.clone()))
        .col_expr(C::Place, Expr::value(c.place.clone()))
        .col_expr(C::Outcomes, Expr::value(json(&c.outcomes)))
        .col_expr(C::Budget, Expr::value(json(&c.budget)))
        .col_expr(C::TotalFen, Expr::value(c.total.0))
        .col_expr(C::CofundFen, Expr::value(c.cofund.0))
        .col_expr(C::RequestedFen, Expr::value(c.total.0 - c.cofund.0))
        .col_expr(C::Partners, Expr::value(json(&f.partners)))
        .col_expr(C::State, Expr::value(to.code()))
        .col_expr(C::Revision, Expr::value(revision))
        .col_expr(C::UpdatedAt, Expr::value(now));
    if from == ProposalState::Draft && to != ProposalState::Draft {
        q = q.col_expr(C::SubmittedAt, Expr::value(now));
    }
    if matches!(from, ProposalState::MoreInfo | ProposalState::Invited) && to != from {
        // The request (or the invitation) was answered: its message no longer stands over
        // the proposal (the audit entry keeps it).
        q = q.col_expr(C::Message, Expr::value(Option::<String>::None));
    }
    Ok(q.filter(C::Id.eq(id))
        .filter(C::State.eq(from.code()))
        .exec(db)
        .await?
        .rows_affected
        == 1)
}

/// What an organizer's step writes besides the state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StepWrite {
    /// Where a revision returns (a request for more information).
    pub return_to: Option<ProposalState>,
    /// The message to the applicant (replaces the last one when given).
    pub message: Option<String>,
    /// The amount approved (`Some(None)` clears it on reopening).
    pub approved: Option<Option<i64>>,
    /// A determination was made.
    pub decided: bool,
    /// The stage it moves to (an invited concept note becomes a full proposal).
    pub stage: Option<Stage>,
}

/// Moves a proposal from `from` to `to`; false when it was no longer in `from`.
pub async fn set_state(
    db: &impl ConnectionTrait,
    id: i64,
    from: ProposalState,
    to: ProposalState,
    w: &StepWrite,
    now: i64,
) -> Result<bool, DbErr> {
    use proposal::Column as C;
    let mut q = proposal::Entity::update_many()
        .col_expr(C::State, Expr::value(to.code()))
        .col_expr(C::UpdatedAt, Expr::value(now));
    if let Some(r) = w.return_to {
        q = q.col_expr(C::ReturnTo, Expr::value(r.code()));
    }
    if let Some(m) = &w.message {
        q = q.col_expr(C::Message, Expr::value(m.clone()));
    }
    if let Some(a) = w.approved {
        q = q.col_expr(C::ApprovedFen, Expr::value(a));
    }
    if w.decided {
        q = q.col_expr(C::DecidedAt, Expr::value(now));
    }
    if let Some(s) = w.stage {
        q = q.col_expr(C::Stage, Expr::value(s.code()));
    }
    Ok(q.filter(C::Id.eq(id))
        .filter(C::State.eq(from.code()))
        .exec(db)
        .await?
        .rows_affected
        == 1)
}

/// Replaces the confirmed screening items; false unless the proposal is in screening.
pub async fn set_checklist(
    db: &impl ConnectionTrait,
    id: i64,
    items: &[String],
    now: i64,
) -> Result<bool, DbErr> {
    use proposal::Column as C;
    Ok(proposal::Entity::update_many()
        .col_expr(C::Checklist, Expr::value(json(&items)))
        .col_expr(C::UpdatedAt, Expr::value(now))
        .filter(C::Id.eq(id))
        .filter(C::State.eq(ProposalState::Screening.code()))
        .exec(db)
        .await?
        .rows_affected
        == 1)
}

/// Records a submitted revision.
pub async fn insert_revision(
    db: &impl ConnectionTrait,
    proposal_id: i64,
    number: i32,
    content: &Content,
    by: i64,
    now: i64,
) -> Result<(), DbErr> {
    revision::ActiveModel {
        proposal_id: Set(proposal_id),
        number: Set(number),
        content: Set(serde_json::to_string(content).unwrap_or_else(|_| "{}".into())),
        submitted_by: Set(by),
        submitted_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// A proposal's revisions, in order.
pub async fn revisions(
    db: &impl ConnectionTrait,
    proposal_id: i64,
) -> Result<Vec<Revision>, DbErr> {
    revision::Entity::find()
        .filter(revision::Column::ProposalId.eq(proposal_id))
        .order_by_asc(revision::Column::Number)
        .all(db)
        .await
}

/// The titles and applicants' names of a call's proposals (no drafts, none withdrawn, no
/// concept notes nor full proposals not yet sent), for the public list of an unsealed (or
/// closed) call, in submission order.
pub async fn public_list(
    db: &impl ConnectionTrait,
    call_id: i64,
) -> Result<Vec<(String, String)>, DbErr> {
    proposal::Entity::find()
        .select_only()
        .column(proposal::Column::Title)
        .column(proposal::Column::Name)
        .filter(proposal::Column::CallId.eq(call_id))
        .filter(proposal::Column::State.is_not_in([
            ProposalState::Draft.code(),
            ProposalState::Withdrawn.code(),
            ProposalState::Concept.code(),
            ProposalState::Invited.code(),
            ProposalState::Declined.code(),
        ]))
        .order_by_asc(proposal::Column::SubmittedAt)
        .order_by_asc(proposal::Column::Id)
        .into_tuple()
        .all(db)
        .await
}

/// Which of these organizations have submitted a proposal (activity for zombie detection),
/// in one query.
pub async fn applicants_among(db: &impl ConnectionTrait, ids: &[i64]) -> Result<Vec<i64>, DbErr> {
    let rows: Vec<Option<i64>> = proposal::Entity::find()
        .select_only()
        .column(proposal::Column::OrgId)
        .distinct()
        .filter(proposal::Column::OrgId.is_in(ids.iter().copied()))
        .filter(proposal::Column::SubmittedAt.is_not_null())
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().flatten().collect())
}

/// `proposal_files`
pub mod file {
    use sea_orm::entity::prelude::*;

    /// A file attached to a proposal; taken off by marking it, so the revisions that listed
    /// it keep it.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "proposal_files")]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// Proposal.
        pub proposal_id: i64,
        /// The stored file's name under the data directory (random hex).
        #[serde(skip)]
        pub file_key: String,
        /// The name it was uploaded under.
        pub name: String,
        /// Media type by content.
        pub mime: String,
        /// Bytes.
        pub size: i64,
        /// SHA-256, hex.
        pub sha256: String,
        /// Who attached it.
        pub uploaded_by: i64,
        /// Unix seconds.
        pub uploaded_at: i64,
        /// When it was taken off, Unix seconds.
        pub removed_at: Option<i64>,
        /// Who took it off.
        pub removed_by: Option<i64>,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub use file::Model as ProposalFile;

/// The files attached to a proposal now, in upload order.
pub async fn live_files(
    db: &impl ConnectionTrait,
    proposal_id: i64,
) -> Result<Vec<ProposalFile>, DbErr> {
    file::Entity::find()
        .filter(file::Column::ProposalId.eq(proposal_id))
        .filter(file::Column::RemovedAt.is_null())
        .order_by_asc(file::Column::Id)
        .all(db)
        .await
}

/// One file of a proposal, attached now or listed by an earlier revision.
pub async fn file_of(
    db: &impl ConnectionTrait,
    proposal_id: i64,
    file_id: i64,
) -> Result<Option<ProposalFile>, DbErr> {
    file::Entity::find_by_id(file_id)
        .filter(file::Column::ProposalId.eq(proposal_id))
        .one(db)
        .await
}

/// What an attachment row records.
pub struct NewFile<'a> {
    /// Proposal.
    pub proposal_id: i64,
    /// The stored file's key.
    pub key: &'a str,
    /// Its name.
    pub name: &'a str,
    /// Its media type.
    pub mime: &'a str,
    /// Bytes.
    pub size: i64,
    /// SHA-256, hex.
    pub sha256: &'a str,
}

/// Records an attached file: its id.
pub async fn insert_file(
    db: &impl ConnectionTrait,
    f: &NewFile<'_>,
    by: i64,
    now: i64,
) -> Result<i64, DbErr> {
    Ok(file::ActiveModel {
        proposal_id: Set(f.proposal_id),
        file_key: Set(f.key.to_string()),
        name: Set(f.name.to_string()),
        mime: Set(f.mime.to_string()),
        size: Set(f.size),
        sha256: Set(f.sha256.to_string()),
        uploaded_by: Set(by),
        uploaded_at: Set(now),
        removed_at: Set(None),
        removed_by: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?
    .id)
}

/// Takes a file off if it is attached now (false otherwise).
pub async fn mark_removed(
    db: &impl ConnectionTrait,
    proposal_id: i64,
    file_id: i64,
    by: i64,
    now: i64,
) -> Result<bool, DbErr> {
    Ok(file::Entity::update_many()
        .col_expr(file::Column::RemovedAt, Expr::value(now))
        .col_expr(file::Column::RemovedBy, Expr::value(by))
        .filter(file::Column::Id.eq(file_id))
        .filter(file::Column::ProposalId.eq(proposal_id))
        .filter(file::Column::RemovedAt.is_null())
        .exec(db)
        .await?
        .rows_affected
        == 1)
}

/// Conditionally touches the proposal's row while it is in one of `states` (a write that
/// changes nothing else: on PostgreSQL a row lock), so a file is attached or taken off only
/// while the proposal may change, decided in the writing transaction.
pub async fn lock_in_states(
    db: &impl ConnectionTrait,
    id: i64,
    states: &[ProposalState],
    now: i64,
) -> Result<bool, DbErr> {
    Ok(proposal::Entity::update_many()
        .col_expr(proposal::Column::UpdatedAt, Expr::value(now))
        .filter(proposal::Column::Id.eq(id))
        .filter(proposal::Column::State.is_in(states.iter().map(|s| s.code())))
        .exec(db)
        .await?
        .rows_affected
        == 1)
}
