//! The application state every handler can reach.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use maud::Markup;

use sea_orm::DatabaseConnection;

use crate::kernel::Lang;
use crate::kernel::clock::Clock;
use crate::kernel::error::AppResult;
use crate::web::config::Config;

/// What every handler can reach: one shared allocation, so that cloning it for each request
/// (axum clones the state into every handler and extractor) is one reference count, not a
/// dozen. The profile of a request without a session showed the field-by-field clone and drop
/// at 9% of its CPU.
#[derive(Clone)]
pub struct AppState(Arc<SharedState>);

impl AppState {
    /// The state over these parts.
    pub fn new(shared: SharedState) -> Self {
        Self(Arc::new(shared))
    }

    /// A copy of this state with `change` applied to its parts (for start-up and tests: the
    /// running server's handlers share one state and never change it).
    pub fn with(&self, change: impl FnOnce(&mut SharedState)) -> Self {
        let mut shared = (*self.0).clone();
        change(&mut shared);
        Self::new(shared)
    }
}

impl std::ops::Deref for AppState {
    type Target = SharedState;
    fn deref(&self) -> &SharedState {
        &self.0
    }
}

/// The parts of [`AppState`].
#[derive(Clone)]
pub struct SharedState {
    /// Connection pool.
    pub db: DatabaseConnection,
    /// The clock.
    pub clock: Clock,
    /// Settings.
    pub config: Arc<Config>,
    /// The bid-sealing key (never stored in the database).
    pub seal: crate::kernel::seal::SealKey,
    /// The audit log's MAC and checkpoint-signing keys (never stored in the database).
    pub audit_keys: crate::kernel::audit_keys::AuditKeys,
    /// Short-lived totals of the public organization list.
    pub org_counts: Arc<crate::orgs::CountCache>,
    /// The search engine (embedded or Meilisearch).
    pub search: crate::search::Search,
    /// The matching snapshot of the organizations, reused briefly.
    pub matching: Arc<crate::matching::Cache>,
    /// Sections other rooms add to a tender page for its buyers (the best matches), wired by
    /// `app` so that procurement renders its page without depending on those rooms.
    pub tender_sections: Arc<[TenderSection]>,
    /// Sections other rooms add to an organization's profile (annual reports, penalties,
    /// brand projects), wired by `app` so that `orgs` renders its page without depending on those rooms.
    pub profile_sections: Arc<[ProfileSection]>,
    /// Set once the search indexes are built (or found built) at start; `/readyz` answers
    /// 503 before, so a load balancer sends no traffic to an instance whose search is empty.
    pub ready: Arc<std::sync::atomic::AtomicBool>,
    /// The database's last answer to `/healthz` and `/readyz`, reused for a second.
    pub probe: Arc<crate::kernel::db::Probe>,
}

/// A section of a tender page for its buyers: given the tender and the form token, its markup.
pub type TenderSection = for<'a> fn(
    &'a AppState,
    Lang,
    &'a crate::procurement::Tender,
    &'a str,
)
    -> Pin<Box<dyn Future<Output = AppResult<Markup>> + Send + 'a>>;

/// A section of an organization's profile: given the reader's language and who they are
/// (`None`: anonymous), its markup.
pub type ProfileSection =
    for<'a> fn(
        &'a AppState,
        Lang,
        Option<&'a crate::accounts::Actor>,
        &'a crate::orgs::Org,
    ) -> Pin<Box<dyn Future<Output = AppResult<Markup>> + Send + 'a>>;

/// The largest request at all: a bid attachment upload (its route raises axum's per-route
/// limit to this); every other route keeps `Config::body_limit`, enforced by axum's
/// `DefaultBodyLimit` and the CSRF check's buffering.
pub const UPLOAD_LIMIT: usize = 6 * 1024 * 1024;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "cb_session";
