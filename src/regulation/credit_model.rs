//! Credit entities and their queries: the rules as data, regulators' findings, the cases
//! (notice → objection → listing → removal) and their history. Single statements only; the
//! transactions are opened by `credit.rs`, the engine's face.

use std::collections::HashMap;

use sea_orm::entity::prelude::*;
use sea_orm::{ActiveValue::Set, QueryOrder, QuerySelect};

use super::credit_rules::{
    CaseFact, CaseState, CreditList, FindingDraft, FindingFact, FindingKind, Hit, PenaltyFact,
    ReportFact, Rule, Trigger,
};
use super::rules::{PenaltyKind, ReportState};
use crate::kernel::money::Fen;

/// `credit_rules`
pub mod credit_rule {
    use sea_orm::entity::prelude::*;

    /// One rule of the credit lists.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "credit_rules")]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// `credit_rules::Trigger` code.
        pub code: String,
        /// `credit_rules::CreditList` code.
        pub list: String,
        /// Legal basis.
        pub legal_basis: String,
        /// The rule's threshold (see `credit_rules::Rule`).
        pub threshold: Option<i64>,
        /// The rule's window, days.
        pub window_days: Option<i64>,
        /// Whether the rule runs.
        pub enabled: bool,
        /// Unix seconds.
        pub updated_at: i64,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `credit_findings`
pub mod credit_finding {
    use sea_orm::entity::prelude::*;

    /// A regulator's finding on an organization.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "credit_findings")]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// The organization.
        pub org_id: i64,
        /// `credit_rules::FindingKind` code.
        pub kind: String,
        /// What was found.
        pub note: String,
        /// Rectification: due by then, Unix seconds.
        pub due_at: Option<i64>,
        /// The regulator who recorded it.
        pub recorded_by: i64,
        /// Unix seconds.
        pub recorded_at: i64,
        /// When a regulator verified it resolved.
        pub resolved_at: Option<i64>,
        /// Who did.
        pub resolved_by: Option<i64>,
        /// How.
        pub resolution_note: Option<String>,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `credit_cases`
pub mod credit_case {
    use sea_orm::entity::prelude::*;

    /// One case: a ground, its notice, objection, listing and removal.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "credit_cases")]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// The organization.
        pub org_id: i64,
        /// `credit_rules::Trigger` code.
        pub trigger: String,
        /// Which occurrence.
        pub subject: String,
        /// `credit_rules::CreditList` code.
        pub list: String,
        /// `credit_rules::CaseState` code.
        pub state: String,
        /// The rule's legal basis when noticed.
        pub legal_basis: String,
        /// Since when the ground holds.
        pub since: i64,
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
        /// The regulator's answer.
        pub answer_text: Option<String>,
        /// Who answered.
        pub answered_by: Option<i64>,
        /// When.
        pub answered_at: Option<i64>,
        /// When listed.
        pub listed_at: Option<i64>,
        /// Serious list: the removal period runs from here.
        pub clock_from: i64,
        /// When withdrawn or removed.
        pub closed_at: Option<i64>,
        /// Who closed it (none: the rules).
        pub closed_by: Option<i64>,
        /// Unix seconds.
        pub updated_at: i64,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `credit_events`
pub mod credit_event {
    use sea_orm::entity::prelude::*;

    /// One step of a case.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "credit_events")]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// The case.
        pub case_id: i64,
        /// Its organization.
        pub org_id: i64,
        /// What happened (`noticed`, `objected`, `upheld`, `rejected`, `listed`,
        /// `restarted`, `withdrawn`, `removed`).
        pub action: String,
        /// Who acted (none: the rules).
        pub actor_id: Option<i64>,
        /// Detail (a restart's new ground `trigger:subject`, a removal's reason code).
        pub note: String,
        /// Unix seconds.
        pub at: i64,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `credit_rule_overrides`
pub mod credit_rule_override {
    use sea_orm::entity::prelude::*;

