//! Regulation entities and their queries: annual reports and penalties. Single statements
//! only; the transactions are opened by the room's face (`mod.rs`).

use sea_orm::entity::prelude::*;
use sea_orm::{ActiveValue::Set, QueryOrder, QuerySelect};

use super::rules::{Finances, PenaltyDraft, ReportDraft, ReportState, ReportTally};
use crate::kernel::money::Fen;

/// `annual_reports`
pub mod annual_report {
    use sea_orm::entity::prelude::*;

    /// One organization's report on one year.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "annual_reports")]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// The organization.
        pub org_id: i64,
        /// The year reported on.
        pub year: i32,
        /// The organization's league/city when it last saved the report (queue filter).
        pub league_code: Option<String>,
        /// Its banner/county then (the targets' roll-up).
        pub county_code: Option<String>,
        /// `rules::ReportState` code.
        pub state: String,
        /// Total income, fen.
        pub income_fen: i64,
        /// Total expenses, fen.
        pub expense_fen: i64,
        /// Program costs, fen.
        pub expense_program_fen: i64,
        /// Management costs, fen.
        pub expense_admin_fen: i64,
        /// Fundraising costs, fen.
        pub expense_fundraising_fen: i64,
        /// Other expenses, fen.
        pub expense_other_fen: i64,
        /// Net assets, fen.
        pub net_assets_fen: i64,
        /// Government purchase income, fen.
        pub gov_purchase_fen: i64,
        /// Grant income, fen.
        pub grant_fen: i64,
        /// Full-time staff.
        pub staff_full: i64,
        /// Part-time staff.
        pub staff_part: i64,
        /// Volunteers.
        pub volunteers: i64,
        /// A party organization is established.
        pub party_established: bool,
        /// It meets the standard.
        pub party_standard: bool,
        /// Activities.
        pub activities: String,
        /// Changes of key people.
        pub key_changes: String,
        /// The regulator's reasons of the last return.
        pub return_reason: Option<String>,
        /// How many times it was submitted.
        pub submissions: i32,
        /// First submission, Unix seconds (decides timeliness).
        pub first_submitted_at: Option<i64>,
        /// Last submission, Unix seconds.
        pub submitted_at: Option<i64>,
        /// Last review, Unix seconds.
        pub reviewed_at: Option<i64>,
        /// Last reviewer.
        pub reviewed_by: Option<i64>,
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

/// `penalties`
pub mod penalty {
    use sea_orm::entity::prelude::*;

    /// An administrative penalty.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "penalties")]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// The organization penalized.
        pub org_id: i64,
        /// Its league/city at the time (list filter).
        pub league_code: Option<String>,
        /// `rules::PenaltyKind` code.
        pub kind: String,
        /// Amount in fen (fines, confiscations).
        pub amount_fen: Option<i64>,
        /// Legal basis.
        pub legal_basis: String,
        /// Day of the decision: its start in Asia/Shanghai, Unix seconds.
        pub decided_on: i64,
        /// Decision text.
        pub decision: String,
        /// The regulator who recorded it.
        pub recorded_by: i64,
        /// Unix seconds.
        pub recorded_at: i64,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub use annual_report::Model as Report;
pub use penalty::Model as Penalty;

impl Report {
    /// The stored state (an unknown code reads as a draft, which shows it to its members).
    pub fn state(&self) -> ReportState {
        ReportState::parse(&self.state).unwrap_or(ReportState::Draft)
    }

