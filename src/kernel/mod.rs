//! The kernel: what every room stands on and nothing else — the injectable clock, money in
//! fen, stored codes, the one error type and field errors, languages and translation, the
//! database (one way to begin a write), bid sealing, the audit log's keys, the outbox that
//! feeds the search engine, what several instances on one database agree on (`instances`), the photo pipeline every room's pictures go through (`photos`),
//! and which characters and how many a free-text field may hold (`text`).
//!
//! Invariants: the kernel imports nothing above it (`tests/layers.rs` checks it); the only
//! wall-clock read in the crate is [`clock::Clock::System`].

pub mod audit_keys;
pub mod clock;
pub mod codes;
pub mod db;
pub mod error;
pub mod files;
pub mod i18n;
pub mod instances;
pub mod mail;
pub mod money;
pub mod outbox;
pub mod pdf;
pub mod photos;
pub mod seal;
pub mod text;

pub use i18n::Lang;