    /// A locality's override of one rule (each empty column inherits).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "credit_rule_overrides")]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// The rule's code.
        pub code: String,
        /// The region's, a league/city's or a banner/county's division code.
        pub division: String,
        /// Threshold.
        pub threshold: Option<i64>,
        /// Window, days.
        pub window_days: Option<i64>,
        /// Whether the rule runs there.
        pub enabled: Option<bool>,
        /// Objection period, days.
        pub objection_days: Option<i64>,
        /// Report deadline, `MM-DD`.
        pub deadline: Option<String>,
        /// The regulator who last changed it.
        pub updated_by: Option<i64>,
        /// Unix seconds.
        pub updated_at: i64,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub use credit_case::Model as Case;
pub use credit_event::Model as CaseEvent;
pub use credit_finding::Model as Finding;
pub use credit_rule::Model as RuleRow;
pub use credit_rule_override::Model as OverrideRow;

impl Case {
    /// The stored state (an unknown code reads as withdrawn: shown to no one publicly, acted
    /// on by no rule).
    pub fn state(&self) -> CaseState {
        CaseState::parse(&self.state).unwrap_or(CaseState::Withdrawn)
    }

    /// The stored trigger (an unknown code reads as "other").
    pub fn trigger(&self) -> Trigger {
        Trigger::parse(&self.trigger).unwrap_or(Trigger::Other)
    }

    /// The list.
    pub fn list(&self) -> CreditList {
        CreditList::parse(&self.list).unwrap_or_else(|| self.trigger().list())
    }