    /// The content as the rules see it.
    pub fn draft(&self) -> ReportDraft {
        ReportDraft {
            finances: Finances {
                income: Fen(self.income_fen),
                expense: Fen(self.expense_fen),
                expense_program: Fen(self.expense_program_fen),
                expense_admin: Fen(self.expense_admin_fen),
                expense_fundraising: Fen(self.expense_fundraising_fen),
                expense_other: Fen(self.expense_other_fen),
                net_assets: Fen(self.net_assets_fen),
                gov_purchase: Fen(self.gov_purchase_fen),
                grant: Fen(self.grant_fen),
            },
            staff_full: self.staff_full,
            staff_part: self.staff_part,
            volunteers: self.volunteers,
            party_established: self.party_established,
            party_standard: self.party_standard,
            activities: self.activities.clone(),
            key_changes: self.key_changes.clone(),
        }
    }
}

fn put_content(am: &mut annual_report::ActiveModel, d: &ReportDraft) {
    let f = &d.finances;
    am.income_fen = Set(f.income.0);
    am.expense_fen = Set(f.expense.0);
    am.expense_program_fen = Set(f.expense_program.0);
    am.expense_admin_fen = Set(f.expense_admin.0);
    am.expense_fundraising_fen = Set(f.expense_fundraising.0);
    am.expense_other_fen = Set(f.expense_other.0);
    am.net_assets_fen = Set(f.net_assets.0);
    am.gov_purchase_fen = Set(f.gov_purchase.0);
    am.grant_fen = Set(f.grant.0);
    am.staff_full = Set(d.staff_full);
    am.staff_part = Set(d.staff_part);
    am.volunteers = Set(d.volunteers);
    am.party_established = Set(d.party_established);
    am.party_standard = Set(d.party_standard);
    am.activities = Set(d.activities.clone());
    am.key_changes = Set(d.key_changes.clone());
}

/// Where the organization is registered when it saves a report (kept with the report).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Place {
    /// League/city code.
    pub league: Option<String>,
    /// Banner/county code.
    pub county: Option<String>,
}

/// One organization's report on one year.
pub async fn get(
    db: &impl ConnectionTrait,
    org_id: i64,
    year: i32,
) -> Result<Option<Report>, DbErr> {
    annual_report::Entity::find()
        .filter(annual_report::Column::OrgId.eq(org_id))
        .filter(annual_report::Column::Year.eq(year))
        .one(db)
        .await
}

/// An organization's reports, newest year first.
pub async fn of_org(db: &impl ConnectionTrait, org_id: i64) -> Result<Vec<Report>, DbErr> {
    annual_report::Entity::find()
        .filter(annual_report::Column::OrgId.eq(org_id))
        .order_by_desc(annual_report::Column::Year)
        .all(db)
        .await
}

/// Inserts a new report in `state`.
#[allow(clippy::too_many_arguments)]
pub async fn insert(
    db: &impl ConnectionTrait,
    org_id: i64,
    year: i32,
    place: &Place,
    d: &ReportDraft,
    state: ReportState,
    now: i64,
) -> Result<Report, DbErr> {
    let submitted = (state == ReportState::Submitted).then_some(now);
    let mut am = annual_report::ActiveModel {
        org_id: Set(org_id),
        year: Set(year),
        league_code: Set(place.league.clone()),
        county_code: Set(place.county.clone()),
        state: Set(state.code().to_string()),
        return_reason: Set(None),
        submissions: Set(i32::from(submitted.is_some())),
        first_submitted_at: Set(submitted),
        submitted_at: Set(submitted),
        reviewed_at: Set(None),
        reviewed_by: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    put_content(&mut am, d);
    am.insert(db).await
}

/// Saves new content (and state) into an editable report, provided it is still in the state
/// it was read in (`false`: someone changed it meanwhile, nothing written).
pub async fn save(
    db: &impl ConnectionTrait,
    r: &Report,
    place: &Place,
    d: &ReportDraft,
    state: ReportState,
    now: i64,
) -> Result<bool, DbErr> {
    let mut am = <annual_report::ActiveModel as Default>::default();
    put_content(&mut am, d);
    am.league_code = Set(place.league.clone());
    am.county_code = Set(place.county.clone());
    am.state = Set(state.code().to_string());
    am.updated_at = Set(now);
    if state == ReportState::Submitted {
        am.submissions = Set(r.submissions + 1);
        am.first_submitted_at = Set(Some(r.first_submitted_at.unwrap_or(now)));
        am.submitted_at = Set(Some(now));
    }
    conditional(db, r, am).await
}

async fn conditional(
    db: &impl ConnectionTrait,
    r: &Report,
    am: annual_report::ActiveModel,
) -> Result<bool, DbErr> {
    let res = annual_report::Entity::update_many()
        .set(am)
        .filter(annual_report::Column::Id.eq(r.id))
        .filter(annual_report::Column::State.eq(r.state.as_str()))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Records a review, provided the report is still in the state it was read in.
pub async fn review(
    db: &impl ConnectionTrait,
    r: &Report,
    state: ReportState,
    reason: Option<String>,
    by: i64,
    now: i64,
) -> Result<bool, DbErr> {
    let mut am = annual_report::ActiveModel {
        state: Set(state.code().to_string()),
        reviewed_at: Set(Some(now)),
        reviewed_by: Set(Some(by)),
        updated_at: Set(now),
        ..Default::default()
    };
    if reason.is_some() {
        am.return_reason = Set(reason);
    }
    conditional(db, r, am).await
}

/// Reports in a state (all but drafts when `None`), optionally of one year and league/city,
/// oldest submission first: one page and the number of all.
pub async fn queue(
    db: &impl ConnectionTrait,
    state: Option<ReportState>,
    year: Option<i32>,
    league: Option<&str>,
    page: u64,
    per_page: u64,
) -> Result<(Vec<Report>, u64), DbErr> {
    let mut q = annual_report::Entity::find();
    q = match state {
        Some(s) => q.filter(annual_report::Column::State.eq(s.code())),
        None => q.filter(annual_report::Column::State.ne(ReportState::Draft.code())),
    };
    if let Some(y) = year {
        q = q.filter(annual_report::Column::Year.eq(y));
    }
    if let Some(l) = league {
        q = q.filter(annual_report::Column::LeagueCode.eq(l));
    }
    let total = q.clone().count(db).await?;
    let rows = q
        .order_by_asc(annual_report::Column::SubmittedAt)
        .order_by_asc(annual_report::Column::Id)
        .offset(page.saturating_sub(1) * per_page)
        .limit(per_page)
        .all(db)
        .await?;
    Ok((rows, total))
}

/// The years that have reports other than drafts, newest first (filter choices).
pub async fn years(db: &impl ConnectionTrait) -> Result<Vec<i32>, DbErr> {
    annual_report::Entity::find()
        .select_only()
        .column(annual_report::Column::Year)
        .distinct()
        .filter(annual_report::Column::State.ne(ReportState::Draft.code()))
        .order_by_desc(annual_report::Column::Year)
        .into_tuple()
        .all(db)
        .await
}

/// Accepted reports summed over one year and one place (league/city, banner/county).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TallyRow {
    /// The year reported on.
    pub year: i32,
    /// League/city (as kept with the reports).
    pub league: Option<String>,
    /// Banner/county.
    pub county: Option<String>,
    /// The sums.
    pub tally: ReportTally,
}

/// Every accepted report summed by year, league/city and banner/county: one grouped query,
/// a few hundred rows however many reports there are.
pub async fn accepted_tallies(db: &impl ConnectionTrait) -> Result<Vec<TallyRow>, DbErr> {
    use sea_orm::sea_query::Expr;
    type Row = (i32, Option<String>, Option<String>, i64, i64, i64, i64, i64);
    let rows: Vec<Row> = annual_report::Entity::find()
        .select_only()
        .column(annual_report::Column::Year)
        .column(annual_report::Column::LeagueCode)
        .column(annual_report::Column::CountyCode)
        .column_as(Expr::cust("CAST(COUNT(*) AS BIGINT)"), "reporting")
        .column_as(
            Expr::cust("CAST(SUM(CASE WHEN party_established THEN 1 ELSE 0 END) AS BIGINT)"),
            "party",
        )
        .column_as(
            Expr::cust(
                "CAST(SUM(CASE WHEN party_established AND party_standard THEN 1 ELSE 0 END) AS BIGINT)",
            ),
            "party_standard",
        )
        .column_as(
            Expr::cust("CAST(SUM(staff_full + staff_part) AS BIGINT)"),
            "jobs",
        )
        .column_as(Expr::cust("CAST(SUM(volunteers) AS BIGINT)"), "volunteers")
        .filter(annual_report::Column::State.eq(ReportState::Accepted.code()))
        .group_by(annual_report::Column::Year)
        .group_by(annual_report::Column::LeagueCode)
        .group_by(annual_report::Column::CountyCode)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(
            |(year, league, county, reporting, party, party_standard, jobs, volunteers)| TallyRow {
                year,
                league,
                county,
                tally: ReportTally {
                    reporting,
                    party,
                    party_standard,
                    jobs,
                    volunteers,
                },
            },
        )
        .collect())
}

/// Inserts a penalty.
pub async fn insert_penalty(
    db: &impl ConnectionTrait,
    org_id: i64,
    league: Option<String>,
    d: &PenaltyDraft,
    by: i64,
    now: i64,
) -> Result<Penalty, DbErr> {
    penalty::ActiveModel {
        org_id: Set(org_id),
        league_code: Set(league),
        kind: Set(d.kind.code().to_string()),
        amount_fen: Set(d.amount.map(|a| a.0)),
        legal_basis: Set(d.legal_basis.clone()),
        decided_on: Set(super::rules::day_start(d.decided_on)),
        decision: Set(d.decision.clone()),
        recorded_by: Set(by),
        recorded_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// An organization's penalties, newest decision first.
pub async fn penalties_of(db: &impl ConnectionTrait, org_id: i64) -> Result<Vec<Penalty>, DbErr> {
    penalty::Entity::find()
        .filter(penalty::Column::OrgId.eq(org_id))
        .order_by_desc(penalty::Column::DecidedOn)
        .order_by_desc(penalty::Column::Id)
        .all(db)
        .await
}

/// Penalties, optionally of one league/city and kind, newest decision first: one page and
/// the number of all.
pub async fn penalties(
    db: &impl ConnectionTrait,
    league: Option<&str>,
    kind: Option<&str>,
    page: u64,
    per_page: u64,
) -> Result<(Vec<Penalty>, u64), DbErr> {
    let mut q = penalty::Entity::find();
    if let Some(l) = league {
        q = q.filter(penalty::Column::LeagueCode.eq(l));
    }
    if let Some(k) = kind {
        q = q.filter(penalty::Column::Kind.eq(k));
    }
    let total = q.clone().count(db).await?;
    let rows = q
        .order_by_desc(penalty::Column::DecidedOn)
        .order_by_desc(penalty::Column::Id)
        .offset(page.saturating_sub(1) * per_page)
        .limit(per_page)
        .all(db)
        .await?;
    Ok((rows, total))
}

/// Staff (full- and part-time) per organization in its accepted report on `year` — one
/// grouped query (incubators' KPIs sum their tenants' staff).
pub async fn accepted_staff_by_org(
    db: &impl ConnectionTrait,
    year: i32,
) -> Result<std::collections::HashMap<i64, i64>, DbErr> {
    use sea_orm::sea_query::Expr;
    let rows: Vec<(i64, i64)> = annual_report::Entity::find()
        .select_only()
        .column(annual_report::Column::OrgId)
        .column_as(
            Expr::cust("CAST(SUM(staff_full + staff_part) AS BIGINT)"),
            "staff",
        )
        .filter(annual_report::Column::State.eq(ReportState::Accepted.code()))
        .filter(annual_report::Column::Year.eq(year))
        .group_by(annual_report::Column::OrgId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}

/// One organization's accepted report on a year, as the targets' drill-down reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AcceptedFigures {
    /// The organization.
    pub org_id: i64,
    /// Party organization established.
    pub party: bool,
    /// Meeting the standard.
    pub standard: bool,
    /// Full-time plus part-time staff.
    pub jobs: i64,
    /// Volunteers.
    pub volunteers: i64,
}

/// Every accepted report on `year`, one row per organization (one query).
pub async fn accepted_of_year(
    db: &impl ConnectionTrait,
    year: i32,
) -> Result<Vec<AcceptedFigures>, DbErr> {
    type Row = (i64, bool, bool, i64, i64, i64);
    let rows: Vec<Row> = annual_report::Entity::find()
        .select_only()
        .column(annual_report::Column::OrgId)
        .column(annual_report::Column::PartyEstablished)
        .column(annual_report::Column::PartyStandard)
        .column(annual_report::Column::StaffFull)
        .column(annual_report::Column::StaffPart)
        .column(annual_report::Column::Volunteers)
        .filter(annual_report::Column::State.eq(ReportState::Accepted.code()))
        .filter(annual_report::Column::Year.eq(year))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(
            |(org_id, party, standard, full, part, volunteers)| AcceptedFigures {
                org_id,
                party,
                standard,
                jobs: full.saturating_add(part),
                volunteers,
            },
        )
        .collect())
}
