//! Application state, middleware stack and the server loop.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::{from_fn, from_fn_with_state};
use sea_orm::DatabaseConnection;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

use crate::accounts::store::DbSessionStore;
use crate::clock::Clock;
use crate::config::Config;
use crate::web::{csrf, middleware as mw};

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// Connection pool.
    pub db: DatabaseConnection,
    /// The clock.
    pub clock: Clock,
    /// Settings.
    pub config: Arc<Config>,
    /// The bid-sealing key (never stored in the database).
    pub seal: crate::seal::SealKey,
    /// Short-lived totals of the public organization list.
    pub org_counts: Arc<crate::orgs::model::counts::Cache>,
    /// The search engine (embedded or Meilisearch).
    pub search: crate::search::Search,
    /// The matching snapshot of the organizations, reused briefly.
    pub matching: Arc<crate::matching::Cache>,
}

/// The largest request at all: a bid attachment upload (its route raises axum's per-route
/// limit to this); every other route keeps `Config::body_limit`, enforced by axum's
/// `DefaultBodyLimit` and the CSRF check's buffering.
pub const UPLOAD_LIMIT: usize = 6 * 1024 * 1024;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "cb_session";

/// The full application: routes, fallback and middleware.
pub fn router(state: AppState) -> Router {
    let (routes, _) = crate::routes::table();
    let sessions = SessionManagerLayer::new(DbSessionStore::new(state.db.clone()))
        .with_name(SESSION_COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(state.config.secure_cookies)
        .with_expiry(Expiry::OnInactivity(time::Duration::days(7)));
    let limit = state.config.body_limit;
    // Layers run outermost-last: language → error pages → security headers → body limit →
    // panic guard → sessions → CSRF → handler.
    routes
        .fallback(mw::not_found)
        .with_state(state.clone())
        .layer(from_fn_with_state(state, csrf::check))
        .layer(sessions)
        .layer(CatchPanicLayer::custom(mw::panic_response))
        .layer(DefaultBodyLimit::max(limit))
        .layer(RequestBodyLimitLayer::new(limit.max(UPLOAD_LIMIT)))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static("referrer-policy"),
            HeaderValue::from_static("same-origin"),
        ))
        .layer(from_fn(mw::render_errors))
        .layer(from_fn(mw::language))
}

/// Opens the database, applies migrations and builds the state.
pub async fn init(config: Config, clock: Clock) -> anyhow::Result<AppState> {
    config.validate().map_err(anyhow::Error::msg)?;
    let url = config.effective_database_url();
    if url.starts_with("sqlite:") {
        std::fs::create_dir_all(&config.data_dir)?;
    }
    let db = crate::db::connect(&url).await?;
    crate::db::migrate(&db).await?;
    let seal = crate::seal::SealKey::load(config.seal_key.as_deref(), &config.data_dir)?;
    let search = crate::search::Search::open(&config)?;
    Ok(AppState {
        db,
        clock,
        config: Arc::new(config),
        seal,
        org_counts: Default::default(),
        search,
        matching: Default::default(),
    })
}

/// Serves until Ctrl-C / SIGTERM.
pub async fn serve(state: AppState) -> anyhow::Result<()> {
    let addr = state.config.bind;
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let store = DbSessionStore::new(state.db.clone());
    let clock = state.clock.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            tick.tick().await;
            if let Err(e) = store.delete_expired(clock.now()).await {
                tracing::warn!(error = %e, "could not delete expired sessions");
            }
        }
    });
    // Opening at the deadline does not wait for a visitor: every 15 s the due tenders open.
    let (db, seal, clock) = (state.db.clone(), state.seal.clone(), state.clock.clone());
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(15));
        loop {
            tick.tick().await;
            match crate::procurement::open_due(&db, &seal, clock.now()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(opened = n, "tenders opened at their deadline"),
                Err(e) => tracing::warn!(error = %e, "opening due tenders failed; will retry"),
            }
        }
    });
    // Link freshly recorded audit entries into the hash chain.
    let db = state.db.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(1));
        loop {
            tick.tick().await;
            if let Err(e) = crate::audit::chain_pending(&db).await {
                tracing::warn!(error = %e, "audit chaining failed; will retry");
            }
        }
    });
    spawn_search_jobs(&state);
    let app = router(state);
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown())
    .await?;
    Ok(())
}

/// Rebuilds a fresh or empty index from the database, then keeps delivering the search
/// outbox: right away while a full batch was waiting, else every half second (the rooms that
/// enqueue have no handle on this job, so it polls).
fn spawn_search_jobs(state: &AppState) {
    let (db, search, clock) = (state.db.clone(), state.search.clone(), state.clock.clone());
    tokio::spawn(async move {
        for kind in crate::search::Kind::ALL {
            // A fresh embedded index, or an empty index (a new Meilisearch server) while the
            // database has records: build it from the database.
            let empty = match search.backend().count(kind).await {
                Ok(0) => crate::search::model::record_count(&db, kind)
                    .await
                    .is_ok_and(|n| n > 0),
                _ => false,
            };
            if search.needs_rebuild || empty {
                let r = crate::search::reindex(
                    &db,
                    search.backend().as_ref(),
                    kind,
                    clock.now(),
                    2000,
                    |_| {},
                )
                .await;
                match r {
                    Ok(n) => tracing::info!(kind = kind.code(), records = n, "search index built"),
                    Err(e) => tracing::warn!(error = %e, "building the search index failed"),
                }
            }
        }
        let mut last_prune = 0i64;
        // Ratings that lapsed while nobody wrote: the last year at start, then day by day.
        let mut swept_to = clock.today() - time::Duration::days(366);
        loop {
            let now = clock.now();
            let today = clock.today();
            if today > swept_to {
                match crate::search::model::enqueue_lapsed_ratings(
                    &db,
                    swept_to,
                    today + time::Duration::days(1),
                    now,
                )
                .await
                {
                    Ok(_) => swept_to = today + time::Duration::days(1),
                    Err(e) => tracing::warn!(error = %e, "search: lapsed-rating sweep failed"),
                }
            }
            match crate::search::drain_once(&db, search.backend().as_ref(), now).await {
                Ok(d) if d.rows as u64 >= crate::search::BATCH => continue,
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "search outbox: database error; will retry"),
            }
            if now - last_prune > 3600 {
                last_prune = now;
                if let Err(e) = crate::search::model::prune(&db, now - 86_400).await {
                    tracing::warn!(error = %e, "search outbox: pruning failed");
                }
            }
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        }
    });
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
