//! Contract entities. Queries live in `mod.rs`, next to the operations that use them.

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
        /// Milestone (one payment each).
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

pub use contract::Model as Contract;
pub use contract_milestone::Model as Milestone;
pub use payment::Model as Payment;
