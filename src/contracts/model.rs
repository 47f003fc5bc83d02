//! Contract entities, and at the end the reads other rooms get through `mod.rs` (the 30%
//! ledger's totals and the contracts behind them). The operations' own queries live in
//! `mod.rs`, next to the operations that use them.

/// `contracts`
pub mod contract {
    use sea_orm::entity::prelude::*;

    /// A government purchase-of-services contract (政府购买服务合同).
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "contracts")]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// The awarded tender (one contract per tender).
        pub tender_id: i64,
        /// Buyer: the purchasing unit.
        pub unit_id: i64,
        /// Supplier: the organization.
        pub org_id: i64,
        /// Contract value in fen.
        pub value_fen: i64,
        /// Whether the supplier counts as a social organization (for the 30% share).
        pub supplier_is_social: bool,
        /// Place of service.
        pub division_code: String,
        /// `ContractState::code()`.
        pub state: String,
        /// Unix seconds.
        pub buyer_signed_at: Option<i64>,
        /// Unix seconds.
        pub org_signed_at: Option<i64>,
        /// Asia/Shanghai calendar year of the second signature.
        pub signed_year: Option<i32>,
        /// Unix seconds.
        pub completed_at: Option<i64>,
        /// Buyer's rating at completion, 1–5.
        pub rating: Option<i16>,
        /// Buyer's comment at completion.
        pub rating_comment: Option<String>,
        /// Unix seconds the buyer terminated it early.
        pub terminated_at: Option<i64>,
        /// Why the buyer terminated it early.
        pub termination_reason: Option<String>,
        /// Unix seconds.
        pub created_at: i64,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `contract_milestones`
pub mod contract_milestone {
    use sea_orm::entity::prelude::*;

    /// A payment milestone of a contract.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "contract_milestones")]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// Contract.
        pub contract_id: i64,
        /// 1-based order.
        pub position: i16,
        /// Name.
        pub name: String,
        /// Share of the value in basis points.
        pub percent_bp: i32,
        /// Amount in fen (the amounts add up to the contract value).
        pub amount_fen: i64,
        /// `MilestoneState::code()`.
        pub state: String,
        /// The supplier's latest delivery report (parties and regulators only).
        pub report: Option<String>,
        /// The buyer's latest return reason.
        pub return_reason: Option<String>,
        /// Unix seconds of the latest report.
        pub submitted_at: Option<i64>,
        /// Unix seconds of the latest accept or return.
        pub decided_at: Option<i64>,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `payments`
pub mod payment {
    use sea_orm::entity::prelude::*;

    /// An offline payment recorded by the buyer against an accepted milestone.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "payments")]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// Contract.
        pub contract_id: i64,
        /// Milestone (one payment, or several parts adding up to its amount).
        pub milestone_id: i64,
        /// Amount in fen.
        pub amount_fen: i64,
        /// Day paid.
        pub paid_on: time::Date,
        /// Bank or treasury reference.
        pub reference: String,
        /// Buyer who recorded it.
        pub recorded_by: Option<i64>,
        /// Unix seconds.
        pub at: i64,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `milestone_files`
pub mod milestone_file {
    use sea_orm::entity::prelude::*;

    /// A file the supplier attached to a milestone's delivery report.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "milestone_files")]
    pub struct Model {
        /// Key.
        #[sea_orm(primary_key)]
        pub id: i64,
        /// Contract.
        pub contract_id: i64,
        /// Milestone.
        pub milestone_id: i64,
        /// Random hex name of the stored file under `milestone-files/`.
        #[serde(skip)]
        pub file_key: String,
        /// The name it was uploaded under (cleaned).
        pub name: String,
        /// Media type decided by its content.
        pub mime: String,
        /// Bytes.
        pub size: i64,
        /// SHA-256, hex.
        pub sha256: String,
        /// The supplier's user who attached it.
        pub uploaded_by: i64,
        /// Unix seconds.
        pub uploaded_at: i64,
        /// When it was taken off (null: attached).
        pub removed_at: Option<i64>,
        /// Who took it off.
        pub removed_by: Option<i64>,
    }

    /// None navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub use contract::Model as Contract;
pub use contract_milestone::Model as Milestone;
pub use milestone_file::Model as MilestoneFile;
pub use payment::Model as Payment;

/// Signed, non-terminated contract value of one unit in one year, by supplier kind: a row of
/// [`signed_totals`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignedTotal {
    /// Asia/Shanghai year of signing.
    pub year: i32,
    /// Purchasing unit.
    pub unit_id: i64,
    /// Supplier is a social organization.
    pub social: bool,
    /// Sum of values.
    pub total: crate::kernel::money::Fen,
    /// Number of contracts.
    pub contracts: i64,
}

/// Signed contracts that were not terminated, summed per (year signed, unit, supplier is
/// social) in one GROUP BY, sorted by those three: what the targets ledger must equal.
pub async fn signed_totals(
    db: &impl sea_orm::ConnectionTrait,
) -> Result<Vec<SignedTotal>, sea_orm::DbErr> {
    let sql = "SELECT signed_year AS year, unit_id, supplier_is_social AS social, \
               CAST(SUM(value_fen) AS BIGINT) AS total, COUNT(*) AS n FROM contracts \
               WHERE signed_year IS NOT NULL AND state <> 'terminated' \
               GROUP BY signed_year, unit_id, supplier_is_social \
               ORDER BY signed_year, unit_id, supplier_is_social";
    let rows = db
        .query_all_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            sql,
        ))
        .await?;
    rows.into_iter()
        .map(|r| {
            Ok(SignedTotal {
                year: r.try_get("", "year")?,
                unit_id: r.try_get("", "unit_id")?,
                social: r.try_get("", "social")?,
                total: crate::kernel::money::Fen(r.try_get("", "total")?),
                contracts: r.try_get("", "n")?,
            })
        })
        .collect()
}

