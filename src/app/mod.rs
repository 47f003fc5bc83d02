//! The top of the application: the route table ([`routes`]), the middleware stack, start-up
//! (database, migrations, keys, search engine) and the server loop with its background
//! [`jobs`].

pub mod jobs;
pub mod openapi;
pub mod routes;
pub mod seed;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::{from_fn, from_fn_with_state};
use tower::ServiceBuilder;
use tower_http::CompressionLevel;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

use crate::accounts::DbSessionStore;
use crate::kernel::clock::Clock;
use crate::web::config::Config;
use crate::web::{AppState, SESSION_COOKIE, UPLOAD_LIMIT};
use crate::web::{csrf, middleware as mw};

/// The full application: routes, fallback and middleware.
pub fn router(state: AppState) -> Router {
    let (routes, _) = crate::app::routes::table();
    let sessions = SessionManagerLayer::new(DbSessionStore::new(state.db.clone()))
        .with_name(SESSION_COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(state.config.secure_cookies)
        .with_expiry(Expiry::OnInactivity(time::Duration::days(7)));
    let limit = state.config.body_limit;
    let client_ip = state.config.client_ip_source.clone();
    let site = state.config.site.clone();
    // One limiter per router (per process): the API's rate limit reads it from the request.
    let limiter = Arc::new(crate::web::api::RateLimiter::new(
        state.config.api_rate_limit,
        state.config.api_rate_window_secs,
        state.clock.clone(),
    ));
    // One stack, outermost first: compression → page ETags → security headers → the site's
    // operator, the API's limiter and the client address source (extensions) → language →
    // error pages → body limits → panic guard → sessions → enrolment first (a role that
    // requires a second factor) → who is signed in (for error pages) → flash cookie → CSRF →
    // handler. The headers are outside the error pages, which replace the inner response,
    // so those carry them too. Composed with one `ServiceBuilder` and applied once: each
    // `Router::layer` call wraps every route in one more boxed service, cloned and called per
    // request, and nineteen of them were most of what a request without a session cost.
    let stack = ServiceBuilder::new()
        // What goes on the wire. Brotli at quality 4 and gzip at 4 cost little per page;
        // static files arrive precompressed at their best (`web::assets`) and are left alone
        // because they carry their `Content-Encoding`.
        .layer(
            CompressionLayer::new()
                .quality(CompressionLevel::Precise(4))
                .compress_when(mw::compressible),
        )
        .layer(from_fn(mw::etag_pages))
        .layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static("referrer-policy"),
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(mw::CONTENT_SECURITY_POLICY),
        ))
        .layer(axum::Extension(site))
        .layer(axum::Extension(limiter))
        .layer(client_ip.into_extension())
        .layer(from_fn(mw::language))
        .layer(from_fn(mw::render_errors))
        .layer(RequestBodyLimitLayer::new(limit.max(UPLOAD_LIMIT)))
        // The limited body back into axum's own body type, which the inner layers take.
        .map_request(|r: axum::http::Request<_>| r.map(axum::body::Body::new))
        .layer(DefaultBodyLimit::max(limit))
        .layer(CatchPanicLayer::custom(mw::panic_response))
        .layer(sessions)
        .layer(from_fn(mw::enrol_first))
        .layer(from_fn_with_state(state.clone(), mw::error_viewer))
        .layer(from_fn_with_state(
            state.config.secure_cookies,
            mw::flash_cookie,
        ))
        .layer(from_fn_with_state(state.clone(), csrf::check));
    routes
        .fallback(mw::not_found)
        .with_state(state)
        .layer(stack)
}

/// Opens the database, applies migrations and builds the state.
pub async fn init(config: Config, clock: Clock) -> anyhow::Result<AppState> {
    config.validate().map_err(anyhow::Error::msg)?;
    let url = config.effective_database_url();
    // Everything under the data directory is private to the server's user.
    crate::kernel::db::prepare_data_dir(&config.data_dir)?;
    if let Some(file) = crate::kernel::db::sqlite_path(&url) {
        crate::kernel::db::private_file(&file)?;
    }
    let audit_keys = crate::kernel::audit_keys::AuditKeys::load(
        config.audit_key.as_deref(),
        config.checkpoint_key.as_deref(),
        &config.data_dir,
    )?;
    // Before anything can record an audit entry.
    crate::kernel::audit_keys::install(&audit_keys)?;
    // Before anything can record an OCDS release.
    crate::opendata::install(config.ocds.clone());
    // Before anything can write a notice: with mail settings, notices queue their e-mail.
    if config.mail.is_some() {
        crate::kernel::mail::switch_on();
    }
    let db = crate::kernel::db::connect_with(&url, config.db_max_connections).await?;
    crate::kernel::db::migrate(&db).await?;
    crate::audit::start(&db, &audit_keys, clock.now()).await?;
    let seal = crate::kernel::seal::SealKey::load(config.seal_key.as_deref(), &config.data_dir)?;
    // Attachment metadata written in clear before it was sealed; only the server has the key.
    let sealed = crate::procurement::seal_file_metadata(&db, &seal).await?;
    if sealed > 0 {
        tracing::info!(
            files = sealed,
            "sealed the metadata of earlier bid attachments"
        );
    }
    // Releases recorded before the red flags existed get theirs (a no-op afterwards).
    let evaluated = crate::opendata::evaluate_missing_flags(&db, clock.now()).await?;
    if evaluated > 0 {
        tracing::info!(
            tenders = evaluated,
            "evaluated the red flags of earlier releases"
        );
    }
    // Releases recorded before the notices existed are listed as notices (a no-op afterwards).
    let listed = crate::opendata::fill_missing_notices(&db).await?;
    if listed > 0 {
        tracing::info!(notices = listed, "listed earlier releases as notices");
    }
    let search = crate::search::Search::open(
        &config.data_dir,
        config.meilisearch_url.as_deref(),
        config.meilisearch_api_key.as_deref(),
        &config.search_index_prefix,
    )?;
    Ok(AppState::new(crate::web::SharedState {
        db,
        clock,
        config: Arc::new(config),
        seal,
        audit_keys,
        org_counts: Default::default(),
        search,
        matching: Default::default(),
        tender_sections: Arc::new([crate::pages::tender::matches as crate::web::TenderSection]),
        profile_sections: Arc::new([
            crate::pages::org::regulation as crate::web::ProfileSection,
            crate::pages::org::brands,
            crate::pages::org::grants,
        ]),
        ready: Default::default(),
        probe: Default::default(),
    }))
}

/// Serves until Ctrl-C / SIGTERM.
pub async fn serve(state: AppState) -> anyhow::Result<()> {
    let addr = state.config.bind;
    let listener = tokio::net::TcpListener::bind(addr).await?;
    jobs::spawn_all(&state);
    let app = router(state);
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown())
    .await?;
    Ok(())
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
