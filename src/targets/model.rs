//! The 30% ledger table and the queries behind the dashboard.

use std::collections::HashMap;

use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Statement,
};

use super::rules::{LedgerRow, UnitPlace};
use crate::contracts::ContractState;
use crate::contracts::model::contract;
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

/// The ledger computed from the contracts themselves (one GROUP BY): what [`rows`] must
/// always equal. Counts signed contracts that were not terminated, in the year signed.
pub async fn recompute(db: &impl ConnectionTrait) -> Result<Vec<LedgerRow>, DbErr> {
    let sql = "SELECT signed_year AS year, unit_id, supplier_is_social AS social, \
               CAST(SUM(value_fen) AS BIGINT) AS total, COUNT(*) AS n FROM contracts \
               WHERE signed_year IS NOT NULL AND state <> 'terminated' \
               GROUP BY signed_year, unit_id, supplier_is_social \
               ORDER BY signed_year, unit_id, supplier_is_social";
    let rows = db
        .query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await?;
    rows.into_iter()
        .map(|r| {
            Ok(LedgerRow {
                year: r.try_get("", "year")?,
                unit_id: r.try_get("", "unit_id")?,
                social: r.try_get("", "social")?,
                total: Fen(r.try_get("", "total")?),
                contracts: r.try_get("", "n")?,
            })
        })
        .collect()
}

/// Replaces the ledger with [`recompute`] (after bulk loads that bypass the contract
/// operations, e.g. demo history).
pub async fn rebuild(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    ledger::Entity::delete_many().exec(db).await?;
    db.execute_unprepared(
        "INSERT INTO target_ledger (year, unit_id, social, total_fen, contracts) \
         SELECT signed_year, unit_id, supplier_is_social, SUM(value_fen), COUNT(*) \
         FROM contracts WHERE signed_year IS NOT NULL AND state <> 'terminated' \
         GROUP BY signed_year, unit_id, supplier_is_social",
    )
    .await?;
    Ok(())
}

/// Where every purchasing unit sits.
pub async fn unit_places(db: &impl ConnectionTrait) -> Result<HashMap<i64, UnitPlace>, DbErr> {
    use crate::units::model::unit;
    Ok(unit::Entity::find()
        .all(db)
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
    use contract::Column as C;
    let mut q = contract::Entity::find()
        .filter(C::SignedYear.eq(year))
        .filter(C::State.ne(ContractState::Terminated.code()));
    if let Some(u) = units {
        q = q.filter(C::UnitId.is_in(u.iter().copied()));
    }
    if let Some(s) = social {
        q = q.filter(C::SupplierIsSocial.eq(s));
    }
    let total = q.clone().count(db).await?;
    let rows = q
        .order_by_desc(C::Id)
        .limit(per_page)
        .offset(page.saturating_sub(1).saturating_mul(per_page))
        .all(db)
        .await?;
    let ids: Vec<i64> = rows.iter().map(|c| c.org_id).collect();
    let names: HashMap<i64, String> = crate::orgs::model::organization::Entity::find()
        .select_only()
        .column(crate::orgs::model::organization::Column::Id)
        .column(crate::orgs::model::organization::Column::Name)
        .filter(crate::orgs::model::organization::Column::Id.is_in(ids))
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
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
    /// Staff reported in their profiles.
    pub staff: i64,
}

/// Counts [`OrgFigures`] in one pass over the organizations.
pub async fn org_figures(
    db: &impl ConnectionTrait,
    today: time::Date,
) -> Result<OrgFigures, DbErr> {
    let backend = db.get_database_backend();
    let p = if backend == sea_orm::DatabaseBackend::Postgres {
        "$1"
    } else {
        "?"
    };
    let sql = format!(
        "SELECT COUNT(*) AS n, \
         COALESCE(SUM(CASE WHEN rating_grade IS NOT NULL AND rating_valid_until >= {p} THEN 1 ELSE 0 END), 0) AS rated, \
         COALESCE(SUM(CASE WHEN rating_grade >= 3 AND rating_valid_until >= {p} THEN 1 ELSE 0 END), 0) AS rated3, \
         COALESCE(SUM(CASE WHEN credit_status = 'normal' THEN 1 ELSE 0 END), 0) AS clean, \
         CAST(COALESCE(SUM(staff_count), 0) AS BIGINT) AS staff \
         FROM organizations WHERE kind IN ('social_group', 'foundation', 'social_service_agency')"
    );
    // PostgreSQL numbers the parameter once; SQLite binds each `?`.
    let values: Vec<sea_orm::Value> = if backend == sea_orm::DatabaseBackend::Postgres {
        vec![today.into()]
    } else {
        vec![today.into(), today.into()]
    };
    let Some(r) = db
        .query_one_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?
    else {
        return Ok(OrgFigures::default());
    };
    Ok(OrgFigures {
        orgs: r.try_get("", "n")?,
        rated: r.try_get("", "rated")?,
        rated_3a: r.try_get("", "rated3")?,
        clean: r.try_get("", "clean")?,
        staff: r.try_get("", "staff")?,
    })
}
