//! Purchasing units (购买主体): government departments and streets/townships at region,
//! league/city, banner/county and township level, each tied to a division code, and the
//! buyers who act for them.
//!
//! Invariants: a unit's level is the level of its division; names are unique. Only platform
//! administrators create units and add or remove buyers, never themselves nor another
//! administrator (separation of duties); each buyer change has a reason, an audit entry and
//! notices to the unit's buyers and the user concerned in its transaction (`buyers`).
//! May call: `accounts`, `audit`, `inbox`, `regions`, `web`.

mod buyers;
pub mod model;
pub mod routes;
pub mod rules;
pub mod views;

pub use model::{BUYER_ID_ROWS_SQL, MEMBERSHIP_ROWS_SQL, memberships_of};
pub use model::{count, get};

pub use buyers::{add_buyer, remove_buyer};
/// The buyers of a unit by user id (conflict-of-interest checks).
pub use model::buyer_ids;

/// Unit names by id, for rooms that list the units they refer to.
pub use model::names_by_ids;
/// A purchasing unit, and all of them (optionally of one league/city).
pub use model::{Unit, list};