    /// As the rules see it.
    pub fn fact(&self) -> CaseFact {
        CaseFact {
            id: self.id,
            trigger: self.trigger(),
            subject: self.subject.clone(),
            state: self.state(),
            objection_due: self.objection_due,
            listed_at: self.listed_at,
            clock_from: self.clock_from,
        }
    }
}

impl Finding {
    /// The stored kind (unknown reads as "other").
    pub fn kind(&self) -> FindingKind {
        FindingKind::parse(&self.kind).unwrap_or(FindingKind::Other)
    }
}

impl RuleRow {
    /// As the rules see it (`None` for a code this build does not know).
    pub fn rule(&self) -> Option<Rule> {
        Some(Rule {
            trigger: Trigger::parse(&self.code)?,
            legal_basis: self.legal_basis.clone(),
            threshold: self.threshold,
            window_days: self.window_days,
            enabled: self.enabled,
        })
    }
}

impl OverrideRow {
    /// As the rules see it.
    pub fn overlay(&self) -> super::rule_params::Override {
        super::rule_params::Override {
            code: self.code.clone(),
            division: self.division.clone(),
            threshold: self.threshold,
            window_days: self.window_days,
            enabled: self.enabled,
            objection_days: self.objection_days,
            deadline: self.deadline.clone(),
        }
    }
}

impl RuleRow {
    /// The row's own parameters (the platform's default for every locality).
    pub fn params(&self) -> super::rule_params::Params {
        super::rule_params::Params {
            threshold: self.threshold,
            window_days: self.window_days,
            enabled: self.enabled,
            objection_days: None,
            deadline: None,
        }
    }
}

/// Every locality's override (a small table: a few rows per locality at most).
pub async fn overrides(
    db: &impl ConnectionTrait,
) -> Result<Vec<super::rule_params::Override>, DbErr> {
    Ok(credit_rule_override::Entity::find()
        .order_by_asc(credit_rule_override::Column::Id)
        .all(db)
        .await?
        .iter()
        .map(OverrideRow::overlay)
        .collect())
}

/// The overrides of one rule along a chain of localities.
pub async fn overrides_of(
    db: &impl ConnectionTrait,
    code: &str,
    chain: &[String],
) -> Result<Vec<super::rule_params::Override>, DbErr> {
    Ok(credit_rule_override::Entity::find()
        .filter(credit_rule_override::Column::Code.eq(code))
        .filter(credit_rule_override::Column::Division.is_in(chain.iter().cloned()))
        .all(db)
        .await?
        .iter()
        .map(OverrideRow::overlay)
        .collect())
}

/// One locality's override of one rule.
pub async fn override_row(
    db: &impl ConnectionTrait,
    code: &str,
    division: &str,
) -> Result<Option<OverrideRow>, DbErr> {
    credit_rule_override::Entity::find()
        .filter(credit_rule_override::Column::Code.eq(code))
        .filter(credit_rule_override::Column::Division.eq(division))
        .one(db)
        .await
}

/// Writes a locality's override: a new row, or the existing one provided it still reads
/// as `before` (`false`: changed meanwhile, or another insert won the unique index).
pub async fn save_override(
    db: &impl ConnectionTrait,
    code: &str,
    division: &str,
    before: Option<&OverrideRow>,
    edit: &super::rule_params::OverrideEdit,
    by: i64,
    at: i64,
) -> Result<bool, DbErr> {
    use credit_rule_override as o;
    let am = o::ActiveModel {
        threshold: Set(edit.threshold),
        window_days: Set(edit.window_days),
        enabled: Set(edit.enabled),
        objection_days: Set(edit.objection_days),
        deadline: Set(edit.deadline.clone()),
        updated_by: Set(Some(by)),
        updated_at: Set(at),
        ..Default::default()
    };
    match before {
        Some(b) => {
            let res = o::Entity::update_many()
                .set(am)
                .filter(o::Column::Id.eq(b.id))
                .filter(o::Column::UpdatedAt.eq(b.updated_at))
                .exec(db)
                .await?;
            Ok(res.rows_affected == 1)
        }
        None => {
            let am = o::ActiveModel {
                code: Set(code.to_string()),
                division: Set(division.to_string()),
                ..am
            };
            match am.insert(db).await {
                Ok(_) => Ok(true),
                Err(e)
                    if matches!(
                        e.sql_err(),
                        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
                    ) =>
                {
                    Ok(false)
                }
                Err(e) => Err(e),
            }
        }
    }
}

/// Every rule, in id order.
pub async fn rules(db: &impl ConnectionTrait) -> Result<Vec<RuleRow>, DbErr> {
    credit_rule::Entity::find()
        .order_by_asc(credit_rule::Column::Id)
        .all(db)
        .await
}

/// Reports of these organizations as the rules see them, by organization.
pub async fn report_facts(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<HashMap<i64, Vec<ReportFact>>, DbErr> {
    use super::model::annual_report as r;
    // (organization, year, first submission, state, last review)
    type Row = (i64, i32, Option<i64>, String, Option<i64>);
    let rows: Vec<Row> = r::Entity::find()
        .select_only()
        .columns([
            r::Column::OrgId,
            r::Column::Year,
            r::Column::FirstSubmittedAt,
        ])
        .columns([r::Column::State, r::Column::ReviewedAt])
        .filter(r::Column::OrgId.is_in(ids.iter().copied()))
        .into_tuple()
        .all(db)
        .await?;
    let mut out: HashMap<i64, Vec<ReportFact>> = HashMap::new();
    for (org, year, first, state, reviewed) in rows {
        let accepted = (state == ReportState::Accepted.code())
            .then_some(reviewed)
            .flatten();
        out.entry(org).or_default().push(ReportFact {
            year,
            first_submitted_at: first,
            accepted_at: accepted,
        });
    }
    Ok(out)
}

/// Penalties of these organizations as the rules see them, by organization.
pub async fn penalty_facts(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<HashMap<i64, Vec<PenaltyFact>>, DbErr> {
    use super::model::penalty as p;
    let rows = p::Entity::find()
        .filter(p::Column::OrgId.is_in(ids.iter().copied()))
        .order_by_asc(p::Column::Id)
        .all(db)
        .await?;
    let mut out: HashMap<i64, Vec<PenaltyFact>> = HashMap::new();
    for x in rows {
        let Some(kind) = PenaltyKind::parse(&x.kind) else {
            continue;
        };
        out.entry(x.org_id).or_default().push(PenaltyFact {
            id: x.id,
            kind,
            amount: x.amount_fen.map(Fen),
            decided_on: x.decided_on,
            recorded_at: x.recorded_at,
        });
    }
    Ok(out)
}

/// Findings on these organizations, by organization.
pub async fn findings_of_many(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<HashMap<i64, Vec<FindingFact>>, DbErr> {
    let rows = credit_finding::Entity::find()
        .filter(credit_finding::Column::OrgId.is_in(ids.iter().copied()))
        .order_by_asc(credit_finding::Column::Id)
        .all(db)
        .await?;
    let mut out: HashMap<i64, Vec<FindingFact>> = HashMap::new();
    for x in rows {
        out.entry(x.org_id).or_default().push(FindingFact {
            id: x.id,
            kind: x.kind(),
            recorded_at: x.recorded_at,
            due_at: x.due_at,
            resolved_at: x.resolved_at,
        });
    }
    Ok(out)
}

/// Cases of these organizations, by organization, oldest first.
pub async fn cases_of_many(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<HashMap<i64, Vec<Case>>, DbErr> {
    let rows = credit_case::Entity::find()
        .filter(credit_case::Column::OrgId.is_in(ids.iter().copied()))
        .order_by_asc(credit_case::Column::Id)
        .all(db)
        .await?;
    let mut out: HashMap<i64, Vec<Case>> = HashMap::new();
    for c in rows {
        out.entry(c.org_id).or_default().push(c);
    }
    Ok(out)
}

/// The grounds absorbed by restarts, by organization (`trigger:subject`).
pub async fn absorbed_of_many(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<HashMap<i64, Vec<String>>, DbErr> {
    let rows: Vec<(i64, String)> = credit_event::Entity::find()
        .select_only()
        .columns([credit_event::Column::OrgId, credit_event::Column::Note])
        .filter(credit_event::Column::OrgId.is_in(ids.iter().copied()))
        .filter(credit_event::Column::Action.eq("restarted"))
        .into_tuple()
        .all(db)
        .await?;
    let mut out: HashMap<i64, Vec<String>> = HashMap::new();
    for (org, note) in rows {
        out.entry(org).or_default().push(note);
    }
    Ok(out)
}

/// One organization's cases, oldest first.
pub async fn cases_of(db: &impl ConnectionTrait, org_id: i64) -> Result<Vec<Case>, DbErr> {
    credit_case::Entity::find()
        .filter(credit_case::Column::OrgId.eq(org_id))
        .order_by_asc(credit_case::Column::Id)
        .all(db)
        .await
}

/// One case of one organization (`None` when the id is another organization's).
pub async fn case_of(
    db: &impl ConnectionTrait,
    org_id: i64,
    id: i64,
) -> Result<Option<Case>, DbErr> {
    credit_case::Entity::find()
        .filter(credit_case::Column::Id.eq(id))
        .filter(credit_case::Column::OrgId.eq(org_id))
        .one(db)
        .await
}

/// One organization's findings, newest first.
pub async fn findings_of(db: &impl ConnectionTrait, org_id: i64) -> Result<Vec<Finding>, DbErr> {
    credit_finding::Entity::find()
        .filter(credit_finding::Column::OrgId.eq(org_id))
        .order_by_desc(credit_finding::Column::Id)
        .all(db)
        .await
}

/// One finding of one organization.
pub async fn finding_of(
    db: &impl ConnectionTrait,
    org_id: i64,
    id: i64,
) -> Result<Option<Finding>, DbErr> {
    credit_finding::Entity::find()
        .filter(credit_finding::Column::Id.eq(id))
        .filter(credit_finding::Column::OrgId.eq(org_id))
        .one(db)
        .await
}

/// One organization's case history, oldest first.
pub async fn events_of(db: &impl ConnectionTrait, org_id: i64) -> Result<Vec<CaseEvent>, DbErr> {
    credit_event::Entity::find()
        .filter(credit_event::Column::OrgId.eq(org_id))
        .order_by_asc(credit_event::Column::At)
        .order_by_asc(credit_event::Column::Id)
        .all(db)
        .await
}

/// Listed cases of these organizations (the lookup's results).
pub async fn listed_of_many(db: &impl ConnectionTrait, ids: &[i64]) -> Result<Vec<Case>, DbErr> {
    credit_case::Entity::find()
        .filter(credit_case::Column::OrgId.is_in(ids.iter().copied()))
        .filter(credit_case::Column::State.eq(CaseState::Listed.code()))
        .order_by_desc(credit_case::Column::ListedAt)
        .all(db)
        .await
}

/// Every listed case, latest listing first: one page and the number of all.
pub async fn listed(
    db: &impl ConnectionTrait,
    page: u64,
    per_page: u64,
) -> Result<(Vec<Case>, u64), DbErr> {
    let q =
        credit_case::Entity::find().filter(credit_case::Column::State.eq(CaseState::Listed.code()));
    let total = q.clone().count(db).await?;
    let rows = q
        .order_by_desc(credit_case::Column::ListedAt)
        .order_by_desc(credit_case::Column::Id)
        .offset(page.saturating_sub(1) * per_page)
        .limit(per_page)
        .all(db)
        .await?;
    Ok((rows, total))
}

/// Cases with an objection waiting for an answer, oldest first (the regulators' queue).
pub async fn objected(db: &impl ConnectionTrait) -> Result<Vec<Case>, DbErr> {
    credit_case::Entity::find()
        .filter(credit_case::Column::State.eq(CaseState::Objected.code()))
        .order_by_asc(credit_case::Column::ObjectedAt)
        .all(db)
        .await
}

/// Opens a case in the noticed state.
pub async fn insert_case(
    db: &impl ConnectionTrait,
    org_id: i64,
    h: &Hit,
    legal_basis: &str,
    objection_due: i64,
    now: i64,
) -> Result<Case, DbErr> {
    credit_case::ActiveModel {
        org_id: Set(org_id),
        trigger: Set(h.trigger.code().to_string()),
        subject: Set(h.subject.clone()),
        list: Set(h.trigger.list().code().to_string()),
        state: Set(CaseState::Noticed.code().to_string()),
        legal_basis: Set(legal_basis.to_string()),
        since: Set(h.since),
        noticed_at: Set(now),
        objection_due: Set(objection_due),
        objection_text: Set(None),
        objected_by: Set(None),
        objected_at: Set(None),
        answer_text: Set(None),
        answered_by: Set(None),
        answered_at: Set(None),
        listed_at: Set(None),
        clock_from: Set(h.since),
        closed_at: Set(None),
        closed_by: Set(None),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Opens several noticed cases in one insert, as [`insert_case`] opens one: `(organization,
/// hit, legal basis, objection due)` each. A unique-index violation (a case opened
/// meanwhile by another run) fails the whole insert; the caller rolls back and writes one by
/// one.
pub async fn insert_cases(
    db: &impl ConnectionTrait,
    drafts: &[(i64, &Hit, String, i64)],
    now: i64,
) -> Result<Vec<Case>, DbErr> {
    let rows =
        drafts.iter().map(
            |(org_id, h, legal_basis, objection_due)| credit_case::ActiveModel {
                org_id: Set(*org_id),
                trigger: Set(h.trigger.code().to_string()),
                subject: Set(h.subject.clone()),
                list: Set(h.trigger.list().code().to_string()),
                state: Set(CaseState::Noticed.code().to_string()),
                legal_basis: Set(legal_basis.to_string()),
                since: Set(h.since),
                noticed_at: Set(now),
                objection_due: Set(*objection_due),
                objection_text: Set(None),
                objected_by: Set(None),
                objected_at: Set(None),
                answer_text: Set(None),
                answered_by: Set(None),
                answered_at: Set(None),
                listed_at: Set(None),
                clock_from: Set(h.since),
                closed_at: Set(None),
                closed_by: Set(None),
                updated_at: Set(now),
                ..Default::default()
            },
        );
    credit_case::Entity::insert_many(rows)
        .exec_with_returning(db)
        .await
}

/// History rows for several cases in one insert (the rule acting: no actor, no note).
pub async fn insert_events(
    db: &impl ConnectionTrait,
    cases: &[Case],
    action: &str,
    now: i64,
) -> Result<(), DbErr> {
    let rows = cases.iter().map(|case| credit_event::ActiveModel {
        case_id: Set(case.id),
        org_id: Set(case.org_id),
        action: Set(action.to_string()),
        actor_id: Set(None),
        note: Set(String::new()),
        at: Set(now),
        ..Default::default()
    });
    credit_event::Entity::insert_many(rows)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Writes `am` into the case provided it is still in `from` (`false`: it moved meanwhile,
/// nothing written).
pub async fn move_case(
    db: &impl ConnectionTrait,
    id: i64,
    from: CaseState,
    am: credit_case::ActiveModel,
) -> Result<bool, DbErr> {
    let res = credit_case::Entity::update_many()
        .set(am)
        .filter(credit_case::Column::Id.eq(id))
        .filter(credit_case::Column::State.eq(from.code()))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Appends a step to the history.
pub async fn insert_event(
    db: &impl ConnectionTrait,
    case: &Case,
    action: &str,
    actor: Option<i64>,
    note: &str,
    now: i64,
) -> Result<(), DbErr> {
    credit_event::ActiveModel {
        case_id: Set(case.id),
        org_id: Set(case.org_id),
        action: Set(action.to_string()),
        actor_id: Set(actor),
        note: Set(note.to_string()),
        at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Records a finding.
pub async fn insert_finding(
    db: &impl ConnectionTrait,
    org_id: i64,
    d: &FindingDraft,
    by: i64,
    now: i64,
) -> Result<Finding, DbErr> {
    credit_finding::ActiveModel {
        org_id: Set(org_id),
        kind: Set(d.kind.code().to_string()),
        note: Set(d.note.clone()),
        due_at: Set(d.due_at),
        recorded_by: Set(by),
        recorded_at: Set(now),
        resolved_at: Set(None),
        resolved_by: Set(None),
        resolution_note: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Marks a finding resolved unless it already is (`false`: nothing written).
pub async fn resolve_finding(
    db: &impl ConnectionTrait,
    id: i64,
    note: &str,
    by: i64,
    now: i64,
) -> Result<bool, DbErr> {
    let res = credit_finding::Entity::update_many()
        .set(credit_finding::ActiveModel {
            resolved_at: Set(Some(now)),
            resolved_by: Set(Some(by)),
            resolution_note: Set(Some(note.to_string())),
            ..Default::default()
        })
        .filter(credit_finding::Column::Id.eq(id))
        .filter(credit_finding::Column::ResolvedAt.is_null())
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Changes a rule's parameters (localities tune thresholds; tests too).
pub async fn set_rule(
    db: &impl ConnectionTrait,
    trigger: Trigger,
    threshold: Option<i64>,
    window_days: Option<i64>,
    enabled: bool,
    now: i64,
) -> Result<bool, DbErr> {
    let res = credit_rule::Entity::update_many()
        .set(credit_rule::ActiveModel {
            threshold: Set(threshold),
            window_days: Set(window_days),
            enabled: Set(enabled),
            updated_at: Set(now),
            ..Default::default()
        })
        .filter(credit_rule::Column::Code.eq(trigger.code()))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// One rule by code (credit or zombie).
pub async fn rule_by_code(db: &impl ConnectionTrait, code: &str) -> Result<Option<RuleRow>, DbErr> {
    credit_rule::Entity::find()
        .filter(credit_rule::Column::Code.eq(code))
        .one(db)
        .await
}

/// Writes a regulator's edit of a rule, only if the row still reads as `before` (a
/// concurrent edit makes it 0 rows).
pub async fn edit_rule(
    db: &impl ConnectionTrait,
    before: &RuleRow,
    edit: &super::rule_params::RuleEdit,
    now: i64,
) -> Result<bool, DbErr> {
    let res = credit_rule::Entity::update_many()
        .set(credit_rule::ActiveModel {
            threshold: Set(edit.threshold),
            window_days: Set(edit.window_days),
            enabled: Set(edit.enabled),
            updated_at: Set(now),
            ..Default::default()
        })
        .filter(credit_rule::Column::Id.eq(before.id))
        .filter(credit_rule::Column::UpdatedAt.eq(before.updated_at))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Every listing's span — (organization, listed at, closed at) of the cases that reached a
/// list — for the clean-credit share by year (one query).
pub async fn listing_spans(
    db: &impl ConnectionTrait,
) -> Result<Vec<(i64, i64, Option<i64>)>, DbErr> {
    let rows: Vec<(i64, Option<i64>, Option<i64>)> = credit_case::Entity::find()
        .select_only()
        .column(credit_case::Column::OrgId)
        .column(credit_case::Column::ListedAt)
        .column(credit_case::Column::ClosedAt)
        .filter(credit_case::Column::ListedAt.is_not_null())
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(o, from, to)| Some((o, from?, to)))
        .collect())
}
