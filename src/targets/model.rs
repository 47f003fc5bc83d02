//! The 30% ledger table and the queries behind the dashboard.

use std::collections::HashMap;

use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
};

use super::rules::{LedgerRow, UnitPlace};
use crate::kernel::money::Fen;

/// `target_ledger`
pub mod ledger {
    use sea_orm::entity::prelude::*;

    /// Signed, non-terminated contract value of one unit in one year, by supplier kind.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "target_ledger")]
    pub struct Model {
        /// Asia/Shanghai year of signing.
        #[sea_orm(primary_key, auto_increment = false)]
        pub year: i32,
        /// Purchasing unit.
        #[sea_orm(primary_key, auto_increment = false)]
        pub unit_id: i64,
        /// Supplier is a social organization.
        #[sea_orm(primary_key, auto_increment = false)]
        pub social: bool,
        /// Sum of values in fen.
        pub total_fen: i64,
        /// Number of contracts.
        pub contracts: i64,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Adds a contract to the ledger (`sign` = 1) or takes it out (`sign` = −1). Call in the
/// transaction that activates (or terminates) the contract, so the ledger always equals
/// [`recompute`].
pub async fn record(
    db: &impl ConnectionTrait,
    year: i32,
    unit_id: i64,
    social: bool,
    value: Fen,
    sign: i64,
) -> Result<(), DbErr> {
    use ledger::Column as C;
    ledger::Entity::insert(ledger::ActiveModel {
        year: Set(year),
        unit_id: Set(unit_id),
        social: Set(social),
        total_fen: Set(value.0 * sign),
        contracts: Set(sign),
    })
    .on_conflict(
        OnConflict::columns([C::Year, C::UnitId, C::Social])
            .value(
                C::TotalFen,
                Expr::col((ledger::Entity, C::TotalFen)).add(value.0 * sign),
            )
            .value(
                C::Contracts,
                Expr::col((ledger::Entity, C::Contracts)).add(sign),
            )
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

fn to_row(m: ledger::Model) -> LedgerRow {
    LedgerRow {
        year: m.year,
        unit_id: m.unit_id,
        social: m.social,
        total: Fen(m.total_fen),
        contracts: m.contracts,
    }
}

/// The maintained ledger, sorted by (year, unit, social); rows emptied by terminations are
/// left out.
pub async fn rows(db: &impl ConnectionTrait) -> Result<Vec<LedgerRow>, DbErr> {
    Ok(ledger::Entity::find()
        .filter(ledger::Column::Contracts.gt(0))
        .order_by_asc(ledger::Column::Year)
        .order_by_asc(ledger::Column::UnitId)
        .order_by_asc(ledger::Column::Social)
        .all(db)
        .await?
        .into_iter()
        .map(to_row)
        .collect())
}

/// The maintained ledger's rows of one year.
pub async fn rows_in_year(db: &impl ConnectionTrait, year: i32) -> Result<Vec<LedgerRow>, DbErr> {
    Ok(ledger::Entity::find()
        .filter(ledger::Column::Year.eq(year))
        .filter(ledger::Column::Contracts.gt(0))
        .all(db)
        .await?
        .into_iter()
        .map(to_row)
        .collect())
}

/// The ledger computed from the contracts themselves (one GROUP BY, in `contracts`): what
/// [`rows`] must always equal. Counts signed contracts that were not terminated, in the year
/// signed.
pub async fn recompute(db: &impl ConnectionTrait) -> Result<Vec<LedgerRow>, DbErr> {
    Ok(crate::contracts::signed_totals(db)
        .await?
        .into_iter()
        .map(|t| LedgerRow {
            year: t.year,
            unit_id: t.unit_id,
            social: t.social,
            total: t.total,
            contracts: t.contracts,
        })
        .collect())
}

/// Rows per INSERT in [`rebuild`]: five parameters each stays far below the bind limits of
/// SQLite and PostgreSQL.
const REBUILD_CHUNK: usize = 1000;

/// Replaces the ledger with [`recompute`] (after bulk loads that bypass the contract
/// operations, e.g. demo history). The totals come from `contracts`, which owns that table,
/// so this reads them and writes them back in batches rather than one INSERT … SELECT.
pub async fn rebuild(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    let totals = crate::contracts::signed_totals(db).await?;
    ledger::Entity::delete_many().exec(db).await?;
    for chunk in totals.chunks(REBUILD_CHUNK) {
        ledger::Entity::insert_many(chunk.iter().map(|t| ledger::ActiveModel {
            year: Set(t.year),
            unit_id: Set(t.unit_id),
            social: Set(t.social),
            total_fen: Set(t.total.0),
            contracts: Set(t.contracts),
        }))
        .exec_without_returning(db)
        .await?;
    }
    Ok(())
}

/// Where every purchasing unit sits.
pub async fn unit_places(db: &impl ConnectionTrait) -> Result<HashMap<i64, UnitPlace>, DbErr> {
    Ok(crate::units::list(db, None)
        .await?
        .into_iter()
        .map(|u| {
            (
                u.id,
                UnitPlace {
                    name: u.name,
                    county: u.county_code,
                    league: u.league_code,
                },
            )
        })
        .collect())
}

/// One contract behind a dashboard number.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ContractRow {
    /// Contract id.
    pub id: i64,
    /// Purchasing unit.
    pub unit_id: i64,
    /// Supplier.
    pub org_id: i64,
    /// Supplier name.
    pub org_name: String,
    /// Value.
    pub value: Fen,
    /// Supplier is a social organization.
    pub social: bool,
    /// Year signed.
    pub year: i32,
    /// Stored state code.
    pub state: String,
}

/// Page size of the drill-down.
pub const DRILL_PAGE: u64 = 50;
/// Most contracts one CSV export of a drill-down carries.
pub const CSV_LIMIT: u64 = 200_000;

/// The counted contracts of some units in a year (all units when `units` is `None`),
/// optionally only those from (or not from) social organizations: one page of `per_page`,
/// newest first, and the number of all of them.
pub async fn contracts_behind(
    db: &impl ConnectionTrait,
    year: i32,
    units: Option<&[i64]>,
    social: Option<bool>,
    page: u64,
    per_page: u64,
) -> Result<(Vec<ContractRow>, u64), DbErr> {
    let (rows, total) =
        crate::contracts::counted_in_year(db, year, units, social, page, per_page).await?;
    let ids: Vec<i64> = rows.iter().map(|c| c.org_id).collect();
    let names = crate::orgs::names_by_ids(db, &ids).await?;
    Ok((
        rows.into_iter()
            .map(|c| ContractRow {
                id: c.id,
                unit_id: c.unit_id,
                org_name: names.get(&c.org_id).cloned().unwrap_or_default(),
                org_id: c.org_id,
                value: Fen(c.value_fen),
                social: c.supplier_is_social,
                year: c.signed_year.unwrap_or(year),
                state: c.state,
            })
            .collect(),
        total,
    ))
}

/// What the organization registry says about the other targets (social organizations only).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct OrgFigures {
    /// Social organizations.
    pub orgs: i64,
    /// Holding a grade still valid today.
    pub rated: i64,
    /// Of which 3A or higher.
    pub rated_3a: i64,
    /// Not on any credit list.
    pub clean: i64,
    /// Brand service projects on the platform (counted by `brands`).
    pub brands: i64,
    /// Region-level brand recognitions this year.
    pub recognized_region: i64,
    /// Leagues/cities with at least their yearly target of recognitions this year.
    pub leagues_met: i64,
    /// Leagues/cities.
    pub leagues: i64,
}

/// Counts [`OrgFigures`] in one pass over the organizations (in `orgs`, which owns them),
/// the brand projects and this year's recognitions (in `brands`).
pub async fn org_figures(
    db: &impl ConnectionTrait,
    today: time::Date,
    per_league: i64,
) -> Result<OrgFigures, DbErr> {
    let f = crate::orgs::social_figures(db, today).await?;
    let rows = crate::brands::recognitions(db).await?;
    let codes: Vec<String> = crate::regions::regions()
        .leagues()
        .map(|d| d.code.clone())
        .collect();
    let (region, per) = super::brand_target::tally(&rows, today.year(), &codes);
    Ok(OrgFigures {
        orgs: f.orgs,
        rated: f.rated,
        rated_3a: f.rated_3a,
        clean: f.clean,
        brands: i64::try_from(crate::brands::count(db).await?).unwrap_or(i64::MAX),
        recognized_region: region,
        leagues_met: i64::try_from(per.iter().filter(|n| **n >= per_league).count()).unwrap_or(0),
        leagues: i64::try_from(per.len()).unwrap_or(0),
    })
}

/// Accepted annual reports summed by year and place, read through `regulation` (which owns
/// them).
pub async fn report_cells(
    db: &impl ConnectionTrait,
) -> Result<Vec<super::rules::ReportCell>, DbErr> {
    Ok(crate::regulation::accepted_tallies(db)
        .await?
        .into_iter()
        .map(|r| (r.year, r.league, r.county, r.tally))
        .collect())
}