/// The contracts counted for `year` (signed that year, not terminated) of some units (all
/// when `units` is `None`), optionally only those whose supplier is (or is not) a social
/// organization: page `page` (1-based) of `per_page`, newest first, and how many there are.
pub async fn counted_in_year(
    db: &impl sea_orm::ConnectionTrait,
    year: i32,
    units: Option<&[i64]>,
    social: Option<bool>,
    page: u64,
    per_page: u64,
) -> Result<(Vec<Contract>, u64), sea_orm::DbErr> {
    use contract::Column as C;
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
    let mut q = contract::Entity::find()
        .filter(C::SignedYear.eq(year))
        .filter(C::State.ne(super::rules::ContractState::Terminated.code()));
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
    Ok((rows, total))
}

// ---------------------------------------------------------------------------------------
// Aggregates for other rooms (matching), offered through `mod.rs` so that no other room
// writes SQL on `contracts` or `contract_milestones`.

/// One supplier's contracts counted for matching's snapshot (every count saturates at
/// `u32::MAX`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SupplierTally {
    /// Completed contracts.
    pub completed: u32,
    /// Pending or active contracts.
    pub live: u32,
    /// Sum of the buyers' ratings of completed contracts.
    pub rating_sum: u32,
    /// Completed contracts with a rating.
    pub rating_count: u32,
    /// Milestones with a decision recorded (`decided_at` set).
    pub milestones_decided: u32,
    /// Decided milestones accepted without ever being returned.
    pub milestones_first_time: u32,
}

/// [`SupplierTally`] of every organization that has a contract, by organization id: two
/// GROUP BY aggregates, whatever the number of organizations.
pub async fn supplier_tallies(
    db: &impl sea_orm::ConnectionTrait,
) -> Result<std::collections::HashMap<i64, SupplierTally>, sea_orm::DbErr> {
    use sea_orm::{DbErr, Statement};
    let mut out: std::collections::HashMap<i64, SupplierTally> = std::collections::HashMap::new();
    let backend = db.get_database_backend();
    let contracts = db
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT org_id, \
             COALESCE(SUM(CASE WHEN state = 'completed' THEN 1 ELSE 0 END), 0) AS completed, \
             COALESCE(SUM(CASE WHEN state IN ('pending', 'active') THEN 1 ELSE 0 END), 0) AS live, \
             CAST(COALESCE(SUM(CASE WHEN state = 'completed' AND rating IS NOT NULL THEN rating ELSE 0 END), 0) AS BIGINT) AS rsum, \
             COALESCE(SUM(CASE WHEN state = 'completed' AND rating IS NOT NULL THEN 1 ELSE 0 END), 0) AS rcount \
             FROM contracts GROUP BY org_id",
        ))
        .await?;
    for r in contracts {
        let n = |k: &str| -> Result<u32, DbErr> {
            Ok(u32::try_from(r.try_get::<i64>("", k)?).unwrap_or(u32::MAX))
        };
        let t = out.entry(r.try_get("", "org_id")?).or_default();
        t.completed = n("completed")?;
        t.live = n("live")?;
        t.rating_sum = n("rsum")?;
        t.rating_count = n("rcount")?;
    }
    let milestones = db
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT c.org_id AS org_id, COUNT(*) AS decided, \
             COALESCE(SUM(CASE WHEN m.state IN ('accepted', 'paid') AND m.return_reason IS NULL \
               THEN 1 ELSE 0 END), 0) AS first_time \
             FROM contract_milestones m JOIN contracts c ON c.id = m.contract_id \
             WHERE m.decided_at IS NOT NULL GROUP BY c.org_id",
        ))
        .await?;
    for r in milestones {
        let t = out.entry(r.try_get("", "org_id")?).or_default();
        t.milestones_decided = u32::try_from(r.try_get::<i64>("", "decided")?).unwrap_or(u32::MAX);
        t.milestones_first_time =
            u32::try_from(r.try_get::<i64>("", "first_time")?).unwrap_or(u32::MAX);
    }
    Ok(out)
}

/// Per supplier organization: how many contracts it signed (second signature) inside
/// `[from, to)` and their total value, terminated ones left out like the ledger does — one
/// GROUP BY (incubators' quarterly KPIs count what their tenants and graduates won).
pub async fn signed_by_org_between(
    db: &impl sea_orm::ConnectionTrait,
    from: i64,
    to: i64,
) -> Result<std::collections::HashMap<i64, (i64, crate::kernel::money::Fen)>, sea_orm::DbErr> {
    // Integers we computed, never typed text: written into the statement as literals.
    let signed =
        "CASE WHEN buyer_signed_at > org_signed_at THEN buyer_signed_at ELSE org_signed_at END";
    let sql = format!(
        "SELECT org_id, CAST(COUNT(*) AS BIGINT) AS n, CAST(SUM(value_fen) AS BIGINT) AS total \
         FROM contracts WHERE buyer_signed_at IS NOT NULL AND org_signed_at IS NOT NULL \
         AND state <> 'terminated' AND {signed} >= {from} AND {signed} < {to} GROUP BY org_id"
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

/// Which of these organizations hold a contract (activity for zombie detection), in one
/// query.
pub async fn suppliers_among(
    db: &impl sea_orm::ConnectionTrait,
    ids: &[i64],
) -> Result<Vec<i64>, sea_orm::DbErr> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
    contract::Entity::find()
        .select_only()
        .column(contract::Column::OrgId)
        .distinct()
        .filter(contract::Column::OrgId.is_in(ids.iter().copied()))
        .into_tuple()
        .all(db)
        .await
}
