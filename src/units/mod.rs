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

pub use model::memberships_of;
pub use model::{count, get};

/// Unit names by id, batched (for other rooms' documents and lists).
pub use model::names_of;
