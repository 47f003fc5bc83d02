//! # CivicBridge (社会组织服务对接平台)
//!
//! A marketplace where government purchasing units buy public services from social
//! organizations, with the policy's 30% target in view. This page is the codemap: what
//! lives where, what each room guarantees, and what it may call.
//!
//! ## Shape
//! `main.rs` (clap) → [`app`] (state, middleware, server) → [`routes`] (every route, grouped
//! by room, with its declared access) → a room's `routes.rs` (thin handlers) → its
//! `rules.rs` (pure logic) and `model.rs` (sea-orm entities and queries) → its `views.rs`
//! (maud, no queries) inside [`web::layout`].
//!
//! ## Rooms
//! - [`accounts`] — users, platform roles, server-side sessions in the database, log-in
//!   throttling, and the one permission policy ([`accounts::policy`]). Passwords only as
//!   argon2id hashes. Calls `orgs`/`units` for memberships.
//! - [`orgs`] — the organization registry: profiles, USCC validation, service domains,
//!   members, regulator-kept rating grade and credit status (each change logged with who,
//!   when, why in the same transaction).
//! - [`units`] — purchasing units tied to division codes and the buyers who act for them.
//! - [`procurement`] — government purchase of services: tenders (one state machine,
//!   `rules::TenderState::apply`), amendments, enquiries, sealed bids with receipts, opening,
//!   evaluation (`scoring`: comprehensive and lowest-price, exact integer milli-points),
//!   awards with a working-day standstill, challenges. A bid write and the opening both start
//!   with a conditional UPDATE of the tender row (state and deadline in the WHERE clause), so
//!   the deadline is decided inside the writing transaction and the row lock orders bids
//!   against opening. Calls `audit`, `contracts` (create at award), `orgs`, `seal`.
//! - [`contracts`] — contracts created at award: signatures (refused during the standstill
//!   or with an unanswered challenge), milestones (report → accept/return → offline payment),
//!   completion with a performance rating that stays on the supplier's track record. Keeps
//!   supplier kind and value for the 30% share. Calls `audit`, `procurement` (signing block,
//!   tender state follows the contract), `targets` (the ledger, at activation).
//! - [`matching`] — who fits which tender, with reasons: every organization is excluded by
//!   the bidding eligibility rules (reused from `procurement::rules`, each rule that fired
//!   named) or scored 0–100 from six parts in words (domain, distance, rating, track record,
//!   capacity, incubator) with configurable weights (`MatchingWeights`). Runs on an
//!   in-memory snapshot of all organizations (one linear scan, bounded heap), cached briefly
//!   and dropped by organization writes. Buyers' matches page and idempotent invitations
//!   (`notifications`); members' invitations and recommended tenders on `/me`. Calls
//!   `procurement`, `orgs`, `units`.
//! - [`targets`] — the policy dashboard led by the 30% share: the `target_ledger` (signed,
//!   non-terminated contract value per year, unit and supplier kind) written in the signing
//!   transaction and always equal to the GROUP BY recomputation; exact roll-ups unit →
//!   banner/county → league/city → region; the other targets from the registry; ECharts
//!   chart and map over plain tables, CSV, drill-down, what-if. Calls `contracts`, `orgs`,
//!   `units`, `regions`.
//! - [`audit`] — the hash-chained log: an entry is recorded in the same transaction as every
//!   state change; a chainer (every second, and before verification) links committed entries
//!   into one chain under the head row's lock, so writers never queue on the chain;
//!   `civicbridge audit verify` names the first broken entry; public timelines. Calls `db`.
//! - [`search`] — search over tenders and organizations. `search/*.json` define the indexes
//!   (Meilisearch settings plus CivicBridge's part); `rules` holds the pure logic (analysis
//!   with jieba, synonyms, parameters, highlighting); one `Backend` trait with the embedded
//!   engine (tantivy, under the data directory) and Meilisearch. Invariants: a write to a
//!   searchable record enqueues an outbox row in its own transaction (orgs and procurement
//!   call [`search::enqueue`]); rows are marked done only after the engine acknowledged them;
//!   documents are built field by field from public data only (no drafts, bids or contact
//!   details). Reads `orgs`, `procurement`, `units` and `regions` models; called by `app`
//!   (drainer job), `main` (`reindex`) and the rooms that enqueue.
//! - [`regions`] — Inner Mongolia's division table (embedded CSV) and province prefixes;
//!   immutable reference data.
//! - [`seed`] — deterministic demo data; calls the other rooms' models.
//!
//! ## Shared pieces
//! - [`web`] — request context ([`web::Ctx`]: language, session, current user, CSRF token,
//!   flash), layout, form helpers, CSRF middleware (every non-GET request), language and
//!   error-page middleware, embedded static assets, the home page.
//! - [`error`] — the one error type, [`error::AppError`], rendered by `web::middleware`
//!   as a page in the user's language or JSON under `/api/`; [`error::FieldErrors`] for forms.
//! - [`seal`] — XChaCha20-Poly1305 sealing with a key outside the database, and the salted
//!   SHA-256 receipt commitment.
//! - [`money`] — [`money::Fen`], integer fen; exact splits by basis points.
//! - `codes` — `code_enum!`, the one way a stored state or kind maps to its enum.
//! - [`clock`] — the injectable clock; all "now" comes from it. Instants are stored as Unix
//!   seconds (UTC) and shown in Asia/Shanghai.
//! - [`config`], [`db`] — settings and the SQLite/PostgreSQL connection.
//!
//! ## Invariants across rooms
//! - A room reaches another only through what that room's `mod.rs` exports.
//! - Every state-changing request carries the session's CSRF token (middleware, not
//!   handlers); every handler that reads or changes non-public data asks
//!   `accounts::require`.
//! - Bad input comes back as the same form with the typed values and a message per field,
//!   status 422; nothing is written.

rust_i18n::i18n!("src/locales", fallback = "zh-CN");

pub mod accounts;
pub mod app;
pub mod audit;
pub mod contracts;
pub mod kernel;
pub mod matching;
pub mod orgs;
pub mod pages;
pub mod procurement;
pub mod regions;
pub mod search;
pub mod targets;
pub mod units;
pub mod web;
