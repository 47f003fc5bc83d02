//! Purchasing units (购买主体): government departments and streets/townships at region,
//! league/city, banner/county and township level, each tied to a division code, and the
//! buyers who act for them.
//!
//! Invariants: a unit's level is the level of its division; names are unique. Only platform
//! administrators create units and add buyers. May call: `accounts`, `regions`, `web`.

pub mod model;
pub mod routes;
pub mod rules;
pub mod views;

pub use model::{MEMBERSHIP_ROWS_SQL, memberships_of};
pub use model::{count, get};

/// Unit names by id, for rooms that list the units they refer to.
pub use model::names_by_ids;
/// A purchasing unit, and all of them (optionally of one league/city).
pub use model::{Unit, list};
