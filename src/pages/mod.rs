//! Pages that compose several rooms: the home page, the workspace `/me`, the tender page with
//! its matches and contract, and the organization profile. Rooms offer data through their
//! `mod.rs` and sections through their `views`; a page fetches the one and assembles the other.
//!
//! Invariants: a page reads no table itself and decides no permission itself beyond asking
//! `accounts::require`; rooms never call pages. May call: `kernel`, `web`, every room's face
//! and views.

pub mod home;
pub mod me;
pub mod org;
pub mod tender;
